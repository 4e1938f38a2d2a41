"""iaf_psc_delta: leaky integrate-and-fire, delta-shaped synaptic input
(NEST models/iaf_psc_delta.{h,cpp}). Exact integration on the grid."""

import jax
import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import Exact
from .._common import Archiving, IGNORE_AND_SPIKE_STATE, neuron_params, neuron_state
from .._keys import PSC
from . import _common as c
from ._checks import iaf_psc_delta_check


def derive(p, ctx):
    h = ctx.h
    P33 = u.math.exp(-h / p.tau_m)
    # iaf_psc_delta::pre_run_hook's order of operations, for the same rounding
    # whether any neuron accumulates refractory input: once per set of parameters, not
    # a reduction over the population at every step (over 2 devices, an exchange)
    return dict(P33=P33, P30=1 / p.C_m * (1 - P33) * p.tau_m, refr_steps=ctx.steps(p.t_ref),
                any_refractory_input=jnp.any(p.refractory_input))


def update(p, d, s, x, ctx):
    """One step of iaf_psc_delta::update; V_m, V_th, V_reset, V_min relative to E_L."""
    free = s.r == 0
    spikes_in = x.spikes
    # Input during refractoriness is either dropped or accumulated, discounted
    # by the remaining refractory decay (refractory_input=True).
    # (an exponential per neuron and step: computed only where a neuron asks for it)
    refr_buf = jax.lax.cond(
        d.any_refractory_input,
        lambda: jnp.where(free | ~p.refractory_input, s.refr_spikes_buffer,
                          s.refr_spikes_buffer + spikes_in.to_decimal(u.mV)
                          * u.math.exp(-s.r * ctx.h / p.tau_m)),
        lambda: s.refr_spikes_buffer)
    V = d.P30 * (s.y0 + p.I_e) + d.P33 * s.V_m + spikes_in
    flush = free & p.refractory_input & (refr_buf != 0.0)
    V = V + jnp.where(flush, refr_buf, 0.0) * u.mV
    refr_buf = jnp.where(flush, 0.0, refr_buf)
    V = u.math.maximum(V, p.V_min)
    V = u.math.where(free, V, s.V_m)
    r = jnp.where(free, s.r, s.r - 1)

    spike = ctx.spike_due(V >= p.V_th)
    V = u.math.where(spike, p.V_reset, V)
    r = jnp.where(spike, d.refr_steps, r)
    return s.replace(V_m=V, r=r, y0=x.currents, refr_spikes_buffer=refr_buf), spike


iaf_psc_delta = NeuronModel(
    name="iaf_psc_delta",
    doc="Leaky integrate-and-fire neuron with delta-shaped postsynaptic potentials.",
    params=neuron_params(
        *c.MEMBRANE, c.V_min(-1.7976931348623157e308), *PSC("I_e"),
        Param("refractory_input", False, None, "accumulate input arriving during refractoriness",
              dtype="bool"),
    ),
    state=neuron_state(
        *PSC("V_m y0 r"),
        State("refr_spikes_buffer", 0.0, None, "input accumulated while refractory (mV)",
              hidden=True),
        *IGNORE_AND_SPIKE_STATE,
    ),
    channels=(Channel("spikes", u.mV), Channel("currents", u.pA)),
    recordables=("V_m",),
    check=iaf_psc_delta_check,
    derive=derive,
    update=update,
    integrator=Exact(),
    archiving=Archiving(ignore_and_spike=True),
)
