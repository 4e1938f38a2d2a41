"""poisson_generator_ps: an independent Poisson train with dead time per target, at
continuous times (models/poisson_generator_ps.cpp).

Each outgoing connection (a spike recorder included) keeps its next spike as a stamp
(steps) and an offset (ms before the stamp); intervals are ``dead_time`` plus an
exponential of mean ``1000 / rate - dead_time``. A train starts at the first active
step from NEST's equilibrium draw (backward recurrence time: uniform within the dead
time with probability ``dead_time * rate``, else dead time plus an exponential). The
spikes sent in step ``n`` are those stamped in ``(max(n, origin + start),
min(n + 1, origin + stop)]``; a train may hold several in one step, each a lane of the
emission with its own offset. Spikes of a train whose time passed while its device
sent nothing (rate 0, or after its stop) are drawn through and dropped, as in NEST. At Prepare, all trains of a device restart when one of
them lies before ``origin + start`` (NEST's pre_run_hook).

The lanes are as many as a target can need in one step, save for a chance below
_TAIL per target and step (the Poisson tail at the train's rate, capped by the dead
time); a spike beyond them moves to the next step.
"""

import jax
import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from .._spec import GeneratorModel, Param, State
from . import _common as C
from . import _trains as T
from ...numerics import fastrand
from ._windows import _bounds

_TAIL = 1e-15
_NEVER = -1  # Time::neg_inf(): the train has not started
_STREAM = 0x5053  # this model's stream among the kernel's


def check(p):
    dead, rate = np.asarray(p["dead_time"], float), np.asarray(p["rate"], float)
    if np.any(dead < 0):
        return "The dead time cannot be negative."
    if np.any(rate < 0):
        return "The rate cannot be negative."
    with np.errstate(divide="ignore"):
        if np.any(1000.0 / rate < dead):
            return "The inverse rate cannot be smaller than the dead time."
    return C.device_check(p)


def pre_run(v, ctx):
    """pre_run_hook: new trains unstarted; all of a device's trains restarted when one
    lies before origin + start."""
    n_dev = len(v["rate"])
    trains = T.outgoing(ctx)
    old = np.asarray(v["next_stamp"], np.int64)
    n_old = np.asarray(v["n_targets"], np.int64) if old.ndim == 2 else np.zeros(n_dev, np.int64)
    old = old if old.ndim == 2 else None
    w = T.width(old.shape[1] if old is not None else 1, trains)
    stamp = T.resized(old, n_old, trains, np.full(n_dev, _NEVER, np.int64), w)
    offset = T.resized(np.asarray(v["next_offset"], float) if old is not None else None,
                       n_old, trains, np.zeros(n_dev), w)
    on, _ = C.window(ctx.grid, np.asarray(v["origin"]), np.asarray(v["start"]),
                     np.asarray(v["stop"]))
    held = np.arange(w)[None, :] < np.minimum(n_old, trains)[:, None]
    early = np.any(held & (stamp < np.asarray(on)[:, None]), axis=1)
    stamp[early] = _NEVER
    drawn = T.resized(np.asarray(v["n_drawn"], np.int64) if old is not None else None,
                      n_old, trains, np.zeros(n_dev, np.int64), w)
    return {"next_stamp": stamp, "next_offset": offset, "n_drawn": drawn,
            "n_targets": trains}


def _lanes(rate, dead, h):
    """The most spikes one train sends in a step, but for a chance below _TAIL."""
    most = 1
    for r, d in zip(rate, dead):
        if r <= 0:
            continue
        lam = h / (1000.0 / r - d)  # intervals beyond the dead time: exponential
        k, p = 0, np.exp(-lam)
        cdf = p
        while 1.0 - cdf > _TAIL and k < 10_000:
            k += 1
            p *= lam / k
            cdf += p
        cap = int(np.floor(h / d)) + 1 if d > 0 else k + 1
        most = max(most, min(k + 1, cap))
    return most


def host_prepare(v, ctx):
    """The lanes, and each device's stream: a seed from the kernel's rng_seed and the
    device's id, read by a count of draws per train, so that a train is the same at
    every resolution (NEST draws its intervals one after the other, not per step)."""
    lanes = _lanes(np.asarray(v["rate"], float), np.asarray(v["dead_time"], float),
                   C.h_ms(ctx.grid))
    seed = np.array([np.random.SeedSequence([int(ctx.seed), _STREAM, int(g)])
                     .generate_state(1, np.uint64)[0] for g in np.asarray(ctx.gids)], np.uint64)
    return {"lanes": np.zeros((len(v["rate"]), lanes), np.int8), "train_seed": seed}


def _stamp_split(x, h):
    """Time::ms_stamp: (steps up to the grid, offset of x before that step's end)."""
    steps = jnp.ceil(x / h)
    return steps.astype(jnp.int64), jnp.clip(steps * h - x, 0.0, h)


