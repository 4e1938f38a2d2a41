"""A/B: connection rules and random Parameters, real NEST 3.10 against pynest_jax.

``nest`` here is real NEST.  Each test builds the same connections with NEST and with
``pynest_jax.connect.rules`` and compares them: exactly for deterministic rules, by
statistics otherwise.  Random streams differ, so random results are compared as samples
of one law: two-sample chi-square tests on histograms, two-sample KS tests on values,
and conditional binomial tests on two Poisson counts, each at significance ALPHA = 0.001.
Seeds are fixed on both sides, so every run gives the same verdict; a rule drawing from
another law (a wrong autapse/multapse treatment, a wrong parametrisation) fails.
"""

import nest
import numpy as np
import pytest
from scipy import stats

import pynest_jax.logic as jlogic
import pynest_jax.math as jmath
import pynest_jax.random as jrandom
from pynest_jax.connect import RULES

ALPHA = 1e-3
SEED = 12345

nest.verbosity = nest.VerbosityLevel.ERROR


def nest_pairs(n_pre, n_post, conn_spec, same=False, syn_spec=None, seed=SEED):
    """Connect in real NEST; (pre index, post index[, weight]) arrays."""
    nest.ResetKernel()
    nest.rng_seed = seed
    pre = nest.Create("iaf_psc_alpha", n_pre)
    post = pre if same else nest.Create("iaf_psc_alpha", n_post)
    nest.Connect(pre, post, conn_spec, syn_spec)
    conns = nest.GetConnections()
    if len(conns) == 0:
        return np.empty(0, int), np.empty(0, int), np.empty(0)
    c = conns.get(["source", "target", "weight"])
    s, t, w = (np.atleast_1d(np.asarray(c[k])) for k in ("source", "target", "weight"))
    return s - pre[0].global_id, t - post[0].global_id, w


def our_pairs(n_pre, n_post, conn_spec, same=False, seed=SEED):
    pre = np.arange(1, n_pre + 1)
    post = pre if same else np.arange(n_pre + 1, n_pre + n_post + 1)
    spec = dict(conn_spec)
    res = RULES[spec.pop("rule")](pre, post, spec, np.random.default_rng(seed))
    s, t = res.node_ids(pre, post)
    return s - pre[0], t - post[0]


def same_histogram(x, y, bins):
    """Two-sample chi-square on histograms of x and y (empty bins dropped)."""
    table = np.array([np.histogram(x, bins)[0], np.histogram(y, bins)[0]])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return 1.0
    return stats.chi2_contingency(table)[1]


def same_poisson_rate(c1, c2):
    """Two Poisson counts of one rate: c1 | c1 + c2 ~ Binomial(c1 + c2, 1/2)."""
    return 1.0 if c1 + c2 == 0 else stats.binomtest(int(c1), int(c1 + c2), 0.5).pvalue


def n_autapses(s, t):
    return int(np.sum(s == t))


def n_multapses(s, t):
    """Connections beyond the first between the same ordered pair."""
    return len(s) - len(set(zip(s.tolist(), t.tolist())))


# ---- deterministic rules: identical connection sets ------------------------------------


@pytest.mark.parametrize(
    "conn_spec, same",
    [
        ({"rule": "all_to_all"}, False),
        ({"rule": "all_to_all", "allow_autapses": False}, True),
        ({"rule": "one_to_one"}, False),
        ({"rule": "one_to_one", "make_symmetric": True}, False),
        ({"rule": "one_to_one", "allow_autapses": False}, True),
    ],
)
def test_deterministic_rules_create_the_same_connections(conn_spec, same):
    nest.ResetKernel()
    s1, t1, _ = nest_pairs(30, 30, conn_spec, same)
    s2, t2 = our_pairs(30, 30, conn_spec, same)
    assert sorted(zip(s1.tolist(), t1.tolist())) == sorted(zip(s2.tolist(), t2.tolist()))


# ---- degree rules ----------------------------------------------------------------------

DEGREE_SPECS = [
    {"allow_autapses": True, "allow_multapses": True},
    {"allow_autapses": False, "allow_multapses": True},
    {"allow_autapses": True, "allow_multapses": False},
    {"allow_autapses": False, "allow_multapses": False},
]


