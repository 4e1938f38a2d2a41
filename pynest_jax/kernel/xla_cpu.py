"""How the compiled step is built for XLA's CPU backend, where a step's cost for a small
network is the number of operations in it (a fixed dispatch cost per operation, issue 14;
measured in benchmarks/stepcost.py and docs/benchmarks.md). Neither changes a result bit.

- Threefry lowered without its loop: JAX lowers the threefry2x32 hash on CPU as a 5-round
  `while` loop (smaller programs). In a step that is ~30 small operations run five times
  per `fold_in` (the step's key, each population's key; 'rbg' keys fold in by threefry
  too): most of a Poisson-driven small network's step. Unrolled, the rounds fuse.
- OPTIONS, given to the chunk's `jax.jit`: region analysis lets copy insertion see that
  the step loop's state can be updated in place; without it every state array of every
  population was copied each step (12 of a small network's ~36 operations per step).
"""

from functools import partial

from jax._src.interpreters import mlir
from jax._src.random import threefry2x32 as _threefry

mlir.register_lowering(
    _threefry.threefry2x32_p,
    mlir.lower_fun(partial(_threefry._threefry2x32_lowering, use_rolled_loops=False),
                   multiple_results=True),
    platform="cpu")

OPTIONS = {"xla_cpu_copy_insertion_use_region_analysis": True}
