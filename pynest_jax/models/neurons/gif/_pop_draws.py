"""gif_pop_psc_exp's spike counts (NEST models/gif_pop_psc_exp.cpp: draw_binomial,
draw_poisson), from the kernel's random stream.

The binomial count is drawn by inversion of its CDF from one uniform, as the Poisson
sampler of ``devices/_poisson.py`` draws: the terms follow p_(k+1) = p_k (n - k) r /
(k + 1), r = p / (1 - p), from p_0 = (1 - p)^n; the first terms are unrolled into one
fused pass and a while loop adds terms until every draw is done (about mean + a few
standard deviations of them). p above 1/2 draws n minus a count of 1 - p; means above
_PART (where p_0 would underflow) split n into parts whose counts are summed (a sum of
binomial counts of one p is binomial). Checked against scipy's binomial pmf (chi-square,
200,000 draws each at n p = 5.5, 2000 and 32); measured against jax.random.binomial in
NEST's test of the model (N = 500, about 6 spikes per step): about 10% less CPU time
per step, the same compile time.
"""

import jax
import jax.numpy as jnp
import numpy as np

from ...devices._poisson import counts as poisson_counts
from ....numerics import fastrand

DBL_MIN = float(np.finfo(float).tiny)
_PART = 500.0
_UNROLL = 8


def binomial_counts(key, n, p):
    """One binomial(n, p) count per element; n a float array of whole numbers, p in
    [0, 1]."""
    flip = p > 0.5
    q = jnp.where(flip, 1.0 - p, p)
    parts = jnp.maximum(1.0, jnp.ceil(jnp.max(n * q) / _PART))
    ratio = q / jnp.maximum(1.0 - q, DBL_MIN)
    base, extra = jnp.floor(n / parts), n - jnp.floor(n / parts) * parts
    zero = jnp.zeros(n.shape, jnp.int32)

    def terms(j, k, pk, cdf, u, more, trials, count):
        for _ in range(count):  # unrolled: one fused pass over the elements
            pk = pk * ((trials - j) * ratio / (j + 1.0))
            j = j + 1.0
            k = k + more
            cdf = jnp.where(more, cdf + pk, cdf)
            more = more & (u > cdf) & (pk > 0)
        return j, k, pk, cdf, more

    def one_part(r, acc):
        trials = base + (r < extra)
        u = fastrand.uniform(jax.random.fold_in(key, r + 1), n.shape, dtype=n.dtype)
        p0 = jnp.exp(trials * jnp.log1p(-q))
        c = terms(jnp.float64(0.0), zero, p0, p0, u, u > p0, trials, _UNROLL)

        def more_terms(c):
            return terms(*c[:4], u, c[4], trials, 4)

        _, k, _, _, _ = jax.lax.while_loop(lambda c: jnp.any(c[4]), more_terms, c)
        return acc + jnp.minimum(k, trials.astype(jnp.int32))

    k = jax.lax.fori_loop(0, parts.astype(jnp.int32), one_part, zero)
    return jnp.where(flip, n.astype(jnp.int32) - k, k)


def spike_counts(N, bino_rand, n_expect, key):
    """draw_binomial (p = mean / N: N at p >= 1, 0 at p <= 0) or draw_poisson (N above
    N, 0 below DBL_MIN, a Bernoulli draw where one spike and any spike are equally
    likely, clipped to [0, N]); each sampler runs only in a step where a node needs it."""
    Nf = N.astype(n_expect.dtype)
    k_b, k_p, k_u = jax.random.split(key, 3)
    zeros = jnp.zeros(n_expect.shape, jnp.int32)
    p_bino = n_expect / Nf
    inner = (p_bino > 0.0) & (p_bino < 1.0)
    bino = jax.lax.cond(jnp.any(bino_rand & inner),
                        lambda: binomial_counts(k_b, Nf, jnp.where(inner, p_bino, 0.0)),
                        lambda: zeros)
    bino = jnp.where(p_bino >= 1.0, N, jnp.where(inner, bino, 0))
    lam = jnp.clip(n_expect, 0.0, Nf)
    poisson = jax.lax.cond(jnp.any(~bino_rand & (n_expect > DBL_MIN)),
                           lambda: poisson_counts(k_p, lam).astype(jnp.int32), lambda: zeros)
    tiny = ~(1.0 - (n_expect + 1.0) * jnp.exp(-n_expect) > DBL_MIN)
    bern = (jax.random.uniform(k_u, n_expect.shape) < n_expect).astype(jnp.int32)
    poisson = jnp.clip(jnp.where(tiny, bern, poisson), 0, N)
    poisson = jnp.where(n_expect > Nf, N, jnp.where(n_expect > DBL_MIN, poisson, 0))
    return jnp.where(bino_rand, bino, poisson).astype(jnp.int32)
