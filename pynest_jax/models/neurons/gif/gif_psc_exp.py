"""gif_psc_exp: generalized integrate-and-fire with escape noise, a spike-triggered
current and a moving threshold, exponential synaptic currents (NEST
models/gif_psc_exp.{h,cpp}); exact integration on the grid."""

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import NeuronModel, Param, State
from ...integrators import Exact
from ....numerics.propagators import iaf_propagator_exp
from .._common import neuron_state
from . import _common as c
from ._common import m, mV, pA

ms = u.ms


def derive(p, ctx):
    h = ctx.h_ms
    C, tau_m = m(p.C_m, u.pF), m(p.C_m, u.pF) / m(p.g_L, u.nS)
    e = jnp.expm1(-h / tau_m)
    q = lambda x: u.Quantity(x, unit=ms)  # noqa: E731
    return dict(P11ex=jnp.exp(-h / m(p.tau_syn_ex, ms)), P11in=jnp.exp(-h / m(p.tau_syn_in, ms)),
                P21ex=m(iaf_propagator_exp(p.tau_syn_ex, q(tau_m), p.C_m, ctx.h), u.mV / u.pA),
                P21in=m(iaf_propagator_exp(p.tau_syn_in, q(tau_m), p.C_m, ctx.h), u.mV / u.pA),
                P33=jnp.exp(-h / tau_m), P30=-1 / C * e * tau_m, P31=-e,
                refr_steps=ctx.steps(p.t_ref))


def update(p, d, s, x, ctx):
    """gif_psc_exp::update: adaptation sums and decay, currents decay and take this
    step's spikes, then V_m with the new currents and the escape-noise draw."""
    stc, sfa, stc_e, sfa_e = c.adaptation(p, s)
    I_ex = m(s.I_syn_ex, pA) * d.P11ex + m(x.ex, pA)
    I_in = m(s.I_syn_in, pA) * d.P11in + m(x["in"], pA)
    V = (d.P30 * (m(s.I_stim, pA) + m(p.I_e, pA) - stc) + d.P33 * m(s.V_m, mV)
         + d.P31 * m(p.E_L, mV) + I_ex * d.P21ex + I_in * d.P21in)
    out, V, spike = c.fire(p, s, V, stc, sfa, stc_e, sfa_e, d.refr_steps, ctx)
    return s.replace(V_m=u.Quantity(V, unit=mV), I_syn_ex=u.Quantity(I_ex, unit=pA),
                     I_syn_in=u.Quantity(I_in, unit=pA), I_stim=x.currents, **out), spike


gif_psc_exp = NeuronModel(
    name="gif_psc_exp",
    doc="Current-based generalized integrate-and-fire neuron with escape noise, "
        "spike-triggered current and threshold adaptation.",
    params=c.params(Param("tau_syn_ex", 2.0, ms, "decay time of the excitatory current"),
                    Param("tau_syn_in", 2.0, ms, "decay time of the inhibitory current")),
    state=neuron_state(*c.state(
        State("V_m", -70.0, mV, "membrane potential"),
        State("I_syn_ex", 0.0, pA, "excitatory synaptic current", hidden=True),
        State("I_syn_in", 0.0, pA, "inhibitory synaptic current", hidden=True))),
    **c.tables(pA, ("E_sfa", "I_stc", "I_syn_ex", "I_syn_in", "V_m"),
               "tau_syn_ex", "tau_syn_in"),
    derive=derive,
    update=update,
    integrator=Exact(),
)
