"""gif_pop_psc_exp: a population of N GIF neurons with exponential synaptic currents
as one node, by the mesoscopic population dynamics of Schwalger, Deger & Gerstner
(2017, PLoS Comput Biol 13(4): e1005507, Figs. 11 and 12), as NEST implements it
(models/gif_pop_psc_exp.{h,cpp}).

Each step the node computes the expected number of spikes ``mean`` from its
quasi-renewal history (survivals, their variance, membrane potentials and hazards of
the neurons that last fired k steps ago, k < len_kernel), then draws the number of
spikes ``n_events`` — binomial(N, mean / N), or with BinoRand False Poisson(mean)
clipped to N — from the kernel's random stream, and sends it as one spike of that
multiplicity. It is a plain Node in NEST (no archiving keys). lambda_0 is in 1/s,
as NEST shows and uses it (the 0.0005 = 1/2 x 1e-3 of its trapezoid hazards)."""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import Exact
from .._common import as_vectors, unequal_lengths
from . import _pop_history as H
from ._pop_draws import spike_counts
from ._common import m

ms, mV, pA, pF, Hz = u.ms, u.mV, u.pA, u.pF, u.Hz


def derive(p, ctx):
    h = ctx.h_ms
    tau_m, C = m(p.tau_m, ms), m(p.C_m, pF)
    P22 = jnp.exp(-h / tau_m)
    return dict(P22=P22, P20=tau_m / C * (1 - P22), P11ex=jnp.exp(-h / m(p.tau_syn_ex, ms)),
                P11in=jnp.exp(-h / m(p.tau_syn_in, ms)))


def _filtered_input(p, d, s, x, h):
    """Lines 6-11 of Fig. 11: the input's contribution h_tot to the membrane in this
    step and the synaptic currents after it. Spikes are weight x multiplicity (pA), read
    as the paper's J N A; the currents as its J N y."""
    tau_m, C = m(p.tau_m, ms), m(p.C_m, pF)
    h_tot = (m(p.I_e, pA) + m(s.y0, pA)) * d.P20 + m(p.E_L, mV)
    out = []
    for ch, key, tau_key, P11 in (("ex", "I_syn_ex", "tau_syn_ex", d.P11ex),
                                  ("in", "I_syn_in", "tau_syn_in", d.P11in)):
        tau_s = m(p[tau_key], ms)
        JNA = m(x[ch], pA) / h * tau_s / C
        JNy = m(s[key], pA) / C
        tmp = tau_s * P11 * (JNy - JNA) - d.P22 * (tau_s * JNy - tau_m * JNA)
        out.append((tau_m * (JNA + tmp / (tau_s - tau_m)), (JNA + (JNy - JNA) * P11) * C))
    (h_ex, I_ex), (h_in, I_in) = out
    return h_tot + (h_ex + h_in), I_ex, I_in


