"""Evidence for docs/divergences.md ("Last bits of GSL-integrated AdEx models"): with
XLA's FMA contraction off (run with XLA_FLAGS=--xla_cpu_max_isa=AVX) and exp from libm
(`_gsl_bit_exact`), the strongest fluctuating drive of test_ab_fluctuating_drive.py gives
NEST's spike times exactly. Used by
test_ab_fluctuating_drive.py::test_fluctuating_drive_equals_nest_without_fma_and_with_libm_exp.
"""

import numpy as np

from _gsl_bit_exact import nest, pynest_jax  # imported for its libm exp in the AdEx models
from test_ab_fluctuating_drive import SETTINGS, fluctuating_drive

if __name__ == "__main__":
    mean, std = SETTINGS[-1]
    runs = []
    for sim in (nest, pynest_jax):
        sim.ResetKernel()
        events = fluctuating_drive(sim, mean, std)
        order = np.lexsort((np.asarray(events["times"]), np.asarray(events["senders"])))
        runs.append((np.asarray(events["senders"])[order], np.asarray(events["times"])[order]))
    (s_ref, t_ref), (s_got, t_got) = runs
    same = np.array_equal(s_ref, s_got) and np.array_equal(t_ref, t_got)
    print(f"RESULT spikes={t_ref.size} same_spikes={same}")
