"""correlomatrix_detector: the covariance matrix of the spikes arriving on receptor
ports 0..N_channels-1 (NEST models/correlomatrix_detector.{h,cpp}): for each pair of
ports, bins of width delta_tau (an odd number of steps) for lags 0..tau_max, weighted
and counted; reset by setting any parameter."""

import bisect
import math

import numpy as np

from .._spec import RecorderModel
from . import _common as C
from . import _correlation as K

def _fresh(grid, p):
    N, delta_tau, tau_max = int(p["N_channels"]), p["delta_tau"], p["tau_max"]
    bins = 1 + K.steps(grid, tau_max) // K.steps(grid, delta_tau)
    return {"n_events": np.zeros(N, np.int64), "covariance": np.zeros((N, N, bins)),
            "count_covariance": np.zeros((N, N, bins), np.int64), "incoming": []}


def on_set(old, new, ctx):
    return K.on_set_times("correlomatrix_detector", old, new, ctx,
                          lambda v, n: K.reset(_fresh, v, n, ctx.grid), odd=True)



def handle(v, ev, ctx):
    """correlomatrix_detector::handle, event by event."""
    grid = ctx.grid
    dt, tmax = K.steps(grid, v["delta_tau"]), K.steps(grid, v["tau_max"])
    t_start, t_stop = K.window_tics(grid, v)
    tau_edge = tmax + 0.5 * dt
    cov, count = v["covariance"].copy(), v["count_covariance"].copy()
    n_events = v["n_events"].copy()
    bins = cov.shape[2]
    spikes = list(v["incoming"])  # (step, weight, port), ascending steps
    for stamp, port, w, m in zip(ev["stamps"].tolist(), ev["rports"].tolist(),
                                 ev["weights"].tolist(), ev["multiplicities"].tolist()):
        # the new spike first, after those of its step; then the old ones out
        spikes.insert(bisect.bisect_right([s[0] for s in spikes], stamp), (stamp, m * w, port))
        drop = 0
        while drop < len(spikes) and stamp - spikes[drop][0] >= tau_edge + ctx.min_delay:
            drop += 1
        del spikes[:drop]
        if not t_start <= stamp * grid.tics_per_step <= t_stop:
            continue
        n_events[port] += 1
        for t_j, w_j, other in spikes:
            first, second = (other, port) if stamp < t_j else (port, other)
            lag = abs(stamp - t_j)
            if first <= second:
                b = int(-1.0 * math.floor((0.5 * dt - lag) / dt))
            else:
                b = int(math.floor((0.5 * dt + lag) / dt))
            if not 0 <= b < bins:  # NEST's size_t: a negative bin is out of range
                continue
            mirror = b == 0 and (lag != 0 or other != port)
            cov[first, second, b] += m * w * w_j
            if mirror:
                cov[second, first, b] += m * w * w_j
            count[first, second, b] += m
            if mirror:
                count[second, first, b] += m
    return {"covariance": cov, "count_covariance": count, "n_events": n_events,
            "incoming": spikes}, None


correlomatrix_detector = RecorderModel(
    name="correlomatrix_detector", kind="spike",
    doc="Covariance matrix of the spikes on N_channels receptor ports.",
    params=K.params(0.5, 5.0, channels=True) + (
        K.statistic("n_events", np.zeros(1, np.int64), "events counted per port"),
        K.statistic("covariance", np.zeros((1, 1, 0)), "weighted covariance"),
        K.statistic("count_covariance", np.zeros((1, 1, 0)), "covariance of counts")),
    state=K.HIDDEN, on_set=C.chain(on_set, C.device_on_set), check=C.device_check,
    pre_run=K.init_buffers(_fresh), handle=handle, local_receiver=False,
    receives_signal="spike", receptor_count="N_channels",
    calibrate=K.calibrate(5))
