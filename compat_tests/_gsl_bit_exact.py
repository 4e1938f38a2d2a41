"""Evidence for docs/divergences.md ("GSL error estimate at the AdEx upswing"):
with XLA's FMA contraction off (run with XLA_FLAGS=--xla_cpu_max_isa=AVX) and
exp taken from libm (as NEST's std::exp), the AdEx strong-drive scenario of
test_ab_gsl_neurons.py equals NEST bit for bit. Prints the largest absolute
difference over every recordable and the spike counts; used by
test_ab_gsl_neurons.py::test_adex_equals_nest_bit_for_bit_with_libm_exp_and_no_fma.
"""

import math
import os
import sys

import brainunit as u
import jax
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import nest  # noqa: E402
import pynest_jax  # noqa: E402
from _neuron_table import MODELS  # noqa: E402
from _scenarios import strong_drive  # noqa: E402
from pynest_jax.models.neurons.aeif import _common as aeif  # noqa: E402


def libm_exp(x):
    return jax.pure_callback(lambda v: np.vectorize(math.exp, otypes=[np.float64])(v),
                             jax.ShapeDtypeStruct(x.shape, x.dtype), x,
                             vmap_method="sequential")


def I_spike(p, V):
    on = p.Delta_T.mantissa != 0.0
    safe = u.math.where(on, p.Delta_T, 1.0 * u.mV)
    return u.math.where(on, p.g_L * p.Delta_T * libm_exp(u.maybe_decimal((V - p.V_th) / safe)),
                        0.0 * u.pA)


aeif.I_spike = I_spike  # the derivatives look it up at trace time


def scenario(sim, model):
    sim.ResetKernel()
    row = MODELS[model]
    return strong_drive(sim, model, row) + (list(row.rec),)


if __name__ == "__main__":
    model = sys.argv[1] if len(sys.argv) > 1 else "aeif_cond_alpha"
    (s_ref, m_ref, rec), (s_got, m_got, _) = scenario(nest, model), scenario(pynest_jax, model)
    worst = max(float(np.max(np.abs(np.asarray(m_ref[k]) - np.asarray(m_got[k])))) for k in rec)
    same = np.array_equal(np.sort(s_ref["times"]), np.sort(s_got["times"]))
    print(f"RESULT spikes={len(s_ref['times'])} same_spikes={same} max_abs_diff={worst!r}")
