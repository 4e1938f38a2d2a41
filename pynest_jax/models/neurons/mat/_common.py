"""What mat2_psc_exp and amat2_psc_exp share (NEST models/{a,}mat2_psc_exp.{h,cpp}):
the parameter table, the adaptive threshold kept as state, its GetStatus value,
the pre_run_hook check, and the values handed to the kernel."""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ....errors import NESTErrors, unaccessed
from ..._spec import Channel, Param, State

CHANNELS = (Channel("ex", u.pA), Channel("in", u.pA), Channel("currents", u.pA))
SPIKE_RECEPTORS = {0: ("ex", "in")}
CURRENT_RECEPTORS = {0: "currents"}


def params(tau_m, C_m, alpha_1, alpha_2, omega):
    """Parameters_::get of both models, with the defaults each model gives."""
    return (
        Param("E_L", -70.0, u.mV, "resting membrane potential"),
        Param("I_e", 0.0, u.pA, "constant input current"),
        Param("C_m", C_m, u.pF, "membrane capacitance"),
        Param("tau_m", tau_m, u.ms, "membrane time constant"),
        Param("tau_syn_ex", 1.0, u.ms, "time constant of the excitatory synaptic current"),
        Param("tau_syn_in", 3.0, u.ms, "time constant of the inhibitory synaptic current"),
        Param("t_ref", 2.0, u.ms, "refractory period (no spike; V_m not clamped)"),
        Param("tau_1", 10.0, u.ms, "time constant of the short threshold adaptation"),
        Param("tau_2", 200.0, u.ms, "time constant of the long threshold adaptation"),
        Param("alpha_1", alpha_1, u.mV, "short threshold increment at a spike"),
        Param("alpha_2", alpha_2, u.mV, "long threshold increment at a spike"),
        Param("omega", omega, u.mV, "resting threshold", offset="E_L"),
    )


def initial_V_th(p, ctx):
    """State_::get at creation: omega (the adaptations start at 0)."""
    return p["omega"]


def state(*extra):
    return (
        State("V_m", -70.0, u.mV, "membrane potential", offset="E_L"),
        # State_::get: E_L + omega + V_th_alpha_1 + V_th_alpha_2 (+ V_th_v); kept
        # up to date by update and on_set, not settable (NEST: UnaccessedDictionaryEntry)
        State("V_th", initial_V_th, u.mV, "adaptive threshold", offset="E_L"),
        State("V_th_alpha_1", 0.0, u.mV, "short threshold adaptation"),
        State("V_th_alpha_2", 0.0, u.mV, "long threshold adaptation"),
    ) + tuple(extra) + (
        State("I_syn_ex", 0.0, u.pA, "excitatory synaptic current", hidden=True),
        State("I_syn_in", 0.0, u.pA, "inhibitory synaptic current", hidden=True),
        State("i_0", 0.0, u.pA, "input current of the last step", hidden=True),
        State("r", 0, None, "refractory steps left", dtype="int", hidden=True),
    )


def threshold_parts(extra):
    """The state keys that add up to V_th, in State_::get's order."""
    return ("V_th_alpha_1", "V_th_alpha_2") + tuple(extra)


def on_set(extra=()):
    """State_::set/Parameters_::set: V_th is not a settable key; every change of
    E_L, omega or an adaptation keeps the GetStatus value of V_th current."""
    parts = threshold_parts(extra)

    def hook(old, new, ctx):
        if "V_th" in new:
            raise unaccessed(["V_th"])
        if not ({"E_L", "omega"} | set(parts)) & set(new):
            return new
        get = lambda k: np.asarray(new[k] if k in new else old[k], float)  # noqa: E731
        E_L = get("E_L")
        v = E_L + (get("omega") - E_L)
        for k in parts:
            v = v + get(k)
        return {**new, "V_th": v}

    return hook


def pre_run(v, ctx):
    """pre_run_hook: t_ref must round to at least one step."""
    if np.any(ctx.grid.ms_to_steps(np.asarray(v["t_ref"], float)) < 1):
        raise NESTErrors.BadProperty("Total refractory time must be at least one time step.")
    return {}


def mantissas(q, unit):
    return q.to_decimal(unit) if isinstance(q, u.Quantity) else jnp.asarray(q)


def fire(p, d, s, V, V1, V2, V_th_v=None):
    """The threshold test of both models' update (not while refractory; the sum
    omega + V_th_alpha_2 + V_th_alpha_1 (+ V_th_v) in NEST's order), the refractory
    count, and the adaptations' jumps at a spike. Values in mV."""
    free = s.r == 0
    omega = mantissas(p.omega, u.mV)
    threshold = omega + V2 + V1
    if V_th_v is not None:
        threshold = threshold + V_th_v
    spike = free & (V >= threshold)
    r = jnp.where(spike, d.refr_steps, jnp.where(free, s.r, s.r - 1))
    V1 = jnp.where(spike, V1 + mantissas(p.alpha_1, u.mV), V1)
    V2 = jnp.where(spike, V2 + mantissas(p.alpha_2, u.mV), V2)
    return spike, r, V1, V2, omega


def record_V_th(p, s, extra=()):
    """get_V_th_(): E_L + omega + V_th_alpha_1 + V_th_alpha_2 (+ V_th_v), in that order."""
    v = p.E_L + p.omega
    for k in threshold_parts(extra):
        v = v + s[k]
    return v
