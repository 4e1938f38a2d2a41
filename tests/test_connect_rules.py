"""NEST's connection rules (pynest_jax.connect.rules), without NEST.

Expectations are derived from NEST's builders (nestkernel/conn_builder.cpp) by hand:
exact counts and orders where the rule is deterministic, and for random rules the law
of NEST's algorithm, checked with chi-square tests at significance 0.001 under fixed
seeds (deterministic, and failing for a biased sampler).
"""

import time

import numpy as np
import pytest
from scipy import stats

import pynest_jax.random as nrandom
from pynest_jax.errors import NESTErrors
from pynest_jax.connect import RULES, validate_conn_spec
from pynest_jax.connect.parameters import create_parameter

ALPHA = 1e-3
A = np.arange(1, 6, dtype=np.int64)  # node ids 1..5
B = np.arange(6, 10, dtype=np.int64)  # node ids 6..9


@pytest.fixture
def rng():
    return np.random.default_rng(2024)


def connect(rule, pre, post, spec, rng):
    return RULES[rule](pre, post, spec, rng).node_ids(pre, post)


def assert_target_major(post_idx):
    assert (np.diff(post_idx) >= 0).all()


def has_multapses(s, t):
    return len(set(zip(s.tolist(), t.tolist()))) < len(s)


# ---- deterministic rules ---------------------------------------------------------------


def test_all_to_all_iterates_targets_then_sources(rng):
    s, t = connect("all_to_all", A, B, {}, rng)
    np.testing.assert_array_equal(s, np.tile(A, 4))
    np.testing.assert_array_equal(t, np.repeat(B, 5))


def test_all_to_all_without_autapses_drops_only_the_diagonal(rng):
    pre = np.array([1, 2, 3, 7])
    post = np.array([2, 3, 8])
    s, t = connect("all_to_all", pre, post, {"allow_autapses": False}, rng)
    expected = [(a, b) for b in post for a in pre if a != b]
    assert list(zip(s, t)) == expected


def test_one_to_one_and_make_symmetric(rng):
    s, t = connect("one_to_one", A, A[::-1].copy(), {}, rng)
    assert list(zip(s, t)) == [(1, 5), (2, 4), (3, 3), (4, 2), (5, 1)]
    s, t = connect("one_to_one", A, A[::-1].copy(), {"allow_autapses": False}, rng)
    assert (3, 3) not in zip(s, t) and len(s) == 4
    # make_symmetric: a second pass with sources and targets swapped (BipartiteConnBuilder)
    res = RULES["one_to_one"](A[:4], B, {"make_symmetric": True}, rng)
    s, t = res.node_ids(A[:4], B)
    assert list(zip(s, t)) == [(1, 6), (2, 7), (3, 8), (4, 9), (6, 1), (7, 2), (8, 3), (9, 4)]
    np.testing.assert_array_equal(res.reverse, [False] * 4 + [True] * 4)
    with pytest.raises(NESTErrors.DimensionMismatch):
        RULES["one_to_one"](A, B, {}, rng)


# ---- fixed degrees ---------------------------------------------------------------------


@pytest.mark.parametrize("autapses", [True, False])
@pytest.mark.parametrize("multapses", [True, False])
def test_fixed_indegree_degrees_autapses_multapses(autapses, multapses, rng):
    pre = np.arange(1, 31)
    post = np.arange(11, 41)  # overlaps pre in 11..30
    spec = {"indegree": 12, "allow_autapses": autapses, "allow_multapses": multapses}
    res = RULES["fixed_indegree"](pre, post, spec, rng)
    s, t = res.node_ids(pre, post)
    assert_target_major(res[1])
    np.testing.assert_array_equal(np.bincount(res[1], minlength=30), 12)
    if not autapses:
        assert (s != t).all()
    if not multapses:
        assert not has_multapses(s, t)


def test_fixed_indegree_sources_are_uniform_and_self_is_excluded(rng):
    # 10 nodes onto themselves, indegree 4, no autapses: each target's sources are
    # uniform over the 9 others; pooled counts over 3000 targets checked by chi-square
    pre = np.arange(1, 11)
    post = np.tile(pre, 300)
    for multapses in (True, False):
        res = RULES["fixed_indegree"](pre, post, {"indegree": 4, "allow_autapses": False,
                                                   "allow_multapses": multapses}, rng)
        offset = (res[0] - (post[res[1]] - 1)) % 10  # source relative to target: 1..9
        counts = np.bincount(offset, minlength=10)
        assert counts[0] == 0
        assert stats.chisquare(counts[1:]).pvalue > ALPHA


