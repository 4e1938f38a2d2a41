"""What hh_psc_alpha and hh_cond_exp_traub share (NEST models/hh_psc_alpha.cpp,
hh_cond_exp_traub.cpp): the gating variables' initial values from the rate
functions, and the spike at the maximum of an action potential."""

import math

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import Channel
from .. import _gsl
from .._common import neuron_state
from .._keys import CONDUCTANCE

# init_buffers_: gsl_odeiv_control_y_new(1e-3, 0.0)
CONTROL = _gsl.control_y(1e-3, 0.0)


def gating_at(rates, V):
    """State_::State_: m, h and n at equilibrium for the rates at V (mV, a plain number,
    libm's exp)."""
    a_n, b_n, a_m, b_m, a_h, b_h = rates(V, math.exp)
    return a_m / (a_m + b_m), a_h / (a_h + b_h), a_n / (a_n + b_n)


def tables(V_m, gating, synapse_state, unit):
    """The state, channels, spike receptors and recordables of an hh model: V_m and the
    gating variables (m, h, n) with their initial values, the synapses' state (the
    values in the channels' ``unit`` are recordable, not their derivatives)."""
    m, h, n = gating
    recorded = [s.name for s in synapse_state if s.unit == unit]
    return dict(
        state=neuron_state(
            *CONDUCTANCE("V_m Act_m Inact_h Act_n", V_m=V_m, Act_m=m, Inact_h=h, Act_n=n),
            *synapse_state, *CONDUCTANCE("r I_stim"), _gsl.INTEGRATION_STEP),
        channels=(Channel("ex", unit), Channel("in", unit), Channel("currents", u.pA)),
        spike_receptors={0: ("ex", "in")},
        recordables=tuple(sorted(["V_m", "Act_m", "Inact_h", "Act_n", *recorded])))


def spike_at_maximum(d, s, V_before, above_threshold):
    """update(): a spike where not refractory, V_m above the threshold and falling
    during the step; refractoriness only counts down (it blocks the detection, not
    the dynamics). Returns the spikes and the new refractory count."""
    refractory = s.r > 0
    spike = ~refractory & above_threshold & (V_before > s.V_m)
    return spike, jnp.where(refractory, s.r - 1, jnp.where(spike, d.refr_steps, s.r))
