"""What the gif family (NEST models/gif_*.{h,cpp}) shares: the membrane and escape-noise
parameters, the spike-triggered current (stc) and the moving threshold (sfa) as sums of
decaying components of per-node length, and the step's escape-noise spike.

A spike is drawn with probability 1 - exp(-lambda h), lambda = lambda_0 exp((V_m - E_sfa)
/ Delta_V), one uniform per free node per step from the kernel's random stream. NEST keeps
lambda_0 in 1/ms and shows it in 1/s; here it is kept as shown (Hz) and divided by 1000
where used. q_stc is documented in nA by NEST but subtracted from currents in pA without
conversion; it is declared in pA so that the arithmetic is NEST's."""

import jax
import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import Channel, Param, State
from .._common import Archiving, neuron_params

ms, mV, pA, pF, nS, Hz = u.ms, u.mV, u.pA, u.pF, u.nS, u.Hz
VECTORS = ("tau_sfa", "q_sfa", "tau_stc", "q_stc")


def m(q, unit):
    return q.to_decimal(unit) if isinstance(q, u.Quantity) else jnp.asarray(q)


def _vec(name, unit, doc):
    return Param(name, np.zeros(0), unit, doc, dtype="vector")


MEMBRANE = (
    Param("I_e", 0.0, pA, "constant input current"),
    Param("E_L", -70.0, mV, "leak reversal potential"),
    Param("g_L", 4.0, nS, "leak conductance"),
    Param("C_m", 80.0, pF, "membrane capacitance"),
    Param("V_reset", -55.0, mV, "reset potential"),
    Param("Delta_V", 0.5, mV, "stochasticity level of the escape noise"),
    Param("V_T_star", -35.0, mV, "base threshold"),
    Param("lambda_0", 1.0, Hz, "escape rate at threshold"),
    Param("t_ref", 4.0, ms, "refractory period"),
)
ADAPTATION = (
    _vec("tau_sfa", ms, "time constants of the threshold adaptation"),
    _vec("q_sfa", mV, "threshold jumps of the adaptation"),
    _vec("tau_stc", ms, "time constants of the spike-triggered current"),
    _vec("q_stc", pA, "jumps of the spike-triggered current"),
)


def params(*synapse):
    return neuron_params(*MEMBRANE, *synapse, *ADAPTATION)


def state(*membrane):
    """V_m (and the model's ODE variables), E_sfa, I_stc, then the hidden refractory
    count, input current and padded adaptation components with their propagators."""
    hidden = [State(k, 0.0, unit, doc, hidden=True) for k, unit, doc in (
        ("sfa_elems", mV, "threshold components, padded"),
        ("stc_elems", pA, "stc components, padded"),
        ("P_sfa", None, "exp(-h / tau_sfa), padded"),
        ("P_stc", None, "exp(-h / tau_stc), padded"),
        ("q_sfa_pad", mV, "q_sfa, padded"),
        ("q_stc_pad", pA, "q_stc, padded"))]
    return (*membrane,
            State("E_sfa", 0.0, mV, "adaptive threshold"),
            State("I_stc", 0.0, pA, "spike-triggered current"),
            State("r", 0, None, "refractory steps left", dtype="int", hidden=True),
            State("I_stim", 0.0, pA, "input current of the last step", hidden=True),
            *hidden)


def pre_run(v, ctx):
    """pre_run_hook: the components' propagators exp(-h / tau) (on the host, as std::exp)
    and the components resized to their parameter's length, keeping the ones there."""
    h = ctx.grid.h
    n = len(v["r"])
    out = {}
    for kind, unit_key in (("sfa", "sfa"), ("stc", "stc")):
        tau = [np.asarray(t, float).reshape(-1) for t in v[f"tau_{kind}"]][:n]
        q = [np.asarray(t, float).reshape(-1) for t in v[f"q_{kind}"]][:n]
        K = max([1] + [len(t) for t in tau])
        old = np.asarray(v[f"{kind}_elems"], float).reshape(n, -1)
        elems, P, add = np.zeros((n, K)), np.zeros((n, K)), np.zeros((n, K))
        for i in range(n):
            k = len(tau[i])
            P[i, :k] = np.exp(-h / tau[i])
            add[i, :k] = q[i]
            keep = min(k, old.shape[1])
            elems[i, :keep] = old[i, :keep]
        out.update({f"{kind}_elems": elems, f"P_{kind}": P, f"q_{kind}_pad": add})
    return out


