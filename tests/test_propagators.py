"""Exact-integration propagators (pynest_jax.numerics.propagators), without NEST.

References are derived independently of NEST's formulas: the matrix exponential
of the linear system (scipy.linalg.expm) and the analytic limit at
tau_m == tau_syn. Regular case within 1e-12 relative (expm's own accuracy);
near the singularity NEST's closed form loses digits by design, so there the
check is against the limit with the accuracy NEST's switch guarantees.
"""

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.linalg import expm

from pynest_jax.numerics.propagators import iaf_propagator_alpha, iaf_propagator_exp

jax.config.update("jax_enable_x64", True)

C_M = 250.0


def _q(x, unit):
    return u.Quantity(jnp.asarray(x, float), unit=unit)


def _exp(tau_s, tau_m, h, c=C_M):
    p = iaf_propagator_exp(_q(tau_s, u.ms), _q(tau_m, u.ms), _q(c, u.pF), _q(h, u.ms))
    return np.asarray(p.to_decimal(u.ms / u.pF))


def _alpha(tau_s, tau_m, h, c=C_M):
    p31, p32 = iaf_propagator_alpha(_q(tau_s, u.ms), _q(tau_m, u.ms), _q(c, u.pF), _q(h, u.ms))
    return np.asarray(p31.to_decimal(u.ms ** 2 / u.pF)), np.asarray(p32.to_decimal(u.ms / u.pF))


def _expm_exp(tau_s, tau_m, h, c=C_M):
    """State (I, V): dI/dt = -I/tau_s, dV/dt = I/C - V/tau_m; entry I -> V."""
    a = np.array([[-1 / tau_s, 0.0], [1 / c, -1 / tau_m]])
    return expm(a * h)[1, 0]


def _expm_alpha(tau_s, tau_m, h, c=C_M):
    """State (dI, I, V): d(dI)/dt = -dI/tau_s, dI/dt = dI - I/tau_s, dV/dt = I/C - V/tau_m."""
    a = np.array([[-1 / tau_s, 0.0, 0.0], [1.0, -1 / tau_s, 0.0], [0.0, 1 / c, -1 / tau_m]])
    e = expm(a * h)
    return e[2, 0], e[2, 1]


CASES = [(2.0, 10.0, 0.1), (0.5, 10.0, 0.1), (10.0, 2.0, 0.1), (5.0, 20.0, 1.0),
         (2.0, 10.0, 0.001), (3.0, 3.5, 0.25), (40.0, 4.0, 2.0)]


@pytest.mark.parametrize("tau_s,tau_m,h", CASES)
def test_exp_propagator_equals_matrix_exponential(tau_s, tau_m, h):
    np.testing.assert_allclose(_exp(tau_s, tau_m, h), _expm_exp(tau_s, tau_m, h), rtol=1e-12)


@pytest.mark.parametrize("tau_s,tau_m,h", CASES)
def test_alpha_propagators_equal_matrix_exponential(tau_s, tau_m, h):
    p31, p32 = _alpha(tau_s, tau_m, h)
    r31, r32 = _expm_alpha(tau_s, tau_m, h)
    np.testing.assert_allclose(p32, r32, rtol=1e-12)
    np.testing.assert_allclose(p31, r31, rtol=1e-10)  # expm of a 3x3 Jordan-like block


@pytest.mark.parametrize("tau,h", [(10.0, 0.1), (2.0, 0.1), (0.3, 1.0), (100.0, 0.01)])
def test_equal_time_constants_give_analytic_limit(tau, h):
    """tau_m == tau_syn: P32 = h/C exp(-h/tau), P31 = h^2/(2C) exp(-h/tau), not nan."""
    p32 = _exp(tau, tau, h)
    a31, a32 = _alpha(tau, tau, h)
    lim32 = h / C_M * np.exp(-h / tau)
    lim31 = 0.5 * h * h / C_M * np.exp(-h / tau)
    np.testing.assert_allclose(p32, lim32, rtol=1e-15)
    np.testing.assert_allclose(a32, lim32, rtol=1e-15)
    np.testing.assert_allclose(a31, lim31, rtol=1e-15)
    np.testing.assert_allclose(a31, _expm_alpha(tau, tau, h)[0], rtol=1e-10)


