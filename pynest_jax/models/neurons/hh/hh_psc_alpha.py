"""hh_psc_alpha: Hodgkin-Huxley neuron, alpha-shaped synaptic currents
(NEST models/hh_psc_alpha.{h,cpp}); GSL rkf45.

A spike is emitted at the maximum of an action potential: V >= 0 mV and V
falling during the step (not refractory). Refractoriness only blocks the
detection; the dynamics run on.
"""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params
from .._keys import CONDUCTANCE, alpha_kinetics, tau_syn
from ..iaf._checks import first_violation
from . import _common as h

ODE = ("V_m", "Act_m", "Inact_h", "Act_n", "dI_ex", "I_syn_ex", "dI_in", "I_syn_in")


def rates(V, exp):
    """Rate functions (1/ms) of V in mV (plain numbers), NEST's expressions."""
    alpha_n = (0.01 * (V + 55.0)) / (1.0 - exp(-(V + 55.0) / 10.0))
    beta_n = 0.125 * exp(-(V + 65.0) / 80.0)
    alpha_m = (0.1 * (V + 40.0)) / (1.0 - exp(-(V + 40.0) / 10.0))
    beta_m = 4.0 * exp(-(V + 65.0) / 18.0)
    alpha_h = 0.07 * exp(-(V + 65.0) / 20.0)
    beta_h = 1.0 / (1.0 + exp(-(V + 35.0) / 10.0))
    return alpha_n, beta_n, alpha_m, beta_m, alpha_h, beta_h


# State_::State_: the gating variables at equilibrium for V = -65 mV
M0, H0, N0 = h.gating_at(rates, -65.0)


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


def hh_update(p, d, s, x, ctx, ode=ODE, derivs=derivatives):
    """update(); hh_psc_alpha_clopath's with its longer ``ode`` and ``derivs``."""
    U_old = s.V_m
    s, _ = _gsl.advance(p, s, ode, derivs, ctx, dict(I_stim=s.I_stim))
    # the inhibitory weight is stored with its sign: I_syn_in is negative
    dI_ex = s.dI_ex + x.ex * d.PSCurrInit_E
    dI_in = s.dI_in + x["in"] * d.PSCurrInit_I
    spike, r = h.spike_at_maximum(d, s, U_old, s.V_m.to_decimal(u.mV) >= 0)
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
        *CONDUCTANCE("t_ref g_Na g_K g_L C_m E_Na E_K E_L", g_L=30.0, C_m=100.0,
                     E_L=-54.402),
        *tau_syn("rise time of the {} alpha current", 0.2, 2.0), *CONDUCTANCE("I_e"),
    ),
    **h.tables(-65.0, (M0, H0, N0), alpha_kinetics("I_syn_{}", "dI_{}", u.pA, "current",
                                                   hidden=True, derivative_first=True), u.pA),
    check=check,
    derive=derive,
    update=hh_update,
    integrator=RKF45(h.CONTROL),
    archiving=Archiving(),
)