def adaptation(p, s):
    """The step's I_stc and E_sfa from the components before their decay, in NEST's
    order of additions; the decayed components."""
    stc_e, sfa_e = m(s.stc_elems, pA), m(s.sfa_elems, mV)
    stc = jnp.zeros(stc_e.shape[:1])
    for i in range(stc_e.shape[1]):
        stc = stc + stc_e[:, i]
    sfa = m(p.V_T_star, mV) + jnp.zeros(sfa_e.shape[:1])
    for i in range(sfa_e.shape[1]):
        sfa = sfa + sfa_e[:, i]
    return stc, sfa, stc_e * m(s.P_stc, None), sfa_e * m(s.P_sfa, None)


def fire(p, s, V, stc, sfa, stc_e, sfa_e, refr_steps, ctx):
    """The escape-noise draw of a free node, the jumps and the refractory count at a
    spike; a refractory node counts down and is held at V_reset (V_m in mV)."""
    free = s.r == 0
    lam = m(p.lambda_0, Hz) / 1000.0 * jnp.exp((V - sfa) / m(p.Delta_V, mV))
    draw = jax.random.uniform(ctx.key, V.shape)
    spike = free & (lam > 0.0) & (draw < -jnp.expm1(-lam * ctx.h_ms))
    stc_e = stc_e + jnp.where(spike[:, None], m(s.q_stc_pad, pA), 0.0)
    sfa_e = sfa_e + jnp.where(spike[:, None], m(s.q_sfa_pad, mV), 0.0)
    r = jnp.where(spike, refr_steps, jnp.where(free, s.r, s.r - 1))
    V = jnp.where(free, V, m(p.V_reset, mV))
    return dict(r=r, E_sfa=u.Quantity(sfa, unit=mV), I_stc=u.Quantity(stc, unit=pA),
                stc_elems=u.Quantity(stc_e, unit=pA), sfa_elems=u.Quantity(sfa_e, unit=mV)), \
        V, spike


def tables(synapse_unit, recordables, *tau_syn):
    """The declaration entries gif_psc_exp and gif_cond_exp share: one spike receptor
    whose weight's sign picks the excitatory or inhibitory synapse, one current
    receptor, the random stream, the adaptation's host vectors."""
    return dict(channels=(Channel("ex", synapse_unit), Channel("in", synapse_unit),
                          Channel("currents", pA)),
                spike_receptors={0: ("ex", "in")}, current_receptors={0: "currents"},
                recordables=recordables, check=check(*tau_syn), on_set=on_set,
                pre_run=pre_run, uses_rng=True, archiving=Archiving())


def on_set(old, new, ctx):
    new = dict(new)
    for key in VECTORS:
        if key in new:
            new[key] = [np.asarray(x, float).reshape(-1) for x in new[key]]
    return new


def check(*tau_syn):
    """Parameters_::set, in NEST's order; ``tau_syn`` the model's synaptic time
    constants (none for the multisynapse models, which test their ports)."""
    def rules(p):
        for kind in ("sfa", "stc"):
            for t, q in zip(p[f"tau_{kind}"], p[f"q_{kind}"]):
                t, q = np.asarray(t).reshape(-1), np.asarray(q).reshape(-1)
                if len(t) != len(q):
                    return (f"'tau_{kind}' and 'q_{kind}' need to have the same dimensions."
                            f"\nSize of tau_{kind}: {len(t)}\nSize of q_{kind}: {len(q)}")
        a = lambda k: np.asarray(p[k])  # noqa: E731
        for key, msg in (("g_L", "Membrane conductance must be strictly positive."),
                         ("Delta_V", "Delta_V must be strictly positive."),
                         ("C_m", "Capacitance must be strictly positive.")):
            if np.any(a(key) <= 0):
                return msg
        if np.any(a("t_ref") < 0):
            return "Refractory time must not be negative."
        if np.any(a("lambda_0") < 0):
            return "lambda_0 must not be negative."
        for kind in ("sfa", "stc"):
            if any(np.any(np.asarray(t) <= 0) for t in p[f"tau_{kind}"]):
                return "All time constants must be strictly positive."
        if any(np.any(a(k) <= 0) for k in tau_syn):
            return "Synapse time constants must be strictly positive."
        return None
    return rules
