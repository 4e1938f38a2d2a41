"""Parameter checks the iaf family shares (Parameters_::set in models/iaf_psc_*.cpp)."""

import numpy as np


def iaf_check(p):
    """Return NEST's message for the first violated constraint, or None."""
    if np.any(p["V_reset"] >= p["V_th"]):
        return "Reset potential must be smaller than threshold."
    if np.any(p["C_m"] <= 0):
        return "Capacitance must be > 0."
    if np.any(p["t_ref"] < 0):
        return "Refractory time must not be negative."
    if np.any(p["tau_m"] <= 0):
        return "Membrane time constant must be > 0."
    for k in ("tau_syn_ex", "tau_syn_in"):
        if k in p and np.any(p[k] <= 0):
            return "Membrane and synapse time constant(s) must be > 0."
    return None
