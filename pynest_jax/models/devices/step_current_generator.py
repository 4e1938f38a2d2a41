"""step_current_generator: a piecewise constant current (models/step_current_generator.cpp).

The amplitude changes to ``amplitude_values[i]`` in the step that ends at
``amplitude_times[i]``; times at or before the current time when the list is
set are skipped without changing the amplitude, as in NEST.
"""

import numpy as np

from ..._brainunit import u
from ...errors import NESTErrors
from .._spec import GeneratorModel, Param, State
from . import _common as C
from ._pointer import NEVER, at, pointer_start, ragged
from ._windows import current_active

_NAME = "step_current_generator"


def _stamps(times, allow_offgrid, grid):
    """Parameters_::validate_time_: strictly positive, on the grid (or rounded up
    to it when allowed), strictly increasing in steps."""
    out, prev = [], 0
    for t in np.asarray(times, float):
        if t <= 0.0:
            raise NESTErrors.BadProperty(
                "Amplitude can only be changed at strictly positive times (t > 0).")
        x = C.grid_tics(_NAME, grid, t, allow_offgrid)
        if x <= prev:
            raise NESTErrors.BadProperty(
                f"{_NAME}: amplitude times must be at strictly increasing time steps.")
        out.append(x)
        prev = x
    return np.asarray(C.ms_of_tics(grid, np.array(out, np.int64)), float)


def on_set(old, new, ctx):
    new = C.device_on_set(old, new, ctx)
    keys = ("amplitude_times", "amplitude_values", "allow_offgrid_times")
    if not any(k in new for k in keys):
        return new
    n = len(ctx.gids) if ctx.gids is not None else len(old["amplitude_times"])
    times_changed, values_changed = "amplitude_times" in new, "amplitude_values" in new
    if times_changed != values_changed:
        raise NESTErrors.BadProperty("Amplitude times and values must be reset together.")
    out_t, out_v = [], []
    for i in range(n):
        allow = bool((new.get("allow_offgrid_times") if "allow_offgrid_times" in new
                      else old["allow_offgrid_times"])[i])
        times = new["amplitude_times"][i] if times_changed else old["amplitude_times"][i]
        values = new["amplitude_values"][i] if values_changed else old["amplitude_values"][i]
        if "allow_offgrid_times" in new and not times_changed and len(old["amplitude_times"][i]):
            raise NESTErrors.BadProperty(
                "allow_offgrid_times can only be changed before amplitude_times have been "
                "set, or together with amplitude_times and amplitude_values.")
        if len(times) != len(values):
            raise NESTErrors.BadProperty("Amplitude times and values have to be the same size.")
        out_t.append(_stamps(times, allow, ctx.grid) if times_changed else np.asarray(times, float))
        out_v.append(np.asarray(values, float))
    if times_changed:
        new["amplitude_times"], new["amplitude_values"] = out_t, out_v
    return new


def host_prepare(v, ctx):
    steps = [C.steps_of(ctx.grid, t) for t in v["amplitude_times"]]
    table, base = ragged(steps, NEVER, np.int64, min_len=int(np.max(v["pad"])))
    L = len(table)
    return {"amp_steps": table, "amp_base": base,
            "amp_values": ragged(v["amplitude_values"], 0.0, float, L)[0],
            "idx": pointer_start(steps, ctx.now), "pad": np.full(len(steps), L)}


def emit(p, d, s, ctx):
    # A new amplitude takes effect in the step that ends at its time.
    hit = at(p.amp_steps, p.amp_base, s.idx) == ctx.n + 1
    amp = u.math.where(hit, at(p.amp_values, p.amp_base, s.idx) * u.pA, s.amp)
    I = u.math.where(current_active(p, ctx), amp, 0.0 * u.pA)
    return s.replace(I=I, amp=amp, idx=s.idx + hit), I.to_decimal(u.pA)


step_current_generator = GeneratorModel(
    name=_NAME, event="current", doc="Piecewise constant current source.",
    params=C.STIMULATION_PARAMS + (
        Param("amplitude_times", np.zeros(0), u.ms, "times of amplitude changes", dtype="vector"),
        Param("amplitude_values", np.zeros(0), u.pA, "amplitudes from those times on",
              dtype="vector"),
        Param("allow_offgrid_times", False, None, "round times up to the grid", dtype="bool"),
    ),
    state=(State("I", 0.0, u.pA, "current emitted in the last step", hidden=True),
           State("amp", 0.0, u.pA, "amplitude now in effect", hidden=True),
           State("idx", 0, None, "next amplitude change", dtype="int", hidden=True),
           C.PAD_STATE),
    **C.CURRENT_RECORDABLES,
    check=C.device_check, on_set=on_set, host_prepare=host_prepare, emit=emit)
