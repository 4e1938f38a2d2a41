"""hh_psc_alpha: Hodgkin-Huxley neuron, alpha-shaped synaptic currents
(NEST models/hh_psc_alpha.{h,cpp}); GSL rkf45.

A spike is emitted at the maximum of an action potential: V >= 0 mV and V
falling during the step (not refractory). Refractoriness only blocks the
detection; the dynamics run on.
"""

import math

import brainunit as u
import jax.numpy as jnp
import numpy as np

from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state
from ..iaf._checks import first_violation

ODE = ("V_m", "Act_m", "Inact_h", "Act_n", "dI_ex", "I_syn_ex", "dI_in", "I_syn_in")
CONTROL = _gsl.control_y(1e-3, 0.0)


def rates(V, exp):
    """Rate functions (1/ms) of V in mV (plain numbers), NEST's expressions."""
    alpha_n = (0.01 * (V + 55.0)) / (1.0 - exp(-(V + 55.0) / 10.0))
    beta_n = 0.125 * exp(-(V + 65.0) / 80.0)
    alpha_m = (0.1 * (V + 40.0)) / (1.0 - exp(-(V + 40.0) / 10.0))
    beta_m = 4.0 * exp(-(V + 65.0) / 18.0)
    alpha_h = 0.07 * exp(-(V + 65.0) / 20.0)
    beta_h = 1.0 / (1.0 + exp(-(V + 35.0) / 10.0))
    return alpha_n, beta_n, alpha_m, beta_m, alpha_h, beta_h


def _steady_state(V):
    # State_::State_: gating variables at equilibrium for V = -65 mV
    a_n, b_n, a_m, b_m, a_h, b_h = rates(V, math.exp)
    return a_m / (a_m + b_m), a_h / (a_h + b_h), a_n / (a_n + b_n)


M0, H0, N0 = _steady_state(-65.0)


def derivatives(p, y, aux):
    V = y.V_m
    a_n, b_n, a_m, b_m, a_h, b_h = rates(V.to_decimal(u.mV), jnp.exp)
    m, h, n = y.Act_m, y.Inact_h, y.Act_n
    I_Na = p.g_Na * m * m * m * h * (V - p.E_Na)
    I_K = p.g_K * n * n * n * n * (V - p.E_K)
    I_L = p.g_L * (V - p.E_L)
    dV = (-(I_Na + I_K + I_L) + aux["I_stim"] + p.I_e + y.I_syn_ex + y.I_syn_in) / p.C_m
    return dict(V_m=dV,
                Act_m=a_m * (1 - m) - b_m * m, Inact_h=a_h * (1 - h) - b_h * h,
                Act_n=a_n * (1 - n) - b_n * n,
                dI_ex=-y.dI_ex / p.tau_syn_ex, I_syn_ex=y.dI_ex - y.I_syn_ex / p.tau_syn_ex,
                dI_in=-y.dI_in / p.tau_syn_in, I_syn_in=y.dI_in - y.I_syn_in / p.tau_syn_in)


def derive(p, ctx):
    return dict(refr_steps=ctx.steps(p.t_ref),
                PSCurrInit_E=1.0 * np.e / p.tau_syn_ex, PSCurrInit_I=1.0 * np.e / p.tau_syn_in)


def update(p, d, s, x, ctx):
    U_old = s.V_m
    s, _ = _gsl.advance(p, s, ODE, derivatives, ctx, dict(I_stim=s.I_stim))
    # the inhibitory weight is stored with its sign: I_syn_in is negative
    dI_ex = s.dI_ex + x.ex * d.PSCurrInit_E
    dI_in = s.dI_in + x["in"] * d.PSCurrInit_I
    refractory = s.r > 0
    spike = ~refractory & (s.V_m.to_decimal(u.mV) >= 0) & (U_old > s.V_m)
    r = jnp.where(refractory, s.r - 1, jnp.where(spike, d.refr_steps, s.r))
    return s.replace(dI_ex=dI_ex, dI_in=dI_in, r=r, I_stim=x.currents), spike


check = first_violation(
    (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
    (lambda p: p["t_ref"] < 0, "Refractory time cannot be negative."),
    (lambda p: (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0),
     "All time constants must be strictly positive."),
    (lambda p: (p["g_K"] < 0) | (p["g_Na"] < 0) | (p["g_L"] < 0),
     "All conductances must be non-negative."),
)

hh_psc_alpha = NeuronModel(
    name="hh_psc_alpha",
    doc="Hodgkin-Huxley neuron model with alpha-shaped postsynaptic currents.",
    params=neuron_params(
        Param("t_ref", 2.0, u.ms, "duration of the refractory period"),
        Param("g_Na", 12000.0, u.nS, "sodium peak conductance"),
        Param("g_K", 3600.0, u.nS, "potassium peak conductance"),
        Param("g_L", 30.0, u.nS, "leak conductance"),
        Param("C_m", 100.0, u.pF, "membrane capacitance"),
        Param("E_Na", 50.0, u.mV, "sodium reversal potential"),
        Param("E_K", -77.0, u.mV, "potassium reversal potential"),
        Param("E_L", -54.402, u.mV, "leak reversal potential"),
        Param("tau_syn_ex", 0.2, u.ms, "rise time of the excitatory alpha current"),
        Param("tau_syn_in", 2.0, u.ms, "rise time of the inhibitory alpha current"),
        Param("I_e", 0.0, u.pA, "constant input current"),
    ),
    state=neuron_state(
        State("V_m", -65.0, u.mV, "membrane potential"),
        State("Act_m", M0, None, "sodium activation"),
        State("Inact_h", H0, None, "sodium inactivation"),
        State("Act_n", N0, None, "potassium activation"),
        State("dI_ex", 0.0, u.pA / u.ms, "derivative of the excitatory current", hidden=True),
        State("I_syn_ex", 0.0, u.pA, "excitatory synaptic current", hidden=True),
        State("dI_in", 0.0, u.pA / u.ms, "derivative of the inhibitory current", hidden=True),
        State("I_syn_in", 0.0, u.pA, "inhibitory synaptic current", hidden=True),
        State("r", 0, None, "refractory steps left", dtype="int", hidden=True),
        State("I_stim", 0.0, u.pA, "input current of the last step", hidden=True),
        _gsl.INTEGRATION_STEP,
    ),
    channels=(Channel("ex", u.pA), Channel("in", u.pA), Channel("currents", u.pA)),
    spike_receptors={0: ("ex", "in")},
    recordables=("Act_m", "Act_n", "I_syn_ex", "I_syn_in", "Inact_h", "V_m"),
    check=check,
    derive=derive,
    update=update,
    integrator=RKF45(CONTROL),
    archiving=Archiving(),
)
