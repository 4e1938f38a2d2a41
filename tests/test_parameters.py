"""NEST's Parameter expressions (pynest_jax.connect.parameters), without NEST.

Distribution checks use a fixed seed and a significance level of 0.001, so they are
deterministic; a wrong sampler (wrong parametrisation, shared draws) fails them.
"""

import numpy as np
import pytest
from scipy import stats

import pynest_jax.logic as nlogic
import pynest_jax.math as nmath
import pynest_jax.random as nrandom
from pynest_jax.errors import NESTErrors
from pynest_jax.connect.parameters import Parameter, create_parameter

ALPHA = 1e-3
N = 20_000


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def const(x):
    return create_parameter("constant", {"value": x})


# ---- distributions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "param, dist",
    [
        (nrandom.uniform(-2.0, 3.0), stats.uniform(loc=-2.0, scale=5.0)),
        (nrandom.normal(1.5, 0.5), stats.norm(loc=1.5, scale=0.5)),
        # lognormal: mean/std are those of the underlying normal (NEST's parameter.h)
        (nrandom.lognormal(0.5, 0.3), stats.lognorm(s=0.3, scale=np.exp(0.5))),
        # exponential: beta is the scale (mean), not the rate
        (nrandom.exponential(2.5), stats.expon(scale=2.5)),
    ],
    ids=["uniform", "normal", "lognormal", "exponential"],
)
def test_continuous_distributions_match_nest_parametrisation(param, dist, rng):
    values = param.evaluate(N, rng)
    assert values.dtype == np.float64 and values.shape == (N,)
    assert stats.kstest(values, dist.cdf).pvalue > ALPHA


def test_uniform_excludes_max_and_defaults(rng):
    values = nrandom.uniform().evaluate(N, rng)
    assert values.min() >= 0.0 and values.max() < 1.0


def test_uniform_int_is_uniform_on_0_to_max_minus_1_as_floats(rng):
    values = nrandom.uniform_int(7).evaluate(N, rng)
    assert values.dtype == np.float64
    counts = np.bincount(values.astype(int), minlength=7)
    assert len(counts) == 7
    assert stats.chisquare(counts).pvalue > ALPHA


def test_exponential_with_negative_beta_gives_negative_values(rng):
    # NEST 3.10 accepts beta < 0 and returns beta * Exp(1)
    assert (nrandom.exponential(-1.0).evaluate(100, rng) <= 0).all()


def test_distribution_argument_errors():
    with pytest.raises(NESTErrors.BadProperty):
        nrandom.uniform(1.0, 1.0)
    with pytest.raises(NESTErrors.BadProperty):
        nrandom.normal(0.0, 0.0)  # NEST 3.10 requires std > 0
    with pytest.raises(NESTErrors.BadProperty):
        nrandom.lognormal(0.0, -1.0)
    with pytest.raises(NESTErrors.BadProperty):
        nrandom.uniform_int(0)
    with pytest.raises(RuntimeError):
        nrandom.uniform_int(2.5)  # NEST: "does not hold a numeric integer type"
    with pytest.raises(ValueError):
        nrandom.uniform("a", 2)


# ---- arithmetic and comparisons --------------------------------------------------------


def test_arithmetic_on_constants_is_exact(rng):
    p = const(3.0)
    cases = [
        (p + 2, 5.0), (2 + p, 5.0), (p - 2, 1.0), (2 - p, -1.0), (p * 2, 6.0), (2 * p, 6.0),
        (p / 2, 1.5), (3 / p, 1.0), (p**2, 9.0), (-p, -3.0), (+p, 3.0), (p + p, 6.0),
        (np.float64(2.0) * p, 6.0), (p + True, 4.0),
    ]  # a list: Parameters are unhashable, as in PyNEST
    for expr, expected in cases:
        assert isinstance(expr, Parameter)
        np.testing.assert_array_equal(expr.evaluate(4, rng), expected)


def test_reflected_operators_are_composed_as_in_pynest():
    # PyNEST: lhs - p is p * -1 + lhs, lhs / p is p ** -1 * lhs
    assert str(2 - nrandom.normal()) == "(normal(mean=0.0, std=1.0) * -1.0) + 2.0"
    assert str(2 / nrandom.normal()) == "(normal(mean=0.0, std=1.0) ** -1.0) * 2.0"


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: p < 3, [1, 0, 0]),
        (lambda p: p <= 3, [1, 1, 0]),
        (lambda p: p == 3, [0, 1, 0]),
        (lambda p: p != 3, [1, 0, 1]),
        (lambda p: p >= 3, [0, 1, 1]),
        (lambda p: p > 3, [0, 0, 1]),
        (lambda p: 3 > p, [1, 0, 0]),  # reflected: p < 3
        (lambda p: 3 == p, [0, 1, 0]),
    ],
)
def test_comparisons_give_one_or_zero(make, expected, rng):
    for value, want in zip([2.0, 3.0, 4.0], expected):
        out = make(const(value)).evaluate(2, rng)
        np.testing.assert_array_equal(out, float(want))


def test_each_use_of_a_random_parameter_draws_independently(rng):
    # NEST re-evaluates every leaf per value: p + p has variance 2, not 4
    p = nrandom.normal(0.0, 1.0)
    var = (p + p).evaluate(N, rng).var()
    assert 1.8 < var < 2.2
    assert abs(np.corrcoef((p - p).evaluate(N, rng), p.evaluate(N, rng))[0, 1]) < 0.05


