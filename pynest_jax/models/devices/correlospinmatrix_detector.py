"""correlospinmatrix_detector: the correlation matrix of the states of binary neurons
on receptor ports 0..N_channels-1 (NEST models/correlospinmatrix_detector.{h,cpp}):
each up-state pulse (from an up- to a down-transition, decoded from multiplicities as
binary neurons send them) is overlapped with the pulses still within tau_max, and the
overlap in steps is counted per lag bin; reset by setting any parameter."""

import bisect

import numpy as np

from .._spec import RecorderModel
from . import _common as C
from . import _correlation as K

def _fresh(grid, p):
    N, delta_tau, tau_max = int(p["N_channels"]), p["delta_tau"], p["tau_max"]
    bins = 1 + 2 * K.steps(grid, tau_max) // K.steps(grid, delta_tau)
    # decoder: last port, tentative down, stamp of the last event (steps), state and
    # time of the last change per port (State_::reset)
    decoder = {"last_i": 0, "tentative_down": False, "t_last": None,
               "state": [False] * N, "last_change": [0] * N}
    return {"count_covariance": np.zeros((N, N, bins), np.int64), "incoming": [],
            "decoder": decoder}


def on_set(old, new, ctx):
    return K.on_set_times("correlospinmatrix_detector", old, new, ctx,
                          lambda v, n: K.reset(_fresh, v, n, ctx.grid), nonnegative=True)



def _overlaps(cc, i, t_on, t_off, pulses, dt, tmax):
    """The overlaps of pulse i (t_on, t_off) with the pulses kept, per lag bin: NEST's
    loops over pulses and lags, as arrays (pulses x lags; the counts are integers, so
    the order of the additions does not matter)."""
    t0 = tmax // dt
    p = np.asarray(pulses, np.int64).reshape(-1, 3)
    on, off, j = p[:, 0], p[:, 1], p[:, 2]
    lag = np.minimum(t_off, off) - np.maximum(t_on, on)
    hit = lag > 0
    np.add.at(cc, (i, j[hit], t0), lag[hit])
    other = hit & (j != i)
    np.add.at(cc, (j[other], i, t0), lag[other])
    # lags below zero from trunc(lo / dt) (C's division), above zero up to trunc(hi / dt)
    lo = np.trunc(np.maximum(on - t_off, -tmax) / dt).astype(np.int64)
    hi = np.trunc(np.minimum(off - t_on, tmax) / dt).astype(np.int64)
    D = np.concatenate([np.arange(-t0, 0), np.arange(1, t0 + 1)])[None, :]
    use = np.where(D < 0, D >= lo[:, None], (D <= hi[:, None]) & (j != i)[:, None])
    lag = (np.minimum(t_off, off[:, None] - D * dt)
           - np.maximum(t_on, on[:, None] - D * dt))
    use &= lag > 0
    rows, cols = np.nonzero(use)
    d, jj, lg = D[0, cols], j[rows], lag[rows, cols]
    np.add.at(cc, (i, jj, t0 - d), lg)
    np.add.at(cc, (jj, i, t0 + d), lg)


def handle(v, ev, ctx):
    """correlospinmatrix_detector::handle, event by event. Tstart and Tstop are kept
    but, as in NEST 3.10, not applied."""
    grid = ctx.grid
    dt, tmax = K.steps(grid, v["delta_tau"]), K.steps(grid, v["tau_max"])
    cc = v["count_covariance"].copy()
    pulses = list(v["incoming"])  # (t_on, t_off, port), ascending t_off
    dec = dict(v["decoder"])
    state, last_change = list(dec["state"]), list(dec["last_change"])
    for stamp, port, m in zip(ev["stamps"].tolist(), ev["rports"].tolist(),
                              ev["multiplicities"].tolist()):
        down = False
        if m == 1:
            if port == dec["last_i"] and stamp == dec["t_last"]:
                state[port] = True
                last_change[port] = stamp
                dec["tentative_down"] = False  # the first of a pair: no down-transition
            else:
                down = dec["tentative_down"]
                dec["tentative_down"] = True
        elif m == 2:
            state[port] = True
            down = dec["tentative_down"]
            state[dec["last_i"]] = False
            last_change[port] = stamp
            dec["tentative_down"] = False
        if down:
            i = dec["last_i"]
            t_on, t_off = last_change[i], dec["t_last"]
            t_min_on = min([t_on] + [last_change[n] for n in range(len(state)) if state[n]])
            tau_edge = tmax + dt
            drop = 0
            while drop < len(pulses) and t_min_on - pulses[drop][1] >= tau_edge + ctx.min_delay:
                drop += 1
            del pulses[:drop]
            pulses.insert(bisect.bisect_right([p[1] for p in pulses], t_off), (t_on, t_off, i))
            _overlaps(cc, i, t_on, t_off, pulses, dt, tmax)
            last_change[i] = t_off
        dec["last_i"], dec["t_last"] = port, stamp
    dec["state"], dec["last_change"] = state, last_change
    return {"count_covariance": cc, "incoming": pulses, "decoder": dec}, None


correlospinmatrix_detector = RecorderModel(
    name="correlospinmatrix_detector", kind="spike",
    doc="Correlation matrix of the states of binary neurons on N_channels receptor ports.",
    params=K.params(0.1, 1.0, channels=True) + (
        K.statistic("count_covariance", np.zeros((1, 1, 0)), "overlaps of the up states"),),
    state=K.HIDDEN + (K.State("decoder", None, None, "the decoding of the binary events",
                              dtype="dict", hidden=True),),
    on_set=C.chain(on_set, C.device_on_set), check=C.device_check,
    pre_run=K.init_buffers(_fresh), handle=handle, local_receiver=False,
    receives_signal="binary", receptor_count="N_channels",
    calibrate=K.calibrate(1))
