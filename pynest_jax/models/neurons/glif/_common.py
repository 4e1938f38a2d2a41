"""What the glif family shares (NEST models/glif_psc.cpp, glif_cond.cpp,
glif_psc_double_alpha.cpp): the parameter table, the five mechanism settings and
their checks, the after-spike currents (ASC) as a vector of each node's own length,
and the part of update after the membrane step (threshold components, the spike,
the resets), which the three models do in the same order.

The after-spike currents are NEST's ``ASCurrents``: a host vector per node (what
GetStatus shows and SetStatus sets) and, during a run, the hidden ``asc`` of the
device, padded to the population's longest vector with zeros (a padded entry adds
0.0 to the sum, the last term, so the sum is NEST's). ``pre_run`` copies the host
vectors in, with the ASC propagators computed in double on the host as NEST's
pre_run_hook does; ``after_run`` copies them back.
"""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ....errors import NESTErrors
from ..._spec import Param, State
from .. import _multisynapse as ms

ms_, mV, pA, pF, nS = u.ms, u.mV, u.pA, u.pF, u.nS
CURRENTS = ms.CURRENTS


def vec(name, default, unit, doc):
    return Param(name, np.array(default, float), unit, doc, dtype="vector")


def params(g_key):
    """Parameters_::get of the three models (``g`` is ``g_m`` in glif_cond)."""
    return (
        Param("E_L", -78.85, mV, "resting membrane potential"),
        Param("V_th", -51.68, mV, "instantaneous threshold", offset="E_L"),
        Param(g_key, 9.43, nS, "membrane conductance"),
        Param("C_m", 58.72, pF, "membrane capacitance"),
        Param("t_ref", 3.75, ms_, "duration of the refractory period"),
        Param("V_reset", -78.85, mV, "reset potential (glif1/3)", offset="E_L"),
        Param("th_spike_add", 0.37, mV, "threshold increment at a spike"),
        Param("th_spike_decay", 0.009, ms_ ** -1, "decay rate of the spike component"),
        Param("voltage_reset_fraction", 0.2, None, "fraction of V_m kept at a reset"),
        Param("voltage_reset_add", 18.51, mV, "added to V_m at a reset"),
        Param("th_voltage_index", 0.005, ms_ ** -1, "adaptation index of the voltage component"),
        Param("th_voltage_decay", 0.09, ms_ ** -1, "decay rate of the voltage component"),
        vec("asc_init", [0.0, 0.0], pA, "initial values of the after-spike currents"),
        vec("asc_decay", [0.003, 0.1], ms_ ** -1, "decay rates of the after-spike currents"),
        vec("asc_amps", [-9.18, -198.94], pA, "after-spike current amplitudes"),
        vec("asc_r", [1.0, 1.0], None, "fraction of the after-spike currents kept at a spike"),
        ms.HAS_CONNECTIONS,
        Param("spike_dependent_threshold", False, None, "glif2/4/5: reset rule R", dtype="bool"),
        Param("after_spike_currents", False, None, "glif3/4/5: after-spike currents", dtype="bool"),
        Param("adapting_threshold", False, None, "glif5: voltage-dependent threshold", dtype="bool"),
    )


def _n_receptors(key):
    def initial(p, ctx):
        return np.array([len(np.asarray(v).reshape(-1)) for v in p[key]], np.int64)
    return State("n_receptors", initial, None, "number of receptor ports", dtype="int",
                 hidden=True)


def state(port_key, *own, threshold_parts=True):
    """State_: V_m, ASCurrents, the threshold and what update keeps between steps."""
    shown = (State("threshold_spike", 0.0, mV, "spike component of the threshold"),
             State("threshold_voltage", 0.0, mV, "voltage component of the threshold"))
    return (
        State("V_m", -78.85, mV, "membrane potential", offset="E_L"),
        State("ASCurrents", np.array([0.0, 0.0]), pA, "after-spike currents", dtype="vector"),
        *(shown if threshold_parts else
          tuple(State(s.name, 0.0, mV, s.doc, hidden=True) for s in shown)),
    ) + tuple(own) + (
        # relative to E_L; recorded as threshold + E_L (get_threshold_)
        State("threshold", lambda p, ctx: np.asarray(p["V_th"], float) - np.asarray(p["E_L"], float),
              mV, "threshold relative to E_L", hidden=True),
        State("ASCurrents_sum", 0.0, pA, "mean after-spike current of the last step", hidden=True),
        State("I", 0.0, pA, "input current of the last step", hidden=True),
        State("r", 0, None, "refractory steps left", dtype="int", hidden=True),
        State("asc", 0.0, pA, "ASCurrents on the device, padded", hidden=True),
        State("asc_decay_rate", 0.0, None, "exp(-k h) per ASC", hidden=True),
        State("asc_stable_coeff", 0.0, None, "mean of an ASC over a step, per unit", hidden=True),
        State("asc_refractory_decay_rate", 0.0, None, "r exp(-k t_ref) per ASC", hidden=True),
        State("asc_amp", 0.0, pA, "asc_amps, padded", hidden=True),
        _n_receptors(port_key),
    )


