"""correlation_detector: the cross-correlation histogram of the spikes arriving on
receptor ports 0 and 1 (NEST models/correlation_detector.{h,cpp}): bins of width
delta_tau for lags -tau_max..tau_max, the weighted histogram (a compensated sum),
the counts and the number of events per port; reset by setting n_events to [0, 0] or
any time parameter."""

import bisect
import math

import numpy as np

from ...errors import NESTErrors
from .._spec import Param, RecorderModel
from . import _common as C
from . import _correlation as K


def _fresh(grid, p):
    size = 1 + 2 * K.steps(grid, p["tau_max"]) // K.steps(grid, p["delta_tau"])
    return {"n_events": np.zeros(2, np.int64), "histogram": np.zeros(size),
            "histogram_correction": np.zeros(size), "count_histogram": np.zeros(size, np.int64),
            "incoming": ([], [])}


def on_set(old, new, ctx):
    # State_::set resets with the parameters in force before the call (P_, not the
    # new ones): NEST's statistics take the new size only at the next reset
    n = len(old["delta_tau"])
    out = K.on_set_times("correlation_detector", old, new, ctx,
                         lambda v, n: K.reset(_fresh, old, n, ctx.grid))
    if "n_events" in new:  # after the parameters' checks, as State_::set follows them
        for ev in new["n_events"]:
            ev = np.asarray(ev).reshape(-1)
            if not (len(ev) == 2 and ev[0] == 0 and ev[1] == 0):
                raise NESTErrors.BadProperty("/n_events can only be set to [0 0].")
        out.update(K.reset(_fresh, old, n, ctx.grid))
    return out


def handle(v, ev, ctx):
    """correlation_detector::handle, event by event."""
    grid = ctx.grid
    dt, tmax = K.steps(grid, v["delta_tau"]), K.steps(grid, v["tau_max"])
    t_start, t_stop = K.window_tics(grid, v)
    tau_edge = tmax + 0.5 * dt
    hist, corr = v["histogram"].copy(), v["histogram_correction"].copy()
    count, n_events = v["count_histogram"].copy(), v["n_events"].copy()
    incoming = [list(x) for x in v["incoming"]]  # (step, weight), ascending steps
    for stamp, port, w, m in zip(ev["stamps"].tolist(), ev["rports"].tolist(),
                                 ev["weights"].tolist(), ev["multiplicities"].tolist()):
        other = 1 - port
        others = incoming[other]
        drop = 0
        while drop < len(others) and (stamp - others[drop][0]) - 0.5 * other >= tau_edge:
            drop += 1
        del others[:drop]
        if t_start <= stamp * grid.tics_per_step <= t_stop:
            n_events[port] += 1
            sign = 2 * port - 1
            for t_j, w_j in others:
                b = int(math.floor((tau_edge + sign * (stamp - t_j)) / dt))
                y = m * w * w_j - corr[b]  # Kahan's compensated sum, as NEST adds
                t = hist[b] + y
                corr[b] = (t - hist[b]) - y
                hist[b] = t
                count[b] += m
        mine = incoming[port]
        mine.insert(bisect.bisect_right([s for s, _ in mine], stamp), (stamp, m * w))
    return {"histogram": hist, "histogram_correction": corr, "count_histogram": count,
            "n_events": n_events, "incoming": (incoming[0], incoming[1])}, None


correlation_detector = RecorderModel(
    name="correlation_detector", kind="spike",
    doc="Cross-correlation histogram of the spikes on two receptor ports.",
    params=K.params(0.5, 5.0) + (
        Param("n_events", np.zeros(2, np.int64), None, "events counted per port",
              dtype="vector"),
        K.statistic("histogram", np.zeros(0), "weighted histogram"),
        K.statistic("histogram_correction", np.zeros(0), "compensation of the weighted sum"),
        K.statistic("count_histogram", np.zeros(0), "histogram of counts")),
    state=K.HIDDEN, on_set=C.chain(on_set, C.device_on_set), check=C.device_check,
    pre_run=K.init_buffers(_fresh),
    handle=handle, local_receiver=False, receives_signal="spike",
    receptor_count=2, calibrate=K.calibrate(5))
