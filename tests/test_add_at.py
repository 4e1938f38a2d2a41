"""kernel/delivery.add_at: a few updates into a small buffer by selects instead of a
scatter (XLA's CPU compiler hoists a loop without a scatter into one function). It must
give the scatter's bits: repeated indices added one after the other in their order,
products rounded before they are added, other entries untouched."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pynest_jax.kernel import delivery


def _case(seed, n_idx, size):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=size) * 10.0 ** rng.integers(-3, 3, size)
    idx = rng.integers(0, min(size, 4), n_idx).astype(np.int32)  # many repeats
    w = rng.normal(size=n_idx) * 1e3
    c = rng.integers(0, 5, n_idx).astype(np.float64)
    return x, idx, w, c


@pytest.mark.parametrize("n_idx,size", [(2, 33), (7, 66), (16, 512), (64, 1024)])
def test_add_at_equals_the_scatter_bit_for_bit(n_idx, size):
    f = jax.jit(lambda x, i, w, c: delivery.add_at(x, i, w * c))
    g = jax.jit(lambda x, i, w, c: x.at[i].add(w * c))
    for seed in range(20):
        args = _case(seed, n_idx, size)
        got, ref = np.asarray(f(*args)), np.asarray(g(*args))
        assert np.array_equal(got.view(np.int64), ref.view(np.int64)), seed


def test_repeated_indices_are_added_in_order():
    """The bitwise comparison can fail: these additions into one entry give 1 in their
    order (the scatter's and add_at's) and 0 in reverse."""
    x = jnp.zeros(8)
    idx = jnp.array([3, 3, 3], jnp.int32)
    amount = jnp.array([1e16, -1e16, 1.0])
    assert float(x.at[idx].add(amount)[3]) == 1.0
    assert float(delivery.add_at(x, idx, amount)[3]) == 1.0
    assert float(delivery.add_at(x, idx[::-1], amount[::-1])[3]) == 0.0


def test_large_updates_scatter():
    assert not delivery.small_add(128, 1024)
    x, idx, w, c = _case(1, 128, 1024)
    np.testing.assert_array_equal(delivery.add_at(jnp.asarray(x), idx, jnp.asarray(w * c)),
                                  jnp.asarray(x).at[idx].add(w * c))