def _each(v, n):
    return [np.asarray(x, float).reshape(-1) for x in v][:n]


def pre_run(v, ctx):
    """pre_run_hook's ASC propagators (std::exp in double, on the host), and the host
    ASCurrents copied to the device."""
    n = len(v["r"])
    cur = _each(v["ASCurrents"], n)
    W = max([1] + [len(a) for a in cur])
    out = {k: np.zeros((n, W)) for k in ("asc", "asc_decay_rate", "asc_stable_coeff",
                                         "asc_refractory_decay_rate", "asc_amp")}
    h = ctx.grid.h
    decay, amps, r = _each(v["asc_decay"], n), _each(v["asc_amps"], n), _each(v["asc_r"], n)
    t_ref = np.asarray(v["t_ref"], float)
    for i in range(n):
        out["asc"][i, :len(cur[i])] = cur[i]
        if not v["after_spike_currents"][i]:
            continue
        k = min(len(cur[i]), len(decay[i]))
        for a in range(k):
            rate = np.exp(-decay[i][a] * h)
            out["asc_decay_rate"][i, a] = rate
            out["asc_stable_coeff"][i, a] = ((1.0 / decay[i][a]) / h) * (1.0 - rate)
            out["asc_refractory_decay_rate"][i, a] = r[i][a] * np.exp(-decay[i][a] * t_ref[i])
            out["asc_amp"][i, a] = amps[i][a]
    return out


def after_run(v, ctx):
    """The device's ASCurrents back into each node's vector (its own length)."""
    n = len(v["r"])
    asc = np.asarray(v["asc"], float).reshape(n, -1)
    return {"ASCurrents": [asc[i, :len(a)].copy() for i, a in enumerate(_each(v["ASCurrents"], n))]}


def _mech_ok(p):
    s, a, t = (np.asarray(p[k], bool) for k in
               ("spike_dependent_threshold", "after_spike_currents", "adapting_threshold"))
    # glif1..glif5: the voltage component only with both others
    return ~t | (s & a)


def _asc_sizes(p):
    has = np.asarray(p["after_spike_currents"], bool).reshape(-1)
    for i in np.nonzero(has)[0]:
        n = len(np.asarray(p["asc_decay"][i]).reshape(-1))
        if any(len(np.asarray(p[k][i]).reshape(-1)) != n for k in ("asc_init", "asc_amps", "asc_r")):
            return ("All after spike current parameters (i.e., asc_init, k, asc_amps, r) "
                    "must have the same size.")
        d, r = np.asarray(p["asc_decay"][i], float), np.asarray(p["asc_r"][i], float)
        if np.any(d <= 0.0):
            return "After-spike current time constant must be strictly positive."
        if np.any((r < 0.0) | (r > 1.0)):
            return ("After spike current fraction following spike coefficients r must be "
                    "within [0.0, 1.0].")
    return None


def _flag(p, key, cond):
    return np.any(np.asarray(p[key], bool) & np.asarray(cond))


