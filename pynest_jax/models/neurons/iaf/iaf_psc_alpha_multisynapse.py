"""iaf_psc_alpha_multisynapse: iaf_psc_alpha with receptor ports 1..n, each an
alpha-shaped current with its own tau_syn (NEST models/iaf_psc_alpha_multisynapse.{h,cpp}).
Exact integration on the grid."""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import State
from ....numerics.propagators import iaf_propagator_alpha
from .. import _multisynapse as ms
from .._common import neuron_state
from .._keys import PSC
from . import _common as c
from .iaf_psc_alpha import iaf_psc_alpha


def derive(p, ctx):
    h = ctx.h
    tau = p.tau_syn  # (n, ports)
    tau_m, C_m = p.tau_m[:, None], p.C_m[:, None]
    # pre_run_hook: exp (not expm1) for the membrane, P30 as NEST groups it
    P33 = u.math.exp(-h / p.tau_m)
    P11 = u.math.exp(-h / tau)
    P31, P32 = iaf_propagator_alpha(tau, tau_m, C_m, h)
    return dict(P33=P33, P30=1 / p.C_m * (1 - P33) * p.tau_m, P11=P11, P22=P11, P21=h * P11,
                P31=P31, P32=P32, PSCInitialValues=1.0 * np.e / tau,
                refr_steps=ctx.steps(p.t_ref))


def update(p, d, s, x, ctx):
    """One step of iaf_psc_alpha_multisynapse::update; V_m etc. relative to E_L."""
    R = ms.n_ports_of(p, "tau_syn")
    free = s.r == 0
    V = d.P30 * (s.y0 + p.I_e) + d.P33 * s.V_m
    for i in range(R):  # port by port, as NEST's loop adds
        V = V + (d.P31[:, i] * s.y1_syn[:, i] + d.P32[:, i] * s.y2_syn[:, i])
    V = u.math.where(V < p.V_min, p.V_min, V)
    V = u.math.where(free, V, s.V_m)
    r = jnp.where(free, s.r, s.r - 1)

    spikes = u.math.stack(ms.ports_input(x, R), axis=1)  # (n, ports)
    y2 = d.P21 * s.y1_syn + d.P22 * s.y2_syn
    y1 = s.y1_syn * d.P11 + d.PSCInitialValues * spikes

    spike = V >= p.V_th
    V = u.math.where(spike, p.V_reset, V)
    r = jnp.where(spike, d.refr_steps, r)
    return s.replace(V_m=V, r=r, y1_syn=y1, y2_syn=y2, y0=x.currents), spike


iaf_psc_alpha_multisynapse = ms.variant(
    iaf_psc_alpha, "iaf_psc_alpha_multisynapse",
    doc="Leaky integrate-and-fire neuron with alpha-shaped currents on any number of "
        "receptor ports.",
    drop=("tau_syn_ex", "tau_syn_in"),
    params=(ms.port_param("tau_syn", 2.0, u.ms, "rise time of each port's alpha current"),
            *c.PORT_COUNT),
    state=neuron_state(
        *PSC("V_m"),
        State("y1_syn", 0.0, u.pA / u.ms, "derivative of each port's current", hidden=True,
              per_port=True),
        State("y2_syn", 0.0, u.pA, "each port's current", hidden=True, per_port=True),
        *PSC("y0 r"),
    ),
    **c.multisynapse_tables("Capacitance must be strictly positive."),
    record=c.record_ports("y2_syn"),
    on_set=ms.on_set("n_synapses", ("tau_syn",), lambda i, vals, old, new: (
        "All synaptic time constants must be strictly positive."
        if np.any(vals["tau_syn"][i] <= 0) else None)),
    derive=derive,
    update=update,
)