def test_fixed_indegree_without_multapses_draws_ordered_uniform_subsets(rng):
    # NEST's rejection loop makes the ordered draw uniform over the 5*4 ordered pairs
    post = np.full(4000, 100)
    res = RULES["fixed_indegree"](A, post, {"indegree": 2, "allow_multapses": False}, rng)
    first, second = res[0][0::2], res[0][1::2]
    assert (first != second).all()
    counts = np.bincount(first * 5 + second, minlength=25)[[i * 5 + j for i in range(5) for j in range(5) if i != j]]
    assert stats.chisquare(counts).pvalue > ALPHA


def test_fixed_indegree_dense_branch_is_a_permutation(rng):
    # indegree = all others without multapses: every target gets each other node once
    pre = np.arange(1, 41)
    res = RULES["fixed_indegree"](pre, pre, {"indegree": 39, "allow_autapses": False,
                                              "allow_multapses": False}, rng)
    s, t = res.node_ids(pre, pre)
    for target in pre:
        assert sorted(s[t == target]) == [x for x in pre if x != target]
    # the order of draws is random, not sorted
    assert not (np.diff(res[0][:39]) > 0).all()


def test_fixed_indegree_parameter_degree_rounds_half_away_from_zero(rng):
    res = RULES["fixed_indegree"](A, B, {"indegree": create_parameter("constant", {"value": 2.5})}, rng)
    np.testing.assert_array_equal(np.bincount(res[1]), 3)  # std::round(2.5) = 3
    res = RULES["fixed_indegree"](A, B, {"indegree": nrandom.uniform(-3.0, -2.0)}, rng)
    assert len(res[0]) == 0
    res = RULES["fixed_indegree"](A, np.arange(6, 2006), {"indegree": nrandom.uniform_int(4)}, rng)
    degrees = np.bincount(res[1], minlength=2000)
    assert stats.chisquare(np.bincount(degrees, minlength=4)).pvalue > ALPHA


def test_fixed_outdegree_iterates_sources(rng):
    pre = np.arange(1, 21)
    res = RULES["fixed_outdegree"](pre, pre, {"outdegree": 7, "allow_autapses": False,
                                               "allow_multapses": False}, rng)
    s, t = res.node_ids(pre, pre)
    assert (np.diff(res[0]) >= 0).all()
    np.testing.assert_array_equal(np.bincount(res[0]), 7)
    assert (s != t).all() and not has_multapses(s, t)


def test_degrees_that_nest_could_never_satisfy_raise_instead_of_hanging(rng):
    with pytest.raises(NESTErrors.BadProperty):
        RULES["fixed_indegree"](A, A, {"indegree": 5, "allow_autapses": False, "allow_multapses": False}, rng)
    with pytest.raises(NESTErrors.BadProperty):
        RULES["fixed_indegree"](A[:1], A[:1], {"indegree": 1, "allow_autapses": False}, rng)
    with pytest.raises(NESTErrors.BadProperty):
        RULES["fixed_total_number"](A[:1], A[:1], {"N": 1, "allow_autapses": False}, rng)


# ---- fixed_total_number ----------------------------------------------------------------


def test_fixed_total_number_is_uniform_over_allowed_pairs(rng):
    res = RULES["fixed_total_number"](A, A, {"N": 20_000, "allow_autapses": False}, rng)
    s, t = res.node_ids(A, A)
    assert len(s) == 20_000 and (s != t).all()
    counts = np.bincount(res[0] * 5 + res[1], minlength=25)
    assert stats.chisquare(counts[[i * 5 + j for i in range(5) for j in range(5) if i != j]]).pvalue > ALPHA


# ---- pairwise rules --------------------------------------------------------------------


def test_pairwise_bernoulli_count_order_and_autapses(rng):
    pre = np.arange(1, 201)
    res = RULES["pairwise_bernoulli"](pre, pre, {"p": 0.2, "allow_autapses": False}, rng)
    s, t = res.node_ids(pre, pre)
    assert (s != t).all() and not has_multapses(s, t)
    # target-major, sources ascending within a target
    assert (np.diff(res[1] * 1000 + res[0]) > 0).all()
    m = 200 * 199
    assert stats.binomtest(len(s), m, 0.2).pvalue > ALPHA
    # each pair independently: in-degrees are Binomial(199, 0.2)
    degrees = np.bincount(res[1], minlength=200)
    assert stats.kstest(degrees, stats.binom(199, 0.2).cdf).statistic < 0.15


