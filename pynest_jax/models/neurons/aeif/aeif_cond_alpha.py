"""aeif_cond_alpha: adaptive exponential integrate-and-fire, alpha-shaped
synaptic conductances (NEST models/aeif_cond_alpha.{h,cpp}); GSL rkf45."""

import brainunit as u
import numpy as np

from ..._spec import NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state
from . import _common as c

ODE = ("V_m", "dg_ex", "g_ex", "dg_in", "g_in", "w")


def derivatives(p, y, aux):
    V = c.clamped_V(p, y.V_m, aux)
    I_syn_exc = y.g_ex * (V - p.E_ex)
    I_syn_inh = y.g_in * (V - p.E_in)
    return dict(V_m=c.dV_dt(p, V, -I_syn_exc - I_syn_inh, y.w, aux),
                dg_ex=-y.dg_ex / p.tau_syn_ex, g_ex=y.dg_ex - y.g_ex / p.tau_syn_ex,
                dg_in=-y.dg_in / p.tau_syn_in, g_in=y.dg_in - y.g_in / p.tau_syn_in,
                w=c.dw_dt(p, V, y.w))


def derive(p, ctx):
    return dict(g0_ex=1.0 * np.e / p.tau_syn_ex, g0_in=1.0 * np.e / p.tau_syn_in)


def update(p, d, s, x, ctx):
    s, spikes, _ = c.advance(p, s, ODE, derivatives, ctx)
    return s.replace(dg_ex=s.dg_ex + x.ex * d.g0_ex, dg_in=s.dg_in + (-x["in"]) * d.g0_in,
                     I_stim=x.currents), spikes


aeif_cond_alpha = NeuronModel(
    name="aeif_cond_alpha",
    doc="Conductance-based adaptive exponential integrate-and-fire neuron (alpha synapses).",
    params=neuron_params(*c.membrane_params(
        Param("E_ex", 0.0, u.mV, "excitatory reversal potential"),
        Param("E_in", -85.0, u.mV, "inhibitory reversal potential"),
        Param("tau_syn_ex", 0.2, u.ms, "rise time of the excitatory alpha conductance"),
        Param("tau_syn_in", 2.0, u.ms, "rise time of the inhibitory alpha conductance"),
    )),
    state=neuron_state(
        c.V_M,
        State("g_ex", 0.0, u.nS, "excitatory conductance"),
        State("dg_ex", 0.0, u.nS / u.ms, "derivative of the excitatory conductance"),
        State("g_in", 0.0, u.nS, "inhibitory conductance"),
        State("dg_in", 0.0, u.nS / u.ms, "derivative of the inhibitory conductance"),
        c.W, c.REFRACTORY, c.I_STIM, _gsl.INTEGRATION_STEP,
    ),
    channels=c.COND_CHANNELS,
    spike_receptors=c.SPIKE_RECEPTORS,
    recordables=("V_m", "g_ex", "g_in", "w"),
    check=c.check("reset", "Capacitance must be strictly positive.",
                  ("tau_syn_ex", "tau_syn_in", "tau_w")),
    derive=derive,
    update=update,
    integrator=RKF45(c.control),
    archiving=Archiving(),
)
