"""iaf_chxk_2008: conductance-based leaky integrate-and-fire with alpha-shaped
synaptic and after-hyperpolarisation (AHP) conductances, no reset (Casti et al.
2008); spikes are off-grid, at the linearly interpolated threshold crossing
(NEST models/iaf_chxk_2008.{h,cpp}); GSL rkf45."""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state
from .._keys import CONDUCTANCE, alpha_kinetics, tau_syn
from ..iaf._checks import first_violation
from . import _common as c

ODE = ("V_m", "dg_ex", "g_ex", "dg_in", "g_in", "dg_ahp", "g_ahp_")


def derivatives(p, y, aux):
    """iaf_chxk_2008_dynamics: no refractoriness, no clamp."""
    I_syn_exc = y.g_ex * (y.V_m - p.E_ex)
    I_syn_inh = y.g_in * (y.V_m - p.E_in)
    I_ahp = y.g_ahp_ * (y.V_m - p.E_ahp)
    I_leak = p.g_L * (y.V_m - p.E_L)
    return dict(
        V_m=(-I_leak - I_syn_exc - I_syn_inh - I_ahp + aux["I_stim"] + p.I_e) / p.C_m,
        dg_ex=-y.dg_ex / p.tau_syn_ex, g_ex=y.dg_ex - (y.g_ex / p.tau_syn_ex),
        dg_in=-y.dg_in / p.tau_syn_in, g_in=y.dg_in - (y.g_in / p.tau_syn_in),
        dg_ahp=-y.dg_ahp / p.tau_ahp, g_ahp_=y.dg_ahp - (y.g_ahp_ / p.tau_ahp))


def derive(p, ctx):
    # pre_run_hook: a weight of 1 nS (or g_ahp) gives a conductance peaking at it
    return dict(PSConInit_E=1.0 * np.e / p.tau_syn_ex, PSConInit_I=1.0 * np.e / p.tau_syn_in,
                PSConInit_AHP=p.g_ahp * np.e / p.tau_ahp)


def update(p, d, s, x, ctx):
    """iaf_chxk_2008::update: integrate; an upward crossing of V_th within the step
    is a spike at the interpolated time, which starts the AHP conductance there;
    then this step's input spikes."""
    V_prev = s.V_m
    s, _ = _gsl.advance(p, s, ODE, derivatives, ctx, dict(I_stim=s.I_stim))
    mV, ms = u.mV, u.ms
    V, Vp, th = s.V_m.to_decimal(mV), V_prev.to_decimal(mV), p.V_th.to_decimal(mV)
    spike = (Vp < th) & (V >= th)
    dt = ctx.h_ms * (V - th) / jnp.where(spike, V - Vp, 1.0)
    dt = jnp.where(spike, dt, 0.0)
    delta_dg = d.PSConInit_AHP * u.math.exp(-u.Quantity(dt, unit=ms) / p.tau_ahp)
    delta_g = delta_dg * u.Quantity(dt, unit=ms)
    bug = p.ahp_bug
    g_ahp = u.math.where(spike, u.math.where(bug, delta_g, s.g_ahp_ + delta_g), s.g_ahp_)
    dg_ahp = u.math.where(spike, u.math.where(bug, delta_dg, s.dg_ahp + delta_dg), s.dg_ahp)
    dg_ex = s.dg_ex + x.ex * d.PSConInit_E
    dg_in = s.dg_in + (-x["in"]) * d.PSConInit_I
    s = s.replace(g_ahp_=g_ahp, dg_ahp=dg_ahp, dg_ex=dg_ex, dg_in=dg_in, I_stim=x.currents)
    return s, (spike, dt)


def record(p, s):
    """get_I_syn_exc_ & co.: the currents at the recorded state."""
    return dict(g_ahp=s.g_ahp_, I_syn_ex=s.g_ex * (s.V_m - p.E_ex),
                I_syn_in=s.g_in * (s.V_m - p.E_in), I_ahp=s.g_ahp_ * (s.V_m - p.E_ahp))


iaf_chxk_2008 = NeuronModel(
    name="iaf_chxk_2008",
    doc="Conductance-based leaky integrate-and-fire neuron with AHP conductance "
        "(Casti et al. 2008); precise spike times, no reset.",
    params=neuron_params(
        *CONDUCTANCE("V_th g_L C_m E_ex E_in E_L", V_th=-45.0, g_L=100.0, C_m=1000.0,
                     E_ex=20.0, E_in=-90.0, E_L=-60.0),
        *tau_syn("rise time of the {} alpha conductance", 1.0, 1.0), *CONDUCTANCE("I_e"),
        Param("tau_ahp", 0.5, u.ms, "time constant of the AHP conductance"),
        Param("E_ahp", -95.0, u.mV, "AHP reversal potential"),
        Param("g_ahp", 443.8, u.nS, "AHP conductance peak per spike"),
        Param("ahp_bug", False, None, "reset the AHP conductance at a spike instead of adding "
              "(the original model's behaviour)", dtype="bool"),
    ),
    state=neuron_state(
        *CONDUCTANCE("V_m", V_m=-60.0),
        *alpha_kinetics("g_{}", "dg_{}", u.nS, "conductance", hidden=True),
        # the recordable g_ahp (y[G_AHP]); the parameter g_ahp is its peak per spike
        State("g_ahp_", 0.0, u.nS, "AHP conductance", hidden=True),
        State("dg_ahp", 0.0, u.nS / u.ms, "derivative of the AHP conductance", hidden=True),
        c.I_STIM, _gsl.INTEGRATION_STEP,
    ),
    channels=c.CHANNELS,
    spike_receptors=c.SPIKE_RECEPTORS,
    recordables=("I_ahp", "I_syn_ex", "I_syn_in", "V_m", "g_ahp", "g_ex", "g_in"),
    record=record,
    # Parameters_::set
    check=first_violation(
        (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
        (lambda p: (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0) | (p["tau_ahp"] <= 0),
         "All time constants must be strictly positive."),
    ),
    derive=derive,
    update=update,
    off_grid=True,
    integrator=RKF45(c.CONTROL),
    archiving=Archiving(),
)
