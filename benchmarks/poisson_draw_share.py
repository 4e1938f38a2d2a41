"""Issue 14: the share of poisson_generator's draw in brunel_delta's step, measured in the
network itself (no profiler): `counts_shared` is replaced in poisson_generator's module.

    python benchmarks/poisson_draw_share.py VARIANT SCALE REPEATS

Builds brunel_delta at SCALE, Simulate(20), then REPEATS times Simulate(100): prints the
CPU time (time.process_time) per step of 0.1 ms, the recorded spikes and their hash.
Variants: base; double, triple (the draw two or three times, the first used: results
identical); nocond (the table search without the lax.cond, valid for means <= 16: results
identical here); nocond_barrier (the same, the counts behind an optimization_barrier);
hashonly (uniforms, no table search), seedonly (the key and seed only), const (no draw):
these three change the input (timing only).
"""

import hashlib
import sys
import time

sys.path.insert(0, ".")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

import pynest_jax as nest  # noqa: E402
from pynest_jax.models.devices import _poisson  # noqa: E402
from pynest_jax.models.devices import poisson_generator as pgm  # noqa: E402
from pynest_jax.numerics import fastrand  # noqa: E402

variant, scale, reps = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
orig = _poisson.counts_shared


def by_table(key, src, cdf):  # counts_shared's binary search (before 2026-12-06 06:30)
    u = fastrand.uniform(jax.random.fold_in(key, 1), src.shape)
    base = src.astype(jnp.int32) * 64
    k = jnp.zeros(src.shape, jnp.int32)
    step = 32
    while step >= 1:
        k = jnp.where(cdf[base + k + step - 1] < u, k + step, k)
        step //= 2
    return k


VARIANTS = {
    "double": lambda key, lam, src, cdf=None: jnp.where(
        orig(jax.random.fold_in(key, 12345), lam, src, cdf) >= 0, orig(key, lam, src, cdf), -1),
    "triple": lambda key, lam, src, cdf=None: jnp.where(
        (orig(jax.random.fold_in(key, 12345), lam, src, cdf) >= 0)
        & (orig(jax.random.fold_in(key, 54321), lam, src, cdf) >= 0), orig(key, lam, src, cdf), -1),
    "nocond": lambda key, lam, src, cdf=None: by_table(key, src, cdf),
    "nocond_barrier": lambda key, lam, src, cdf=None: jax.lax.optimization_barrier(
        by_table(key, src, cdf)),
    "hashonly": lambda key, lam, src, cdf=None: (
        fastrand.uniform(jax.random.fold_in(key, 1), src.shape) * 4).astype(jnp.int32),
    "seedonly": lambda key, lam, src, cdf=None: jnp.full(src.shape, 2, jnp.int32) + (
        fastrand.seed64(jax.random.fold_in(key, 1)) & jnp.uint64(0)).astype(jnp.int32),
    "const": lambda key, lam, src, cdf=None: jnp.full(src.shape, 2, jnp.int32),
}
if variant != "base":
    pgm.counts_shared = VARIANTS[variant]

from benchmarks import networks  # noqa: E402

nest.ResetKernel()
nest.verbosity = nest.VerbosityLevel.ERROR
info = networks.brunel(nest, "iaf_psc_delta", scale, lambda name: None)
nest.Simulate(20.0)
ts = []
for _ in range(reps):
    t0 = time.process_time()
    nest.Simulate(100.0)
    ts.append(time.process_time() - t0)
h = hashlib.sha1()
for r in info["recorders"]:
    ev = r.get("events")
    h.update(str(list(ev["senders"])).encode())
    h.update(str(list(ev["times"])).encode())
n = sum(r.n_events for r in info["recorders"])
print(variant, scale, "us/step", " ".join(f"{t / 1000 * 1e6:.0f}" for t in ts),
      "min", f"{min(ts) / 1000 * 1e6:.0f}", "spikes", n, h.hexdigest()[:12], flush=True)
