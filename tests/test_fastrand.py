"""The hash-based uniforms and the Poisson sampler built on them, against exact
distributions (scipy), not against our own earlier output."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from pynest_jax.models.devices._poisson import counts
from pynest_jax.numerics import fastrand


def test_uniform_ks_and_range():
    u = np.asarray(fastrand.uniform(jax.random.key(3, impl="rbg"), (200_000,)))
    assert u.dtype == np.float64 and u.min() >= 0.0 and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-3  # power: a 0.5 % shift fails it


def test_streams_of_folded_keys_are_independent():
    """Consecutive steps (fold_in of the step number) give uncorrelated draws."""
    key = jax.random.key(11, impl="rbg")
    a = np.asarray(fastrand.uniform(jax.random.fold_in(key, 1), (100_000,)))
    b = np.asarray(fastrand.uniform(jax.random.fold_in(key, 2), (100_000,)))
    r = np.corrcoef(a, b)[0, 1]
    assert abs(r) < 5 / np.sqrt(len(a))
    assert not np.any(a == b)


def test_pairs_within_a_stream_are_uniform_in_2d():
    """Neighbouring elements fill the unit square evenly (chi-square over 10 x 10 cells)."""
    u = np.asarray(fastrand.uniform(jax.random.key(5, impl="rbg"), (200_000,))).reshape(-1, 2)
    h, _, _ = np.histogram2d(u[:, 0], u[:, 1], bins=10, range=[[0, 1], [0, 1]])
    assert stats.chisquare(h.ravel()).pvalue > 1e-3


@pytest.mark.parametrize("lam", [0.3, 2.0, 17.0, 700.0])
def test_poisson_counts_follow_the_poisson_distribution(lam):
    """Chi-square of 100,000 counts against scipy's Poisson pmf (cells with >= 20 expected)."""
    n = 100_000
    x = np.asarray(counts(jax.random.key(9, impl="rbg"), jnp.full(n, lam)))
    lo, hi = int(stats.poisson.ppf(1e-4, lam)), int(stats.poisson.isf(1e-4, lam))
    edges = np.arange(lo, hi + 2)
    obs = np.array([np.sum(x < lo)] + [np.sum(x == k) for k in edges[:-1]] + [np.sum(x > hi)], float)
    p = np.concatenate([[stats.poisson.cdf(lo - 1, lam)], stats.poisson.pmf(edges[:-1], lam),
                        [stats.poisson.sf(hi, lam)]])
    exp = p * n
    keep = exp >= 20
    o = np.append(obs[keep], obs[~keep].sum())
    e = np.append(exp[keep], exp[~keep].sum())
    if e[-1] == 0:
        o, e = o[:-1], e[:-1]
    e *= o.sum() / e.sum()
    assert stats.chisquare(o, e).pvalue > 1e-3


@pytest.mark.parametrize("lam", [0.0, 0.3, 2.0, 15.9, 40.0])
def test_shared_table_counts_follow_the_poisson_distribution(lam):
    """The per-device CDF table (and the general sampler above its range), two devices
    with different means interleaved among the targets: each target's counts are
    Poisson with its own device's mean (chi-square against scipy, and mean)."""
    from pynest_jax.models.devices._poisson import counts_shared
    n = 100_000
    src = jnp.asarray(np.arange(n) % 2, jnp.int32)
    x = np.asarray(counts_shared(jax.random.key(4, impl="rbg"), jnp.array([lam, 1.0]), src))
    for dev, mean in ((0, lam), (1, 1.0)):
        y = x[dev::2]
        if mean == 0:
            assert np.all(y == 0)
            continue
        assert abs(y.mean() - mean) < 5 * np.sqrt(mean / len(y))
        ks = np.arange(int(stats.poisson.isf(1e-4, mean)) + 1)
        exp = stats.poisson.pmf(ks, mean) * len(y)
        keep = exp >= 20
        obs = np.array([np.sum(y == k) for k in ks])
        o = np.append(obs[keep], len(y) - obs[keep].sum())
        e = np.append(exp[keep], len(y) - exp[keep].sum())
        assert stats.chisquare(o, e).pvalue > 1e-3


@pytest.mark.parametrize("n,p", [(500, 0.011), (100_000, 0.02), (40, 0.8), (7, 0.5)])
def test_binomial_counts_chi_square(n, p):
    """gif_pop_psc_exp's binomial sampler (inversion, p > 1/2 by symmetry, large means in
    parts) against scipy's pmf; power: a 2 % shift of p fails the (500, 0.011) case."""
    from pynest_jax.models.neurons.gif._pop_draws import binomial_counts
    draw = jax.jit(binomial_counts)
    N, P = jnp.full((2000,), float(n)), jnp.full((2000,), p)
    x = np.concatenate([np.asarray(draw(k, N, P))
                        for k in jax.random.split(jax.random.key(11, impl="rbg"), 25)])
    assert x.min() >= 0 and x.max() <= n
    lo, hi = stats.binom.ppf(1e-3, n, p), stats.binom.ppf(1 - 1e-3, n, p)
    obs = np.histogram(np.clip(x, lo, hi), bins=np.arange(lo, hi + 2) - 0.5)[0]
    pmf = stats.binom.pmf(np.arange(lo, hi + 1), n, p)
    pmf[0], pmf[-1] = stats.binom.cdf(lo, n, p), stats.binom.sf(hi - 1, n, p)
    expected = pmf / pmf.sum() * len(x)
    assert stats.chisquare(obs, expected).pvalue > 1e-4


@pytest.mark.parametrize("seed", [1, 12345, 2 ** 31, 2 ** 32 - 1])
def test_kernel_rbg_key_is_jax_random_key(seed):
    # the kernel makes the run's key from its data, without jax's seeding programs
    from pynest_jax.kernel.kernel import rbg_key
    ours, jax_key = rbg_key(seed), jax.random.key(seed, impl="rbg")
    assert jax.random.key_impl(ours) == jax.random.key_impl(jax_key)
    assert np.array_equal(jax.random.key_data(ours), jax.random.key_data(jax_key))
    assert np.array_equal(jax.random.bits(jax.random.fold_in(ours, 7), (4,)),
                          jax.random.bits(jax.random.fold_in(jax_key, 7), (4,)))


def test_unrolled_threefry_known_answer():
    """kernel/xla_cpu.py lowers threefry2x32 on the CPU without its loop: still the
    Random123 known-answer vector (key 0x13198a2e 0x03707344, counter pi's digits)."""
    from pynest_jax.kernel import xla_cpu
    t = pytest.importorskip("jax._src.random.threefry2x32")
    assert xla_cpu.UNROLLED_THREEFRY
    k = jnp.array([0x13198A2E, 0x03707344], dtype=jnp.uint32)
    c = jnp.array([0x243F6A88, 0x85A308D3], dtype=jnp.uint32)
    got = [int(x) for x in jax.jit(t.threefry_2x32)(k, c)]
    assert got == [0xC4923A9C, 0x483DF7A0]
