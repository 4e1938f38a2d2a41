"""Parameter checks of the iaf family: each model's Parameters_::set tests its
constraints in its own order with its own wording, so each model lists them."""

import numpy as np


def first_violation(*rules):
    """A check from ``(is_bad(p) -> bool array, NEST's message)`` pairs, tested in order."""

    def check(p):
        for is_bad, msg in rules:
            if np.any(is_bad(p)):
                return msg
        return None

    return check


RESET_BELOW_THRESHOLD = (lambda p: p["V_reset"] >= p["V_th"],
                         "Reset potential must be smaller than threshold.")

# models/iaf_psc_delta.cpp, Parameters_::set
iaf_psc_delta_check = first_violation(
    RESET_BELOW_THRESHOLD,
    (lambda p: p["C_m"] <= 0, "Capacitance must be > 0."),
    (lambda p: p["t_ref"] < 0, "Refractory time must not be negative."),
    (lambda p: p["tau_m"] <= 0, "Membrane time constant must be > 0."),
)

# models/iaf_psc_exp.cpp, Parameters_::set
iaf_psc_exp_check = first_violation(
    RESET_BELOW_THRESHOLD,
    (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
    (lambda p: (p["tau_m"] <= 0) | (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0),
     "Membrane and synapse time constants must be strictly positive."),
    (lambda p: p["t_ref"] < 0, "Refractory time must not be negative."),
    (lambda p: p["rho"] < 0, "Stochastic firing intensity must not be negative."),
    (lambda p: p["delta"] < 0, "Width of threshold region must not be negative."),
)

# models/iaf_psc_alpha.cpp, Parameters_::set
iaf_psc_alpha_check = first_violation(
    (lambda p: p["C_m"] <= 0, "Capacitance must be > 0."),
    (lambda p: p["tau_m"] <= 0, "Membrane time constant must be > 0."),
    (lambda p: (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0),
     "All synaptic time constants must be > 0."),
    (lambda p: p["t_ref"] < 0, "The refractory time t_ref can't be negative."),
    RESET_BELOW_THRESHOLD,
)
