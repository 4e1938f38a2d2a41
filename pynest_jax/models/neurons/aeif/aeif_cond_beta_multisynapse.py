"""aeif_cond_beta_multisynapse: AdEx with beta-shaped conductances on any number of
receptor ports, each with its own E_rev, tau_rise and tau_decay
(NEST models/aeif_cond_beta_multisynapse.{h,cpp}); GSL rkf45."""

import brainunit as u
import numpy as np

from .. import _multisynapse as ms
from ..cond.iaf_cond_beta import beta_normalization_factor
from . import _cond_multisynapse as cm


def derive(p, ctx):
    return dict(g0=beta_normalization_factor(p.tau_rise, p.tau_decay))


def _rules(i, vals, old, new):
    for rise, decay in ms.each_port(vals, i, ("tau_rise", "tau_decay")):
        if rise <= 0 or decay <= 0:
            return "All synaptic time constants must be strictly positive"
        if decay < rise:
            return "Synaptic rise time must be smaller than or equal to decay time."
    return None


aeif_cond_beta_multisynapse = cm.declare(
    "aeif_cond_beta_multisynapse",
    "Conductance-based adaptive exponential integrate-and-fire neuron, beta-shaped "
    "conductances on any number of receptor ports.",
    (ms.port_param("E_rev", 0.0, u.mV, "reversal potential of each port"),
     ms.port_param("tau_rise", 2.0, u.ms, "rise time of each port's conductance"),
     ms.port_param("tau_decay", 20.0, u.ms, "decay time of each port's conductance")),
    _rules,
    both_msg="If the number of receptor ports is changed, all three arrays E_rev, tau_rise "
             "and tau_decay must be provided.",
    same_msg="The reversal potential, synaptic rise time and synaptic decay time arrays must "
             "have the same size.",
    # aeif_cond_beta_multisynapse_dynamics: dg decays with tau_rise, g with tau_decay
    derivatives=cm.derivatives_with("tau_rise", "tau_decay"),
    derive=derive,
)
