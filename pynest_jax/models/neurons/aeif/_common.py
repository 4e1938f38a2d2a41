"""What the adaptive exponential integrate-and-fire models share (NEST
models/aeif_{cond,psc}_*.cpp): the membrane and adaptation equations, the
integration tolerance (``gsl_error_tol`` through ``control_yp_new``), and the
spike test that NEST runs after every accepted GSL sub-step, inside the
``while (t < step)`` loop (spike-driven adaptation can act within a step).
"""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import Channel, Param, State
from .. import _gsl
from .._common import neuron_params, neuron_state
from .._keys import CONDUCTANCE
from ..iaf._checks import first_violation

# Parameters_::set: the exponential must not overflow at V_peak (1e20 margin)
MAX_EXP_ARG = float(np.log(np.finfo(float).max / 1e20))


def membrane_params(*synapse):
    """Parameters in NEST's GetDefaults order is irrelevant (sorted); the
    synapse-specific ones are added by each model."""
    return (
        Param("V_peak", 0.0, u.mV, "spike detection threshold"),
        *CONDUCTANCE("V_reset t_ref g_L C_m E_L", t_ref=0.0, g_L=30.0, C_m=281.0, E_L=-70.6),
        Param("Delta_T", 2.0, u.mV, "slope factor of the exponential"),
        Param("tau_w", 144.0, u.ms, "adaptation time constant"),
        Param("a", 4.0, u.nS, "subthreshold adaptation"),
        Param("b", 80.5, u.pA, "spike-triggered adaptation"),
        Param("V_th", -50.4, u.mV, "spike initiation threshold"),
        *synapse, *CONDUCTANCE("I_e"),
        Param("gsl_error_tol", 1e-6, None, "error tolerance of the GSL integrator"),
    )


V_M, = CONDUCTANCE("V_m", V_m=-70.6)
W = State("w", 0.0, u.pA, "adaptation current")
REFRACTORY, I_STIM = CONDUCTANCE("r I_stim")

COND_CHANNELS = (Channel("ex", u.nS), Channel("in", u.nS), Channel("currents", u.pA))
PSC_CHANNELS = (Channel("ex", u.pA), Channel("in", u.pA), Channel("currents", u.pA))
SPIKE_RECEPTORS = {0: ("ex", "in")}


def tables(synapse_params, synapse_state, channels, check_order, C_m_msg):
    """The tables of an aeif model with fixed ex/in synapses: its synapses' parameters
    and state, conductance or current channels; ``check``'s order and wording. The
    synaptic conductances (currents) are recordable, not their derivatives."""
    recorded = [s.name for s in synapse_state if s.unit == channels[0].unit]
    return dict(params=neuron_params(*membrane_params(*synapse_params)),
                state=neuron_state(V_M, *synapse_state, W, REFRACTORY, I_STIM,
                                   _gsl.INTEGRATION_STEP),
                channels=channels, spike_receptors=SPIKE_RECEPTORS,
                recordables=tuple(sorted(["V_m", "w", *recorded])),
                check=check(check_order, C_m_msg, ("tau_syn_ex", "tau_syn_in", "tau_w")))


def control(p):
    return _gsl.control_yp(p.gsl_error_tol)


