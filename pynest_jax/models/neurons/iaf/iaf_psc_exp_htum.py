"""iaf_psc_exp_htum: leaky integrate-and-fire, exponential-shaped synaptic
currents, with an absolute refractory period (V_m clamped) inside a longer total
one (V_m free, no threshold test) (NEST models/iaf_psc_exp_htum.{h,cpp}).
Exact integration on the grid."""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ....errors import NESTErrors
from ..._spec import NeuronModel, Param, State
from ...integrators import Exact
from .._common import Archiving, neuron_params, neuron_state
from .._keys import PSC
from . import _common as c
from ._checks import RESET_BELOW_THRESHOLD, first_violation
from .iaf_psc_exp import propagators

REFRACTORY_PERIODS = (
    Param("t_ref_abs", 2.0, u.ms, "absolute refractory period (V_m clamped)"),
    Param("t_ref_tot", 2.0, u.ms, "total refractory period (no spike)"),
)


def derive(p, ctx):
    return dict(propagators(p, ctx), refr_abs=ctx.steps(p.t_ref_abs),
                refr_tot=ctx.steps(p.t_ref_tot))


def pre_run(v, ctx):
    """pre_run_hook: both refractory times must round to at least one step."""
    if np.any(ctx.grid.ms_to_steps(np.asarray(v["t_ref_abs"], float)) < 1):
        raise NESTErrors.BadProperty("Absolute refractory time must be at least one time step.")
    if np.any(ctx.grid.ms_to_steps(np.asarray(v["t_ref_tot"], float)) < 1):
        raise NESTErrors.BadProperty("Total refractory time must be at least one time step.")
    return {}


def update(p, d, s, x, ctx):
    """One step of iaf_psc_exp_htum::update; V_m, V_th, V_reset relative to E_L."""
    V, r_abs = c.exp_membrane(p, d, s, s.r_abs)
    I_ex = s.I_syn_ex * d.P11ex + x.ex
    I_in = s.I_syn_in * d.P11in + x["in"]
    # only outside the total refractory period is the threshold tested
    testing = s.r_tot == 0
    spike = testing & (V >= p.V_th)
    V = u.math.where(spike, p.V_reset, V)
    r_abs = jnp.where(spike, d.refr_abs, r_abs)
    r_tot = jnp.where(spike, d.refr_tot, jnp.where(testing, s.r_tot, s.r_tot - 1))
    return s.replace(V_m=V, r_abs=r_abs, r_tot=r_tot, I_syn_ex=I_ex, I_syn_in=I_in,
                     i_0=x.currents), spike


iaf_psc_exp_htum = NeuronModel(
    name="iaf_psc_exp_htum",
    doc="Leaky integrate-and-fire neuron with exponential-shaped postsynaptic currents "
        "and separate absolute and total refractory periods.",
    params=neuron_params(*c.MEMBRANE_HTUM, *c.EXP_SYNAPSES, *REFRACTORY_PERIODS),
    state=neuron_state(
        *PSC("V_m"), *PSC("I_syn_ex I_syn_in", hidden=True), *PSC("i_0"),
        State("r_abs", 0, None, "absolute refractory steps left", dtype="int", hidden=True),
        State("r_tot", 0, None, "total refractory steps left", dtype="int", hidden=True),
    ),
    **c.inputs({0: "currents"}),
    # get_V_m_() returns S_.V_m_: the multimeter records V_m relative to E_L
    # (GetStatus gives the absolute value)
    record=lambda p, s: {"V_m": s.V_m},
    # Parameters_::set
    check=first_violation(
        RESET_BELOW_THRESHOLD,
        (lambda p: p["t_ref_abs"] > p["t_ref_tot"],
         "Total refractory period must be larger or equal than absolute refractory time."),
        (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
        (lambda p: (p["tau_m"] <= 0) | (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0)
         | (p["t_ref_tot"] <= 0) | (p["t_ref_abs"] <= 0),
         "All time constants must be strictly positive."),
    ),
    derive=derive,
    update=update,
    pre_run=pre_run,
    integrator=Exact(),
    archiving=Archiving(),
)
