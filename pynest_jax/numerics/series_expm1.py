"""expm1 as NEST 3.10's released build computes it, and products rounded as C rounds them.

NEST 3.10's wheel was configured without HAVE_EXPM1, so its ``numerics::expm1``
(libnestutil/numerics.h) does not call the C library's expm1: for |x| <= ln 2 it sums the
Taylor series x + x^2/2! + x^3/3! + ... (each term the last times x / n), stopping at the
first term not above |sum| * epsilon, and takes exp(x) - 1 beyond. Its last bit differs
from a correctly rounded expm1 (jnp.expm1, the C library's) in about one value in two: for
h = 2^-5 ms and tau_m = 10 ms, -0.0031201222697918606 against -0.00312012226979186, so
iaf_psc_alpha_ps's P30 (and V_m after one step from V_m = 0 with I_e = 575 pA) was one
unit in the last place from NEST's. The wheel's machine code shows the series inlined in
iaf_psc_alpha_ps::pre_run_hook and IAFPropagator::evaluate_P32_, and no fused
multiply-add instruction anywhere.

``rounded``: XLA's CPU backend contracts a product and the addition that consumes it into
one fused multiply-add (one rounding where C rounds twice); a product passed through it
keeps its own rounding.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

_EPS = float(np.finfo(float).eps)
_LN2 = math.log(2.0)


def series_expm1(x):
    """NEST 3.10's numerics::expm1 of ``x`` (float64 array), bit for bit for |x| <= ln 2
    (the series runs per value to its own stopping point: a loop while any value still
    sums, about 7 terms for |x| ~ 0.003, at most 15 for |x| = ln 2); exp(x) - 1 beyond,
    with XLA's exp (NEST calls the C library's). The divisor n is carried through the
    loop: a constant divisor XLA rewrites into a product with its reciprocal, which
    rounds differently (an optimization_barrier did not stop it), and an unrolled series
    cost 7x the step time in iaf_psc_alpha_ps (its operations were not fused)."""
    x = jnp.asarray(x)
    s = x
    term = x * x / 2.0
    go = jnp.abs(term) > jnp.abs(s) * _EPS

    def body(c):
        s, term, go, n = c
        n = n + 1.0
        s = jnp.where(go, s + term, s)
        term = jnp.where(go, term * (x / n), term)
        return s, term, go & (jnp.abs(term) > jnp.abs(s) * _EPS), n

    s = jax.lax.while_loop(lambda c: jnp.any(c[2]), body, (s, term, go, jnp.float64(2.0)))[0]
    big = jnp.abs(x) > _LN2
    return jnp.where(x == 0.0, jnp.zeros_like(x), jnp.where(big, jnp.exp(x) - 1.0, s))


def runtime_zero(positive):
    """int64 zeros the compiler cannot prove zero: the sign bit of ``positive`` (float64
    values > 0, e.g. a time constant NEST requires positive), for ``rounded``."""
    bits = jax.lax.bitcast_convert_type(jnp.asarray(positive, jnp.float64), jnp.int64)
    return jax.lax.shift_right_logical(bits, jnp.int64(63))


def rounded(x, zero):
    """x as C leaves a product: rounded to float64 on its own. ``zero`` (runtime_zero's)
    is OR-ed into its bits, so the compiler cannot fuse the product with the addition
    that consumes it into one fused multiply-add (XLA contracts them on CPUs with FMA;
    NEST's build has none), which rounds once where C rounds twice."""
    bits = jax.lax.bitcast_convert_type(x, jnp.int64) | zero
    return jax.lax.bitcast_convert_type(bits, jnp.float64)