def test_pairwise_bernoulli_extremes(rng):
    s, t = connect("pairwise_bernoulli", A, B, {"p": 1.0}, rng)
    ref = connect("all_to_all", A, B, {}, rng)
    np.testing.assert_array_equal(s, ref[0])
    np.testing.assert_array_equal(t, ref[1])
    assert len(connect("pairwise_bernoulli", A, B, {"p": 0}, rng)[0]) == 0


def test_pairwise_bernoulli_with_parameter_p(rng):
    pre = np.arange(1, 301)
    res = RULES["pairwise_bernoulli"](pre, pre, {"p": nrandom.uniform(0.0, 0.2), "allow_autapses": False}, rng)
    s, t = res.node_ids(pre, pre)
    assert (s != t).all() and (np.diff(res[1] * 1000 + res[0]) > 0).all()
    assert stats.binomtest(len(s), 300 * 299, 0.1).pvalue > ALPHA
    # NEST does not range-check a Parameter p; p > 1 connects every pair
    assert len(RULES["pairwise_bernoulli"](A, B, {"p": nrandom.uniform(1.5, 2.0)}, rng)[0]) == 20


@pytest.mark.parametrize("lam", [0.3, 2.0])
def test_pairwise_poisson_multiplicities_are_poisson(lam, rng):
    pre = np.arange(1, 151)
    res = RULES["pairwise_poisson"](pre, pre, {"pairwise_avg_num_conns": lam, "allow_autapses": False}, rng)
    s, t = res.node_ids(pre, pre)
    assert (s != t).all()
    flat = res[1] * 150 + res[0]
    assert (np.diff(flat) >= 0).all()  # a pair's connections are consecutive, target-major
    per_pair = np.bincount(flat, minlength=150 * 150)
    per_pair = np.delete(per_pair, np.arange(150) * 151)  # autapse pairs
    observed = np.bincount(np.minimum(per_pair, 4), minlength=5)
    probs = stats.poisson(lam).pmf(np.arange(4))
    expected = np.append(probs, 1 - probs.sum()) * len(per_pair)
    assert stats.chisquare(observed, expected).pvalue > ALPHA


def test_pairwise_poisson_with_parameter(rng):
    pre = np.arange(1, 101)
    res = RULES["pairwise_poisson"](pre, pre, {"pairwise_avg_num_conns": nrandom.uniform(0.0, 1.0)}, rng)
    assert abs(len(res[0]) - 5000) < 4 * np.sqrt(5000)
    assert len(RULES["pairwise_poisson"](A, B, {"pairwise_avg_num_conns": nrandom.uniform(-2.0, -1.0)}, rng)[0]) == 0