@pytest.mark.parametrize("flags", DEGREE_SPECS)
@pytest.mark.parametrize("rule, key", [("fixed_indegree", "indegree"), ("fixed_outdegree", "outdegree")])
def test_fixed_degree_rules_match_nest(rule, key, flags):
    nest.ResetKernel()
    n, k = 200, 20
    spec = {"rule": rule, key: k, **flags}
    s1, t1, _ = nest_pairs(n, n, spec, same=True)
    s2, t2 = our_pairs(n, n, spec, same=True)
    fixed, free = (t1, s1) if rule == "fixed_indegree" else (s1, t1)
    fixed2, free2 = (t2, s2) if rule == "fixed_indegree" else (s2, t2)
    # the fixed side is exact in both
    np.testing.assert_array_equal(np.bincount(fixed, minlength=n), k)
    np.testing.assert_array_equal(np.bincount(fixed2, minlength=n), k)
    # the free side's degree distribution (~ Binomial(n k, 1/n)) is the same
    assert same_histogram(np.bincount(free, minlength=n), np.bincount(free2, minlength=n), np.arange(60)) > ALPHA
    for count in (n_autapses, n_multapses):
        c1, c2 = count(s1, t1), count(s2, t2)
        if (count is n_autapses and not flags["allow_autapses"]) or (
            count is n_multapses and not flags["allow_multapses"]
        ):
            assert c1 == c2 == 0
        else:
            assert c1 > 0 and same_poisson_rate(c1, c2) > ALPHA


def test_fixed_indegree_with_parameter_degree_matches_nest():
    nest.ResetKernel()
    s1, t1, _ = nest_pairs(50, 2000, {"rule": "fixed_indegree", "indegree": nest.random.uniform_int(5)})
    s2, t2 = our_pairs(50, 2000, {"rule": "fixed_indegree", "indegree": jrandom.uniform_int(5)})
    d1, d2 = np.bincount(t1, minlength=2000), np.bincount(t2, minlength=2000)
    assert same_histogram(d1, d2, np.arange(7)) > ALPHA


@pytest.mark.parametrize("autapses", [True, False])
def test_fixed_total_number_matches_nest(autapses):
    nest.ResetKernel()
    spec = {"rule": "fixed_total_number", "N": 5000, "allow_autapses": autapses}
    s1, t1, _ = nest_pairs(100, 100, spec, same=True)
    s2, t2 = our_pairs(100, 100, spec, same=True)
    assert len(s1) == len(s2) == 5000
    for a, b in ((s1, s2), (t1, t2)):
        assert same_histogram(np.bincount(a, minlength=100), np.bincount(b, minlength=100), np.arange(100)) > ALPHA
    if autapses:
        assert same_poisson_rate(n_autapses(s1, t1), n_autapses(s2, t2)) > ALPHA
    else:
        assert n_autapses(s1, t1) == n_autapses(s2, t2) == 0
    assert same_poisson_rate(n_multapses(s1, t1), n_multapses(s2, t2)) > ALPHA


# ---- pairwise rules --------------------------------------------------------------------


def counts_agree(c1, c2, m):
    """Two Binomial(m, p) counts with one p (2x2 contingency)."""
    return stats.chi2_contingency([[c1, m - c1], [c2, m - c2]])[1]


@pytest.mark.parametrize("make_p", [lambda r: 0.1, lambda r: r.uniform(0.0, 0.2)], ids=["scalar", "parameter"])
def test_pairwise_bernoulli_matches_nest(make_p):
    nest.ResetKernel()
    n = 200
    s1, t1, _ = nest_pairs(n, n, {"rule": "pairwise_bernoulli", "p": make_p(nest.random), "allow_autapses": False}, True)
    s2, t2 = our_pairs(n, n, {"rule": "pairwise_bernoulli", "p": make_p(jrandom), "allow_autapses": False}, True)
    assert n_autapses(s1, t1) == n_autapses(s2, t2) == 0
    assert n_multapses(s1, t1) == n_multapses(s2, t2) == 0
    assert counts_agree(len(s1), len(s2), n * (n - 1)) > ALPHA
    for a, b in ((t1, t2), (s1, s2)):
        assert same_histogram(np.bincount(a, minlength=n), np.bincount(b, minlength=n), np.arange(0, 60, 3)) > ALPHA