def test_operands_refused_as_pynest_refuses_them():
    p = nrandom.uniform()
    with pytest.raises(NotImplementedError):
        p + "a"
    with pytest.raises(NotImplementedError):
        p + np.int64(1)  # PyNEST accepts only int/float
    with pytest.raises(TypeError):
        2**p
    with pytest.raises(TypeError):
        p**p
    with pytest.raises(TypeError):
        hash(p)


def test_division_by_zero_gives_inf_without_error(rng):
    np.testing.assert_array_equal((const(1.0) / 0).evaluate(2, rng), np.inf)


# ---- nest.math / nest.logic ------------------------------------------------------------


def test_math_functions_on_constants(rng):
    p = const(0.5)
    assert nmath.exp(p).evaluate(1, rng)[0] == np.exp(0.5)
    assert nmath.sin(p).evaluate(1, rng)[0] == np.sin(0.5)
    assert nmath.cos(p).evaluate(1, rng)[0] == np.cos(0.5)
    assert nmath.min(p, 0.2).evaluate(1, rng)[0] == 0.2
    assert nmath.max(p, 0.2).evaluate(1, rng)[0] == 0.5


def test_math_functions_refuse_non_parameters():
    with pytest.raises(AttributeError):
        nmath.exp(1.0)
    with pytest.raises(TypeError):
        nmath.min(nrandom.uniform(), nrandom.uniform())  # value must be a number


def test_min_max_clip_a_distribution(rng):
    v = nmath.max(nmath.min(nrandom.normal(), 0.5), -0.5).evaluate(N, rng)
    assert v.min() == -0.5 and v.max() == 0.5
    assert 0.2 < np.mean(v == 0.5) < 0.4  # P(X > 0.5) = 0.31


def test_redraw_gives_truncated_distribution(rng):
    v = nmath.redraw(nrandom.normal(0.0, 1.0), -1.0, 0.5).evaluate(N, rng)
    assert v.min() >= -1.0 and v.max() <= 0.5
    assert stats.kstest(v, stats.truncnorm(-1.0, 0.5).cdf).pvalue > ALPHA


def test_redraw_errors():
    with pytest.raises(NESTErrors.BadParameterValue):
        nmath.redraw(nrandom.uniform(), 1.0, 0.0)
    with pytest.raises(NESTErrors.KernelException, match="1000"):
        nmath.redraw(nrandom.uniform(), 2.0, 3.0).evaluate(3, np.random.default_rng(0))


def test_conditional_selects_per_value(rng):
    u = nrandom.uniform()
    v = nlogic.conditional(u < 0.3, 1, nrandom.normal(10.0, 1.0)).evaluate(N, rng)
    ones = v == 1.0
    assert 0.28 < ones.mean() < 0.32
    assert abs(v[~ones].mean() - 10.0) < 0.1
    # any nonzero condition counts as true
    np.testing.assert_array_equal(nlogic.conditional(const(2.0), 1, 2).evaluate(3, rng), 1.0)
    with pytest.raises(AttributeError):
        nlogic.conditional(1, 2, 3)


# ---- PyNEST methods, CreateParameter, module contents ----------------------------------


def test_getvalue_is_spatial_and_printing():
    p = nmath.exp(nrandom.uniform()) * 2 + 1
    value = p.GetValue()
    assert isinstance(value, float) and 3.0 <= value <= 2 * np.e + 1
    assert isinstance(nrandom.uniform_int(3).GetValue(), float)
    assert p.is_spatial() is False
    assert str(p) == "(exp(uniform(min=0.0, max=1.0)) * 2.0) + 1.0"
    assert "exp(uniform" in repr(p)


def test_create_parameter():
    assert create_parameter("constant", {"value": 3}).GetValue() == 3.0
    assert create_parameter("normal", {}).is_spatial() is False
    with pytest.raises(NESTErrors.UndefinedName):
        create_parameter("redraw", {})
    with pytest.raises(NESTErrors.UnaccessedDictionaryEntry):
        create_parameter("uniform", {"min": 0.0, "max": 1.0, "foo": 1})
    with pytest.raises(NESTErrors.TypeMismatch):
        create_parameter("constant", {"value": "a"})
    with pytest.raises(IndexError):
        create_parameter("constant", {})
    assert create_parameter("distance", {}).is_spatial() is True  # pynest_jax.spatial registers it
    with pytest.raises(IndexError):  # NEST: map::at, the required 'x' is missing
        create_parameter("gabor", {})


def test_seeded_evaluation_is_reproducible():
    p = nrandom.normal() * nrandom.uniform() + nrandom.exponential()
    a = p.evaluate(50, np.random.default_rng(7))
    b = p.evaluate(50, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert p.evaluate(0, np.random.default_rng(7)).shape == (0,)


def test_modules_expose_pynest_names():
    assert sorted(nrandom.__all__) == ["exponential", "lognormal", "normal", "uniform", "uniform_int"]
    assert sorted(nmath.__all__) == ["cos", "exp", "max", "min", "redraw", "sin"]
    assert nlogic.__all__ == ["conditional"]
    for mod in (nrandom, nmath, nlogic):
        assert all(callable(getattr(mod, name)) for name in mod.__all__)
