"""iaf_psc_exp_multisynapse: iaf_psc_exp with receptor ports 1..n, each an
exponential current with its own tau_syn (NEST models/iaf_psc_exp_multisynapse.{h,cpp}).
Exact integration on the grid; no escape noise, no current receptor 1."""

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import State
from ....numerics.propagators import iaf_propagator_exp
from .. import _multisynapse as ms
from .._common import neuron_state
from .._keys import PSC
from . import _common as c
from .iaf_psc_exp import iaf_psc_exp


def derive(p, ctx):
    h = ctx.h
    P22 = u.math.exp(-h / p.tau_m)
    return dict(P22=P22, P20=p.tau_m / p.C_m * (1.0 - P22),
                P11=u.math.exp(-h / p.tau_syn),
                P21=iaf_propagator_exp(p.tau_syn, p.tau_m[:, None], p.C_m[:, None], h),
                refr_steps=ctx.steps(p.t_ref))


def update(p, d, s, x, ctx):
    """One step of iaf_psc_exp_multisynapse::update; V_m etc. relative to E_L."""
    R = ms.n_ports_of(p, "tau_syn")
    free = s.r == 0
    V = s.V_m * d.P22 + (p.I_e + s.I_const) * d.P20
    for i in range(R):  # port by port, as NEST's loop adds
        V = V + d.P21[:, i] * s.i_syn[:, i]
    V = u.math.where(free, V, s.V_m)
    r = jnp.where(free, s.r, s.r - 1)
    spikes = u.math.stack(ms.ports_input(x, R), axis=1)  # (n, ports)
    i_syn = s.i_syn * d.P11 + spikes
    spike = V >= p.V_th
    V = u.math.where(spike, p.V_reset, V)
    r = jnp.where(spike, d.refr_steps, r)
    return s.replace(V_m=V, r=r, i_syn=i_syn, I_const=x.currents), spike


def _port_rules(i, vals, old, new):
    """Each port in turn: positive, and not tau_m (the propagator's singular case
    is refused here, unlike iaf_psc_exp)."""
    tau_m = ms.value(old, new, "tau_m", i)
    for (t,) in ms.each_port(vals, i, ("tau_syn",)):
        if t <= 0:
            return "All synaptic time constants must be strictly positive."
        if t == tau_m:
            return "Membrane and synapse time constant(s) must differ. See note in documentation."
    return None


iaf_psc_exp_multisynapse = ms.variant(
    iaf_psc_exp, "iaf_psc_exp_multisynapse",
    doc="Leaky integrate-and-fire neuron with exponential currents on any number of "
        "receptor ports.",
    drop=("tau_syn_ex", "tau_syn_in", "rho", "delta"),
    params=(ms.port_param("tau_syn", 2.0, u.ms, "time constant of each port's current"),
            *c.PORT_COUNT),
    state=neuron_state(
        *PSC("V_m"),
        State("i_syn", 0.0, u.pA, "each port's current", hidden=True, per_port=True),
        State("I_const", 0.0, u.pA, "input current of the last step", hidden=True),
        *PSC("r"),
    ),
    **c.multisynapse_tables("Capacitance must be > 0."),
    record=c.record_ports("i_syn"),
    on_set=ms.on_set("n_synapses", ("tau_syn",), _port_rules),
    derive=derive,
    update=update,
    uses_rng=False,
)