def check(first, c_m_msg, tau_keys, tau_msg="All time constants must be strictly positive."):
    """Parameters_::set of the aeif models: the same tests in three orders
    (``first``: 'reset' tests V_reset < V_peak first, 'peak' V_peak >= V_th first,
    'peak_reset' both first: the multisynapse models),
    with each model's wording for C_m and the time constants."""
    reset = (lambda p: p["V_reset"] >= p["V_peak"],
             "Ensure that V_reset < V_peak ." if first == "reset" else
             "Ensure that: V_reset < V_peak .")
    delta_neg = (lambda p: p["Delta_T"] < 0.0, "Delta_T must be positive.")
    overflow = (lambda p: (p["Delta_T"] > 0.0) & (
        (p["V_peak"] - p["V_th"]) / np.where(p["Delta_T"] > 0, p["Delta_T"], 1.0) >= MAX_EXP_ARG),
        "The current combination of V_peak, V_th and Delta_Twill lead to numerical overflow "
        "at spike time; tryfor instance to increase Delta_T or to reduce V_peakto avoid this "
        "problem.")
    peak = (lambda p: p["V_peak"] < p["V_th"], "V_peak >= V_th required.")
    head = {"reset": (reset, delta_neg, overflow, peak),
            "peak": (peak, delta_neg, overflow, reset),
            "peak_reset": (peak, reset, delta_neg, overflow)}[first]
    return first_violation(
        *head,
        (lambda p: p["C_m"] <= 0, c_m_msg),
        (lambda p: p["t_ref"] < 0, "Refractory time cannot be negative."),
        (lambda p: np.any([np.asarray(p[k]) <= 0 for k in tau_keys], axis=0), tau_msg),
        (lambda p: p["gsl_error_tol"] <= 0.0, "The gsl_error_tol must be strictly positive."),
    )


def clamped_V(p, V_m, aux):
    """V as the right-hand side sees it: V_reset while refractory, else at most
    V_peak (P_.V_peak_, not the effective V_peak: also when Delta_T == 0)."""
    return u.math.where(aux["r"] > 0, p.V_reset, u.math.minimum(V_m, p.V_peak))


def I_spike(p, V):
    """g_L Delta_T exp((V - V_th) / Delta_T); 0 for Delta_T == 0."""
    on = p.Delta_T.mantissa != 0.0
    safe = u.math.where(on, p.Delta_T, 1.0 * u.mV)
    return u.math.where(on, p.g_L * p.Delta_T * u.math.exp((V - p.V_th) / safe),
                        0.0 * u.pA)


def dV_dt(p, V, I_syn, w, aux):
    """``I_syn`` is what NEST adds after I_spike, as it adds it (its sign and order)."""
    refractory = aux["r"] > 0
    dV = (-p.g_L * (V - p.E_L) + I_spike(p, V) + I_syn - w + p.I_e + aux["I_stim"]) / p.C_m
    return u.math.where(refractory, jnp.zeros_like(dV.mantissa) * dV.unit, dV)


def dw_dt(p, V, w):
    return (p.a * (V - p.E_L) - w) / p.tau_w


def V_peak_effective(p):
    """pre_run_hook: V_peak for Delta_T > 0, else V_th (iaf-like spiking)."""
    return u.math.where(p.Delta_T.mantissa > 0.0, p.V_peak, p.V_th)


def spike_test(p, y, aux):
    """After each accepted sub-step: clamp while refractory, else fire at V_peak:
    reset V, add b to w, r = refractory_counts + 1 (0 without refractoriness)."""
    refractory = aux["r"] > 0
    fire = ~refractory & (y.V_m >= V_peak_effective(p))
    n = aux["refr_steps"]
    r = jnp.where(fire, jnp.where(n > 0, n + 1, 0), aux["r"])
    y = y.replace(V_m=u.math.where(refractory | fire, p.V_reset, y.V_m),
                  w=u.math.where(fire, y.w + p.b, y.w))
    return y, dict(aux, r=r, spikes=aux["spikes"] + fire.astype(aux["spikes"].dtype))


def advance(p, s, ode, derivatives, ctx, after_step=spike_test, **extra):
    """Integrate one step with the spike test inside; then NEST's ``--r``.
    Returns ``(s, spikes, aux)``."""
    n = s.r.shape[0]
    aux = dict(r=s.r, I_stim=s.I_stim, refr_steps=ctx.steps(p.t_ref).astype(s.r.dtype),
               spikes=jnp.zeros((n,), jnp.int32), **extra)
    s, aux = _gsl.advance(p, s, ode, derivatives, ctx, aux, after_step)
    r = jnp.where(aux["r"] > 0, aux["r"] - 1, aux["r"])
    return s.replace(r=r), aux["spikes"], aux