def test_symmetric_pairwise_bernoulli_matches_nest():
    nest.ResetKernel()
    n = 200
    spec = {"rule": "symmetric_pairwise_bernoulli", "p": 0.1, "allow_autapses": False, "make_symmetric": True}
    s1, t1, _ = nest_pairs(n, n, spec, same=True)
    s2, t2 = our_pairs(n, n, spec, same=True)
    for s, t in ((s1, t1), (s2, t2)):
        assert n_autapses(s, t) == 0
        # symmetric as multisets: each s -> t has a t -> s
        assert sorted(zip(s.tolist(), t.tolist())) == sorted(zip(t.tolist(), s.tolist()))
    assert counts_agree(len(s1) // 2, len(s2) // 2, n * n) > ALPHA
    assert same_poisson_rate(n_multapses(s1, t1), n_multapses(s2, t2)) > ALPHA
    assert same_histogram(np.bincount(t1, minlength=n), np.bincount(t2, minlength=n), np.arange(0, 80, 4)) > ALPHA


@pytest.mark.parametrize("make_lam", [lambda r: 0.2, lambda r: 1.5, lambda r: r.uniform(0.0, 0.4)],
                         ids=["0.2", "1.5", "parameter"])
def test_pairwise_poisson_matches_nest(make_lam):
    nest.ResetKernel()
    n = 100
    s1, t1, _ = nest_pairs(n, n, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": make_lam(nest.random),
                                  "allow_autapses": False}, True)
    s2, t2 = our_pairs(n, n, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": make_lam(jrandom),
                              "allow_autapses": False}, True)
    assert n_autapses(s1, t1) == n_autapses(s2, t2) == 0

    def multiplicities(s, t):
        return np.bincount(s * n + t, minlength=n * n)

    assert same_histogram(multiplicities(s1, t1), multiplicities(s2, t2), np.arange(9)) > ALPHA
    assert same_poisson_rate(len(s1), len(s2)) > ALPHA


# ---- random Parameters as weights ------------------------------------------------------

WEIGHTS = {
    "normal": lambda r, m, l: r.normal(mean=2.0, std=0.5),
    "uniform": lambda r, m, l: r.uniform(min=-1.0, max=3.0),
    "lognormal": lambda r, m, l: r.lognormal(mean=0.5, std=0.3),
    "exponential": lambda r, m, l: r.exponential(beta=2.0),
    "uniform_int": lambda r, m, l: r.uniform_int(5),
    "expression": lambda r, m, l: m.redraw(r.normal(), -0.5, 1.0) * 2 + m.exp(r.uniform()) - 1 / r.uniform(1.0, 2.0),
    "conditional": lambda r, m, l: l.conditional(r.uniform() < 0.3, 1.0, r.normal(5.0, 1.0)),
    "clipped": lambda r, m, l: m.min(m.max(r.normal(), -0.5), 0.8) + m.sin(r.uniform()) * m.cos(r.uniform()),
    "comparison": lambda r, m, l: (r.uniform() > 0.25) + (0.5 >= r.uniform()) * 2,
}


@pytest.mark.parametrize("name", list(WEIGHTS))
def test_random_weights_match_nest(name):
    nest.ResetKernel()
    make = WEIGHTS[name]
    _, _, w1 = nest_pairs(100, 100, "all_to_all", syn_spec={"weight": make(nest.random, nest.math, nest.logic)})
    w2 = make(jrandom, jmath, jlogic).evaluate(len(w1), np.random.default_rng(SEED))
    assert len(w1) == 10_000
    if len(np.unique(w1)) < 20:  # discrete values: same support, same frequencies
        values = np.union1d(w1, w2)
        assert np.array_equal(np.unique(w1), np.unique(w2))
        assert same_histogram(w1, w2, np.append(values, values[-1] + 1)) > ALPHA
    else:
        assert stats.ks_2samp(w1, w2).pvalue > ALPHA
    # means agree within 4 standard errors of their difference
    assert abs(w1.mean() - w2.mean()) < 4 * np.sqrt((w1.var() + w2.var()) / len(w1))
