"""exp as glibc 2.36 computes it on x86-64 with FMA, bit for bit, in jnp operations.

NEST's C++ calls std::exp, which is glibc's exp. XLA's CPU exp differs from it in the
last bit for about 8 % of arguments in (-1, 0), and iaf_psc_alpha_ps's V_m inherits that
difference wherever synaptic currents decay (issue 13). This module reproduces glibc's
result from its algorithm (the one glibc has had since 2.28, from Arm's optimized
routines):

    x = k ln2 / 128 + r,  |r| <= ln2 / 256 (about),  k = round(x * 128 / ln2)
    exp(x) = 2^(k >> 7) * 2^((k & 127) / 128) * exp(r)

with 2^(i/128) held as a double H[i] and its relative rest T[i] (H[i] (1 + T[i]) =
2^(i/128)), and exp(r) - 1 as r + r^2 (C2 + r C3) + r^4 (C4 + r C5). On a CPU with FMA and
AVX2 (this machine's and most since 2013) glibc's ifunc picks a variant compiled with
-mfma; its machine code (libm.so.6 of Debian's glibc 2.36) fuses

    kd = fma(x, InvLn2N, Shift)            (k in the low bits of kd)
    r  = fma(kd', NegLn2loN, fma(kd', NegLn2hiN, x))      kd' = kd - Shift
    tmp = fma(r^2 * r^2, fma(r, C5, C4), fma(r^2, fma(r, C3, C2), T[i] + r))
    result = fma(scale, tmp, scale)        scale = H[i] 2^(k >> 7)

and computes r^2, r^4 and T[i] + r with their own roundings. The constants are those of
that library's data (InvLn2N = 128 / ln 2, -ln2/128 in a high part with 17 trailing zero
bits and a low part, the polynomial's coefficients, Shift = 1.5 * 2^52); the table is
computed here from its definition with 80-digit arithmetic (decimal) and equals the
library's 256 words.

A fused multiply-add is not a jnp operation: ``fma`` emulates it exactly (Dekker's
product, Knuth's sum, and Boldo and Melquiond's rounding to odd of the error terms, so
that the one final addition rounds as a fused operation would). XLA contracts a product
with the addition that consumes it into its own fused multiply-add on CPUs with FMA; every
product here passes through series_expm1.rounded, so that it keeps its own rounding.

Results: glibc's for every float64 argument (normal and subnormal results, the specials
inf, -inf, nan, overflow to inf, underflow to 0); a subnormal result is built from its
bits, as XLA's CPU code flushes subnormal products to zero.
"""

import functools
import os

import jax
import jax.numpy as jnp
import numpy as np

from pynest_jax.numerics.series_expm1 import rounded

N = 128
INV_LN2_N = float.fromhex("0x1.71547652b82fep7")
NEG_LN2_HI_N = float.fromhex("-0x1.62e42fefa0000p-8")
NEG_LN2_LO_N = float.fromhex("-0x1.cf79abc9e3b3ap-47")
SHIFT = float.fromhex("0x1.8p52")
C2 = float.fromhex("0x1.ffffffffffdbdp-2")
C3 = float.fromhex("0x1.555555555543cp-3")
C4 = float.fromhex("0x1.55555cf172b91p-5")
C5 = float.fromhex("0x1.1111167a4d017p-7")
_SPLIT = 134217729.0          # 2^27 + 1, Veltkamp's splitter for 53-bit significands


def enabled():
    """Whether the models that call NEST's std::exp use this exp (PYNEST_JAX_LIBM_EXP=1)
    or XLA's. Off by default: it costs iaf_psc_alpha_ps about 3x its first Simulate's
    compile time and 2.5x its time per step (docs/benchmarks.md, issue 13), for last bits
    (docs/divergences.md). Read when a program is traced; part of a compiled core's
    signature (kernel/cores.py)."""
    return os.environ.get("PYNEST_JAX_LIBM_EXP", "0") not in ("0", "")


@functools.lru_cache(maxsize=None)
def table():
    """(H, T) as float64 arrays of N: H[i] = 2^(i/N) rounded to nearest, T[i] the
    relative rest (2^(i/N) - H[i]) / H[i] rounded to nearest, from 80-digit values
    (the standard library's decimal: its exp and ln round correctly)."""
    import decimal
    with decimal.localcontext() as ctx:
        ctx.prec = 80
        ln2 = decimal.Decimal(2).ln()
        exact = [(ln2 * i / N).exp() for i in range(N)]
        H = [float(v) for v in exact]
        T = [float((v - decimal.Decimal(h)) / decimal.Decimal(h)) for v, h in zip(exact, H)]
    return np.array(H), np.array(T)


def _bits(x):
    return jax.lax.bitcast_convert_type(x, jnp.int64)


def _double(b):
    return jax.lax.bitcast_convert_type(b, jnp.float64)


