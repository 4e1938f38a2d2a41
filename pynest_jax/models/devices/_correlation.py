"""What NEST's correlation detectors share (models/correlation_detector.{h,cpp},
correlomatrix_detector.*, correlospinmatrix_detector.*): their time parameters, kept
as NEST's Time (tics) and checked as NEST checks them, the reset of their statistics,
and the device window. They are not recording devices: they keep their statistics in
their status, which the kernel's handled events (kernel/recording.py) update on the
host in NEST's delivery order."""

import numpy as np

from ..._brainunit import u
from ...errors import NESTErrors
from .._spec import Param, State
from . import _common as C

TIMES = ("delta_tau", "tau_max", "Tstart", "Tstop")


def params(delta_tau, tau_max, channels=False):
    own = ((Param("N_channels", 1, None, "number of receptor ports", dtype="int"),)
           if channels else ())
    return C.DEVICE_PARAMS[:3] + own + (
        Param("delta_tau", delta_tau, u.ms, "width of a histogram bin"),
        Param("tau_max", tau_max, u.ms, "largest time lag of the histogram"),
        Param("Tstart", 0.0, u.ms, "spikes before this time are not counted"),
        Param("Tstop", C.DBL_MAX, u.ms, "spikes after this time are not counted"),
    )


def statistic(name, empty, doc):
    """A statistic NEST shows but does not take (an unknown key when set)."""
    return Param(name, empty, None, doc, dtype="dict", readonly=True)


HIDDEN = (
    State("incoming", None, None, "the spikes still within tau_max of a new one", dtype="dict",
          hidden=True),
    State("initialized", False, None, "init_buffers_ done (statistics sized)", dtype="bool",
          hidden=True),
)


def time_str(grid, x):
    """NEST's Time on a stream: ms (6 significant digits), tics, steps."""
    if not C.is_finite_tics(x):
        return "+INF" if x > 0 else "-INF"
    steps = int(C.steps_of_tics(grid, x))
    return (f"{float(C.ms_of_tics(grid, x)):g} ms (= {int(x)} tics = {steps} "
            f"{'step' if steps == 1 else 'steps'})")


def steps(grid, ms):
    return int(C.steps_of_tics(grid, C.tics(grid, ms)))


def check_times(model, grid, delta_tau, tau_max):
    """Parameters_::set's closing checks: delta_tau on the grid, tau_max a multiple."""
    dt, tm = int(C.tics(grid, delta_tau)), int(C.tics(grid, tau_max))
    if dt % grid.tics_per_step:
        raise NESTErrors.StepMultipleRequired(
            f"The time property delta_tau = {time_str(grid, dt)} of model {model} must be a "
            f"multiple of the resolution {time_str(grid, grid.tics_per_step)}.")
    if dt == 0 or tm % dt:
        raise NESTErrors.TimeMultipleRequired(
            f"In model {model}, the time property tau_max = {time_str(grid, tm)} must be "
            f"multiple of time property delta_tau = {time_str(grid, dt)}.")


def on_set_times(model, old, new, ctx, reset, nonnegative=False, odd=False):
    """Parameters_::set of the three detectors, node by node; ``reset(values, i)`` gives
    node i's statistics afresh (State_::reset) when a parameter was given."""
    new = dict(new)
    grid = ctx.grid
    n = len(old["delta_tau"])
    if "N_channels" in new and np.any(np.asarray(new["N_channels"]) < 1):
        raise NESTErrors.BadProperty("/N_channels can only be larger than zero.")
    for k in TIMES:
        if k in new:
            ms = np.broadcast_to(np.asarray(new[k], float), (n,))
            if nonnegative and np.any(ms < 0):
                raise NESTErrors.BadProperty(f"/{k} must not be negative.")
            new[k] = C.ms_of_tics(grid, C.tics(grid, ms))
    merged = {k: np.broadcast_to(np.asarray(new.get(k, old[k])), (n,)) for k in TIMES}
    for i in range(n):
        check_times(model, grid, merged["delta_tau"][i], merged["tau_max"][i])
        if odd and steps(grid, merged["delta_tau"][i]) % 2 != 1:
            raise NESTErrors.BadProperty("/delta_tau must be odd multiple of resolution.")
    if not (set(TIMES) | {"N_channels"}) & set(new):
        return new
    return {**new, **reset({**old, **new}, n)}


def window_tics(grid, v):
    return int(C.tics(grid, v["Tstart"])), int(C.tics(grid, v["Tstop"]))


def calibrate(steps_per_bin):
    """calibrate_time on the prototype: delta_tau back to its default at the new
    resolution (steps_per_bin steps)."""
    def hook(defaults, grid):
        return {**defaults, "delta_tau": steps_per_bin * grid.h}
    return hook


def _at(values, i, n):
    if isinstance(values, list):
        return values[i]
    return np.broadcast_to(np.asarray(values), (n,) + np.shape(values)[1:])[i]


def reset(fresh, values, n, grid):
    """State_::reset of n nodes: ``fresh(grid, node's values)`` of each, by key."""
    out = {}
    for i in range(n):
        node = {k: _at(values[k], i, n) for k in ("N_channels", "delta_tau", "tau_max")
                if k in values}
        for k, x in fresh(grid, node).items():
            out.setdefault(k, []).append(x)
    return out


def init_buffers(fresh):
    """pre_run: init_buffers_, once per node (at its first Prepare): the statistics
    sized by the parameters then in force."""
    def pre_run(v, ctx):
        first = ~np.asarray(v["initialized"], bool)
        if not first.any():
            return {}
        n = len(first)
        made = reset(fresh, v, n, ctx.grid)
        out = {k: [made[k][i] if first[i] else v[k][i] for i in range(n)] for k in made}
        return {**out, "initialized": np.ones(n, bool)}
    return pre_run
