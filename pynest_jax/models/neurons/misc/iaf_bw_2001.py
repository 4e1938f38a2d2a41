"""iaf_bw_2001: the leaky integrate-and-fire neuron of Brunel and Wang (2001) with
AMPA, GABA and NMDA conductances (NEST models/iaf_bw_2001.{h,cpp}); GSL rkf45.

NEST approximates the NMDA rise in the sender: at each spike the neuron updates
its own presynaptic NMDA variable ``s_NMDA_pre`` (decayed since its last spike,
then increased by ``k_0 + k_1 s_NMDA_pre``) and sends that increase with the spike,
in the event's offset field. A receiver multiplies it into its NMDA input
(receptor 3, ``offset_receptors``). NEST flags the model off-grid for this, so a
spike recorder writes the spike time minus that increase; returning it as the
spike's offset reproduces this.

Currents (``I_AMPA``, ``I_GABA``, ``I_NMDA``) are the right-hand side's last
evaluation: GSL evaluates it at the end of the last accepted sub-step, the state
the integration ends in (before spikes are added and V_m reset). Arithmetic on
float64 mantissas (nS, mV, pA, ms), in NEST's order.
"""

import math

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ....errors import NESTErrors
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state, spike_time_ms
from .._keys import CONDUCTANCE
from ..iaf._checks import first_violation

PORTS = {1: "AMPA", 2: "GABA", 3: "NMDA"}
RECEPTOR_TYPES = {"AMPA": 1, "GABA": 2, "NMDA": 3}
ODE = ("V_m", "s_AMPA", "s_GABA", "s_NMDA")  # State_::StateVecElems


def _m(q):
    return q.mantissa if isinstance(q, u.Quantity) else q


def _plain(p):
    return {k: _m(v) for k, v in p.items()}


def synaptic_currents(P, V, s_AMPA, s_GABA, s_NMDA):
    """I_AMPA, I_GABA, I_NMDA (pA) of iaf_bw_2001_dynamics; ``s_NMDA`` the weighted
    NMDA gating (the exact model's sum over its inputs)."""
    I_AMPA = (V - P["E_ex"]) * s_AMPA
    I_GABA = (V - P["E_in"]) * s_GABA
    I_NMDA = (V - P["E_ex"]) / (1 + P["conc_Mg2"] * jnp.exp(-0.062 * V) / 3.57) * s_NMDA
    return I_AMPA, I_GABA, I_NMDA


def dV_dt(P, V, currents, I_stim):
    I_syn = currents[0] + currents[1] + currents[2]
    return (-P["g_L"] * (V - P["E_L"]) - I_syn + I_stim) / P["C_m"]


def derivatives(p, y, aux):
    P = _plain(p)
    y = {k: _m(v) for k, v in y.items()}
    V = y["V_m"]
    currents = synaptic_currents(P, V, y["s_AMPA"], y["s_GABA"], y["s_NMDA"])
    return dict(V_m=dV_dt(P, V, currents, aux["I_stim"]),
                s_AMPA=-y["s_AMPA"] / P["tau_AMPA"], s_GABA=-y["s_GABA"] / P["tau_GABA"],
                s_NMDA=-y["s_NMDA"] / P["tau_decay_NMDA"])


def nmda_constants(alpha, tau_rise, tau_decay):
    """pre_run_hook's k_0 and k_1 on the host: libm's expm1 and pow, the lower
    incomplete gamma function (boost's tgamma_lower) from scipy."""
    from scipy import special  # here, not at import: scipy.special costs ~0.1 s
    alpha_tau = alpha * tau_rise
    ratio = tau_rise / tau_decay
    k_1 = math.expm1(-alpha * tau_rise)
    a = 1 - ratio
    k_0 = math.pow(alpha_tau, ratio) * float(special.gammainc(a, alpha_tau) * special.gamma(a))
    return k_0, k_1


def pre_run(v, ctx):
    k = [nmda_constants(float(a), float(tr), float(td)) for a, tr, td in
         zip(v["alpha"], v["tau_rise_NMDA"], v["tau_decay_NMDA"])]
    return {"k_0": np.array([x[0] for x in k]), "k_1": np.array([x[1] for x in k])}


def derive(p, ctx):
    return dict(refr_steps=ctx.steps(p.t_ref))


def threshold(p, d, s, ctx):
    """update() after the spikes are added: refractoriness clamps V_m to V_reset and
    counts down; otherwise V_m at V_th fires, resets and starts it."""
    P = _plain(p)
    refractory = s.r > 0
    fire = ~refractory & (_m(s.V_m) >= P["V_th"])
    V = jnp.where(refractory | fire, P["V_reset"], _m(s.V_m))
    r = jnp.where(refractory, s.r - 1, jnp.where(fire, d.refr_steps.astype(s.r.dtype), s.r))
    return s.replace(V_m=u.Quantity(V, unit=u.mV), r=r), fire


