"""gamma_sup_generator: superposition of n_proc gamma processes of shape
gamma_shape, one independent superposition per target (models/gamma_sup_generator.cpp).

A gamma process of integer shape k is a cycle through k states, each left with
probability ``rate k h`` per step; a spike is a transition out of the last one. A
target's train is the occupation of these states by its n_proc components: each
active step, every state loses a binomial count of its occupants to the next, and the
count leaving the last is the step's multiplicity. Trains start from NEST's
approximate equilibrium (n_proc // k in each state, the rest in the last) when their
connection is first prepared, and then persist across runs. Active for step ``n`` as
poisson_generator; nothing is drawn while ``rate`` is 0.

NEST draws Poisson instead of binomial counts for large occupations with small
transition probabilities (its approximation); here every count is binomial.
"""

import jax
import jax.numpy as jnp
import numpy as np

from .._spec import GeneratorModel, Param, State
from . import _common as C
from . import _trains as T
from ._windows import step_active


def check(p):
    if np.any(np.asarray(p["gamma_shape"]) < 1):
        return "The shape must be larger or equal 1"
    if np.any(np.asarray(p["rate"]) < 0):
        return "The rate must be larger than 0."
    if np.any(np.asarray(p["n_proc"]) < 1):
        return "The number of component processes cannot be smaller than one"
    return C.device_check(p)


def pre_run(v, ctx):
    """pre_run_hook: trains of new connections start at the initial distribution."""
    shape = np.asarray(v["gamma_shape"], np.int64)
    n_proc = np.asarray(v["n_proc"], np.int64)
    n_dev = len(shape)
    trains = T.outgoing(ctx)
    old = np.asarray(v["occ"], float)
    n_old = np.asarray(v["n_targets"], np.int64) if old.ndim == 3 else np.zeros(n_dev, np.int64)
    k_max = int(max(shape.max(initial=1), old.shape[2] if old.ndim == 3 else 1))
    ini = n_proc // shape
    fresh = np.where(np.arange(k_max)[None, :] < shape[:, None], ini[:, None], 0).astype(float)
    fresh[np.arange(n_dev), shape - 1] += n_proc - ini * shape
    w = T.width(old.shape[1] if old.ndim == 3 else 1, trains)
    old_bins = np.asarray(v["bins"], np.int64) if old.ndim == 3 else None
    return {"occ": T.resized(old if old.ndim == 3 else None, n_old, trains, fresh, w),
            "bins": T.resized(old_bins, n_old, trains, shape, w),
            "n_targets": trains}


def host_prepare(v, ctx):
    h = C.h_ms(ctx.grid)
    p = np.asarray(v["rate"], float) * np.asarray(v["gamma_shape"], float) * h / 1000.0
    return {"transition_prob": p}


def emit(p, d, s, ctx, src):
    n_dev = p.transition_prob.shape[0]
    occ_all = s.occ
    col = jnp.minimum(T.ranks(src, n_dev), occ_all.shape[1] - 1)
    on = (step_active(p, ctx) & (p.transition_prob > 0))[src] & (col < s.n_targets[src])
    occ = occ_all[src, col]
    k = s.bins[src, col]
    inside = jnp.arange(occ.shape[1])[None, :] < k[:, None]
    prob = jnp.clip(p.transition_prob[src], 0.0, 1.0)[:, None]
    moved = jax.random.binomial(ctx.key, occ, jnp.broadcast_to(prob, occ.shape))
    moved = jnp.where(inside & on[:, None], moved, 0.0)
    out_last = jnp.take_along_axis(moved, (k - 1)[:, None], axis=1)[:, 0]
    arriving = jnp.concatenate([out_last[:, None], moved[:, :-1]], axis=1)
    occ = occ - moved + jnp.where(inside, arriving, 0.0)
    return s.replace(occ=occ_all.at[src, col].set(occ)), out_last.astype(jnp.int32)


gamma_sup_generator = GeneratorModel(
    name="gamma_sup_generator", event="spike", per_target=True, uses_rng=True,
    doc="Superposition of gamma processes, independent per target.",
    params=C.STIMULATION_PARAMS + (
        Param("rate", 0.0, None, "rate of each component process (spikes/s)"),
        Param("gamma_shape", 1, None, "shape of the gamma distribution", dtype="int"),
        Param("n_proc", 1, None, "number of superimposed processes", dtype="int")),
    state=(State("occ", 0.0, None, "occupation of each train's states", hidden=True),
           State("bins", 0, None, "states of each train", dtype="int", hidden=True),
           State("n_targets", 0, None, "trains (num_targets_)", dtype="int", hidden=True)),
    check=check, on_set=C.device_on_set, pre_run=pre_run, host_prepare=host_prepare,
    emit=emit)
