"""Poisson counts by inversion of the CDF from one uniform draw per count.

Faster than ``jax.random.poisson`` (a rejection loop) for the small means of
a generator's step, and far quicker to compile (one while loop, one uniform
draw): ``k`` is the number of CDF terms below ``u``, summed term by term until
every draw is done, so the loop runs about ``max(k)`` times. Means above
``_PART`` (where e^-lam underflows) are split into equal parts whose counts
are summed, part after part in the same loop (a sum of independent Poisson
counts is Poisson with the summed mean).
"""

import jax
import jax.numpy as jnp

_PART = 500.0
_UNROLL = 8


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

    def next_part(c):
        r, k, p, cdf, u, acc, _ = c
        u = jax.random.uniform(jax.random.fold_in(key, r + 1), lam.shape, dtype=lam.dtype)
        # The first _UNROLL terms settle most draws for the small means of one step.
        k2, p2, cdf2, more = terms(zero, p0, p0, u, going(u, p0, p0), _UNROLL)
        return r + 1, k2, p2, cdf2, u, acc + k, more

    def next_term(c):
        r, k, p, cdf, u, acc, more = c
        k, p, cdf, more = terms(k, p, cdf, u, more, 1)
        return r, k, p, cdf, u, acc, more

    def body(c):
        return jax.lax.cond(jnp.any(c[-1]), next_term, next_part, c)

    def cond(c):
        return (c[0] < parts - 1) | jnp.any(c[-1])

    # Starts "finished" with part -1, so that the first iteration draws part 0.
    start = (jnp.int32(-1), zero, jnp.zeros_like(lam), jnp.ones_like(lam),
             jnp.zeros_like(lam), zero, jnp.zeros(lam.shape, bool))
    _, k, _, _, _, acc, _ = jax.lax.while_loop(cond, body, start)
    return acc + k
