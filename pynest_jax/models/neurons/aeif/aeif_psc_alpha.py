"""aeif_psc_alpha: adaptive exponential integrate-and-fire, alpha-shaped
synaptic currents (NEST models/aeif_psc_alpha.{h,cpp}); GSL rkf45."""

import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel
from ...integrators import RKF45
from .._common import Archiving
from .._keys import alpha_kinetics, tau_syn
from . import _common as c

ODE = ("V_m", "dI_syn_ex", "I_syn_ex", "dI_syn_in", "I_syn_in", "w")


def derivatives(p, y, aux):
    V = c.clamped_V(p, y.V_m, aux)
    return dict(V_m=c.dV_dt(p, V, y.I_syn_ex - y.I_syn_in, y.w, aux),
                dI_syn_ex=-y.dI_syn_ex / p.tau_syn_ex,
                I_syn_ex=y.dI_syn_ex - y.I_syn_ex / p.tau_syn_ex,
                dI_syn_in=-y.dI_syn_in / p.tau_syn_in,
                I_syn_in=y.dI_syn_in - y.I_syn_in / p.tau_syn_in,
                w=c.dw_dt(p, V, y.w))


def derive(p, ctx):
    return dict(i0_ex=1.0 * np.e / p.tau_syn_ex, i0_in=1.0 * np.e / p.tau_syn_in)


def update(p, d, s, x, ctx):
    s, spikes, _ = c.advance(p, s, ODE, derivatives, ctx)
    # the inhibitory current is kept positive (NEST stores -weight) and subtracted
    return s.replace(dI_syn_ex=s.dI_syn_ex + x.ex * d.i0_ex,
                     dI_syn_in=s.dI_syn_in + (-x["in"]) * d.i0_in, I_stim=x.currents), spikes


aeif_psc_alpha = NeuronModel(
    name="aeif_psc_alpha",
    doc="Current-based adaptive exponential integrate-and-fire neuron (alpha synapses).",
    **c.tables(tau_syn("rise time of the {} alpha current", 0.2, 2.0),
               alpha_kinetics("I_syn_{}", "dI_syn_{}", u.pA, "current"), c.PSC_CHANNELS,
               "reset", "Capacitance must be strictly positive."),
    derive=derive,
    update=update,
    integrator=RKF45(c.control),
    archiving=Archiving(),
)
