"""aeif_cond_alpha_multisynapse: AdEx with alpha-shaped conductances on any number of
receptor ports, each with its own E_rev and tau_syn
(NEST models/aeif_cond_alpha_multisynapse.{h,cpp}); GSL rkf45."""

import numpy as np

from ...._brainunit import u
from .. import _multisynapse as ms
from . import _cond_multisynapse as cm

# Parameters_::set, when the lists are set
BOTH_MSG = ("If the number of receptor ports is changed, both arrays E_rev and tau_syn must "
            "be provided.")
SAME_MSG = "The reversal potential, and synaptic time constant arrays must have the same size."


def derive(p, ctx):
    return dict(g0=1.0 * np.e / p.tau_syn)


def _rules(i, vals, old, new):
    if np.any(vals["tau_syn"][i] <= 0):
        return "All synaptic time constants must be strictly positive"
    return None


aeif_cond_alpha_multisynapse = cm.declare(
    "aeif_cond_alpha_multisynapse", "alpha",
    (ms.port_param("tau_syn", 2.0, u.ms, "rise time of each port's alpha conductance"),),
    _rules, BOTH_MSG, SAME_MSG,
    derivatives=cm.derivatives_with("tau_syn", "tau_syn"),
    derive=derive,
)
