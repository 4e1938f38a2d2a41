"""sinusoidal_gamma_generator: inhomogeneous gamma trains of rate rate + amplitude
sin(omega t + phi) (models/sinusoidal_gamma_generator.cpp).

Each train is a renewal process in the time warped by its integrated intensity: with
``Lambda`` = order x the integral of the rate since the train's last spike (or since
the last Prepare, where NEST stores the integral so far), the probability of a spike in
the step ending at ``t`` is the hazard ``h order rate(t) Lambda^(order-1) e^-Lambda /
Gamma(order, Lambda)`` (Gamma the upper incomplete gamma function). A spike restarts
its train. The rate of a step is taken at its end, ``t = (n + 1) h``; the window tests
step ``n`` as poisson_generator's does.

A train per outgoing connection (spike recorders included), NEST's num_trains_, with
``individual_spike_trains``; otherwise one train per device whose spikes go to every
target. The trains' state (time of the last restart ``t0`` and the integral up to it)
is a row per device, one column per train, widened at Prepare as connections are
added; a connection's train is its rank among its device's outgoing connections.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import gammaincc, gammaln

from .._spec import GeneratorModel, Param, State
from . import _common as C
from . import _sinusoidal as S
from . import _trains as T
from ._windows import active_at

_NAME = "sinusoidal_gamma_generator"
_PREV = ("prev_rate", "prev_amp", "prev_om", "prev_phi", "prev_order")


def check(p):
    if np.any(np.asarray(p["order"]) < 1.0):
        return "The gamma order must be at least 1."
    rate, amp = np.asarray(p["rate"]), np.asarray(p["amplitude"])
    if np.any(~((0.0 <= amp) & (amp <= rate))):
        return "Rate parameters must fulfill 0 <= amplitude <= rate."
    return C.device_check(p)


def on_set(old, new, ctx):
    return S.round_trip(old, C.device_on_set(old, new, ctx), ctx, scale=S.per_ms_gamma)


def delta_lambda(rate, amp, om, phi, order, ta, tb, xp=np):
    """deltaLambda_: order times the integral of the rate (spikes/ms) from ta to tb."""
    dl = order * rate * (tb - ta)
    mod = (xp.abs(amp) > 0) & (xp.abs(om) > 0)
    safe_om = xp.where(mod, om, 1.0)
    dl = dl + xp.where(mod, -order * amp / safe_om * (xp.cos(safe_om * tb + phi)
                                                   - xp.cos(safe_om * ta + phi)), 0.0)
    return xp.where(ta == tb, 0.0, dl)


def _internal(v):
    return (S.per_ms_gamma(v["rate"]), S.per_ms_gamma(v["amplitude"]), S.omega(v["frequency"]),
            S.phi(v["phase"]), np.asarray(v["order"], float))


def _trains(v, ctx):
    """num_trains_ per device: its outgoing connections, or 1 for a shared train."""
    return np.where(np.asarray(v["individual_spike_trains"], bool), T.outgoing(ctx), 1)


def pre_run(v, ctx):
    """init_buffers_ (first Prepare) and pre_run_hook: new trains start now; every train's
    integral is brought to now with the parameters of the last Prepare."""
    t = C.now_ms(ctx)
    n_dev = len(ctx.gids)
    trains = _trains(v, ctx)
    old_t0, old_lam = np.asarray(v["t0"], float), np.asarray(v["Lambda0"], float)
    if old_t0.ndim == 1:  # never prepared: no trains yet, the last parameters are these
        old_t0, old_lam = old_t0[:, None], old_lam[:, None]
        prev = _internal(v)
        old_n = np.zeros(n_dev, np.int64)
    else:
        prev = tuple(np.asarray(v[k], float) for k in _PREV)
        old_n = np.asarray(v["n_trains"], np.int64)
    width = T.width(old_t0.shape[1], trains)
    t0 = np.full((n_dev, width), t)
    lam = np.zeros((n_dev, width))
    w = old_t0.shape[1]
    keep = np.arange(w)[None, :] < np.minimum(old_n, trains)[:, None]
    t0[:, :w] = np.where(keep, old_t0, t)
    lam[:, :w] = np.where(keep, old_lam, 0.0)
    lam = lam + delta_lambda(*(x[:, None] for x in prev), t0, np.full_like(t0, t))
    t0[:] = t
    cur = _internal(v)
    out = {"t0": t0, "Lambda0": lam, "n_trains": trains}
    out.update(dict(zip(_PREV, cur)))
    return out


def host_prepare(v, ctx):
    rate, amp, om, ph, _ = _internal(v)
    return {"rate_ms": rate, "amp_ms": amp, "om": om, "phi": ph}


def _hazard_ratio(order, lam):
    """Lambda^(order-1) e^-Lambda / Gamma(order, Lambda): 1 for order 1; where the
    incomplete gamma underflows (Lambda beyond ~700), its asymptotic value."""
    safe = jnp.maximum(lam, 1e-300)
    q = gammaincc(order, safe)
    log_r = (order - 1.0) * jnp.log(safe) - safe - gammaln(order) - jnp.log(jnp.maximum(q, 1e-300))
    r = jnp.where(q > 0, jnp.exp(log_r), 1.0 / (1.0 + (order - 1.0) / safe))
    r = jnp.where(lam > 0, r, 0.0)
    return jnp.where(order == 1.0, 1.0, r)


def emit(p, d, s, ctx, src):
    n_dev = p.rate_ms.shape[0]
    t = ((ctx.n + 1) * ctx._grid.tics_per_step) * (1.0 / ctx._grid.tics_per_ms)
    rate = p.rate_ms + p.amp_ms * jnp.sin(p.om * t + p.phi)
    on = active_at(p, ctx, ctx.n) & (rate > 0) & (s.n_trains > 0)
    order = p.order
    width = s.t0.shape[1]

    def hazard(dev, col):
        lam = s.Lambda0[dev, col] + delta_lambda(p.rate_ms[dev], p.amp_ms[dev], p.om[dev],
                                                 p.phi[dev], order[dev], s.t0[dev, col], t,
                                                 xp=jnp)
        return ctx.h_ms * order[dev] * rate[dev] * _hazard_ratio(order[dev], lam)

    k_each, k_one = jax.random.split(ctx.key)
    individual = p.individual_spike_trains
    # one train per connection
    col = jnp.minimum(T.ranks(src, n_dev), width - 1)
    fire_each = jax.random.uniform(k_each, src.shape, jnp.float64) < hazard(src, col)
    fire_each = fire_each & on[src] & individual[src] & (col < s.n_trains[src])
    # one train per device (column 0)
    devs = jnp.arange(n_dev)
    zero = jnp.zeros(n_dev, jnp.int32)
    fire_one = (jax.random.uniform(k_one, (n_dev,), jnp.float64) < hazard(devs, zero)) & on & ~individual

    restart = jnp.zeros((n_dev, width), bool).at[src, col].max(fire_each)
    restart = restart.at[:, 0].max(fire_one)
    t0 = jnp.where(restart, t, s.t0)
    lam0 = jnp.where(restart, 0.0, s.Lambda0)
    sent = jnp.where(individual[src], fire_each, fire_one[src]).astype(jnp.int32)
    return s.replace(t0=t0, Lambda0=lam0, rate_now=rate * 1000.0), sent


sinusoidal_gamma_generator = GeneratorModel(
    name=_NAME, event="spike", per_target=True, uses_rng=True,
    doc="Sinusoidally modulated gamma spike trains.",
    params=C.STIMULATION_PARAMS + S.PARAMS + (Param("order", 1.0, None, "gamma order (>= 1)"),),
    state=(State("rate_now", 0.0, None, "rate of the last step (spikes/s)", hidden=True),
           State("t0", 0.0, None, "time of each train's last restart (ms)", hidden=True),
           State("Lambda0", 0.0, None, "each train's integral up to t0", hidden=True),
           State("n_trains", 0, None, "trains (num_trains_)", dtype="int", hidden=True))
    + tuple(State(k, 0.0, None, "parameters at the last Prepare", hidden=True) for k in _PREV),
    recordables=("rate",), extra_status={"recordables": ["rate"]},
    record=lambda p, s: {"rate": s.rate_now},
    check=check, on_set=on_set, pre_run=pre_run, host_prepare=host_prepare, emit=emit)
