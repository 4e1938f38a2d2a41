"""gif_psc_exp_multisynapse: gif_psc_exp with receptor ports 1..n, each an exponential
current with its own tau_syn (NEST models/gif_psc_exp_multisynapse.{h,cpp}).

Unlike gif_psc_exp, V_m takes the ports' currents of the previous step (summed port by
port before they decay and take this step's spikes)."""

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import State
from ....numerics.propagators import iaf_propagator_exp
from .. import _multisynapse as ms
from .._common import neuron_state
from . import _common as c
from ._common import m, mV, pA
from .gif_psc_exp import gif_psc_exp


def derive(p, ctx):
    h = ctx.h_ms
    C, tau_m = m(p.C_m, u.pF), m(p.C_m, u.pF) / m(p.g_L, u.nS)
    e = jnp.expm1(-h / tau_m)
    tau = u.Quantity(tau_m, unit=u.ms)[:, None]
    return dict(P11=jnp.exp(-h / m(p.tau_syn, u.ms)),
                P21=m(iaf_propagator_exp(p.tau_syn, tau, p.C_m[:, None], ctx.h), u.mV / u.pA),
                P33=jnp.exp(-h / tau_m), P30=-1 / C * e * tau_m, P31=-e,
                refr_steps=ctx.steps(p.t_ref))


def update(p, d, s, x, ctx):
    """gif_psc_exp_multisynapse::update."""
    stc, sfa, stc_e, sfa_e = c.adaptation(p, s)
    R = ms.n_ports_of(p, "tau_syn")
    i_syn = m(s.i_syn, pA)
    syn_pot = ms.sequential_sum([d.P21[:, i] * i_syn[:, i] for i in range(R)], 0.0)
    spikes = jnp.stack([m(v, pA) for v in ms.ports_input(x, R)], axis=1)
    i_syn = d.P11 * i_syn + spikes
    V = (d.P30 * (m(s.I_stim, pA) + m(p.I_e, pA) - stc) + d.P33 * m(s.V_m, mV)
         + d.P31 * m(p.E_L, mV) + syn_pot)
    out, V, spike = c.fire(p, s, V, stc, sfa, stc_e, sfa_e, d.refr_steps, ctx)
    return s.replace(V_m=u.Quantity(V, unit=mV), i_syn=u.Quantity(i_syn, unit=pA),
                     I_stim=x.currents, **out), spike


def _port_rules(i, vals, old, new):
    for (t,) in ms.each_port(vals, i, ("tau_syn",)):
        if t <= 0:
            return "All synaptic time constants must be > 0."
    return None


gif_psc_exp_multisynapse = ms.variant(
    gif_psc_exp, "gif_psc_exp_multisynapse",
    doc="Current-based generalized integrate-and-fire neuron with escape noise and "
        "exponential currents on any number of receptor ports.",
    drop=("tau_syn_ex", "tau_syn_in"),
    params=(ms.port_param("tau_syn", 2.0, u.ms, "time constant of each port's current"),
            ms.count_param("n_receptors"), ms.HAS_CONNECTIONS),
    state=neuron_state(*c.state(
        State("V_m", -70.0, mV, "membrane potential"),
        State("i_syn", 0.0, pA, "each port's current", hidden=True, per_port=True))),
    channels=ms.CURRENTS, spike_receptors={}, current_receptors={0: "currents"},
    ports="n_receptors", port_unit=pA, port_recordables=(),
    recordables=("E_sfa", "I_stc", "V_m"),
    check=c.check(),
    on_set=lambda old, new, ctx: PORTS(old, c.on_set(old, new, ctx), ctx),
    derive=derive,
    update=update,
)
PORTS = ms.on_set("n_receptors", ("tau_syn",), _port_rules, grow_only=True)
