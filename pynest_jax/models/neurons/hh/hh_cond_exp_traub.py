"""hh_cond_exp_traub: Hodgkin-Huxley neuron after Traub and Miles (1991),
exponentially decaying synaptic conductances (NEST
models/hh_cond_exp_traub.{h,cpp}); GSL rkf45.

Spikes at the maximum of an action potential: V >= V_T + 30 mV and V falling
during the step (not refractory); refractoriness only blocks the detection.
"""

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import NeuronModel, Param
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params
from .._keys import CONDUCTANCE, tau_syn
from ..iaf._checks import first_violation
from . import _common as h

ODE = ("V_m", "Act_m", "Inact_h", "Act_n", "g_ex", "g_in")


def rates(V, exp):
    """Rate functions (1/ms) of V - V_T in mV (plain numbers), NEST's expressions."""
    alpha_n = 0.032 * (15.0 - V) / (exp((15.0 - V) / 5.0) - 1.0)
    beta_n = 0.5 * exp((10.0 - V) / 40.0)
    alpha_m = 0.32 * (13.0 - V) / (exp((13.0 - V) / 4.0) - 1.0)
    beta_m = 0.28 * (V - 40.0) / (exp((V - 40.0) / 5.0) - 1.0)
    alpha_h = 0.128 * exp((17.0 - V) / 18.0)
    beta_h = 4.0 / (1.0 + exp((40.0 - V) / 5.0))
    return alpha_n, beta_n, alpha_m, beta_m, alpha_h, beta_h


# State_::State_ evaluates the rates at V = E_L itself (not E_L - V_T)
M0, H0, N0 = h.gating_at(rates, -60.0)


def derivatives(p, y, aux):
    V_m = y.V_m
    m, h, n = y.Act_m, y.Inact_h, y.Act_n
    I_Na = p.g_Na * m * m * m * h * (V_m - p.E_Na)
    I_K = p.g_K * n * n * n * n * (V_m - p.E_K)
    I_L = p.g_L * (V_m - p.E_L)
    I_syn_exc = y.g_ex * (V_m - p.E_ex)
    I_syn_inh = y.g_in * (V_m - p.E_in)
    dV = (-I_Na - I_K - I_L - I_syn_exc - I_syn_inh + aux["I_stim"] + p.I_e) / p.C_m
    a_n, b_n, a_m, b_m, a_h, b_h = rates((V_m - p.V_T).to_decimal(u.mV), jnp.exp)
    return dict(V_m=dV,
                Act_m=a_m - (a_m + b_m) * m, Inact_h=a_h - (a_h + b_h) * h,
                Act_n=a_n - (a_n + b_n) * n,
                g_ex=-y.g_ex / p.tau_syn_ex, g_in=-y.g_in / p.tau_syn_in)


def derive(p, ctx):
    return dict(refr_steps=ctx.steps(p.t_ref))


def update(p, d, s, x, ctx):
    U_old = s.V_m
    s, _ = _gsl.advance(p, s, ODE, derivatives, ctx, dict(I_stim=s.I_stim))
    g_ex = s.g_ex + x.ex
    g_in = s.g_in + (-x["in"])
    spike, r = h.spike_at_maximum(d, s, U_old, s.V_m >= p.V_T + 30.0 * u.mV)
    return s.replace(g_ex=g_ex, g_in=g_in, r=r, I_stim=x.currents), spike


check = first_violation(
    (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
    (lambda p: (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0),
     "All time constants must be strictly positive."),
    (lambda p: p["t_ref"] < 0, "Refractory time cannot be negative."),
)

hh_cond_exp_traub = NeuronModel(
    name="hh_cond_exp_traub",
    doc="Hodgkin-Huxley model for Brette et al (2007) review (Traub and Miles 1991).",
    params=neuron_params(
        *CONDUCTANCE("g_Na g_K g_L C_m E_Na E_K E_L", g_Na=20000.0, g_K=6000.0, g_L=10.0,
                     C_m=200.0, E_K=-90.0, E_L=-60.0),
        Param("V_T", -63.0, u.mV, "voltage offset of the rate functions"),
        *CONDUCTANCE("E_ex E_in", E_in=-80.0),
        *tau_syn("decay time of the {} conductance", 5.0, 10.0), *CONDUCTANCE("t_ref I_e"),
    ),
    **h.tables(-60.0, (M0, H0, N0), CONDUCTANCE("g_ex g_in", hidden=True), u.nS),
    check=check,
    derive=derive,
    update=update,
    integrator=RKF45(h.CONTROL),
    archiving=Archiving(),
)