def test_symmetric_pairwise_bernoulli(rng):
    pre = np.arange(1, 101)
    spec = {"p": 0.1, "allow_autapses": False, "make_symmetric": True}
    res = RULES["symmetric_pairwise_bernoulli"](pre, pre, spec, rng)
    s, t = res.node_ids(pre, pre)
    assert (s != t).all()
    # every connection s -> t is followed by its mirror t -> s
    np.testing.assert_array_equal(s[0::2], t[1::2])
    np.testing.assert_array_equal(t[0::2], s[1::2])
    np.testing.assert_array_equal(res.reverse, np.tile([False, True], len(s) // 2))
    # per target, Binomial(100, p) draws (truncated below 100): mean 10
    per_target = np.bincount(res[1][0::2], minlength=100)
    assert stats.ttest_1samp(per_target, 10.0).pvalue > ALPHA


# ---- conn_spec validation --------------------------------------------------------------


def test_validate_fills_defaults():
    assert validate_conn_spec(None) == {
        "rule": "all_to_all", "allow_autapses": True, "allow_multapses": True, "make_symmetric": False
    }
    assert validate_conn_spec("one_to_one")["rule"] == "one_to_one"
    assert validate_conn_spec({"rule": "fixed_indegree", "indegree": np.int64(3)})["indegree"] == 3


@pytest.mark.parametrize(
    "spec, sizes, error",
    [
        ({"rule": "foo"}, (5, 4), NESTErrors.BadProperty),
        ({"rule": "all_to_all", "foo": 1}, (5, 4), NESTErrors.UnaccessedDictionaryEntry),
        ({"rule": "all_to_all", "indegree": 1}, (5, 4), NESTErrors.UnaccessedDictionaryEntry),
        # the rule's own checks come before the unknown-key check, as in NEST
        ({"rule": "pairwise_bernoulli", "p": 2.0, "foo": 1}, (5, 4), NESTErrors.BadProperty),
        ({"rule": "one_to_one", "foo": 1}, (5, 4), NESTErrors.DimensionMismatch),
        ({"indegree": 1}, (5, 4), KeyError),
        ({"rule": "fixed_indegree"}, (5, 4), IndexError),
        ({"rule": "fixed_indegree", "indegree": 6, "allow_multapses": False}, (5, 4), NESTErrors.BadProperty),
        ({"rule": "fixed_indegree", "indegree": -1}, (5, 4), NESTErrors.BadProperty),
        ({"rule": "fixed_indegree", "indegree": 2.0}, (5, 4), NESTErrors.TypeMismatch),
        ({"rule": "fixed_outdegree", "outdegree": 5, "allow_multapses": False}, (5, 4), NESTErrors.BadProperty),
        ({"rule": "fixed_outdegree", "outdegree": -1}, (5, 4), NESTErrors.BadProperty),
        ({"rule": "fixed_total_number", "N": -1}, (5, 4), NESTErrors.BadProperty),
        ({"rule": "fixed_total_number", "N": 30, "allow_multapses": False}, (5, 4), NESTErrors.BadProperty),
        ({"rule": "fixed_total_number", "N": 3, "allow_multapses": False}, (5, 4), NESTErrors.NotImplemented),
        ({"rule": "fixed_total_number", "N": nrandom.uniform_int(3)}, (5, 4), NESTErrors.TypeMismatch),
        ({"rule": "pairwise_bernoulli", "p": -0.1}, (5, 4), NESTErrors.BadProperty),
        ({"rule": "pairwise_bernoulli", "p": "x"}, (5, 4), NESTErrors.TypeMismatch),
        ({"rule": "pairwise_poisson", "pairwise_avg_num_conns": -1}, (5, 4), NESTErrors.BadProperty),
        ({"rule": "pairwise_poisson", "pairwise_avg_num_conns": 1, "allow_multapses": False}, (5, 4),
         NESTErrors.BadProperty),
        ({"rule": "symmetric_pairwise_bernoulli", "p": 0.5}, (5, 5), NESTErrors.BadProperty),
        ({"rule": "symmetric_pairwise_bernoulli", "p": 0.5, "allow_autapses": False}, (5, 5), NESTErrors.BadProperty),
        ({"rule": "symmetric_pairwise_bernoulli", "p": 1.0, "allow_autapses": False, "make_symmetric": True},
         (5, 5), NESTErrors.BadProperty),
        ({"rule": "symmetric_pairwise_bernoulli", "p": nrandom.uniform(), "allow_autapses": False,
          "make_symmetric": True}, (5, 5), NESTErrors.TypeMismatch),
        ({"rule": "all_to_all", "make_symmetric": True}, (5, 4), NESTErrors.NotImplemented),
        ({"rule": "fixed_indegree", "indegree": 2, "make_symmetric": True}, (5, 4), NESTErrors.NotImplemented),
        ({"rule": "all_to_all", "allow_autapses": 0}, (5, 4), NESTErrors.TypeMismatch),
        ({"rule": 1}, (5, 4), NESTErrors.TypeMismatch),
        ({"rule": "all_to_all"}, (0, 4), NESTErrors.IllegalConnection),
    ],
)
def test_validate_raises_nests_errors(spec, sizes, error):
    with pytest.raises(error):
        validate_conn_spec(spec, *sizes)


def test_rules_validate_before_drawing(rng):
    state = rng.bit_generator.state
    with pytest.raises(NESTErrors.BadProperty):
        RULES["fixed_indegree"](A, B, {"indegree": 6, "allow_multapses": False}, rng)
    assert rng.bit_generator.state == state


def test_seeded_rules_are_reproducible():
    pre = np.arange(1, 51)
    for rule, spec in [("fixed_indegree", {"indegree": 5}), ("pairwise_bernoulli", {"p": 0.3}),
                       ("pairwise_poisson", {"pairwise_avg_num_conns": 0.5})]:
        a = RULES[rule](pre, pre, spec, np.random.default_rng(3))
        b = RULES[rule](pre, pre, spec, np.random.default_rng(3))
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("multapses", [True, False])
def test_fixed_indegree_scales_to_brunel_size(multapses, rng):
    # 12,500 targets x 1,000 sources each; a per-connection Python loop takes minutes
    pre = np.arange(1, 12_501)
    start = time.perf_counter()
    res = RULES["fixed_indegree"](pre, pre, {"indegree": 1000, "allow_autapses": False,
                                              "allow_multapses": multapses}, rng)
    assert len(res[0]) == 12_500_000
    assert time.perf_counter() - start < 20.0