def update(p, d, s, x, ctx):
    P = _plain(p)
    s, _ = _gsl.advance(p, s, ODE, derivatives, ctx, dict(I_stim=_m(s.I_stim)))
    I_AMPA, I_GABA, I_NMDA = synaptic_currents(P, _m(s.V_m), _m(s.s_AMPA), _m(s.s_GABA),
                                                _m(s.s_NMDA))
    s = s.replace(s_AMPA=s.s_AMPA + x.AMPA, s_GABA=s.s_GABA + x.GABA,
                  s_NMDA=s.s_NMDA + x.NMDA)
    s, fire = threshold(p, d, s, ctx)
    # the sender's own NMDA variable, decayed from its last spike (ArchivingNode's,
    # -1 ms before the first) to this one
    t_spike = spike_time_ms(ctx)
    pre = s.s_NMDA_pre * jnp.exp(-(t_spike - s.t_last) / P["tau_decay_NMDA"])
    delta = s.k_0 + s.k_1 * pre
    s = s.replace(s_NMDA_pre=jnp.where(fire, pre + delta, s.s_NMDA_pre),
                  t_last=jnp.where(fire, t_spike, s.t_last),
                  I_AMPA=u.Quantity(I_AMPA, unit=u.pA), I_GABA=u.Quantity(I_GABA, unit=u.pA),
                  I_NMDA=u.Quantity(I_NMDA, unit=u.pA), I_stim=x.currents)
    return s, (fire.astype(jnp.int32), jnp.where(fire, delta, 0.0))


def _same_class(spec):
    return getattr(spec, "update", None) is update


def check_connection(sspec, tspec, receptor):
    """handles_test_event(SpikeEvent&): NMDA input comes from iaf_bw_2001 only (NEST
    compares C++ classes: a copy of the model is the same class)."""
    if _same_class(tspec) and receptor == 3 and not _same_class(sspec) \
            and not getattr(sspec, "event", "spike") == "current":
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because: For NMDA synapses in "
            "iaf_bw_2001, pre-synaptic neuron must also be of type iaf_bw_2001")


check = first_violation(
    (lambda p: p["V_reset"] >= p["V_th"], "Reset potential must be smaller than threshold."),
    (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
    (lambda p: p["t_ref"] < 0, "Refractory time cannot be negative."),
    (lambda p: (p["tau_AMPA"] <= 0) | (p["tau_GABA"] <= 0) | (p["tau_decay_NMDA"] <= 0)
     | (p["tau_rise_NMDA"] <= 0), "All time constants must be strictly positive."),
    (lambda p: p["alpha"] <= 0, "alpha > 0 required."),
    (lambda p: p["conc_Mg2"] <= 0, "Mg2 concentration must be strictly positive."),
    (lambda p: p["gsl_error_tol"] <= 0.0, "The gsl_error_tol must be strictly positive."),
)


def control(p):
    """init_buffers_: gsl_odeiv_control_y_new(gsl_error_tol, 0)."""
    return _gsl.control_y(_m(p.gsl_error_tol), 0.0)


MS = u.ms
PARAMS = neuron_params(
    *CONDUCTANCE("E_L E_ex E_in V_th V_reset C_m g_L t_ref", E_L=-70.0, E_in=-70.0,
                 V_th=-55.0, V_reset=-60.0, C_m=500.0, g_L=25.0, t_ref=2.0),
    Param("tau_AMPA", 2.0, MS, "decay time of the AMPA conductance"),
    Param("tau_GABA", 5.0, MS, "decay time of the GABA conductance"),
    Param("tau_decay_NMDA", 100.0, MS, "decay time of the NMDA conductance"),
    Param("tau_rise_NMDA", 2.0, MS, "rise time of the NMDA conductance"),
    Param("alpha", 0.5, MS ** -1, "NMDA rise scaling"),
    Param("conc_Mg2", 1.0, u.mM, "extracellular magnesium concentration"),
    Param("gsl_error_tol", 1e-3, None, "error tolerance of the GSL integrator"),
)
CURRENT_STATE = tuple(State(f"I_{r}", 0.0, u.pA, f"{r} current at the last evaluation")
                      for r in ("AMPA", "GABA", "NMDA"))
INTERNAL = (*CONDUCTANCE("r I_stim"), _gsl.INTEGRATION_STEP)
CHANNELS = tuple(Channel(r, u.nS) for r in PORTS.values()) + (Channel("currents", u.pA),)
RECORDABLES = ("I_AMPA", "I_GABA", "I_NMDA", "V_m", "s_AMPA", "s_GABA", "s_NMDA")

iaf_bw_2001 = NeuronModel(
    name="iaf_bw_2001",
    doc="Leaky integrate-and-fire-neuron model with conductance based synapses, and "
        "additional NMDA receptors.",
    params=PARAMS,
    state=neuron_state(
        State("V_m", -70.0, u.mV, "membrane potential"),
        *[State(k, 0.0, u.nS, f"{k[2:]} gating") for k in ODE[1:]],
        *CURRENT_STATE, *INTERNAL,
        State("s_NMDA_pre", 0.0, None, "the sender's own NMDA variable", hidden=True),
        State("t_last", -1.0, None, "time of the last spike (ms)", hidden=True),
        State("k_0", 0.0, None, "NMDA increment constant", hidden=True),
        State("k_1", 0.0, None, "NMDA increment factor", hidden=True),
    ),
    channels=CHANNELS,
    spike_receptors={port: (r, r) for port, r in PORTS.items()},
    # handle(SpikeEvent&): the NMDA port's weight times the sender's increment
    offset_receptors=frozenset({3}),
    rport_base=0,  # handles_test_event returns the receptor itself
    extra_status={"receptor_types": RECEPTOR_TYPES},
    recordables=RECORDABLES,
    check=check,
    check_connection=check_connection,
    derive=derive,
    update=update,
    pre_run=pre_run,
    off_grid=True,
    integrator=RKF45(control),
    archiving=Archiving(),
)
