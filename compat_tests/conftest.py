"""A/B harness: the same PyNEST code on real NEST and on pynest_jax.

``ab(fn)`` calls ``fn(nest)`` once with real NEST and once with pynest_jax,
each after ResetKernel, and returns both results: ``ref, jax = ab(fn)``.
"""

import os
import sys

import numpy as np
import pytest

os.environ.setdefault("PYNEST_QUIET", "1")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def _real_nest():
    import nest
    nest.set_verbosity("M_ERROR") if hasattr(nest, "set_verbosity") else None
    return nest


@pytest.fixture(scope="session")
def real_nest():
    return _real_nest()


@pytest.fixture(scope="session")
def jax_nest():
    import pynest_jax
    return pynest_jax


@pytest.fixture
def ab(real_nest, jax_nest):
    def run(fn):
        out = []
        real_nest.ResetKernel()
        io_state = (real_nest.data_path, real_nest.data_prefix)
        for sim in (real_nest, jax_nest):
            sim.ResetKernel()
            # ResetKernel keeps data_path/data_prefix (NEST's IO manager survives it), and
            # real NEST cannot set data_path back to '': mirror whatever an earlier test
            # left in NEST, so both sides start from the same kernel state.
            if sim is jax_nest:
                sim.data_path, sim.data_prefix = io_state
            out.append(fn(sim))
        return tuple(out)
    return run


def assert_spikes_identical(ref, got):
    """Spike events: senders and times exactly equal, in any order within a time step."""
    r = np.lexsort((np.asarray(ref["senders"]), np.asarray(ref["times"])))
    g = np.lexsort((np.asarray(got["senders"]), np.asarray(got["times"])))
    np.testing.assert_array_equal(np.asarray(got["times"])[g], np.asarray(ref["times"])[r])
    np.testing.assert_array_equal(np.asarray(got["senders"])[g], np.asarray(ref["senders"])[r])


def assert_trace_close(ref, got, keys, rtol=1e-9, atol=1e-12):
    """Sampled events: same (sender, time) samples; values within rtol (stated per test)."""
    r = np.lexsort((np.asarray(ref["senders"]), np.asarray(ref["times"])))
    g = np.lexsort((np.asarray(got["senders"]), np.asarray(got["times"])))
    np.testing.assert_array_equal(np.asarray(got["senders"])[g], np.asarray(ref["senders"])[r])
    np.testing.assert_array_equal(np.asarray(got["times"])[g], np.asarray(ref["times"])[r])
    for k in keys:
        np.testing.assert_allclose(np.asarray(got[k])[g], np.asarray(ref[k])[r], rtol=rtol,
                                   atol=atol, err_msg=k)


def assert_defaults_equal(real_nest, jax_nest, model):
    """GetDefaults of ``model``: the same keys, recordables, value types and values as
    NEST's (``elementsize``, the size of NEST's C++ object, aside)."""
    real_nest.ResetKernel()
    jax_nest.ResetKernel()
    ref, got = real_nest.GetDefaults(model), jax_nest.GetDefaults(model)
    assert set(got) == set(ref)
    if "recordables" in ref:  # mip_generator has none
        assert list(got["recordables"]) == list(ref["recordables"])
    for k in sorted(set(ref) - {"elementsize", "recordables"}):
        r, g = ref[k], got[k]
        assert type(g) is type(r), (k, r, g)
        if isinstance(r, np.ndarray):
            np.testing.assert_array_equal(g, r, err_msg=k)
        else:
            assert g == r, (k, r, g)
