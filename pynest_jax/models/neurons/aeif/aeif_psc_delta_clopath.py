"""aeif_psc_delta_clopath: aeif_psc_delta with an adaptive threshold, a spike
afterpotential current, a clamp of V_m after each spike, and the low-pass
filtered potentials that clopath_synapse reads (NEST
models/aeif_psc_delta_clopath.{h,cpp}, Clopath et al. 2010); GSL rkf45.

A spike sets V_m to V_clamp for t_clamp (V_m and w frozen, the right-hand side
sees V_clamp), then to V_reset for t_ref; delta input is dropped meanwhile. The
threshold V_th jumps to V_th_max at a spike and relaxes to V_th_rest; with
Delta_T == 0 the neuron spikes at V_th. u_bar_plus, u_bar_minus (V filtered)
and u_bar_bar (u_bar_minus filtered) are integrated with the rest; after each
step the kernel archives them for clopath_synapse (``Archiving(history="clopath")``).
"""

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import CLOPATH_PARAMS, Archiving, neuron_params, neuron_state
from .._keys import CONDUCTANCE
from ..iaf._checks import first_violation
from . import _common as c

# State_::StateVecElems
ODE = ("V_m", "w", "z", "V_th", "u_bar_plus", "u_bar_minus", "u_bar_bar")


def _trace(name, doc):
    # State_::State_ of the model's prototype: the filtered potentials start at its
    # E_L (the default), whatever E_L a node is created with, as V_m does
    return State(name, -70.6, u.mV, doc)


def derivatives(p, y, aux):
    refractory = aux["r"] > 0
    clamped = aux["clamp_r"] > 0
    V = u.math.where(clamped, p.V_clamp,
                     u.math.where(refractory, p.V_reset, u.math.minimum(y.V_m, p.V_peak)))
    on = p.Delta_T.mantissa != 0.0
    I_spike = u.math.where(
        on, p.g_L * p.Delta_T * u.math.exp((V - y.V_th) / u.math.where(on, p.Delta_T, 1.0 * u.mV)),
        0.0 * u.pA)
    dV = (-p.g_L * (V - p.E_L) + I_spike - y.w + y.z + p.I_e + aux["I_stim"]) / p.C_m
    frozen = refractory | clamped
    dw = (p.a * (V - p.E_L) - y.w) / p.tau_w
    return dict(V_m=u.math.where(frozen, jnp.zeros_like(dV.mantissa) * dV.unit, dV),
                w=u.math.where(clamped, jnp.zeros_like(dw.mantissa) * dw.unit, dw),
                z=-y.z / p.tau_z,
                V_th=-(y.V_th - p.V_th_rest) / p.tau_V_th,
                u_bar_plus=(-y.u_bar_plus + V) / p.tau_u_bar_plus,
                u_bar_minus=(-y.u_bar_minus + V) / p.tau_u_bar_minus,
                u_bar_bar=(-y.u_bar_bar + y.u_bar_minus) / p.tau_u_bar_bar)


def after_sub_step(p, y, aux):
    """NEST's update after each accepted GSL step: the step's input (read and cleared
    by the first sub-step, dropped while refractory or clamped); a spike at V_peak
    (Delta_T > 0) or at V_th (Delta_T == 0) unless clamped; the end of the clamp
    starts the refractory period; V_m held at V_reset while refractory."""
    free = (aux["r"] == 0) & (aux["clamp_r"] == 0)
    V = u.math.where(free, y.V_m + aux["input"], y.V_m)
    V_peak = u.math.where(p.Delta_T.mantissa == 0.0, y.V_th, p.V_peak)
    fire = (V >= V_peak) & (aux["clamp_r"] == 0)
    unclamp = ~fire & (aux["clamp_r"] == 1)
    n_clamp, n_refr = aux["clamp_steps"], aux["refr_steps"]
    clamp_r = jnp.where(fire, jnp.where(n_clamp > 0, n_clamp + 1, 0),
                        jnp.where(unclamp, 0, aux["clamp_r"]))
    r = jnp.where(unclamp, jnp.where(n_refr > 0, n_refr + 1, 0), aux["r"])
    V = u.math.where(r > 0, p.V_reset,
                     u.math.where(fire, p.V_clamp, u.math.where(unclamp, p.V_reset, V)))
    y = y.replace(V_m=V, w=u.math.where(fire, y.w + p.b, y.w),
                  z=u.math.where(fire, p.I_sp, y.z), V_th=u.math.where(fire, p.V_th_max, y.V_th))
    return y, dict(aux, r=r, clamp_r=clamp_r, input=0.0 * aux["input"],
                   spikes=aux["spikes"] + fire.astype(aux["spikes"].dtype))


def update(p, d, s, x, ctx):
    n = s.r.shape[0]
    aux = dict(r=s.r, clamp_r=s.clamp_r, I_stim=s.I_stim, input=x.spikes,
               refr_steps=ctx.steps(p.t_ref).astype(s.r.dtype),
               clamp_steps=ctx.steps(p.t_clamp).astype(s.r.dtype),
               spikes=jnp.zeros((n,), jnp.int32))
    s, aux = _gsl.advance(p, s, ODE, derivatives, ctx, aux, after_sub_step)
    count_down = lambda k: jnp.where(aux[k] > 0, aux[k] - 1, aux[k])  # noqa: E731
    return s.replace(r=count_down("r"), clamp_r=count_down("clamp_r"), I_stim=x.currents), \
        aux["spikes"]


