"""pp_psc_delta: a point process neuron with delta-shaped synaptic input, an escape rate
c_1 V' + c_2 exp(c_3 V') of the free membrane potential V' = V_m - E_sfa, a dead time
(fixed or gamma-distributed) and spike-frequency adaptation by any number of decaying
threshold components (NEST models/pp_psc_delta.{h,cpp}). Spikes are drawn from the
kernel's random stream: a Bernoulli draw per step with a dead time, a Poisson count
(multiplicity) without one."""

import jax
import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import Exact
from ...devices._poisson import counts as poisson_counts
from .._common import Archiving, as_vectors, neuron_params, neuron_state, unequal_lengths

ms, mV, pA, pF, Hz = u.ms, u.mV, u.pA, u.pF, u.Hz
SFA = ("q_elems", "Q33", "q_add")


def _m(q, unit):
    return q.to_decimal(unit) if isinstance(q, u.Quantity) else jnp.asarray(q)


def _vectors(v, key, n):
    return [np.asarray(x, float).reshape(-1) for x in v[key]][:n]


def pre_run(v, ctx):
    """pre_run_hook: a dead time below one step becomes one step (the parameter itself);
    the adaptation's propagators exp(-h / tau_sfa) (std::exp, on the host); and, once per
    node (init_state_), the remaining refractory steps from t_ref_remaining."""
    h = ctx.grid.h
    n = len(v["r"])
    dead = np.asarray(v["dead_time"], float).copy()
    dead[(dead != 0) & (dead < h)] = h
    tau, q = _vectors(v, "tau_sfa", n), _vectors(v, "q_sfa", n)
    K = max([1] + [len(t) for t in tau])
    old = np.asarray(v["q_elems"], float).reshape(n, -1)  # kept across runs
    elems, Q33, add = np.zeros((n, K)), np.zeros((n, K)), np.zeros((n, K))
    for i in range(n):
        k = len(tau[i])
        Q33[i, :k] = np.exp(-h / tau[i])
        add[i, :k] = q[i]
        keep = min(k, old.shape[1])
        elems[i, :keep] = old[i, :keep]
    fresh = ~np.asarray(v["initialized"], bool)
    r = np.where(fresh, ctx.grid.ms_to_steps(np.asarray(v["t_ref_remaining"], float)),
                 np.asarray(v["r"]))
    return {"dead_time": dead, "q_elems": elems, "Q33": Q33, "q_add": add, "r": r,
            "initialized": np.ones(n, bool)}


def derive(p, ctx):
    h = ctx.h_ms
    tau_m, C = _m(p.tau_m, ms), _m(p.C_m, pF)
    P33 = jnp.exp(-h / tau_m)
    dead = _m(p.dead_time, ms)
    return dict(P33=P33, P30=1 / C * (1 - P33) * tau_m, dead_steps=ctx.steps(p.dead_time),
                dt_rate=p.dead_time_shape / dead)


def update(p, d, s, x, ctx):
    """pp_psc_delta::update; the draws of a step: uniform, Poisson, gamma (dead time)."""
    h = ctx.h_ms
    V = d.P30 * (_m(s.y0, pA) + _m(p.I_e, pA)) + d.P33 * _m(s.V_m, mV) + _m(x.spikes, mV)
    elems = _m(s.q_elems, mV) * _m(s.Q33, None)
    q = jnp.zeros_like(V)
    for i in range(elems.shape[1]):  # component by component, as NEST's loop adds
        q = q + elems[:, i]
    free = s.r == 0
    V_eff = V - q
    rate = _m(p.c_1, Hz / mV) * V_eff + _m(p.c_2, Hz) * jnp.exp(_m(p.c_3, mV ** -1) * V_eff)
    k_u, k_p, k_g = jax.random.split(ctx.key, 3)
    dead = _m(p.dead_time, ms)
    mean = jnp.where(rate > 0, rate, 0.0) * h * 1e-3
    bernoulli = jax.random.uniform(k_u, V.shape) <= -jnp.expm1(-mean)
    # the Poisson and gamma samplers loop; they run only in a step where a node needs them
    zeros = jnp.zeros(V.shape, jnp.int32)
    poisson = jax.lax.cond(jnp.any(dead == 0), lambda: poisson_counts(k_p, mean).astype(jnp.int32),
                           lambda: zeros)
    counts = jnp.where(dead > 0, bernoulli.astype(jnp.int32), poisson)
    n_spikes = jnp.where(free & (rate > 0.0), counts, 0)
    spiked = n_spikes > 0
    shape = jnp.asarray(p.dead_time_shape, V.dtype)
    drawn = jax.lax.cond(jnp.any(p.dead_time_random & free),
                         lambda: jax.random.gamma(k_g, shape, V.shape) / d.dt_rate,
                         lambda: jnp.zeros_like(V))
    r_dead = jnp.where(p.dead_time_random, ctx.steps(drawn), d.dead_steps)
    r = jnp.where(spiked, r_dead, jnp.where(free, s.r, s.r - 1))
    elems = elems + jnp.where(spiked[:, None], _m(s.q_add, mV) * n_spikes[:, None], 0.0)
    V = jnp.where(spiked & p.with_reset, 0.0, V)
    return s.replace(V_m=u.Quantity(V, unit=mV), E_sfa=u.Quantity(q, unit=mV),
                     q_elems=u.Quantity(elems, unit=mV), r=r, y0=x.currents), n_spikes