def _split(a, zero):
    c = rounded(_SPLIT * a, zero)
    hi = c - (c - a)
    return hi, a - hi


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def fma(a, b, c, zero):
    """a * b + c rounded once to nearest (float64 arrays), as a fused multiply-add
    instruction computes it, for operands whose product and its error term neither
    overflow nor underflow (|a|, |b| < 2^996, |a * b| far above 2^-969).
    ``zero``: series_expm1.runtime_zero's int64 zeros (see series_expm1.rounded)."""
    # operands the compiler cannot see as constants: XLA's simplifier reassociates
    # additions of constants ((p + C) - C to p), which breaks the error-free sums
    a, b, c = (rounded(jnp.asarray(v, jnp.float64), zero) for v in (a, b, c))
    p = rounded(a * b, zero)
    ah, al = _split(a, zero)
    bh, bl = _split(b, zero)
    # the error of p: the partial products are exact (26 x 27 bits), so contracting them
    # changes nothing; the sum is exact in this order (Dekker).
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    th, tl = _two_sum(c, p)
    v, w = _two_sum(tl, e)
    # v rounded to odd: where the sum tl + e was not exact (w != 0) and v's last bit is
    # even, the neighbour of v on w's side (its last bit is odd).
    vb = _bits(v)
    toward = jnp.where((v < 0) == (w < 0), jnp.int64(1), jnp.int64(-1))
    vb = jnp.where((w != 0) & ((vb & 1) == 0), vb + toward, vb)
    return th + _double(vb)


def exp(x, zero):
    """glibc 2.36's exp(x) (its FMA variant) for a float64 array ``x``, bit for bit.
    ``zero``: int64 zeros that the compiler cannot prove zero (series_expm1.runtime_zero
    of a positive runtime value, e.g. a time constant); the result has the shape of x and
    zero broadcast together."""
    x, zero = jnp.broadcast_arrays(jnp.asarray(x, jnp.float64), jnp.asarray(zero, jnp.int64))
    H, T = (jnp.asarray(t) for t in table())
    # the constants, opaque to the compiler (see fma)
    one, shift, c2, c3, c4, c5, inv_ln2_n, ln2_hi, ln2_lo = (
        rounded(jnp.full(x.shape, v), zero) for v in (1.0, SHIFT, C2, C3, C4, C5, INV_LN2_N,
                                                       NEG_LN2_HI_N, NEG_LN2_LO_N))
    bx = _bits(x)
    abstop = jax.lax.shift_right_logical(bx, jnp.int64(52)) & 0x7FF
    # |x| >= 512 (and finite, below 1024) takes the scaled paths below
    large = abstop >= 0x408
    tiny = abstop < 0x3C9                      # |x| < 2^-54: 1 + x
    beyond = abstop >= 0x409                   # |x| >= 1024, inf, nan
    xs = jnp.where(tiny | beyond, 0.0, x)

    kd = fma(xs, inv_ln2_n, shift, zero)
    k = _bits(kd) - _bits(jnp.float64(SHIFT))  # the integer k (|k| < 2^51)
    kd = kd - shift
    r = fma(kd, ln2_lo, fma(kd, ln2_hi, xs, zero), zero)
    i = k & (N - 1)
    e = jax.lax.shift_right_arithmetic(k, jnp.int64(7))
    h, tail = H[i], T[i]
    r2 = rounded(r * r, zero)
    r4 = rounded(r2 * r2, zero)
    p23 = fma(r, c3, c2, zero)
    p45 = fma(r, c5, c4, zero)
    tmp = fma(r4, p45, fma(r2, p23, tail + r, zero), zero)

    # scale = h * 2^e; fma(scale, tmp, scale) = 2^e fma(h, tmp, h) while the result is
    # normal, and the scaling by 2^e is exact: done in two halves (e may reach +-1100)
    y1 = fma(h, tmp, h, zero)
    e1 = jax.lax.shift_right_arithmetic(e, jnp.int64(1))
    e2 = e - e1
    main = y1 * _double((e1 + 1023) << 52) * _double((jnp.clip(e2, -1022, 1023) + 1023) << 52)

    # large |x| with k > 0: glibc scales by 2^-1009 first, then multiplies by 2^1009
    # (overflow to inf happens in that last product)
    up = y1 * _double((e - 1009 + 1023) << 52) * rounded(jnp.full(x.shape, 2.0 ** 1009), zero)
    # large |x| with k < 0: scale = h 2^(e + 1022); y = scale + scale * tmp (no fma:
    # the product is used twice); below 1 glibc rounds once to the subnormal's precision
    scale = h * _double(jnp.clip(e + 1022 + 1023, 1, 2046) << 52)
    st = rounded(scale * tmp, zero)
    y = scale + st
    lo = scale - y + st
    hi = one + y
    lo = one - hi + y + lo
    # (hi + lo) - 1 is a multiple of 2^-52 in [0, 1]; times 2^-1022 it is the subnormal
    # (or 2^-1022) whose bits are those of hi + lo less those of 1: built from the bits,
    # as XLA's CPU code flushes a subnormal product to zero
    sub = _double(_bits(hi + lo) - _bits(jnp.float64(1.0)))
    down = jnp.where(y < 1.0, sub, y * jnp.float64(2.0 ** -1022))
    scaled = jnp.where(k > 0, up, down)

    res = jnp.where(large, scaled, main)
    res = jnp.where(tiny, 1.0 + x, res)
    special = jnp.where(bx < 0, 0.0, jnp.inf)          # finite |x| >= 1024
    special = jnp.where(abstop == 0x7FF, 1.0 + x, special)
    special = jnp.where(x == -jnp.inf, 0.0, special)
    return jnp.where(beyond, special, res)


def nest_exp(zero, *args):
    """NEST's std::exp of each argument, as a tuple: XLA's exp, or with
    PYNEST_JAX_LIBM_EXP=1 (``enabled``) glibc's, in one call on the arguments' stack (its
    some 300 operations a value appear once in the program, not once per argument)."""
    if not enabled():
        return tuple(jnp.exp(a) for a in args)
    args = jnp.broadcast_arrays(*args)
    return tuple(exp(jnp.stack(args), zero))
