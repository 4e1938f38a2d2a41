"""Keys every NEST device carries (nestkernel/device.h, recording_device.h,
stimulation_device.h), NEST's Time arithmetic on the host (nestkernel/nest_time.h),
and the set_status rules shared by all devices."""

import numpy as np

from ..._brainunit import u
from ...errors import NESTErrors
from .._spec import Param, State
from . import RECORDING_BACKENDS

DBL_MAX = 1.7976931348623157e308

DEVICE_PARAMS = (
    Param("origin", 0.0, u.ms, "global time offset of start and stop"),
    Param("start", 0.0, u.ms, "activation time, relative to origin"),
    Param("stop", DBL_MAX, u.ms, "deactivation time, relative to origin"),
    Param("label", "", None, "label of the device", dtype="str"),
)

RECORDING_PARAMS = DEVICE_PARAMS + (
    Param("record_to", "memory", None, "recording backend", dtype="str"),
    Param("time_in_steps", False, None, "record times as steps and offsets", dtype="bool"),
    Param("n_events", 0, None, "number of recorded events", dtype="int"),
)

STIMULATION_PARAMS = DEVICE_PARAMS + (
    Param("stimulus_source", "", None, "stimulation backend", dtype="str"),
)

# The high-water mark of a model's flat host vectors (see _pointer.ragged).
PAD_STATE = State("pad", 16, None, "padded length of the device arrays", dtype="int", hidden=True)

# A current generator's one recordable (a multimeter may sample it).
CURRENT_RECORDABLES = dict(recordables=("I",), extra_status={"recordables": ["I"]})


# --- Time (nest_time.h) on the host ------------------------------------------

def _lim_max_tics(grid):
    """Time::compute_max: the largest finite time, in tics."""
    t = (2 ** 63 - 1) // 8
    return t - t % grid.tics_per_step


def tics(grid, t):
    """Time(Time::ms(t)).get_tics(): C's truncation of t*tics_per_ms + 0.5;
    beyond the limits +-inf (returned as +-2**62)."""
    t = np.asarray(t, float)
    lim_ms = _lim_max_tics(grid) / grid.tics_per_ms
    finite = np.abs(t) < lim_ms
    safe = np.where(finite, t, 0.0)
    out = np.trunc(safe * grid.tics_per_ms + 0.5).astype(np.int64)
    return np.where(finite, out, np.where(t < 0, -(2 ** 62), 2 ** 62))


def is_finite_tics(x):
    return np.abs(np.asarray(x)) < 2 ** 62


def steps_of_tics(grid, x):
    """Time::get_steps(): tics rounded up to a whole step (infinite: kept huge)."""
    x = np.asarray(x, np.int64)
    return np.where(is_finite_tics(x), -((-x) // grid.tics_per_step), x)


def ms_of_tics(grid, x):
    """Time::get_ms(): infinite times read as +-DBL_MAX."""
    x = np.asarray(x, np.int64)
    return np.where(is_finite_tics(x), x * (1.0 / grid.tics_per_ms),
                    np.where(x < 0, -DBL_MAX, DBL_MAX))


def stamp_tics(grid, t):
    """Time(Time::ms_stamp(t)): the first grid time not before t (Time::fromstamp)."""
    t = np.asarray(t, float)
    n = np.trunc(t * grid.tics_per_ms).astype(np.int64)
    n = n - np.fmod(n, grid.tics_per_step)
    ms = n / grid.tics_per_step * grid.h
    return np.where(ms < t, n + grid.tics_per_step, n)


def grid_tics(model, grid, t, allow_offgrid):
    """A time point in tics: on the grid as given; off it, rounded up to the grid
    where the model allows off-grid times (``allow_offgrid_times``), else NEST's error."""
    x = int(tics(grid, t))
    if x % grid.tics_per_step:
        if not allow_offgrid:
            raise NESTErrors.BadProperty(
                f"{model}: Time point {t:g} is not representable in current resolution.")
        x = int(stamp_tics(grid, t))
    return x


def now_ms(ctx):
    """kernel().simulation_manager.get_time().get_ms(): tics times MS_PER_TIC."""
    return ctx.now * ctx.grid.tics_per_step * (1.0 / ctx.grid.tics_per_ms)


def h_ms(grid):
    """Time::get_resolution().get_ms()."""
    return grid.tics_per_step * (1.0 / grid.tics_per_ms)


def is_grid(grid, x):
    return np.asarray(x) % grid.tics_per_step == 0


def steps_of(grid, t):
    """Time::ms(t).get_steps() for host arrays."""
    return steps_of_tics(grid, tics(grid, t))


def window(grid, origin, start, stop):
    """(t_min, t_max) in steps: Device::pre_run_hook."""
    return (steps_of_tics(grid, tics(grid, origin) + tics(grid, start)),
            steps_of_tics(grid, tics(grid, origin) + tics(grid, stop)))


# --- set_status rules -----------------------------------------------------------



def device_check(p):
    if np.any(np.asarray(p["stop"]) < np.asarray(p["start"])):
        return "stop >= start required."
    for to in np.asarray(p.get("record_to", ()), dtype=object).reshape(-1):
        if to not in RECORDING_BACKENDS:
            return f"Unknown recording backend '{to}'"
    return None


def device_on_set(old, new, ctx):
    """Device::Parameters_::set: origin, start and stop on the grid, or infinite;
    stored as NEST stores them (whole tics)."""
    for k in ("origin", "start", "stop"):
        if k not in new:
            continue
        x = tics(ctx.grid, new[k])
        if np.any(is_finite_tics(x) & ~is_grid(ctx.grid, x)):
            raise NESTErrors.BadProperty(f"{k} must be a multiple of the simulation resolution.")
        new[k] = ms_of_tics(ctx.grid, x)
    return new


def chain(*hooks):
    """One on_set made of several, applied in order."""
    def on_set(old, new, ctx):
        for h in hooks:
            new = h(old, new, ctx)
        return new
    return on_set


def step_multiple(model, key, value_ms, grid):
    """NEST's StepMultipleRequired for a time that must be a positive multiple of h."""
    x = int(tics(grid, value_ms))
    if not (x > 0 and x % grid.tics_per_step == 0):
        raise NESTErrors.StepMultipleRequired(
            f"The time property {key} = {value_ms} ms (= {x} tics = "
            f"{int(steps_of_tics(grid, x))} steps) of model {model} must be a multiple of "
            f"the resolution {grid.h} ms (= {grid.tics_per_step} tics = 1 step).")
