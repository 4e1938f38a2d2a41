"""aeif_cond_alpha: adaptive exponential integrate-and-fire, alpha-shaped
synaptic conductances (NEST models/aeif_cond_alpha.{h,cpp}); GSL rkf45."""

import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel
from ...integrators import RKF45
from .._common import Archiving
from .._keys import CONDUCTANCE, alpha_kinetics, tau_syn
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
    **c.tables(CONDUCTANCE("E_ex E_in")
               + tau_syn("rise time of the {} alpha conductance", 0.2, 2.0),
               alpha_kinetics("g_{}", "dg_{}", u.nS, "conductance"), c.COND_CHANNELS,
               "reset", "Capacitance must be strictly positive."),
    derive=derive,
    update=update,
    integrator=RKF45(c.control),
    archiving=Archiving(),
)
