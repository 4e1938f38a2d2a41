"""Evidence for docs/divergences.md ("Last bits of GSL-integrated AdEx models under
strong drive", multisynapse models): with XLA's FMA contraction off (run with
XLA_FLAGS=--xla_cpu_max_isa=AVX) and exp taken from libm, a scenario of
test_ab_multisynapse.py equals NEST bit for bit. Prints the largest absolute
difference over every recordable and whether the spikes are equal.
Usage: _multisyn_bit_exact.py MODEL SCENARIO (spikes | strong).
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _gsl_bit_exact  # noqa: E402,F401  (patches the AdEx exp with libm's)
import nest  # noqa: E402
import pynest_jax  # noqa: E402
import test_ab_multisynapse as T  # noqa: E402


if __name__ == "__main__":
    model, scenario = sys.argv[1], sys.argv[2]
    test = {"spikes": T.test_spike_input_on_every_port,
            "strong": T.test_strong_drive_through_spikes_and_refractoriness}[scenario]
    out = {}

    def ab(fn):
        res = []
        for sim in (nest, pynest_jax):
            sim.ResetKernel()
            res.append(fn(sim))
        out["res"] = res
        return tuple(res)

    try:
        test(ab, model)
    except AssertionError:
        pass
    (s_ref, m_ref), (s_got, m_got) = out["res"]
    worst = 0.0
    for a, b in zip(m_ref, m_got):
        for k in set(a) - {"senders", "times"}:
            worst = max(worst, float(np.max(np.abs(np.asarray(a[k]) - np.asarray(b[k])))))
    same = np.array_equal(np.sort(s_ref["times"]), np.sort(s_got["times"]))
    print(f"RESULT spikes={len(s_ref['times'])} same_spikes={same} max_abs_diff={worst!r}")
