"""gif_pop_psc_exp's population history, made on the host at Prepare (NEST
models/gif_pop_psc_exp.cpp: pre_run_hook, get_history_size, adaptation_kernel).

A node that was never prepared, or was set since (NEST's State_::set clears its
``initialized_`` at every SetStatus), gets a fresh history of len_kernel steps: the
whole population fired len_kernel steps ago (Schwalger et al. 2017, Fig. 11,
InitPopulations). A node prepared before keeps its history. The buffers are kept in
the order the update visits them (oldest-but-newest first: position j is the lag
len_kernel - j), padded to the population's longest kernel; the update rolls them by
one step each step instead of moving a rotating index over them.
"""

import numpy as np

from ....errors import NESTErrors

HISTORY = ("hist_n", "hist_m", "hist_v", "hist_u", "hist_lambda", "theta_k", "theta_tld")
SFA = ("g_sfa", "Q30", "Q30K")
T_MAX = 20000.0  # ms, the longest kernel get_history_size chooses


def adaptation_kernel(lags, tau, q, h):
    """The sum of the adaptation's exponentials at ``lags`` steps, summed component by
    component as NEST adds them (no division by tau: a voltage, as q_sfa)."""
    lags = np.asarray(lags)
    theta = np.zeros(lags.shape)
    for t, a in zip(tau, q):
        theta = theta + a * np.exp((-lags).astype(float) * h / t)
    return theta


def history_size(tau, q, Delta_V, tau_m, t_ref, h):
    """get_history_size: from T_MAX down to 5 tau_m, the longest lag at which the
    adaptation kernel still reaches a tenth of Delta_V, and longer than t_ref."""
    k = int(T_MAX / h)
    kmin = int(5 * tau_m / h)
    if k > kmin:
        lags = np.arange(k, kmin, -1)
        large = ~(adaptation_kernel(lags, tau, q, h) / Delta_V < 0.1)
        k = int(lags[np.argmax(large)]) if large.any() else kmin
    if k * h <= t_ref:
        k = int(t_ref / h) + 1
    return k


def _fit(a, width):
    """Rows of ``a`` padded with zeros, or cut, to ``width`` columns."""
    a = np.asarray(a, float).reshape(len(a), -1)
    if a.shape[1] >= width:
        return a[:, :width].copy()
    return np.pad(a, ((0, 0), (0, width - a.shape[1])))


def pre_run(v, ctx):
    """pre_run_hook: NEST's checks of the adaptation vectors, then a fresh history for
    the nodes not initialized; len_kernel below 1 becomes the automatic length."""
    h = ctx.grid.h
    n = len(v["N"])
    tau = [np.asarray(t, float).reshape(-1) for t in v["tau_sfa"]][:n]
    q = [np.asarray(t, float).reshape(-1) for t in v["q_sfa"]][:n]
    if any(len(t) == 0 for t in tau):
        raise NESTErrors.BadProperty("Time constant array should not be empty. ")
    if any(len(t) == 0 for t in q):
        raise NESTErrors.BadProperty("Adaptation value array should not be empty. ")
    fresh = ~np.asarray(v["initialized"], bool)
    L = np.asarray(v["L"], np.int64).copy()
    len_kernel = np.asarray(v["len_kernel"], np.int64).copy()
    k_ref = np.asarray(v["k_ref"], np.int64).copy()
    for i in np.flatnonzero(fresh):
        if len_kernel[i] < 1:
            len_kernel[i] = history_size(tau[i], q[i], float(v["Delta_V"][i]),
                                         float(v["tau_m"][i]), float(v["t_ref"][i]), h)
        L[i] = len_kernel[i]
        k_ref[i] = int(ctx.grid.ms_to_steps(float(v["t_ref"][i])))
    width, K = int(L.max()), max(len(t) for t in tau)
    out = {k: _fit(v[k], width) for k in HISTORY}
    out.update({k: _fit(v[k], K) for k in SFA})
    scalars = {k: np.asarray(v[k], float).copy() for k in ("x_free", "z_free", "lambda_free")}
    k0 = np.asarray(v["k0"], np.int64).copy()
    for i in np.flatnonzero(fresh):
        Li, N, dV = int(L[i]), float(v["N"][i]), float(v["Delta_V"][i])
        for k in HISTORY + SFA:
            out[k][i] = 0.0
        out["hist_n"][i, Li - 1] = out["hist_m"][i, Li - 1] = N
        theta = adaptation_kernel(Li - np.arange(Li), tau[i], q[i], h)
        out["theta_k"][i, :Li] = theta
        out["theta_tld"][i, :Li] = dV * (1.0 - np.exp(-theta / dV)) / N
        kk = len(tau[i])
        # q_sfa times tau_sfa: the paper's J is that product
        out["Q30K"][i, :kk] = q[i] * tau[i] * np.exp(-h * Li / tau[i])
        out["Q30"][i, :kk] = np.exp(-h / tau[i])
        for k in scalars:
            scalars[k][i] = 0.0
        k0[i] = 0
    return {**out, **scalars, "len_kernel": len_kernel, "L": L, "k_ref": k_ref, "k0": k0,
            "initialized": np.ones(n, bool)}