def on_set(old, new, ctx):
    """tau_sfa and q_sfa as vectors. A single number (NEST's TypeMismatch branch) is
    taken as a one-component list; NEST 3.10's result of that branch is not reproduced,
    nor its re-initialisation of the adaptation after State_::set (it appends
    components beyond q_sfa's length)."""
    return as_vectors(new, ("tau_sfa", "q_sfa"))


def check(p):
    msg = unequal_lengths(p, "tau_sfa", "q_sfa")
    if msg:
        return msg
    a = lambda k: np.asarray(p[k])  # noqa: E731
    if np.any(a("C_m") <= 0):
        return "Capacitance must be strictly positive."
    if np.any(a("dead_time") < 0):
        return "Absolute refractory time must not be negative."
    if np.any(a("dead_time_shape") < 1):
        return "Shape of the dead time gamma distribution must not be smaller than 1."
    if np.any(a("tau_m") <= 0) or any(np.any(np.asarray(t) <= 0) for t in p["tau_sfa"]):
        return "All time constants must be strictly positive."
    if np.any(a("t_ref_remaining") < 0):
        return "Remaining refractory time can not be negative."
    if np.any(a("c_3") < 0):
        return "c_3 must be positive."
    return None


def _vec(name, unit, doc):
    return Param(name, np.zeros(0), unit, doc, dtype="vector")


pp_psc_delta = NeuronModel(
    name="pp_psc_delta",
    doc="Point process neuron with leaky integration of delta-shaped PSCs, a dead time "
        "and spike-frequency adaptation.",
    params=neuron_params(
        Param("I_e", 0.0, pA, "constant input current"),
        Param("C_m", 250.0, pF, "membrane capacitance"),
        Param("tau_m", 10.0, ms, "membrane time constant"),
        Param("dead_time", 1.0, ms, "duration of the dead time"),
        Param("dead_time_random", False, None, "gamma-distributed dead time", dtype="bool"),
        Param("dead_time_shape", 1, None, "shape of the dead time's gamma distribution",
              dtype="int"),
        Param("with_reset", True, None, "V_m reset to 0 at a spike", dtype="bool"),
        _vec("tau_sfa", ms, "time constants of the adaptation"),
        _vec("q_sfa", mV, "threshold jumps of the adaptation"),
        Param("c_1", 0.0, Hz / mV, "slope of the linear part of the rate"),
        Param("c_2", 1.238, Hz, "prefactor of the exponential part of the rate"),
        Param("c_3", 0.25, mV ** -1, "coefficient of the exponential part of the rate"),
        Param("t_ref_remaining", 0.0, ms, "dead time left at the first simulation"),
    ),
    state=neuron_state(
        State("V_m", 0.0, mV, "membrane potential (relative to rest)"),
        State("E_sfa", 0.0, mV, "adaptive threshold (sum of its components)"),
        State("y0", 0.0, pA, "input current of the last step", hidden=True),
        State("r", 0, None, "dead time steps left", dtype="int", hidden=True),
        State("initialized", False, None, "init_state_ done (r from t_ref_remaining)",
              dtype="bool", hidden=True),
        State("q_elems", 0.0, mV, "adaptation components, padded", hidden=True),
        State("Q33", 0.0, None, "exp(-h / tau_sfa), padded", hidden=True),
        State("q_add", 0.0, mV, "q_sfa, padded", hidden=True),
    ),
    channels=(Channel("spikes", mV), Channel("currents", pA)),
    spike_receptors={0: ("spikes", "spikes")},
    current_receptors={0: "currents"},
    recordables=("E_sfa", "V_m"),
    check=check,
    on_set=on_set,
    derive=derive,
    update=update,
    pre_run=pre_run,
    uses_rng=True,
    integrator=Exact(),
    archiving=Archiving(),
)
