"""inhomogeneous_poisson_generator: Poisson trains of a piecewise constant rate,
independent per target (models/inhomogeneous_poisson_generator.cpp).

The rate changes to ``rate_values[i]`` for the spikes stamped from ``rate_times[i]`` on
(in the step that ends there, as step_current_generator's amplitude), and keeps its
last value when new times are set. Each target draws its own Poisson count with mean
``rate h`` per active step (the window tested as poisson_generator's); a rate <= 0
sends nothing.
"""

import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from ...errors import NESTErrors
from .._spec import GeneratorModel, Param, State
from . import _common as C
from ._pointer import at_row, table
from ._poisson import counts_shared
from ._windows import step_active

_NAME = "inhomogeneous_poisson_generator"


def _stamps(times, allow_offgrid, ctx):
    """assert_valid_rate_time_and_insert: in the future, on the grid (or rounded up
    to it where allowed), strictly increasing."""
    out = []
    for t in np.asarray(times, float):
        if t <= C.ms_of_tics(ctx.grid, ctx.now * ctx.grid.tics_per_step):
            raise NESTErrors.BadProperty("Time points must lie strictly in the future.")
        x = C.grid_tics(_NAME, ctx.grid, t, allow_offgrid)
        if out and out[-1] >= x:
            raise NESTErrors.BadProperty("Rate times must be strictly increasing.")
        out.append(x)
    return np.asarray(C.ms_of_tics(ctx.grid, np.array(out, np.int64)), float)


def on_set(old, new, ctx):
    """Parameters_::set, in NEST's order of checks."""
    new = C.device_on_set(old, new, ctx)
    keys = ("rate_times", "rate_values", "allow_offgrid_times")
    if not any(k in new for k in keys):
        return new
    times, rates = "rate_times" in new, "rate_values" in new
    n = len(ctx.gids) if ctx.gids is not None else len(old["rate_times"])
    out_t = []
    for i in range(n):
        allow = bool(old["allow_offgrid_times"][i])
        if "allow_offgrid_times" in new:
            flag = bool(new["allow_offgrid_times"][i])
            if flag != allow and not (times or len(old["rate_times"][i]) == 0):
                raise NESTErrors.BadProperty(
                    "Option can only be set together with rate times "
                    "or if no rate times have been set.")
            allow = flag
        if times != rates:
            raise NESTErrors.BadProperty("Rate times and values must be reset together.")
        if not times:
            continue
        t, r = new["rate_times"][i], new["rate_values"][i]
        if len(t) and len(t) != len(r):
            raise NESTErrors.BadProperty("Rate times and values have to be the same size.")
        out_t.append(_stamps(t, allow, ctx))
    if times:
        new["rate_times"] = out_t
        new["rate_values"] = [np.asarray(r, float) for r in new["rate_values"]]
    return new


def host_prepare(v, ctx):
    steps = [C.steps_of(ctx.grid, t) for t in v["rate_times"]]
    steps, out = table(steps, {"rate_table": (v["rate_values"], 0.0, float)}, v["pad"], ctx.now)
    return dict(out, rate_steps=steps)


def emit(p, d, s, ctx, src):
    hit = at_row(p.rate_steps, s.idx) == ctx.n + 1
    rate = jnp.where(hit, at_row(p.rate_table, s.idx), s.rate_now)
    on = step_active(p, ctx) & (rate > 0)
    lam = jnp.where(on, rate * ctx.h_ms * 1e-3, 0.0)
    sent = jnp.where(on[src], counts_shared(ctx.key, lam, src), 0)
    return s.replace(rate_now=rate, idx=s.idx + hit), sent


inhomogeneous_poisson_generator = GeneratorModel(
    name=_NAME, event="spike", per_target=True, uses_rng=True,
    doc="Poisson spike trains of a piecewise constant rate, one per target.",
    params=C.STIMULATION_PARAMS + (
        Param("rate_times", np.zeros(0), u.ms, "times of rate changes", dtype="vector"),
        Param("rate_values", np.zeros(0), u.Hz, "rates from those times on", dtype="vector"),
        Param("allow_offgrid_times", False, None, "round times up to the grid", dtype="bool"),
    ),
    state=(State("rate_now", 0.0, None, "rate now in effect (spikes/s)", hidden=True),
           State("idx", 0, None, "next rate change", dtype="int", hidden=True),
           C.PAD_STATE),
    check=C.device_check, on_set=on_set, host_prepare=host_prepare, emit=emit)
