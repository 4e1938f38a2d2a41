"""How the compiled step is built for XLA's CPU backend, where a step's cost for a small
network is the number of operations in it (a fixed dispatch cost per operation, issue 14;
measured in benchmarks/stepcost.py and docs/benchmarks.md). Neither changes a result bit.

- Threefry lowered without its loop: JAX lowers the threefry2x32 hash on CPU as a 5-round
  `while` loop (smaller programs). In a step that is ~30 small operations run five times
  per `fold_in` (the step's key, each population's key; 'rbg' keys fold in by threefry
  too): most of a Poisson-driven small network's step. Unrolled, the rounds fuse.
- No compiler options are given to the chunk's `jax.jit`. XLA's
  `xla_cpu_copy_insertion_use_region_analysis` removed most per-step copies of the state
  (12 of a small network's ~36 operations per step) but miscompiled the chunk of a
  spike_generator with a long list (tests/test_devices.py: nothing was recorded), so it
  is not used.
- The derived values' program (Core.derive: each population's pre_run_hook values, once
  per set of parameters) is compiled with XLA's older elemental emitters
  (`xla_cpu_use_fusion_emitters=False`) as one LLVM module
  (`xla_cpu_parallel_codegen_split_count=1`; XLA splits a module for parallel codegen,
  each part with its fixed cost): DERIVE_OPTIONS. It is a dozen or more independent
  kernels of a few divisions and exponentials each, which XLA compiles at ~15 ms of CPU
  per kernel with its fusion emitters (iaf_psc_alpha: 0.25-0.33 s of CPU; elemental
  emitters 0.13-0.21 s; both options 0.07 s). Its values are the fusion emitters' bit
  for bit for every node model (tests/test_derive_options.py). The chunk keeps the fusion emitters: with the elemental
  ones 9 models' traces differ and large networks step slower (docs/benchmarks.md,
  "Start-up (issue 14)").
"""

from functools import partial


def _unrolled_threefry():
    # JAX's own lowering with its loop unrolled: the same integer rounds, the same bits.
    # It is private API; a JAX without it keeps its rolled lowering (slower, same results).
    try:
        from jax._src.interpreters import mlir
        from jax._src.random import threefry2x32 as threefry
        lowering = partial(threefry._threefry2x32_lowering, use_rolled_loops=False)
        mlir.register_lowering(threefry.threefry2x32_p,
                               mlir.lower_fun(lowering, multiple_results=True), platform="cpu")
        return True
    except (ImportError, AttributeError, TypeError):
        return False


UNROLLED_THREEFRY = _unrolled_threefry()



# compile options of Core.derive on the CPU backend (see above)
DERIVE_OPTIONS = {"xla_cpu_use_fusion_emitters": False, "xla_cpu_parallel_codegen_split_count": 1}