def update(p, d, s, x, ctx):
    """gif_pop_psc_exp::update: the membrane and synapses (Fig. 11), then the
    population (Fig. 12) over the history buffers, vectorised over the lags."""
    h = ctx.h_ms
    E_L, lam0, dV = m(p.E_L, mV), m(p.lambda_0, Hz), m(p.Delta_V, mV)
    N = p.N.astype(d.P22.dtype)
    h_tot, I_ex, I_in = _filtered_input(p, d, s, x, h)
    V = (m(s.V_m, mV) - E_L) * d.P22 + h_tot
    n_h, m_h, v_h = s.hist_n, s.hist_m, s.hist_v
    u_h, lam_h = m(s.hist_u, mV), m(s.hist_lambda, Hz)
    theta_k, theta_tld = m(s.theta_k, mV), m(s.theta_tld, mV)
    # the free adaptation, fed by the spikes of len_kernel steps ago (lines 4-6)
    Q30 = m(s.Q30, None)
    g = m(s.g_sfa, ms ** -1) * Q30 + (1.0 - Q30) * n_h[:, :1] / (N * h)[:, None]
    theta_hat = m(p.V_T_star, mV)
    for j in range(g.shape[1]):  # component by component, as NEST adds them
        theta_hat = theta_hat + m(s.Q30K, mV * ms)[:, j] * g[:, j]
    lam_free = lam0 * jnp.exp((V - theta_hat) / dV)
    P_free = 1 - jnp.exp(-0.0005 * (m(s.lambda_free, Hz) + lam_free) * h)
    # line 11 reads the buffers' first stored element (NEST's n_[0]), not the current
    # lag's: position (L - k0) mod L in the order kept here
    L = s.L[:, None]
    first = jnp.take_along_axis(n_h, ((s.L - s.k0) % s.L)[:, None], axis=1)[:, 0]
    E_sfa = theta_hat - first * theta_tld[:, 0]
    lag = jnp.arange(n_h.shape[1])[None, :]
    X = jnp.sum(jnp.where(lag < L, m_h, 0.0), axis=1)
    live = lag < L - s.k_ref[:, None]  # the refractory lags take no part (line 13)
    weighted = n_h * theta_tld
    before = jnp.cumsum(weighted, axis=1) - weighted  # theta_hat's running sum (line 16)
    theta = theta_k + E_sfa[:, None] + before
    u_new = (u_h - E_L[:, None]) * d.P22[:, None] + h_tot[:, None]
    lam_new = lam0[:, None] * jnp.exp((u_new - theta) / dV[:, None])
    P_lam = 0.0005 * (lam_new + lam_h) * h
    P_lam = jnp.where(P_lam > 0.01, 1.0 - jnp.exp(-P_lam), P_lam)
    Y = jnp.sum(jnp.where(live, P_lam * v_h, 0.0), axis=1)
    Z = jnp.sum(jnp.where(live, v_h, 0.0), axis=1)
    W = jnp.sum(jnp.where(live, P_lam * m_h, 0.0), axis=1)
    ompl = 1.0 - P_lam
    v_h = jnp.where(live, ompl * ompl * v_h + P_lam * m_h, v_h)
    m_h = jnp.where(live, ompl * m_h, m_h)
    u_h = jnp.where(live, u_new, u_h)
    lam_h = jnp.where(live, lam_new, lam_h)
    x_f, z_f = s.x_free, s.z_free
    denom = Z + z_f
    P_Lambda = jnp.where(denom > 0.0, (Y + P_free * z_f) / jnp.where(denom > 0.0, denom, 1.0),
                         0.0)
    n_expect = W + P_free * x_f + P_Lambda * (N - X - x_f)
    n_spikes = spike_counts(p.N, p.BinoRand, n_expect, ctx.key)
    ompf = 1 - P_free
    z_f = ompf * ompf * z_f + x_f * P_free + v_h[:, 0]
    x_f = x_f * ompf + m_h[:, 0]
    # the newest lag starts from this step's spikes; then every lag ages by one step
    spk = n_spikes.astype(n_h.dtype)[:, None]
    newest = (spk, spk, jnp.zeros_like(spk), m(p.V_reset, mV)[:, None], jnp.zeros_like(spk))
    rolled = [_age(a, b, L) for a, b in zip((n_h, m_h, v_h, u_h, lam_h), newest)]
    n_h, m_h, v_h, u_h, lam_h = rolled
    return s.replace(
        V_m=u.Quantity(V, unit=mV), I_syn_ex=u.Quantity(I_ex, unit=pA),
        I_syn_in=u.Quantity(I_in, unit=pA), y0=x.currents, E_sfa=u.Quantity(E_sfa, unit=mV),
        mean=n_expect, n_events=n_spikes.astype(s.n_events.dtype),
        g_sfa=u.Quantity(g, unit=ms ** -1), x_free=x_f, z_free=z_f,
        lambda_free=u.Quantity(lam_free, unit=Hz), k0=(s.k0 + 1) % s.L,
        hist_n=n_h, hist_m=m_h, hist_v=v_h, hist_u=u.Quantity(u_h, unit=mV),
        hist_lambda=u.Quantity(lam_h, unit=Hz)), n_spikes


def _age(a, newest, L):
    """Position 0 replaced by ``newest``, then moved to the end of the node's L lags:
    position j takes j + 1's value, L - 1 the newest, padding stays zero."""
    lag = jnp.arange(a.shape[1])[None, :]
    shifted = jnp.concatenate([a[:, 1:], a[:, :1]], axis=1)
    return jnp.where(lag < L - 1, shifted, jnp.where(lag == L - 1, newest, 0.0))


def on_set(old, new, ctx):
    """Every SetStatus clears NEST's initialized_ (State_::set): the next Prepare makes
    a fresh history with the values then set."""
    new = as_vectors(new, ("tau_sfa", "q_sfa"))
    new["initialized"] = np.zeros(len(old["N"]), bool)
    return new


def check(p):
    """Parameters_::set, NEST's tests in NEST's order."""
    a = lambda k: np.asarray(p[k])  # noqa: E731
    tests = (
        (np.any(a("C_m") <= 0), "Capacitance must be strictly positive."),
        (np.any(a("tau_m") <= 0), "The membrane time constants must be strictly positive."),
        (np.any(a("tau_syn_ex") <= 0) or np.any(a("tau_syn_in") <= 0),
         "The synaptic time constants must be strictly positive."),
        (any(np.any(np.asarray(t) <= 0) for t in p["tau_sfa"]),
         "All time constants must be strictly positive."),
        (np.any(a("N") <= 0), "Number of neurons must be positive."),
        (np.any(a("lambda_0") < 0), "lambda_0 must be positive."),
        (np.any(a("Delta_V") <= 0), "Delta_V must be strictly positive."),
        (np.any(a("t_ref") < 0), "Absolute refractory period cannot be negative."),
    )
    return unequal_lengths(p, "tau_sfa", "q_sfa") or next((m for bad, m in tests if bad), None)


