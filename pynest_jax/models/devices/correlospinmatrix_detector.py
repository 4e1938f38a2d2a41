"""correlospinmatrix_detector: the correlation matrix of the states of binary neurons
on receptor ports 0..N_channels-1 (NEST models/correlospinmatrix_detector.{h,cpp}):
each up-state pulse (from an up- to a down-transition, decoded from multiplicities as
binary neurons send them) is overlapped with the pulses still within tau_max, and the
overlap in steps is counted per lag bin; reset by setting any parameter. The events are
decoded as they come (handle); the overlaps are counted for many pulses at once, when
BATCH pairs wait and after every Run (after_run), so count_covariance is NEST's whenever
it can be read."""

import bisect

import numpy as np

from .._spec import RecorderModel
from . import _common as C
from . import _correlation as K

# the pairs of pulses whose overlaps wait to be counted, at most (then counted at once)
BATCH = 8192


def _fresh(grid, p):
    N, delta_tau, tau_max = int(p["N_channels"]), p["delta_tau"], p["tau_max"]
    dt, tmax = K.steps(grid, delta_tau), K.steps(grid, tau_max)
    bins = 1 + 2 * tmax // dt
    # decoder: last port, tentative down, stamp of the last event (steps), state and
    # time of the last change per port (State_::reset)
    decoder = {"last_i": 0, "tentative_down": False, "t_last": None,
               "state": [False] * N, "last_change": [0] * N}
    return {"count_covariance": np.zeros((N, N, bins), np.int64), "incoming": _pulses(dt, tmax),
            "decoder": decoder}


def _pulses(dt, tmax, kept=()):
    """The pulses (t_on, t_off, port; steps) seen since the overlaps were last counted,
    those still within tau_max (``kept``: indices, ascending t_off) first; each new
    pulse's index, and the pulses kept with it (``mates``, itself too: ``counts`` of
    them a new pulse). delta_tau and tau_max in steps."""
    return {"pulses": list(kept), "kept": list(range(len(kept))), "new": [], "counts": [],
            "mates": [], "dt": dt, "tmax": tmax}


def on_set(old, new, ctx):
    return K.on_set_times("correlospinmatrix_detector", old, new, ctx,
                          lambda v, n: K.reset(_fresh, v, n, ctx.grid), nonnegative=True)


