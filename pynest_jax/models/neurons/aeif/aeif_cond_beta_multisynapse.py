"""aeif_cond_beta_multisynapse: AdEx with beta-shaped conductances on any number of
receptor ports, each with its own E_rev, tau_rise and tau_decay
(NEST models/aeif_cond_beta_multisynapse.{h,cpp}); GSL rkf45."""

import math

import numpy as np

from ...._brainunit import u
from .. import _multisynapse as ms
from . import _cond_multisynapse as cm

DBL_EPSILON = np.finfo(float).eps
# Parameters_::set, when the lists are set
BOTH_MSG = ("If the number of receptor ports is changed, all three arrays E_rev, tau_rise and "
            "tau_decay must be provided.")
SAME_MSG = ("The reversal potential, synaptic rise time and synaptic decay time arrays must "
            "have the same size.")


def _beta_factor(tau_rise, tau_decay):
    """libnestutil/beta_normalization_factor.h with libm's log and exp (Python's math):
    XLA's differ in the last bit, which GSL's step control amplifies to ~1e-8 in V_m."""
    diff = tau_decay - tau_rise
    peak = 0.0
    if abs(diff) > DBL_EPSILON:
        t_peak = tau_decay * tau_rise * math.log(tau_decay / tau_rise) / diff
        peak = math.exp(-t_peak / tau_decay) - math.exp(-t_peak / tau_rise)
    if abs(peak) < DBL_EPSILON:
        return math.e / tau_decay
    return (1.0 / tau_rise - 1.0 / tau_decay) / peak


def port_host_derive(v):
    """g0 of each port, computed once per distinct (tau_rise, tau_decay) pair."""
    pairs = np.stack([v["tau_rise"].reshape(-1), v["tau_decay"].reshape(-1)], axis=1)
    uniq, inv = np.unique(pairs, axis=0, return_inverse=True)
    g0 = np.array([_beta_factor(float(r), float(d)) for r, d in uniq])
    return {"g0": g0[np.asarray(inv).reshape(-1)].reshape(v["tau_rise"].shape)}


def derive(p, ctx):
    return dict(g0=u.Quantity(p.g0, unit=u.ms ** -1))


def _rules(i, vals, old, new):
    for rise, decay in ms.each_port(vals, i, ("tau_rise", "tau_decay")):
        if rise <= 0 or decay <= 0:
            return "All synaptic time constants must be strictly positive"
        if decay < rise:
            return "Synaptic rise time must be smaller than or equal to decay time."
    return None


aeif_cond_beta_multisynapse = cm.declare(
    "aeif_cond_beta_multisynapse", "beta",
    (ms.port_param("tau_rise", 2.0, u.ms, "rise time of each port's conductance"),
     ms.port_param("tau_decay", 20.0, u.ms, "decay time of each port's conductance")),
    _rules, BOTH_MSG, SAME_MSG,
    # aeif_cond_beta_multisynapse_dynamics: dg decays with tau_rise, g with tau_decay
    derivatives=cm.derivatives_with("tau_rise", "tau_decay"),
    derive=derive,
    port_host_derive=port_host_derive,
)
