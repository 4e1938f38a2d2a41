"""Poisson counts by inversion of the CDF from one uniform draw per count.

Faster than ``jax.random.poisson`` (a rejection loop) for the small means of a
generator's step, and far quicker to compile: ``k`` is the number of CDF terms below
``u``; the first terms are unrolled into one fused pass, and a while loop adds terms
until every draw is done (about ``max(k)`` terms). The uniforms come from
``numerics.fastrand`` (a hash fused into that pass). Means above ``_PART`` (where e^-lam
underflows) are split into equal parts whose counts are summed (a sum of independent
Poisson counts is Poisson with the summed mean).
"""

import jax
import jax.numpy as jnp

from ...numerics import fastrand

_PART = 500.0
_UNROLL = 16


def counts(key, lam):
    """One Poisson(lam) count per element of lam (float64)."""
    if lam.size == 0:
        return jnp.zeros(lam.shape, jnp.int32)
    parts = jnp.maximum(1, jnp.ceil(jnp.max(lam) / _PART)).astype(jnp.int32)
    lam = lam / parts
    p0 = jnp.exp(-lam)
    zero = jnp.zeros(lam.shape, jnp.int32)

    def going(u, p, cdf):
        # p == 0: the terms underflowed; u sat above the float sum of the CDF
        return (u > cdf) & (p > 0)

    def terms(j, k, p, cdf, u, more, n):
        # Term j (a scalar: every draw still going has k == j) multiplies p by lam / j.
        for _ in range(n):  # unrolled: one fused pass over the elements
            j = j + 1
            k = k + more
            p = p * (lam * (1.0 / j))
            cdf = jnp.where(more, cdf + p, cdf)
            more = going(u, p, cdf)
        return j, k, p, cdf, more

    def one_part(r, acc):
        u = fastrand.uniform(jax.random.fold_in(key, r + 1), lam.shape, dtype=lam.dtype)
        # The first _UNROLL terms settle most draws for the small means of one step.
        c = terms(jnp.float64(0.0), zero, p0, p0, u, going(u, p0, p0), _UNROLL)

        def next_terms(c):
            return terms(*c[:4], u, c[4], 4)

        _, k, _, _, _ = jax.lax.while_loop(lambda c: jnp.any(c[4]), next_terms, c)
        return acc + k

    # Parts run one after the other, each with its own uniforms; no conditional branch
    # inside a loop (XLA may evaluate both branches of one, drawing every iteration).
    return jax.lax.fori_loop(0, parts, one_part, zero)


_TABLE_TERMS = 64  # a power of two (binary search)
_TABLE_MAX_MEAN = 16.0  # P(count >= 64) < 1e-18 up to here


def cdf_table(lam_dev):
    """Each device's Poisson CDF for ``counts_shared``: (devices * 64,), the last entry of
    a row infinite. A function of the mean only, so a generator whose mean is fixed
    through a run computes it once per run (its ``derive``), not in every step."""
    j = jnp.arange(1, _TABLE_TERMS, dtype=jnp.float64)
    ratios = lam_dev[:, None] / j[None, :]
    pmf = jnp.exp(-lam_dev)[:, None] * jnp.concatenate(
        [jnp.ones((lam_dev.shape[0], 1)), jnp.cumprod(ratios, axis=1)], axis=1)
    return jnp.cumsum(pmf, axis=1).at[:, -1].set(jnp.inf).reshape(-1)


def counts_shared(key, lam_dev, src, cdf=None):
    """One Poisson count per target, target i drawing with mean ``lam_dev[src[i]]``.

    The targets of one device share its mean, so its CDF is a table (``cdf_table``, 64
    terms, by the recurrence p_j = p_(j-1) lam / j; given as ``cdf`` when computed
    before the step, where rows of devices with ``lam_dev`` 0 may hold any mean), and
    each target's count is the number of table entries below its uniform, found by
    binary search: a few fused gathers per target instead of a term-by-term loop. Means
    above 16 (rare: 160 kHz at 0.1 ms) take the general sampler."""
    if src.shape[0] == 0:
        return jnp.zeros(src.shape, jnp.int32)

    def by_table(_):
        table = cdf_table(lam_dev) if cdf is None else cdf
        u = fastrand.uniform(jax.random.fold_in(key, 1), src.shape)
        k = jnp.zeros(src.shape, jnp.int32)
        if lam_dev.shape[0] == 1:
            # One device: its row's entries are scalars, and the count of those below u
            # (the same k: the row does not decrease) is one fused pass without the
            # binary search's dependent gathers (issue 14: ~15 us of brunel_delta
            # x0.2's ~155 us step).
            for j in range(_TABLE_TERMS - 1):  # the last entry is infinite
                k = k + (table[j] < u).astype(jnp.int32)
            return k
        base = src.astype(jnp.int32) * _TABLE_TERMS
        step = _TABLE_TERMS // 2
        while step >= 1:  # unrolled: k = number of entries below u
            k = jnp.where(table[base + k + step - 1] < u, k + step, k)
            step //= 2
        return k

    return jax.lax.cond(jnp.max(lam_dev) <= _TABLE_MAX_MEAN, by_table,
                        lambda _: counts(key, lam_dev[src]), None)