def _tdiv(n, d):
    """C's integer division (toward zero) of n by d > 0."""
    return np.where(n >= 0, n // d, -((-n) // d))


def _overlaps(cc, i, t_on, t_off, on, off, j, dt, tmax):
    """Add the overlaps of the new pulses (t_on, t_off) on ports i with the pulses
    (on, off) on ports j kept when each arrived, all pairs at once (arrays, one entry
    a pair), to cc (N x N x bins, int64), as NEST's loops over pulses and lags count
    them.

    The overlap at lag bin D, f(D) = min(t_off, off - D dt) - max(t_on, on - D dt), is
    counted where it is positive, for D from trunc(max(on - t_off, -tau_max) / dt) (C's
    division) to -1, at 0, and, between different ports, for D from 1 to
    trunc(min(off - t_on, tau_max) / dt); each to cc[i, j, t0 - D] and cc[j, i, t0 + D]
    (D = 0 once when i == j). f is a trapezoid in D: rising (slope dt) up to
    K1 = floor((off - t_off) / dt) and K2 = floor((on - t_on) / dt), flat between,
    falling (slope -dt) past both. So each pair adds, per piece and lag range, a
    linear function of the bin on an interval of bins: its constant and slope go into
    two difference arrays (a few entries a pair, not one a lag bin), summed along the
    bins once at the end; the counts are integers, so the result is exact."""
    t0 = tmax // dt
    N, _, bins = cc.shape
    const = np.zeros(N * N * (bins + 1), np.int64)
    slope = np.zeros(N * N * (bins + 1), np.int64)
    # lag 0
    f0 = np.minimum(t_off, off) - np.maximum(t_on, on)
    hit = f0 > 0
    np.add.at(cc, (i[hit], j[hit], t0), f0[hit])
    other = hit & (j != i)
    np.add.at(cc, (j[other], i[other], t0), f0[other])
    # the three pieces of f: first lag, last lag, value at D = alpha + beta * D
    k1 = (off - t_off) // dt
    k2 = (on - t_on) // dt
    a_rise, a_fall = t_off - on, off - t_on
    pieces = (
        (np.full_like(k1, -t0), np.minimum(k1, k2), a_rise, dt),
        (np.minimum(k1, k2) + 1, np.maximum(k1, k2), np.where(k1 < k2, off - on, t_off - t_on), 0),
        (np.maximum(k1, k2) + 1, np.full_like(k1, t0), a_fall, -dt),
    )
    windows = (
        (np.maximum(_tdiv(on - t_off, dt), -t0), np.full_like(k1, -1), np.ones_like(hit)),
        (np.ones_like(k1), np.minimum(_tdiv(off - t_on, dt), t0), j != i),
    )
    starts, ends, consts, slopes = [], [], [], []
    for first, last, alpha, beta in pieces:
        # where f > 0 on the piece
        if beta > 0:
            first = np.maximum(first, (-alpha) // beta + 1)
        elif beta < 0:
            last = np.minimum(last, -((-alpha) // -beta) - 1)
        positive = alpha > 0 if beta == 0 else True
        for w_first, w_last, use in windows:
            lo, hi = np.maximum(first, w_first), np.minimum(last, w_last)
            ok = use & positive & (lo <= hi)
            lo, hi, al, ii, jj = lo[ok], hi[ok], alpha[ok], i[ok], j[ok]
            # cc[i, j, b] at b = t0 - D: alpha + beta * t0 - beta * b, b in [t0 - hi, t0 - lo]
            starts += [(ii * N + jj) * (bins + 1) + t0 - hi, (jj * N + ii) * (bins + 1) + t0 + lo]
            ends += [(ii * N + jj) * (bins + 1) + t0 - lo + 1, (jj * N + ii) * (bins + 1) + t0 + hi + 1]
            consts += [al + beta * t0, al - beta * t0]
            slopes += [np.full_like(lo, -beta), np.full_like(lo, beta)]
    starts, ends = np.concatenate(starts), np.concatenate(ends)
    consts, slopes = np.concatenate(consts), np.concatenate(slopes)
    np.add.at(const, starts, consts)
    np.add.at(const, ends, -consts)
    np.add.at(slope, starts, slopes)
    np.add.at(slope, ends, -slopes)
    # sum along the bins, only in the (row, column) pairs touched
    rc = np.unique(starts // (bins + 1))
    const = np.cumsum(const.reshape(N * N, bins + 1)[rc, :bins], axis=1)
    slope = np.cumsum(slope.reshape(N * N, bins + 1)[rc, :bins], axis=1)
    flat = cc.reshape(N * N, bins)
    flat[rc] += const + np.arange(bins) * slope


def handle(v, ev, ctx):
    """correlospinmatrix_detector::handle: the events decoded one by one into pulses,
    each new pulse's mates noted (the pulses kept when it ends); their overlaps are
    counted BATCH pairs at a time and after the run (after_run). Tstart and Tstop are
    kept but, as in NEST 3.10, not applied."""
    inc = v["incoming"]
    dt, tmax = inc["dt"], inc["tmax"]
    edge = tmax + dt + ctx.min_delay
    pulses, kept = list(inc["pulses"]), list(inc["kept"])
    new, counts, mates = list(inc["new"]), list(inc["counts"]), list(inc["mates"])
    offs = [pulses[k][1] for k in kept]
    dec = dict(v["decoder"])
    state, last_change = list(dec["state"]), list(dec["last_change"])
    last_i, t_last, tentative = dec["last_i"], dec["t_last"], dec["tentative_down"]
    n = len(state)
    for stamp, port, m in zip(ev["stamps"].tolist(), ev["rports"].tolist(),
                              ev["multiplicities"].tolist()):
        down = False
        if m == 1:
            if port == last_i and stamp == t_last:
                state[port] = True
                last_change[port] = stamp
                tentative = False  # the first of a pair: no down-transition
            else:
                down = tentative
                tentative = True
        elif m == 2:
            state[port] = True
            down = tentative
            state[last_i] = False
            last_change[port] = stamp
            tentative = False
        if down:
            i = last_i
            t_on, t_off = last_change[i], t_last
            t_min_on = min([t_on] + [last_change[x] for x in range(n) if state[x]])
            # out from the front: the pulses ended tau_max + delta_tau + min_delay before
            drop = 0
            while drop < len(offs) and t_min_on - offs[drop] >= edge:
                drop += 1
            del kept[:drop], offs[:drop]
            at = bisect.bisect_right(offs, t_off)
            kept.insert(at, len(pulses))
            offs.insert(at, t_off)
            new.append(len(pulses))
            pulses.append((t_on, t_off, i))
            mates.extend(kept)
            counts.append(len(kept))
            last_change[i] = t_off
        last_i, t_last = port, stamp
    dec.update(last_i=last_i, t_last=t_last, tentative_down=tentative, state=state,
               last_change=last_change)
    out = {"incoming": {**inc, "pulses": pulses, "kept": kept, "new": new, "counts": counts,
                        "mates": mates}, "decoder": dec}
    if len(mates) >= BATCH:
        out.update(_count({**v, **out}))
    return out, None


def _count(v):
    """The overlaps pending counted: count_covariance, and the pulses kept alone."""
    inc = v["incoming"]
    if not inc or not inc["new"]:  # (None: a node not yet prepared)
        return {}
    cc = v["count_covariance"].copy()
    p = np.asarray(inc["pulses"], np.int64).reshape(-1, 3)
    a = p[np.repeat(np.asarray(inc["new"], np.int64), inc["counts"])]
    b = p[np.asarray(inc["mates"], np.int64)]
    _overlaps(cc, a[:, 2], a[:, 0], a[:, 1], b[:, 0], b[:, 1], b[:, 2], inc["dt"], inc["tmax"])
    kept = [inc["pulses"][k] for k in inc["kept"]]
    return {"count_covariance": cc, "incoming": _pulses(inc["dt"], inc["tmax"], kept)}


def after_run(v, ctx):
    """The overlaps still pending counted, node by node."""
    out = {"count_covariance": list(v["count_covariance"]), "incoming": list(v["incoming"])}
    for i in range(len(out["incoming"])):
        node = _count({k: out[k][i] for k in out})
        for k, x in node.items():
            out[k][i] = x
    return out


correlospinmatrix_detector = RecorderModel(
    name="correlospinmatrix_detector", kind="spike",
    doc="Correlation matrix of the states of binary neurons on N_channels receptor ports.",
    params=K.params(0.1, 1.0, channels=True) + (
        K.statistic("count_covariance", np.zeros((1, 1, 0)), "overlaps of the up states"),),
    state=K.HIDDEN + (K.State("decoder", None, None, "the decoding of the binary events",
                              dtype="dict", hidden=True),),
    on_set=C.chain(on_set, C.device_on_set), check=C.device_check,
    pre_run=K.init_buffers(_fresh), handle=handle, after_run=after_run, local_receiver=False,
    receives_signal="binary", receptor_count="N_channels",
    calibrate=K.calibrate(1))