_MAX_EXP_ARG_MSG = (
    "The current combination of V_peak, V_th_rest and Delta_T will lead to numerical "
    "overflow at spike time; tryfor instance to increase Delta_T or to reduce V_peakto "
    "avoid this problem.")

# Parameters_::set, in its order
check = first_violation(
    (lambda p: p["V_reset"] >= p["V_peak"], "Ensure that V_reset < V_peak ."),
    (lambda p: p["Delta_T"] < 0.0, "Delta_T must be greater than or equal to zero."),
    (lambda p: (p["Delta_T"] > 0.0) & ((p["V_peak"] - p["V_th_rest"]) / jnp.where(
        p["Delta_T"] > 0, p["Delta_T"], 1.0) >= c.MAX_EXP_ARG), _MAX_EXP_ARG_MSG),
    (lambda p: p["V_th_max"] < p["V_th_rest"], "V_th_max >= V_th_rest required."),
    (lambda p: p["V_peak"] < p["V_th_rest"], "V_peak >= V_th_rest required."),
    (lambda p: p["C_m"] <= 0, "Ensure that C_m > 0"),
    (lambda p: p["t_ref"] < 0, "Refractory time cannot be negative."),
    (lambda p: p["t_clamp"] < 0, "Ensure that t_clamp >= 0"),
    (lambda p: (p["tau_w"] <= 0) | (p["tau_V_th"] <= 0) | (p["tau_z"] <= 0)
     | (p["tau_u_bar_plus"] <= 0) | (p["tau_u_bar_minus"] <= 0) | (p["tau_u_bar_bar"] <= 0),
     "All time constants must be strictly positive."),
    (lambda p: p["gsl_error_tol"] <= 0.0, "The gsl_error_tol must be strictly positive."),
)

aeif_psc_delta_clopath = NeuronModel(
    name="aeif_psc_delta_clopath",
    doc="Adaptive exponential integrate-and-fire neuron for the Clopath rule (delta synapses).",
    params=neuron_params(
        Param("V_peak", 33.0, u.mV, "spike detection threshold"),
        *CONDUCTANCE("V_reset t_ref g_L C_m E_L", t_ref=0.0, g_L=30.0, C_m=281.0, E_L=-70.6),
        Param("Delta_T", 2.0, u.mV, "slope factor of the exponential"),
        Param("tau_w", 144.0, u.ms, "adaptation time constant"),
        Param("tau_z", 40.0, u.ms, "time constant of the spike afterpotential current"),
        Param("tau_V_th", 50.0, u.ms, "time constant of the adaptive threshold"),
        Param("V_th_max", 30.4, u.mV, "threshold after a spike"),
        Param("V_th_rest", -50.4, u.mV, "resting threshold"),
        Param("tau_u_bar_plus", 7.0, u.ms, "time constant of u_bar_plus"),
        Param("tau_u_bar_minus", 10.0, u.ms, "time constant of u_bar_minus"),
        Param("tau_u_bar_bar", 500.0, u.ms, "time constant of u_bar_bar"),
        Param("a", 4.0, u.nS, "subthreshold adaptation"),
        Param("b", 80.5, u.pA, "spike-triggered adaptation"),
        Param("I_sp", 400.0, u.pA, "spike afterpotential current after a spike"),
        *CONDUCTANCE("I_e"),
        Param("gsl_error_tol", 1e-6, None, "error tolerance of the GSL integrator"),
        Param("t_clamp", 2.0, u.ms, "duration of the clamp of V_m after a spike"),
        Param("V_clamp", 33.0, u.mV, "value V_m is clamped to after a spike"),
        *CLOPATH_PARAMS,
    ),
    state=neuron_state(
        c.V_M, c.W,
        State("z", 0.0, u.pA, "spike afterpotential current", hidden=True),
        State("V_th", -50.4, u.mV, "adaptive threshold", hidden=True),
        _trace("u_bar_plus", "V_m low-pass filtered with tau_u_bar_plus"),
        _trace("u_bar_minus", "V_m low-pass filtered with tau_u_bar_minus"),
        _trace("u_bar_bar", "u_bar_minus low-pass filtered with tau_u_bar_bar"),
        c.REFRACTORY,
        State("clamp_r", 0, None, "clamped steps left", dtype="int", hidden=True),
        c.I_STIM, _gsl.INTEGRATION_STEP,
    ),
    channels=(Channel("spikes", u.mV), Channel("currents", u.pA)),
    spike_receptors={0: ("spikes", "spikes")},
    recordables=("V_m", "V_th", "u_bar_bar", "u_bar_minus", "u_bar_plus", "w", "z"),
    check=check,
    update=update,
    integrator=RKF45(c.control),
    archiving=Archiving(history="clopath"),
)
