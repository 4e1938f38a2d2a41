"""A/B of inhomogeneous_poisson_generator: the rate's pieces statistically equal to
NEST's (seeded on each side, not draw for draw); where a piece starts and ends exact."""

import numpy as np
import pytest
from scipy import stats

ALPHA = 1e-3
_MODEL = "inhomogeneous_poisson_generator"


def _run(nest, params, n_targets, t_sim, seed=20251205, between=None):
    nest.rng_seed = seed
    g = nest.Create(_MODEL, params=params)
    parrots = nest.Create("parrot_neuron", n_targets)
    sr = nest.Create("spike_recorder")
    nest.Connect(g, parrots)
    nest.Connect(parrots, sr)
    nest.Simulate(t_sim)
    if between is not None:
        g.set(between)
        nest.Simulate(t_sim)
    return sr.events["times"], sr.events["senders"] - parrots[0].global_id


def test_piecewise_rates(ab):
    """Rates 100, 0, 300, 50 Hz from 10, 500, 800, 1200 ms on, 200 targets to 2 s: the
    counts of each piece compared by the conditional binomial test of equal Poisson
    rates (alpha 0.001), with power shown on NEST's counts raised by 10 %; no spike in
    the 0 Hz piece; per-target counts Poisson (chi-square dispersion)."""
    params = {"rate_times": [10.0, 500.0, 800.0, 1200.0], "rate_values": [100.0, 0.0, 300.0, 50.0]}
    ref, got = ab(lambda nest: _run(nest, params, 200, 2000.0))
    edges = [11.0, 501.0, 801.0, 1201.0, 2001.0]  # spikes stamped from t on, +1 ms delay
    for (t, _) in (ref, got):
        assert t.min() >= 11.0 and not np.any((t > 501.0 - 1e-9) & (t < 801.0 - 1e-9))
    for a, b in zip(edges[:-1], edges[1:]):
        r = int(np.sum((ref[0] > a - 1e-9) & (ref[0] < b - 1e-9)))
        g = int(np.sum((got[0] > a - 1e-9) & (got[0] < b - 1e-9)))
        if r == 0:
            assert g == 0
            continue
        assert stats.binomtest(g, r + g, 0.5).pvalue > ALPHA
        if r > 5000:  # z = 0.1 r / sqrt(2.1 r) > 6.9
            assert stats.binomtest(g, int(1.1 * r) + g, 0.5).pvalue < ALPHA
    per_target = np.bincount(got[1], minlength=200)
    disp = np.sum((per_target - per_target.mean()) ** 2) / per_target.mean()
    assert stats.chi2.sf(disp, 199) > ALPHA / 2 and stats.chi2.cdf(disp, 199) > ALPHA / 2


def test_edges_exact_and_changes_between_runs(ab):
    """100 kHz (10 spikes a step) makes every active step spike: the first and last
    spike of each piece equal NEST's; new times set after a run keep the rate in
    effect until the first of them; start/stop window as NEST's."""
    params = {"rate_times": [5.0, 7.5], "rate_values": [1e5, 0.0], "start": 2.0, "stop": 40.0}
    between = {"rate_times": [25.3, 30.0], "rate_values": [1e5, -5.0]}

    def fn(nest):
        t, _ = _run(nest, params, 2, 20.0, between=between)
        return np.unique(np.round(t, 6))
    ref, got = ab(fn)
    np.testing.assert_array_equal(got, ref)


def test_offgrid_times_rounded_as_nest(ab):
    def fn(nest):
        g = nest.Create(_MODEL, params={"allow_offgrid_times": True})
        g.set(rate_times=[1.0, 1.02, 2.55], rate_values=[1.0, 2.0, 3.0])
        return g.get(["rate_times", "rate_values", "allow_offgrid_times"])
    ref, got = ab(fn)
    np.testing.assert_array_equal(got["rate_times"], ref["rate_times"])
    np.testing.assert_array_equal(got["rate_values"], ref["rate_values"])
    assert got["allow_offgrid_times"] == ref["allow_offgrid_times"]


BAD = [{"rate_times": [1.0]}, {"rate_values": [1.0]},
       {"rate_times": [1.0, 2.0], "rate_values": [1.0]},
       {"rate_times": [0.0], "rate_values": [1.0]},
       {"rate_times": [1.05], "rate_values": [1.0]},
       {"rate_times": [2.0, 1.0], "rate_values": [1.0, 2.0]},
       {"rate_times": [1.0, 1.0], "rate_values": [1.0, 2.0]},
       {"allow_offgrid_times": True},
       {"start": 3.0, "stop": 1.0}]


@pytest.mark.parametrize("params", BAD)
def test_bad_values_refused_as_nest(ab, params):
    """Error class and message as NEST's on a node that has rate times; a refused
    set leaves it as it was."""
    def fn(nest):
        g = nest.Create(_MODEL, params={"rate_times": [1.0], "rate_values": [2.0]})
        before = g.get()
        try:
            g.set(params)
            out = None
        except nest.NESTError as e:
            out = (type(e).__name__, str(e).split("in SLI function")[0].strip())
        after = g.get()
        return out, all(np.all(np.asarray(after[k]) == np.asarray(before[k])) for k in before)
    ref, got = ab(fn)
    assert got[0] == ref[0]
    assert got[1] and ref[1]


def test_times_in_the_past_refused_after_a_run(ab):
    def fn(nest):
        g = nest.Create(_MODEL)
        nest.Simulate(10.0)
        try:
            g.set(rate_times=[10.0], rate_values=[5.0])
        except nest.NESTError as e:
            return type(e).__name__, str(e).split("in SLI function")[0].strip()
    ref, got = ab(fn)
    assert got == ref