@pytest.mark.parametrize("rel", [1e-15, 1e-13, 1e-10, 1e-8, 1e-6, -1e-8, -1e-13])
def test_nearly_equal_time_constants_stay_close_to_the_limit(rel):
    """No blow-up as tau_syn -> tau_m: finite, positive, and continuous with the limit.

    The regular P31 formula cancels (error ~ eps * tau_m^2 / (|tau_m - tau_syn| h));
    NEST switches to the limit below h_min_regular, which bounds the error to
    about 1e-9 relative; P32 uses expm1 and stays accurate."""
    tau_m, h = 10.0, 0.1
    tau_s = tau_m * (1 + rel)
    p32 = _exp(tau_s, tau_m, h)
    a31, a32 = _alpha(tau_s, tau_m, h)
    r31, r32 = _expm_alpha(tau_s, tau_m, h)
    assert np.isfinite([p32, a31, a32]).all() and (np.array([p32, a31, a32]) > 0).all()
    np.testing.assert_allclose(p32, r32, rtol=1e-12)
    np.testing.assert_allclose(a32, r32, rtol=1e-12)
    np.testing.assert_allclose(a31, r31, rtol=1e-7)


def test_alpha_switches_to_the_limit_below_h_min_regular():
    """NEST's criterion: regular P31 only for h > 1e-7 tau_m^2 / |tau_m - tau_syn|."""
    tau_m, h = 10.0, 0.1
    # |tau_m - tau_syn| = 1e-7 * 100 / 0.1 = 1e-4 is the boundary.
    below = tau_m + 0.5e-4  # h_min_regular = 0.2 > h: limit
    above = tau_m + 2e-4  # h_min_regular = 0.05 < h: regular formula
    lim = 0.5 * h * h / C_M * np.exp(-h / tau_m)
    assert _alpha(below, tau_m, h)[0] == pytest.approx(lim, rel=1e-15)
    assert _alpha(above, tau_m, h)[0] != pytest.approx(lim, rel=1e-15)
    np.testing.assert_allclose(_alpha(above, tau_m, h)[0], _expm_alpha(above, tau_m, h)[0],
                               rtol=1e-8)


def test_vectorised_over_neurons():
    """One call for a population with mixed (regular and singular) time constants."""
    tau_s = np.array([2.0, 10.0, 10.0 * (1 + 1e-14), 40.0])
    tau_m = np.array([10.0, 10.0, 10.0, 4.0])
    c = np.array([250.0, 100.0, 250.0, 1.0])
    h = 0.1
    p32 = _exp(tau_s, tau_m, h, c)
    p31, a32 = _alpha(tau_s, tau_m, h, c)
    assert p32.shape == p31.shape == (4,)
    for i in range(4):
        r31, r32 = _expm_alpha(tau_s[i], tau_m[i], h, c[i])
        np.testing.assert_allclose(p32[i], r32, rtol=1e-12)
        np.testing.assert_allclose(a32[i], r32, rtol=1e-12)
        np.testing.assert_allclose(p31[i], r31, rtol=1e-9)


def test_units_are_carried():
    p31, p32 = iaf_propagator_alpha(2.0 * u.ms, 10.0 * u.ms, 250.0 * u.pF, 0.1 * u.ms)
    assert u.get_unit(p32 * u.pA).dim == u.mV.dim
    assert u.get_unit(p31 * u.pA / u.ms).dim == u.mV.dim
    # the same physical inputs in other units give the same propagator
    q32 = iaf_propagator_exp(2e-3 * u.second, 0.01 * u.second, 0.25 * u.nF, 100.0 * u.us)
    np.testing.assert_allclose((q32 * u.pA).to_decimal(u.mV),
                               (iaf_propagator_exp(2.0 * u.ms, 10.0 * u.ms, 250.0 * u.pF,
                                                   0.1 * u.ms) * u.pA).to_decimal(u.mV),
                               rtol=1e-14)
