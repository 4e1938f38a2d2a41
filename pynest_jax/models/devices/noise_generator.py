"""noise_generator: Gaussian white-noise currents (models/noise_generator.cpp).

Every ``dt`` (counted from the first active step) each target gets a new
amplitude ``mean + sqrt(std^2 + y_1 std_mod^2) * N(0, 1)``, independent per
target, held until the next draw; ``y_1`` is the sine of the modulation
(_oscillator.py, rotated only while active and std_mod != 0). The recordable
``I`` is the mean over targets.

Per-target amplitudes are not stored: a draw stores one key per device, and
each step recomputes target ``j``'s normal from ``fold_in(key, j)``.
"""

import jax
import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from .._spec import GeneratorModel, Param, State
from . import _common as C
from . import _oscillator as osc
from ._windows import current_active

_NAME = "noise_generator"


def check(p):
    if np.any(np.asarray(p["std"]) < 0) or np.any(np.asarray(p["std_mod"]) < 0):
        return "The standard deviation cannot be negative."
    if np.any(np.asarray(p["std_mod"]) > np.asarray(p["std"])):
        # NEST's wording, typo included
        return "The modulation apmlitude must be smaller or equal to the baseline amplitude."
    return C.device_check(p)


def on_set(old, new, ctx):
    new = C.device_on_set(old, new, ctx)
    if "dt" in new:
        for dt in np.atleast_1d(new["dt"]):
            C.step_multiple(_NAME, "dt", float(dt), ctx.grid)
        new["dt"] = C.ms_of_tics(ctx.grid, C.tics(ctx.grid, new["dt"]))
    return new


def calibrate(defaults, grid):
    """calibrate_time: dt stays if it is a multiple of the new resolution, else 10 h."""
    x = int(C.tics(grid, defaults["dt"]))
    if not (x > 0 and x % grid.tics_per_step == 0):
        defaults["dt"] = 10 * grid.h
    return defaults


def pre_run(v, ctx):
    ones = np.ones(len(v["frequency"]))
    y0, y1 = osc.start_values(ones, v["frequency"], v["phase"], C.now_ms(ctx))
    out = {"y_0": y0, "y_1": y1}
    if ctx.graph is not None:
        # "The number of targets has changed, drawing new amplitudes": init_buffers_
        conns = ctx.graph.connections
        src = conns.col("source")[conns.col("alive")] if len(conns) else np.zeros(0, int)
        gids = np.asarray(ctx.gids)
        n_targets = np.bincount(src.astype(np.int64), minlength=int(gids.max()) + 1)[gids]
        changed = n_targets != v["n_targets"]
        out["n_targets"] = n_targets
        out["next_step"] = np.where(changed, 0, v["next_step"])
    return out


def host_prepare(v, ctx):
    return osc.propagator(v["frequency"], C.h_ms(ctx.grid))


def emit(p, d, s, ctx, src):
    n_dev = s.y_0.shape[0]
    on = current_active(p, ctx)
    rot = on & (p.std_mod.to_decimal(u.pA) != 0)
    y0, y1 = osc.rotate(p, s.y_0, s.y_1)
    y0, y1 = jnp.where(rot, y0, s.y_0), jnp.where(rot, y1, s.y_1)

    draw = on & (ctx.n >= s.next_step)
    sigma = u.math.sqrt(p.std ** 2 + y1 * p.std_mod ** 2)
    sigma = u.math.where(draw, sigma, s.sigma)
    mean = u.math.where(draw, p.mean, s.mean_drawn)
    words = jax.random.bits(ctx.key, (n_dev, 2), jnp.uint32).astype(jnp.int64)
    k0, k1 = jnp.where(draw, words[:, 0], s.key_0), jnp.where(draw, words[:, 1], s.key_1)
    next_step = jnp.where(draw, ctx.n + ctx.steps(p.dt), s.next_step)

    keys = jax.random.wrap_key_data(
        jnp.stack([k0[src], k1[src]], -1).astype(jnp.uint32), impl="threefry2x32")
    z = jax.vmap(lambda k, j: jax.random.normal(jax.random.fold_in(k, j), dtype=jnp.float64))(
        keys, jnp.arange(src.shape[0]))
    amps = u.math.where(on[src], mean[src] + sigma[src] * z, 0.0 * u.pA).to_decimal(u.pA)
    n_tgt = jax.ops.segment_sum(jnp.ones_like(amps), src, n_dev)
    I = jax.ops.segment_sum(amps, src, n_dev) / jnp.maximum(n_tgt, 1.0)
    s = s.replace(y_0=y0, y_1=y1, I=I * u.pA, sigma=sigma, mean_drawn=mean, key_0=k0,
                  key_1=k1, next_step=next_step)
    return s, amps


noise_generator = GeneratorModel(
    name=_NAME, event="current", per_target=True, uses_rng=True, sends_signal="all",
    doc="Gaussian white-noise current, independent per target.",
    params=C.STIMULATION_PARAMS + (
        Param("mean", 0.0, u.pA, "mean current"),
        Param("std", 0.0, u.pA, "standard deviation of the noise"),
        Param("std_mod", 0.0, u.pA, "modulation amplitude of the standard deviation"),
        Param("dt", 1.0, u.ms, "interval between new amplitudes (default 10 h)"),
        Param("frequency", 0.0, None, "modulation frequency (Hz)"),
        Param("phase", 0.0, None, "modulation phase (degrees)"),
    ),
    state=(State("y_0", 0.0, None, "cosine of the modulation"),
           State("y_1", 0.0, None, "sine of the modulation"),
           State("I", 0.0, u.pA, "mean current over targets in the last step", hidden=True),
           State("next_step", 0, None, "step of the next draw", dtype="int", hidden=True),
           State("sigma", 0.0, u.pA, "standard deviation at the last draw", hidden=True),
           State("mean_drawn", 0.0, u.pA, "mean at the last draw", hidden=True),
           State("key_0", 0, None, "key of the last draw", dtype="int", hidden=True),
           State("key_1", 0, None, "key of the last draw", dtype="int", hidden=True),
           State("n_targets", 0, None, "targets at the last Prepare", dtype="int", hidden=True)),
    **C.CURRENT_RECORDABLES,
    check=check, on_set=on_set, calibrate=calibrate,
    pre_run=pre_run, host_prepare=host_prepare, emit=emit)
