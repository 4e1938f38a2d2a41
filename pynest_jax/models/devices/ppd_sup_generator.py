"""ppd_sup_generator: superposition of n_proc Poisson processes with dead time, one
independent superposition per target (models/ppd_sup_generator.cpp).

A target's components are either active (firing with the hazard ``h / (1000/rate -
dead_time)`` per step, sinusoidally modulated by ``relative_amplitude`` at
``frequency``) or refractory in one of ``int(dead_time / h)`` age bins, a ring: each
active step, a binomial count of the active components fires (the multiplicity) and
takes the oldest bin's place, whose components become active again. Trains start
from NEST's equilibrium guess (``int(rate n_proc h / 1000)`` per bin) when their
connection is first prepared, then persist across runs. Active for step ``n`` as
poisson_generator, whose time ``n h`` is the modulation's phase.

NEST draws Poisson instead of binomial counts for large occupations with small
hazards (its approximation); here every count is binomial.
"""

import jax
import jax.numpy as jnp
import numpy as np

from .._spec import GeneratorModel, Param, State
from . import _common as C
from . import _trains as T
from ._windows import step_active


def check(p):
    dead = np.asarray(p["dead_time"], float)
    if np.any(dead < 0):
        return "The dead time cannot be negative."
    with np.errstate(divide="ignore"):
        if np.any(1000.0 / np.asarray(p["rate"], float) <= dead):
            return "The inverse rate has to be larger than the dead time."
    if np.any(np.asarray(p["n_proc"]) < 1):
        return "The number of component processes cannot be smaller than one"
    amp = np.asarray(p["relative_amplitude"], float)
    if np.any((amp > 1.0) | (amp < 0.0)):
        return "The relative amplitude of the rate modulation must be in [0,1]."
    return C.device_check(p)


def pre_run(v, ctx):
    """pre_run_hook: trains of new connections start at the initial distribution."""
    h = C.h_ms(ctx.grid)
    rate = np.asarray(v["rate"], float)
    n_proc = np.asarray(v["n_proc"], np.int64)
    n_dev = len(rate)
    bins = (np.asarray(v["dead_time"], float) / h).astype(np.int64)
    trains = T.outgoing(ctx)
    old = np.asarray(v["refractory"], float)
    prepared = old.ndim == 3
    n_old = np.asarray(v["n_targets"], np.int64) if prepared else np.zeros(n_dev, np.int64)
    b_max = int(max(bins.max(initial=1), old.shape[2] if prepared else 1, 1))
    ini = (rate / 1000.0 * n_proc * h).astype(np.int64)
    refr = np.where(np.arange(b_max)[None, :] < bins[:, None], ini[:, None], 0).astype(float)
    w = T.width(old.shape[1] if prepared else 1, trains)

    def keep(key, fresh):
        return T.resized(np.asarray(v[key]) if prepared else None, n_old, trains, fresh, w)
    return {"refractory": keep("refractory", refr),
            "active": keep("active", (n_proc - ini * bins).astype(float)),
            "bins": keep("bins", bins), "next_bin": keep("next_bin", np.zeros(n_dev, np.int64)),
            "n_targets": trains}


def host_prepare(v, ctx):
    h = C.h_ms(ctx.grid)
    with np.errstate(divide="ignore"):
        hazard = 1.0 / (1000.0 / np.asarray(v["rate"], float) - np.asarray(v["dead_time"], float)) * h
    return {"hazard_step": hazard,
            "omega": 2.0 * np.pi * np.asarray(v["frequency"], float) / 1000.0}


def emit(p, d, s, ctx, src):
    n_dev = p.hazard_step.shape[0]
    col = jnp.minimum(T.ranks(src, n_dev), s.active.shape[1] - 1)
    on = (step_active(p, ctx) & (p.rate > 0))[src] & (col < s.n_targets[src])
    modulated = (p.relative_amplitude > 0.0) & (p.frequency != 0.0)
    t_ms = ctx.n * ctx.h_ms
    hazard = jnp.where(modulated, p.hazard_step * (
        1.0 + p.relative_amplitude * jnp.sin(p.omega * t_ms)), p.hazard_step)
    active = s.active[src, col]
    fired = jax.random.binomial(ctx.key, active, jnp.clip(hazard[src], 0.0, 1.0))
    fired = jnp.where(on & (active > 0), fired, 0.0)
    bins, nxt = s.bins[src, col], s.next_bin[src, col]
    ring = on & (bins > 0)
    refr = s.refractory[src, col]
    oldest = jnp.take_along_axis(refr, nxt[:, None], axis=1)[:, 0]
    active = jnp.where(ring, active + oldest - fired, active)
    refr = jnp.where(ring[:, None] & (jnp.arange(refr.shape[1])[None, :] == nxt[:, None]),
                     fired[:, None], refr)
    nxt = jnp.where(ring, (nxt + 1) % jnp.maximum(bins, 1), nxt)
    s = s.replace(active=s.active.at[src, col].set(active),
                  refractory=s.refractory.at[src, col].set(refr),
                  next_bin=s.next_bin.at[src, col].set(nxt))
    return s, fired.astype(jnp.int32)


ppd_sup_generator = GeneratorModel(
    name="ppd_sup_generator", event="spike", per_target=True, uses_rng=True,
    doc="Superposition of Poisson processes with dead time, independent per target.",
    params=C.STIMULATION_PARAMS + (
        Param("rate", 0.0, None, "rate of each component process (spikes/s)"),
        Param("dead_time", 0.0, None, "dead time of each component (ms)"),
        Param("n_proc", 1, None, "number of superimposed processes", dtype="int"),
        Param("frequency", 0.0, None, "frequency of the rate modulation (Hz)"),
        Param("relative_amplitude", 0.0, None, "relative amplitude of the modulation")),
    state=(State("active", 0.0, None, "active components of each train", hidden=True),
           State("refractory", 0.0, None, "components in each dead-time bin", hidden=True),
           State("bins", 0, None, "dead-time bins of each train", dtype="int", hidden=True),
           State("next_bin", 0, None, "the bin released next", dtype="int", hidden=True),
           State("n_targets", 0, None, "trains (num_targets_)", dtype="int", hidden=True)),
    check=check, on_set=C.device_on_set, pre_run=pre_run, host_prepare=host_prepare,
    emit=emit)