def emit(p, d, s, ctx, src):
    n_dev = p.rate.shape[0]
    h = ctx.h_ms
    rate = p.rate.to_decimal(u.Hz)
    dead = p.dead_time.to_decimal(u.ms)
    inv = jnp.where(rate > 0, 1000.0 / jnp.where(rate > 0, rate, 1.0) - dead, jnp.inf)
    on_s, off_s = _bounds(p, ctx)
    lo, hi = jnp.maximum(ctx.n, on_s), jnp.minimum(ctx.n + 1, off_s)
    col = jnp.minimum(T.ranks(src, n_dev), s.next_stamp.shape[1] - 1)
    active = ((lo < hi) & (rate > 0))[src] & (col < s.n_targets[src])
    stamp, off = s.next_stamp[src, col], s.next_offset[src, col]
    inv_t, dead_t, rate_t, lo_t, hi_t = inv[src], dead[src], rate[src], lo[src], hi[src]
    drawn = s.n_drawn[src, col]
    # a train's draws: index = its rank << 40 | the count of its draws so far
    seed, at = p.train_seed[src], col.astype(jnp.uint64) << jnp.uint64(40)
    u1, u2 = (fastrand.uniform_at(seed, at + (drawn + i).astype(jnp.uint64)) for i in (0, 1))
    # the first spike from the equilibrium (backward recurrence) distribution
    within = (dead_t > 0) & (u1 < dead_t * rate_t / 1000.0)
    first = jnp.where(within, u2 * dead_t, inv_t * -jnp.log1p(-u2) + dead_t)
    steps, first_off = _stamp_split(first, h)
    start = active & (stamp == _NEVER)
    stamp = jnp.where(start, lo_t + steps, stamp)
    off = jnp.where(start, first_off, off)
    drawn = drawn + 2 * start
    u_at = lambda drawn: fastrand.uniform_at(seed, at + drawn.astype(jnp.uint64))

    def advance(stamp, off, drawn, move):
        """The train's next spike after the one at (stamp, off), where `move`."""
        nxt = -off + inv_t * -jnp.log1p(-u_at(drawn)) + dead_t  # from the stamp's end
        delta, new_off = _stamp_split(nxt, h)
        same = nxt < 0
        stamp = jnp.where(move & ~same, stamp + delta, stamp)
        off = jnp.where(move, jnp.where(same, -nxt, new_off), off)
        return stamp, off, drawn + move

    # A train left behind while its device sent nothing (rate 0, or stopped and its stop
    # moved on) holds spikes whose time has passed: NEST draws through them and they
    # never arrive (update sends them with stamps before the slice). Skip them, drawing
    # the same numbers.
    stale = lambda c: active & (c[0] <= ctx.n)
    stamp, off, drawn = jax.lax.while_loop(lambda c: jnp.any(stale(c)),
                                           lambda c: advance(*c, stale(c)), (stamp, off, drawn))

    # Lane by lane while any train still sends: a step needs as many as its busiest
    # train, mostly far fewer than the lanes (a train that sent its last spike of the
    # step sends no more in it); the lanes beyond stay empty.
    nl = p.lanes.shape[1]
    fires = lambda stamp: active & (stamp <= hi_t)

    def lane(c):
        i, stamp, off, drawn, count, offsets = c
        fire = fires(stamp)
        count = jax.lax.dynamic_update_index_in_dim(count, fire.astype(jnp.int32), i, 0)
        offsets = jax.lax.dynamic_update_index_in_dim(offsets, jnp.where(fire, off, 0.0), i, 0)
        return (i + 1,) + advance(stamp, off, drawn, fire) + (count, offsets)
    init = (jnp.int32(0), stamp, off, drawn, jnp.zeros((nl,) + stamp.shape, jnp.int32),
            jnp.zeros((nl,) + stamp.shape, off.dtype))
    _, stamp, off, drawn, count, offsets = jax.lax.while_loop(
        lambda c: (c[0] < nl) & jnp.any(fires(c[1])), lane, init)
    lanes = (count, count, offsets)
    s = s.replace(next_stamp=s.next_stamp.at[src, col].set(stamp),
                  next_offset=s.next_offset.at[src, col].set(off),
                  n_drawn=s.n_drawn.at[src, col].set(drawn))
    return s, (jnp.sum(count, 0), jnp.sum(count, 0), lanes)


poisson_generator_ps = GeneratorModel(
    name="poisson_generator_ps", event="spike", per_target=True, uses_rng=True, off_grid=True,
    doc="Independent Poisson trains with dead time, one per target, at off-grid times.",
    params=C.STIMULATION_PARAMS + (
        Param("dead_time", 0.0, u.ms, "dead time after each spike"),
        Param("rate", 0.0, u.Hz, "mean firing rate")),
    state=(State("next_stamp", _NEVER, None, "stamp of each train's next spike", dtype="int",
                 hidden=True),
           State("next_offset", 0.0, None, "offset of each train's next spike", hidden=True),
           State("n_drawn", 0, None, "draws of each train so far", dtype="int", hidden=True),
           State("n_targets", 0, None, "trains (num_targets_)", dtype="int", hidden=True)),
    check=check, on_set=C.device_on_set, pre_run=pre_run, host_prepare=host_prepare,
    emit=emit)
