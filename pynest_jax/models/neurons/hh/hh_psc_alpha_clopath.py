"""hh_psc_alpha_clopath: hh_psc_alpha with the low-pass filtered potentials that
clopath_synapse reads (NEST models/hh_psc_alpha_clopath.{h,cpp}); GSL rkf45.

The dynamics and the spike at the maximum of an action potential are
hh_psc_alpha's; u_bar_plus, u_bar_minus (V_m filtered) and u_bar_bar
(u_bar_minus filtered) are integrated with them, starting at 0 mV. After each
step the kernel archives them for clopath_synapse (``Archiving(history="clopath")``).
"""

from ...._brainunit import u
from ..._spec import NeuronModel, Param, State
from ...integrators import RKF45
from .._common import CLOPATH_PARAMS, Archiving, neuron_params
from .._keys import CONDUCTANCE, alpha_kinetics, tau_syn
from ..iaf._checks import first_violation
from . import _common as h
from . import hh_psc_alpha as base

TRACES = ("u_bar_plus", "u_bar_minus", "u_bar_bar")
# State_::StateVecElems: hh_psc_alpha's, then the three traces
ODE = base.ODE + TRACES


def derivatives(p, y, aux):
    out = base.derivatives(p, y, aux)
    V = y.V_m
    out.update(u_bar_plus=(-y.u_bar_plus + V) / p.tau_u_bar_plus,
               u_bar_minus=(-y.u_bar_minus + V) / p.tau_u_bar_minus,
               u_bar_bar=(-y.u_bar_bar + y.u_bar_minus) / p.tau_u_bar_bar)
    return out


def update(p, d, s, x, ctx):
    # write_clopath_history reads the state after the step: the kernel's part
    return base.hh_update(p, d, s, x, ctx, ODE, derivatives)


TAU_KEYS = ("tau_syn_ex", "tau_syn_in", "tau_u_bar_plus", "tau_u_bar_minus", "tau_u_bar_bar")

check = first_violation(
    (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
    (lambda p: p["t_ref"] < 0, "Refractory time cannot be negative."),
    (lambda p: sum(p[k] <= 0 for k in TAU_KEYS) > 0,
     "All time constants must be strictly positive."),
    (lambda p: (p["g_K"] < 0) | (p["g_Na"] < 0) | (p["g_L"] < 0),
     "All conductances must be non-negative."),
)

_tables = h.tables(-65.0, (base.M0, base.H0, base.N0),
                   alpha_kinetics("I_syn_{}", "dI_{}", u.pA, "current", hidden=True,
                                  derivative_first=True), u.pA)
_traces = tuple(State(k, 0.0, u.mV, doc) for k, doc in zip(TRACES, (
    "V_m low-pass filtered with tau_u_bar_plus", "V_m low-pass filtered with tau_u_bar_minus",
    "u_bar_minus low-pass filtered with tau_u_bar_bar")))

hh_psc_alpha_clopath = NeuronModel(
    name="hh_psc_alpha_clopath",
    doc="Hodgkin-Huxley neuron with alpha-shaped postsynaptic currents for the Clopath rule.",
    params=neuron_params(
        *CONDUCTANCE("t_ref g_Na g_K g_L C_m E_Na E_K E_L", g_L=30.0, C_m=100.0,
                     E_L=-54.402),
        *tau_syn("rise time of the {} alpha current", 0.2, 2.0), *CONDUCTANCE("I_e"),
        Param("tau_u_bar_plus", 114.0, u.ms, "time constant of u_bar_plus"),
        Param("tau_u_bar_minus", 10.0, u.ms, "time constant of u_bar_minus"),
        Param("tau_u_bar_bar", 500.0, u.ms, "time constant of u_bar_bar"),
        *CLOPATH_PARAMS,
    ),
    **dict(_tables, state=_tables["state"] + _traces,
           recordables=tuple(sorted(_tables["recordables"] + TRACES))),
    check=check,
    derive=base.derive,
    update=update,
    integrator=RKF45(h.CONTROL),
    archiving=Archiving(history="clopath"),
)