def _vec(name, default, unit, doc):
    return Param(name, np.array(default), unit, doc, dtype="vector")


def _hidden(name, unit, doc, dtype="float"):
    initial = {"float": 0.0, "int": 0, "bool": False}[dtype]
    return State(name, initial, unit, doc, dtype=dtype, hidden=True)


gif_pop_psc_exp = NeuronModel(
    name="gif_pop_psc_exp",
    doc="Population of generalized integrate-and-fire neurons with exponential "
        "postsynaptic currents and adaptation, simulated as one mesoscopic node.",
    params=(
        Param("N", 100, None, "number of neurons in the population", dtype="int"),
        Param("tau_m", 20.0, ms, "membrane time constant"),
        Param("C_m", 250.0, pF, "membrane capacitance"),
        Param("lambda_0", 10.0, Hz, "firing rate at threshold"),
        Param("Delta_V", 2.0, mV, "noise level of the escape rate"),
        Param("len_kernel", -1, None, "history length in steps; below 1: chosen at the "
              "first Prepare from the adaptation kernel", dtype="int"),
        Param("I_e", 0.0, pA, "constant input current"),
        Param("V_reset", 0.0, mV, "membrane potential after a spike"),
        Param("V_T_star", 15.0, mV, "base threshold"),
        Param("E_L", 0.0, mV, "resting potential"),
        Param("t_ref", 4.0, ms, "absolute refractory period"),
        Param("tau_syn_ex", 3.0, ms, "decay time of the excitatory current"),
        Param("tau_syn_in", 6.0, ms, "decay time of the inhibitory current"),
        Param("BinoRand", True, None, "binomial spike counts, else Poisson", dtype="bool"),
        _vec("tau_sfa", [300.0], ms, "time constants of the threshold adaptation"),
        _vec("q_sfa", [0.5], mV, "amplitudes of the threshold adaptation"),
    ),
    state=(
        State("V_m", 0.0, mV, "membrane potential of the free neurons"),
        State("n_events", 0, None, "number of spikes in the last step", dtype="int",
              readonly=True),
        State("E_sfa", 0.0, mV, "adaptive threshold of the free neurons", readonly=True),
        State("mean", 0.0, None, "expected number of spikes in the last step", readonly=True),
        State("I_syn_ex", 0.0, pA, "excitatory synaptic current"),
        State("I_syn_in", 0.0, pA, "inhibitory synaptic current"),
        _hidden("y0", pA, "input current of the last step"),
        _hidden("initialized", None, "history made (cleared by SetStatus)", "bool"),
        _hidden("L", None, "the history's length (len_kernel when made)", "int"),
        _hidden("k_ref", None, "refractory steps", "int"),
        _hidden("k0", None, "NEST's rotating index into its buffers", "int"),
        _hidden("x_free", None, "neurons free of the history (x)"),
        _hidden("z_free", None, "their variance (z)"),
        _hidden("lambda_free", Hz, "hazard of the free neurons in the last step"),
        _hidden("hist_n", None, "spikes per lag, padded"),
        _hidden("hist_m", None, "survivors per lag, padded"),
        _hidden("hist_v", None, "variance of the survivors per lag, padded"),
        _hidden("hist_u", mV, "membrane potential per lag, padded"),
        _hidden("hist_lambda", Hz, "hazard per lag in the last step, padded"),
        _hidden("theta_k", mV, "adaptation kernel per lag, padded"),
        _hidden("theta_tld", mV, "quasi-renewal adaptation kernel per lag, padded"),
        _hidden("g_sfa", ms ** -1, "free adaptation variables, padded"),
        _hidden("Q30", None, "exp(-h / tau_sfa), padded"),
        _hidden("Q30K", mV * ms, "q_sfa tau_sfa exp(-h len_kernel / tau_sfa), padded"),
    ),
    channels=(Channel("ex", pA), Channel("in", pA), Channel("currents", pA)),
    spike_receptors={0: ("ex", "in")},
    current_receptors={0: "currents"},
    recordables=("E_sfa", "I_syn_ex", "I_syn_in", "V_m", "mean", "n_events"),
    check=check,
    on_set=on_set,
    derive=derive,
    update=update,
    pre_run=H.pre_run,
    uses_rng=True,
    integrator=Exact(),
)
