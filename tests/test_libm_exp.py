"""numerics/libm_exp.py against this machine's C library (ctypes: glibc's exp, its FMA
variant on CPUs with FMA and AVX2), its fma against exact rational arithmetic, and its
table against the definition 2^(i/128) in 200-bit arithmetic."""

import ctypes
import ctypes.util
import platform
from fractions import Fraction

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pynest_jax.numerics import libm_exp
from pynest_jax.numerics.series_expm1 import runtime_zero


def _glibc_fma_exp():
    """glibc's exp, where it is the variant libm_exp reproduces (glibc >= 2.28 on x86-64,
    a CPU with FMA and AVX2); else None."""
    name, version = platform.libc_ver()
    if name != "glibc" or tuple(map(int, version.split(".")[:2])) < (2, 28) \
            or platform.machine() != "x86_64":
        return None
    try:
        flags = open("/proc/cpuinfo").read().split()
    except OSError:
        return None
    if "fma" not in flags or "avx2" not in flags:
        return None
    lib = ctypes.CDLL(ctypes.util.find_library("m"))
    lib.exp.restype, lib.exp.argtypes = ctypes.c_double, [ctypes.c_double]
    return np.frompyfunc(lib.exp, 1, 1)


_C_EXP = _glibc_fma_exp()
needs_glibc = pytest.mark.skipif(_C_EXP is None, reason="needs glibc's FMA exp (x86-64)")


def _arguments(rng, n):
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, 709.782712893384, 709.7827128933841,
                -708.3964185322641, -745.1332191019411, -745.1332191019412, 2.0 ** -54,
                -2.0 ** -54, 2.0 ** -53, 5e-324, 512.0, -512.0, np.nextafter(512.0, 0.0),
                1024.0, -1024.0, 1e308, -1e308, -1.0 / 320, 12.38174854785796,
                21.322265080967142, 359.6969322052255]
    return np.concatenate([rng.uniform(-1.0, 0.0, n), rng.uniform(-50.0, 50.0, n),
                           rng.uniform(-746.0, 710.0, n), rng.uniform(-1100.0, 1100.0, n // 4),
                           np.ldexp(rng.uniform(-1.0, 1.0, n), rng.integers(-60, 10, n)),
                           specials])


def _same_bits(got, ref):
    got, ref = np.asarray(got, float), np.asarray(ref, float)
    differ = np.flatnonzero(got.view(np.int64) != ref.view(np.int64))
    assert differ.size == 0, (f"{differ.size} of {ref.size} differ; first "
                              f"{got[differ[0]]!r} against {ref[differ[0]]!r}")


@needs_glibc
def test_exp_bit_for_bit_with_glibc():
    """jit, vectorized, against ctypes' exp; XLA's own exp differs in about 1 value in 7
    of these (the test is not vacuous)."""
    x = _arguments(np.random.default_rng(5), 40000)
    ref = _C_EXP(x).astype(float)
    got = jax.jit(lambda x, one: libm_exp.exp(x, runtime_zero(one)))(x, jnp.ones(()))
    _same_bits(got, ref)
    assert np.mean(np.asarray(jnp.exp(x)).view(np.int64) != ref.view(np.int64)) > 0.05


@needs_glibc
def test_exp_in_a_loop_and_broadcast():
    """One scalar per iteration of a scan (the operations compiled apart from a vector
    body), and zero broadcast against x."""
    x = np.random.default_rng(6).uniform(-40.0, 10.0, 5000)
    got = jax.jit(lambda x, one: jax.lax.scan(
        lambda c, v: (c, libm_exp.exp(v, runtime_zero(c))), one, x)[1])(x, jnp.ones(()))
    _same_bits(got, _C_EXP(x).astype(float))
    got = jax.jit(lambda x, tau: libm_exp.exp(x, runtime_zero(tau)))(x[:1], jnp.ones(7))
    assert got.shape == (7,)
    _same_bits(got, np.full(7, _C_EXP(x[:1])[0], float))


def test_fma_exactly_rounded():
    """fma(a, b, c) equals a * b + c computed exactly and rounded once (Fraction's float
    conversion rounds to nearest even), over operands of many magnitudes and signs, near
    cancellations and ties included."""
    rng = np.random.default_rng(7)
    n = 20000
    a = np.ldexp(rng.uniform(-1.0, 1.0, n), rng.integers(-40, 40, n))
    b = np.ldexp(rng.uniform(-1.0, 1.0, n), rng.integers(-40, 40, n))
    c = np.where(rng.uniform(size=n) < 0.3, -a * b,
                 np.ldexp(rng.uniform(-1.0, 1.0, n), rng.integers(-80, 80, n)))
    # products one half-unit off a double: a, b with few bits, c a tie away
    a[:2000] = rng.integers(1, 2 ** 27, 2000) * 2.0 ** -20
    b[:2000] = rng.integers(1, 2 ** 27, 2000) * 2.0 ** -20
    c[:2000] = 2.0 ** 30
    ref = np.array([float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)])
    got = jax.jit(lambda a, b, c, one: libm_exp.fma(a, b, c, runtime_zero(one)))(
        a, b, c, jnp.ones(()))
    _same_bits(got, ref)
    assert np.any(ref != a * b + c)   # the rounding twice would differ


def test_table_from_definition():
    """H[i] (1 + T[i]) = 2^(i/128): H[i] the nearest double, T[i] within half a unit of
    the rest; H[0] = 1, T[0] = 0, H[64] = sqrt(2) rounded."""
    H, T = libm_exp.table()
    assert H[0] == 1.0 and T[0] == 0.0 and H[64] == np.sqrt(2.0)
    assert np.all(np.diff(H) > 0) and np.all(np.abs(T) < 2.0 ** -53)
    assert len(H) == libm_exp.N
