"""iaf_cond_beta: leaky integrate-and-fire, beta-shaped synaptic conductances
(NEST models/iaf_cond_beta.{h,cpp}); GSL rkf45."""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel, Param
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state
from .._keys import CONDUCTANCE
from . import _common as c

DBL_EPSILON = np.finfo(float).eps


def derivatives(p, y, aux):
    # iaf_cond_beta_dynamics as NEST writes it: dg decays with tau_decay, g with tau_rise
    return dict(V_m=c.dV_dt(p, y.V_m, y.g_ex, y.g_in, aux),
                dg_ex=-y.dg_ex / p.tau_decay_ex, g_ex=y.dg_ex - y.g_ex / p.tau_rise_ex,
                dg_in=-y.dg_in / p.tau_decay_in, g_in=y.dg_in - y.g_in / p.tau_rise_in)


def beta_normalization_factor(tau_rise, tau_decay):
    """libnestutil/beta_normalization_factor.h: 1 / peak of the beta function
    (times the rate difference); the alpha function's e/tau when the peak vanishes."""
    tr, td = tau_rise.to_decimal(u.ms), tau_decay.to_decimal(u.ms)
    diff = td - tr
    distinct = jnp.abs(diff) > DBL_EPSILON
    safe = jnp.where(distinct, diff, 1.0)
    t_peak = td * tr * jnp.log(td / tr) / safe
    peak = jnp.where(distinct, jnp.exp(-t_peak / td) - jnp.exp(-t_peak / tr), 0.0)
    alpha = jnp.abs(peak) < DBL_EPSILON
    value = jnp.where(alpha, np.e / td, (1.0 / tr - 1.0 / td) / jnp.where(alpha, 1.0, peak))
    return u.Quantity(value, unit=u.ms ** -1)


def derive(p, ctx):
    return dict(refr_steps=ctx.steps(p.t_ref),
                PSConInit_E=beta_normalization_factor(p.tau_rise_ex, p.tau_decay_ex),
                PSConInit_I=beta_normalization_factor(p.tau_rise_in, p.tau_decay_in))


update = c.two_state_update(derivatives)


iaf_cond_beta = NeuronModel(
    name="iaf_cond_beta",
    doc="Leaky integrate-and-fire neuron with beta-shaped synaptic conductances.",
    params=neuron_params(
        *c.MEMBRANE_PARAMS,
        Param("tau_rise_ex", 0.2, u.ms, "rise time of the excitatory conductance"),
        Param("tau_decay_ex", 0.2, u.ms, "decay time of the excitatory conductance"),
        Param("tau_rise_in", 2.0, u.ms, "rise time of the inhibitory conductance"),
        Param("tau_decay_in", 2.0, u.ms, "decay time of the inhibitory conductance"),
        *CONDUCTANCE("I_e"),
    ),
    state=neuron_state(
        *c.TWO_STATE_CONDUCTANCES,
        c.REFRACTORY, c.I_STIM, c.T_REF_REMAINING, _gsl.INTEGRATION_STEP,
    ),
    channels=c.CHANNELS,
    spike_receptors=c.SPIKE_RECEPTORS,
    recordables=("V_m", "g_ex", "g_in", "t_ref_remaining"),
    check=c.check("tau_rise_ex", "tau_decay_ex", "tau_rise_in", "tau_decay_in"),
    derive=derive,
    update=update,
    integrator=RKF45(c.CONTROL),
    archiving=Archiving(),
)
