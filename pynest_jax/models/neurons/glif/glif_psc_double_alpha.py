"""glif_psc_double_alpha: glif_psc with each port's current the sum of a fast and a
slow alpha function, the slow one scaled by amp_slow
(NEST models/glif_psc_double_alpha.{h,cpp}). Exact integration on the grid."""

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import State
from .. import _multisynapse as ms
from .._common import neuron_params, neuron_state
from . import _common as c
from .glif_psc import glif_psc, membrane, membrane_derive, port_state, psc_propagators, psc_step

pA = u.pA


def derive(p, ctx):
    return {**membrane_derive(p, ctx), **psc_propagators(p, ctx, p.tau_syn_fast, "fast_"),
            **psc_propagators(p, ctx, p.tau_syn_slow, "slow_", amp=p.amp_slow)}


def update(p, d, s, x, ctx):
    """glif_psc_double_alpha::update: the fast ports, then the slow ones, add to V_m."""
    free = s.r == 0
    asc_sum, asc = c.asc_step(s, free, p.after_spike_currents)
    U, v_old, I, (fast, slow) = membrane(d, s, asc_sum, (("fast_", "y1_fast", "y2_fast"),
                                                         ("slow_", "y1_slow", "y2_slow")))
    fields, spike = c.threshold_and_spike(p, d, s, free, U, v_old, I, asc_sum, asc, "g")
    I_syn = jnp.where(free, fast + slow, c.m(s.I_syn, pA))
    return s.replace(**fields, **psc_step(d, s, x, "fast_", "y1_fast", "y2_fast"),
                     **psc_step(d, s, x, "slow_", "y1_slow", "y2_slow"),
                     I_syn=u.Quantity(I_syn, unit=pA), I=x.currents), spike


glif_psc_double_alpha = ms.variant(
    glif_psc, "glif_psc_double_alpha",
    doc="Generalized leaky integrate-and-fire neuron (glif1..5) with double alpha-shaped "
        "postsynaptic currents on receptor ports 1..n.",
    drop=("tau_syn",),
    params=neuron_params(
        ms.port_param("tau_syn_fast", 2.0, u.ms, "rise time of each port's fast alpha current"),
        ms.port_param("tau_syn_slow", 6.0, u.ms, "rise time of each port's slow alpha current"),
        ms.port_param("amp_slow", 0.3, None, "amplitude of the slow relative to the fast one"),
    )[:3],
    state=neuron_state(*c.state("tau_syn_fast", State("I_syn", 0.0, pA, "synaptic current",
                                                      hidden=True),
                                *port_state("y1_fast", "y2_fast", "y1_slow", "y2_slow"))),
    port_list="tau_syn_fast",
    on_set=c.on_set(("tau_syn_fast", "tau_syn_slow", "amp_slow")),
    derive=derive,
    update=update,
)
