"""iaf_psc_exp_ps_lossless: iaf_psc_exp_ps whose threshold detection cannot miss a
crossing between two grid points (NEST models/iaf_psc_exp_ps_lossless.{h,cpp};
Krishnan et al. 2018): whether an interval holds a crossing is decided from its
initial state by the state-space bounds of is_spike, before regula falsi locates it.
It needs equal synaptic time constants, different from the membrane's.
"""

from ...._brainunit import u
from ..._spec import NeuronModel, State
from ...integrators import Exact
from .._common import Archiving, neuron_state
from .._keys import PSC
from ..iaf._checks import RESET_BELOW_THRESHOLD, first_violation
from . import _common as ps
from .iaf_psc_exp_ps import PS_PARAMS, SYN_STATE, derive, update as _exp_update


def update(p, d, s, x, ctx):
    s, out = _exp_update(p, d, s, x, ctx, lossless=True)
    return s.replace(I_syn=s.I_syn_ex + s.I_syn_in, offset=s.last_spike_offset * u.ms), out


iaf_psc_exp_ps_lossless = NeuronModel(
    name="iaf_psc_exp_ps_lossless",
    doc="Leaky integrate-and-fire neuron with exponential synaptic currents and precise, "
        "lossless spike detection.",
    params=PS_PARAMS,
    state=neuron_state(
        *PSC("V_m y0"), *SYN_STATE,
        State("I_syn", 0.0, u.pA, "total synaptic current"),
        State("is_refractory", False, None, "within the refractory period", dtype="bool"),
        State("offset", 0.0, u.ms, "offset of the last spike"),
        State("last_spike_step", -1, None, "stamp of the last spike", dtype="int", hidden=True),
        State("last_spike_offset", 0.0, None, "offset (ms) of the last spike", hidden=True),
    ),
    **ps.INPUTS,
    recordables=("I_syn", "I_syn_ex", "I_syn_in", "V_m"),
    check=first_violation(
        RESET_BELOW_THRESHOLD,
        (lambda p: p["V_reset"] < p["V_min"],
         "Reset potential must be greater than or equal to minimum potential."),
        (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
        (lambda p: p["t_ref"] < 0, "Refractory time must not be negative."),
        (lambda p: p["tau_syn_ex"] != p["tau_syn_in"],
         "tau_syn_ex == tau_syn_in is required in the current implementation. If you need "
         "unequal time constants, use iaf_psc_exp_ps for now. See note in documentation, "
         "and github issue #921"),
        (lambda p: (p["tau_m"] <= 0) | (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0),
         "All time constants must be strictly positive."),
        (lambda p: (p["tau_m"] == p["tau_syn_ex"]) | (p["tau_m"] == p["tau_syn_in"]),
         "Membrane and synapse time constant(s) must differ.See note in documentation."),
    ),
    derive=derive,
    update=update,
    integrator=Exact(),
    archiving=Archiving(precise=True),
    off_grid=True,
)
