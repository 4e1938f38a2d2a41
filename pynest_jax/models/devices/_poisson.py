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

    def terms(k, p, cdf, u, more, n):
        for _ in range(n):  # unrolled: one fused pass over the elements
            k = k + more
            p = p * lam / jnp.maximum(k, 1)
            cdf = jnp.where(more, cdf + p, cdf)
            more = going(u, p, cdf)
        return k, p, cdf, more

    def one_part(r, acc):
        u = fastrand.uniform(jax.random.fold_in(key, r + 1), lam.shape, dtype=lam.dtype)
        # The first _UNROLL terms settle most draws for the small means of one step.
        k, p, cdf, more = terms(zero, p0, p0, u, going(u, p0, p0), _UNROLL)

        def next_terms(c):
            k, p, cdf, more = c
            return terms(k, p, cdf, u, more, 4)

        k, _, _, _ = jax.lax.while_loop(lambda c: jnp.any(c[3]), next_terms, (k, p, cdf, more))
        return acc + k

    # Parts run one after the other, each with its own uniforms; no conditional branch
    # inside a loop (XLA may evaluate both branches of one, drawing every iteration).
    return jax.lax.fori_loop(0, parts, one_part, zero)
