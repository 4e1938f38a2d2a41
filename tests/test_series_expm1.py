"""numerics/series_expm1.py against a plain Python sum of the series as libnestutil/numerics.h
writes it (without HAVE_EXPM1), and rounded() against products rounded by Python floats."""

import math

import jax
import jax.numpy as jnp
import numpy as np

from pynest_jax.numerics.series_expm1 import rounded, runtime_zero, series_expm1

EPS = np.finfo(float).eps


def _series(x):
    if x == 0:
        return 0.0
    if abs(x) > math.log(2.0):
        return math.exp(x) - 1
    s, term, n = x, x * x / 2, 2
    while abs(term) > abs(s) * EPS:
        s += term
        n += 1
        term *= x / n
    return s


def test_series_bit_for_bit():
    rng = np.random.default_rng(3)
    x = np.concatenate([-rng.uniform(0, 0.02, 20000), rng.uniform(-0.69, 0.69, 20000),
                        [0.0, -0.0, math.log(2.0), -math.log(2.0), -1.0 / 320]])
    got = np.asarray(jax.jit(series_expm1)(x))
    ref = np.array([_series(v) for v in x])
    np.testing.assert_array_equal(got, ref)
    # NEST 3.10's value (its P30 for h = 2^-5 ms, tau_m = 10 ms is -10/250 times it); the
    # correctly rounded expm1 is one unit in the last place away
    assert got[-1] == -0.0031201222697918606
    assert math.expm1(-1.0 / 320) != got[-1]


def test_rounded_products_as_c():
    rng = np.random.default_rng(4)
    a, b, c = (rng.uniform(-2, 2, 5000) for _ in range(3))
    tau = rng.uniform(1, 20, 5000)

    def f(a, b, c, tau):
        return rounded(a * b, runtime_zero(tau)) + c

    got = np.asarray(jax.jit(f)(a, b, c, tau))
    np.testing.assert_array_equal(got, a * b + c)  # numpy rounds the product, then adds
    assert np.all(np.asarray(runtime_zero(jnp.asarray(tau))) == 0)