def check(g_key, mech_doc="documentation", cond_order=False):
    """Parameters_::set's checks, in glif_psc's order (glif_cond: the basic ones and the
    spike component before the ASC sizes)."""
    mech = ("Incorrect model mechanism combination setting."
            f"See {mech_doc} for setting of model mechanism parameters:"
            "spike_dependent_threshold, after_spike_currents, adapting_threshold.")
    basic = [
        lambda p: np.any(np.asarray(p["V_reset"]) >= np.asarray(p["V_th"]))
        and "Reset potential must be smaller than threshold.",
        lambda p: np.any(np.asarray(p["C_m"]) <= 0) and "Capacitance must be strictly positive.",
        lambda p: np.any(np.asarray(p[g_key]) <= 0)
        and "Membrane conductance must be strictly positive.",
        lambda p: np.any(np.asarray(p["t_ref"]) <= 0)
        and "Refractory time constant must be strictly positive.",
    ]
    voltage = [lambda p: _flag(p, "adapting_threshold", np.asarray(p["th_voltage_decay"]) <= 0)
               and "Voltage-induced threshold time constant must be strictly positive."]
    spike = [
        lambda p: _flag(p, "spike_dependent_threshold", np.asarray(p["th_spike_decay"]) <= 0)
        and "Spike induced threshold time constant must be strictly positive.",
        lambda p: _flag(p, "spike_dependent_threshold",
                        (np.asarray(p["voltage_reset_fraction"]) < 0)
                        | (np.asarray(p["voltage_reset_fraction"]) > 1))
        and "Voltage fraction coefficient following spike must be within [0.0, 1.0].",
    ]
    rules = [lambda p: (not np.all(_mech_ok(p))) and mech]
    rules += (basic + spike + [_asc_sizes] + voltage) if cond_order else \
        ([_asc_sizes] + basic + voltage + spike)

    def run(p):
        for rule in rules:
            msg = rule(p)
            if msg:
                return msg
        return None

    return run


def on_set(lists, shown_threshold=True, same_size_msg=None):
    """Parameters_::set for the receptor lists (``lists``; the first is the count's) and
    State_::set: ASCurrents and the threshold components only with their mechanism."""

    def hook(old, new, ctx):
        n = len(np.asarray(old["has_connections"]).reshape(-1))
        get = lambda k: new[k] if k in new else old[k]  # noqa: E731
        mechs = {k: np.asarray(get(k), bool).reshape(-1) for k in
                 ("spike_dependent_threshold", "after_spike_currents", "adapting_threshold")}
        if any(k in new for k in lists):
            new = dict(new)
            vals = {k: _each(get(k), n) for k in lists}
            conn = np.asarray(old["has_connections"], bool).reshape(-1)
            for i in range(n):
                if same_size_msg and len(vals[lists[0]][i]) != len(vals[lists[1]][i]):
                    raise NESTErrors.BadProperty(same_size_msg(vals, i))
                if len(vals[lists[0]][i]) != len(_each(old[lists[0]], n)[i]) and conn[i]:
                    raise NESTErrors.BadProperty(
                        "The neuron has connections, therefore the number of ports cannot "
                        "be reduced.")
                for k in lists:
                    if k in new and k in POSITIVE and np.any(vals[k][i] <= 0):
                        raise NESTErrors.BadProperty(POSITIVE[k])
            new["n_receptors"] = np.array([len(a) for a in vals[lists[0]]], np.int64)
        if "ASCurrents" in new:
            if not np.all(mechs["after_spike_currents"]):
                raise NESTErrors.BadProperty("After spike currents are not supported or settable "
                                             "in the current model mechanisms.")
            decay = _each(get("asc_decay"), n)
            for i, a in enumerate(_each(new["ASCurrents"], n)):
                if len(a) != len(decay[i]):
                    raise NESTErrors.BadProperty(
                        f"After spike current values must have have the same size ({len(decay[i])}) "
                        "of its parameters (i.e., asc_init, k, asc_amps, r).")
        if shown_threshold:
            for key, flag, what in (("threshold_spike", "spike_dependent_threshold", "spike"),
                                    ("threshold_voltage", "adapting_threshold", "voltage")):
                if key in new and not np.all(mechs[flag]):
                    raise NESTErrors.BadProperty(
                        f"Threshold {what} component is not supported or settable in the "
                        "current model mechanisms.")
        return new

    return hook


POSITIVE = {
    "tau_syn": "All synaptic time constants must be strictly positive.",
    "tau_syn_fast": "All synaptic time constants must be strictly positive.",
    "tau_syn_slow": "All slow synaptic time constants must be strictly positive.",
    "amp_slow": "All slow synaptic amplitudes must be strictly positive.",
}


def m(q, unit):
    return q.to_decimal(unit) if isinstance(q, u.Quantity) else jnp.asarray(q)


