"""Exact-integration propagators of the linear psc neuron family.

What NEST computes in ``libnestutil/iaf_propagator.{h,cpp}`` (IAFPropagatorExp,
IAFPropagatorAlpha) for the subthreshold system

    dV/dt = -V / tau_m + I / C_m          (membrane, V relative to E_L)
    dI/dt = -I / tau_syn                  (exponential current), or
    dI/dt = dI - I / tau_syn,  d(dI)/dt = -dI / tau_syn   (alpha current).

The entries mapping the current onto V over one step ``h`` contain
``1 / (tau_m - tau_syn)``: at ``tau_m == tau_syn`` (and, for the alpha entry,
with catastrophic cancellation close to it) NEST switches to the analytic limit.
The branch conditions and the order of the floating-point operations follow
NEST's, so that the values agree to the last bit or nearly so.

All functions take brainunit quantities (any shape; they broadcast, one value
per neuron) and return quantities: ``P32`` in mV/pA-compatible units (ms/pF),
``P31`` in ms**2/pF.
"""

from __future__ import annotations

from .._brainunit import u
import jax.numpy as jnp

# iaf_propagator.h: NUMERICAL_STABILITY_FACTOR_. The regular formula for P31
# is used only for h > 1e-7 * tau_m**2 / |tau_m - tau_syn|.
NUMERICAL_STABILITY_FACTOR = 1e-7


def _isnormal(x):
    """std::isnormal: finite, and not zero or subnormal."""
    m = jnp.abs(u.get_mantissa(x))
    return jnp.isfinite(m) & (m >= jnp.finfo(m.dtype).tiny)


def _p32_parts(tau_syn, tau_m, c_m, h, expm1=None, exp=None):
    """IAFPropagator::evaluate_P32_: P32 and the pieces P31 reuses. ``expm1``: the
    function for expm1(h / beta) (default u.math.expm1; numerics/series_expm1.py's for
    NEST 3.10's own sum, on plain floats); ``exp``: the one for NEST's std::exp (default
    u.math.exp; numerics/libm_exp.py's for glibc's bits, on plain floats), or the pair of
    its values (exp(-h * (1 / tau_syn)), exp(-h * (1 / tau_m))) computed by the caller."""
    exp = exp or u.math.exp
    pair = isinstance(exp, tuple)
    # NEST precomputes the inverses; multiplying by them (not dividing) keeps
    # the same rounding. beta is +-inf at tau_m == tau_syn; inv_beta is 0 there.
    beta = tau_syn * tau_m / (tau_m - tau_syn)
    gamma = beta / c_m
    inv_beta = (tau_m - tau_syn) / (tau_syn * tau_m)
    exp_h_tau_syn = exp[0] if pair else exp(-h * (1 / tau_syn))
    expm1_h_tau = (expm1 or u.math.expm1)(h * inv_beta)
    exp_h_tau = exp[1] if pair else exp(-h * (1 / tau_m))

    p32_regular = gamma * exp_h_tau_syn * expm1_h_tau
    # tau_m == tau_syn gives inf * 0 = nan; close to it the product can
    # underflow or lose its sign: NEST then uses the limit h/C_m * exp(-h/tau_m).
    p32_singular = h * (1 / c_m) * exp_h_tau
    regular = _isnormal(p32_regular) & (u.get_mantissa(p32_regular) > 0)
    p32 = u.math.where(regular, p32_regular, p32_singular)
    return p32, beta, gamma, exp_h_tau_syn, expm1_h_tau, exp_h_tau


def iaf_propagator_exp(tau_syn, tau_m, c_m, h):
    """P32: V_m's response at ``h`` to a unit exponential current (IAFPropagatorExp)."""
    return _p32_parts(tau_syn, tau_m, c_m, h)[0]


def iaf_propagator_alpha(tau_syn, tau_m, c_m, h, expm1=None, rnd=None, exp=None):
    """(P31, P32): V_m's response at ``h`` to unit dI and unit I of an alpha current
    (IAFPropagatorAlpha::evaluate); ``expm1`` and ``exp`` as in _p32_parts; ``rnd``, if given,
    rounds the product beta * expm1 on its own, as C does, before h is subtracted
    (numerics/series_expm1.py's ``rounded``: no fused multiply-add)."""
    p32, beta, gamma, exp_h_tau_syn, expm1_h_tau, exp_h_tau = _p32_parts(tau_syn, tau_m, c_m, h,
                                                                         expm1, exp)
    h_min_regular = NUMERICAL_STABILITY_FACTOR * tau_m * tau_m / u.math.abs(tau_m - tau_syn)
    p31_regular = gamma * exp_h_tau_syn * ((rnd or (lambda v: v))(beta * expm1_h_tau) - h)
    p31_singular = 0.5 * h * h * (1 / c_m) * exp_h_tau
    p31 = u.math.where(h > h_min_regular, p31_regular, p31_singular)
    return p31, p32
