"""iaf_cond_exp_sfa_rr: iaf_cond_exp with a spike-frequency-adaptation and a
relative-refractory conductance, each incremented at a spike (NEST
models/iaf_cond_exp_sfa_rr.{h,cpp}); GSL rkf45."""

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state
from .._keys import CONDUCTANCE, tau_syn
from ..iaf._checks import first_violation
from . import _common as c

ODE = ("V_m", "g_ex", "g_in", "g_sfa", "g_rr")


def derivatives(p, y, aux):
    """iaf_cond_exp_sfa_rr_dynamics: the sum in NEST's order (leak first)."""
    refractory = aux["r"] > 0
    V = u.math.where(refractory, p.V_reset, u.math.minimum(y.V_m, p.V_th))
    I_syn_exc = y.g_ex * (V - p.E_ex)
    I_syn_inh = y.g_in * (V - p.E_in)
    I_L = p.g_L * (V - p.E_L)
    I_sfa = y.g_sfa * (V - p.E_sfa)
    I_rr = y.g_rr * (V - p.E_rr)
    dV = (-I_L + aux["I_stim"] + p.I_e - I_syn_exc - I_syn_inh - I_sfa - I_rr) / p.C_m
    dV = u.math.where(refractory, jnp.zeros_like(dV.mantissa) * dV.unit, dV)
    return dict(V_m=dV, g_ex=-y.g_ex / p.tau_syn_ex, g_in=-y.g_in / p.tau_syn_in,
                g_sfa=-y.g_sfa / p.tau_sfa, g_rr=-y.g_rr / p.tau_rr)


def derive(p, ctx):
    return dict(refr_steps=ctx.steps(p.t_ref))


def update(p, d, s, x, ctx):
    """iaf_cond_exp_sfa_rr::update: integrate, this step's spikes, the threshold;
    a spike adds q_sfa and q_rr to the adaptation conductances."""
    s, _ = _gsl.advance(p, s, ODE, derivatives, ctx, dict(r=s.r, I_stim=s.I_stim))
    g_ex = s.g_ex + x.ex
    g_in = s.g_in - x["in"]
    V, r, spike = c.threshold_and_refractoriness(p, d, s.V_m, s.r)
    g_sfa = u.math.where(spike, s.g_sfa + p.q_sfa, s.g_sfa)
    g_rr = u.math.where(spike, s.g_rr + p.q_rr, s.g_rr)
    return s.replace(V_m=V, g_ex=g_ex, g_in=g_in, g_sfa=g_sfa, g_rr=g_rr, r=r,
                     I_stim=x.currents), spike


iaf_cond_exp_sfa_rr = NeuronModel(
    name="iaf_cond_exp_sfa_rr",
    doc="Conductance-based leaky integrate-and-fire neuron with spike-frequency "
        "adaptation and relative refractory mechanisms.",
    params=neuron_params(
        *CONDUCTANCE(c.MEMBRANE_KEYS, V_th=-57.0, V_reset=-70.0, t_ref=0.5, g_L=28.95,
                     C_m=289.5, E_in=-75.0),
        *tau_syn("decay time of the {} conductance", 1.5, 10.0), *CONDUCTANCE("I_e"),
        Param("tau_sfa", 110.0, u.ms, "decay time of the adaptation conductance"),
        Param("tau_rr", 1.97, u.ms, "decay time of the relative-refractory conductance"),
        Param("E_sfa", -70.0, u.mV, "reversal potential of the adaptation conductance"),
        Param("E_rr", -70.0, u.mV, "reversal potential of the relative-refractory conductance"),
        Param("q_sfa", 14.48, u.nS, "adaptation conductance added at a spike"),
        Param("q_rr", 3214.0, u.nS, "relative-refractory conductance added at a spike"),
    ),
    state=neuron_state(
        *CONDUCTANCE("V_m g_ex g_in"),
        State("g_sfa", 0.0, u.nS, "spike-frequency-adaptation conductance"),
        State("g_rr", 0.0, u.nS, "relative-refractory conductance"),
        c.REFRACTORY, c.I_STIM, _gsl.INTEGRATION_STEP,
    ),
    channels=c.CHANNELS,
    spike_receptors=c.SPIKE_RECEPTORS,
    recordables=("V_m", "g_ex", "g_in", "g_rr", "g_sfa"),
    # Parameters_::set
    check=first_violation(
        (lambda p: p["V_reset"] >= p["V_th"], "Reset potential must be smaller than threshold."),
        (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
        (lambda p: p["t_ref"] < 0, "Refractory time cannot be negative."),
        (lambda p: (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0) | (p["tau_sfa"] <= 0)
         | (p["tau_rr"] <= 0), "All time constants must be strictly positive."),
    ),
    derive=derive,
    update=update,
    integrator=RKF45(c.CONTROL),
    archiving=Archiving(),
)