def derive(p, ctx, g_key):
    """pre_run_hook's scalars (threshold components, refractory count), NEST's formulas."""
    h = ctx.h_ms
    G, C, t_ref = m(p[g_key], nS), m(p.C_m, pF), m(p.t_ref, ms_)
    k_sp, k_v = m(p.th_spike_decay, ms_ ** -1), m(p.th_voltage_decay, ms_ ** -1)
    a_v = m(p.th_voltage_index, ms_ ** -1)
    return dict(
        theta_spike_decay_rate=jnp.exp(-k_sp * h),
        theta_spike_refractory_decay_rate=jnp.exp(-k_sp * t_ref),
        potential_decay_rate=jnp.exp(-G * h / C),
        theta_voltage_decay_rate_inverse=1 / jnp.exp(k_v * h),
        phi=a_v / (k_v - G / C),
        abpara_ratio_voltage=a_v / k_v,
        refr_steps=ctx.steps(p.t_ref),
    )


def asc_step(s, free, has_asc):
    """The after-spike currents over the step: (their mean, the currents at its end)."""
    asc = m(s.asc, pA)
    total = jnp.zeros(asc.shape[0], asc.dtype)
    for a in range(asc.shape[1]):  # a by a, as NEST's loop adds
        total = total + m(s.asc_stable_coeff, None)[:, a] * asc[:, a]
    total = jnp.where(has_asc, total, 0.0)
    decayed = asc * m(s.asc_decay_rate, None)
    return total, jnp.where((free & has_asc)[:, None], decayed, asc)


def threshold_and_spike(p, d, s, free, U, v_old, I, asc_sum, asc, g_key):
    """update after the membrane step: the threshold components (glif2/4/5, glif5),
    the spike test, the resets; the refractory branch holds V_m at v_old. Values
    relative to E_L, in mV and pA. Returns the new state fields and the spikes."""
    has_sp, has_asc, has_v = (p.spike_dependent_threshold, p.after_spike_currents,
                              p.adapting_threshold)
    th_inf = m(p.V_th, mV)
    ths0, thv0 = m(s.threshold_spike, mV), m(s.threshold_voltage, mV)
    ths = jnp.where(free & has_sp, ths0 * d.theta_spike_decay_rate, ths0)
    beta = (I + asc_sum) / m(p[g_key], nS)
    thv_new = (d.phi * (v_old - beta) * d.potential_decay_rate
               + d.theta_voltage_decay_rate_inverse
               * (thv0 - d.phi * (v_old - beta) - d.abpara_ratio_voltage * beta)
               + d.abpara_ratio_voltage * beta)
    thv = jnp.where(free & has_v, thv_new, thv0)
    threshold = ths + thv + th_inf
    spike = free & (U > threshold)
    asc = jnp.where((spike & has_asc)[:, None],
                    m(s.asc_amp, pA) + asc * m(s.asc_refractory_decay_rate, None), asc)
    reset_R = m(p.voltage_reset_fraction, None) * v_old + m(p.voltage_reset_add, mV)
    U = jnp.where(spike, jnp.where(has_sp, reset_R, m(p.V_reset, mV)), U)
    U = jnp.where(free, U, v_old)
    ths = jnp.where(spike & has_sp,
                    ths * d.theta_spike_refractory_decay_rate + m(p.th_spike_add, mV), ths)
    threshold = jnp.where(spike & has_sp, ths + thv + th_inf, threshold)
    threshold = jnp.where(free, threshold, ths + thv + th_inf)
    r = jnp.where(spike, d.refr_steps, jnp.where(free, s.r, s.r - 1))
    q = u.Quantity
    fields = dict(V_m=q(U, unit=mV), threshold_spike=q(ths, unit=mV),
                  threshold_voltage=q(thv, unit=mV), threshold=q(threshold, unit=mV),
                  asc=q(asc, unit=pA), r=r,
                  ASCurrents_sum=q(jnp.where(free, asc_sum, m(s.ASCurrents_sum, pA)), unit=pA))
    return fields, spike


def record(p, s):
    """get_threshold_(): threshold_ + E_L."""
    return {"threshold": s.threshold + p.E_L}


# spikes on ports 1..n_receptors (handles_test_event), currents on receptor 0
SPIKE_PORTS = dict(spike_receptors={}, current_receptors={0: "currents"}, channels=CURRENTS)
