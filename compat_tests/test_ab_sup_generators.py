"""A/B of the superposition generators (gamma_sup_generator, ppd_sup_generator):
statistically equal to NEST's over a fixed seed on each side, not draw for draw.

Statistical tests are two-sided at alpha = 0.001; each test also shows its power by
rejecting NEST's sample against the same sample with a 10 % shifted rate (or a changed
shape), so that a wrong rate or shape cannot pass.
"""

import numpy as np
import pytest
from scipy import stats

ALPHA = 1e-3


def _trains(nest, model, params, n_targets, t_sim, seed=20251205):
    nest.rng_seed = seed
    g = nest.Create(model, params=params)
    parrots = nest.Create("parrot_neuron", n_targets)
    sr = nest.Create("spike_recorder")
    nest.Connect(g, parrots)
    nest.Connect(parrots, sr)
    nest.Simulate(t_sim)
    ev = sr.events
    first = parrots[0].global_id
    return [np.sort(ev["times"][ev["senders"] == first + i]) for i in range(n_targets)]


def _isis(trains):
    return np.concatenate([np.diff(t) for t in trains])


def _same_isis(ref, got):
    """Two-sample KS on the inter-spike intervals; power: NEST's ISIs stretched by 10 %
    (a 10 % lower rate) must be told apart from ours."""
    assert stats.ks_2samp(ref, got).pvalue > ALPHA
    assert stats.ks_2samp(ref * 1.1, got).pvalue < ALPHA


def _same_counts(ref, got):
    """Welch's t-test of the per-target spike counts; power: NEST's counts scaled
    by 1.1 must be told apart from ours."""
    r = np.array([len(t) for t in ref], float)
    g = np.array([len(t) for t in got], float)
    assert stats.ttest_ind(r, g, equal_var=False).pvalue > ALPHA
    assert stats.ttest_ind(r * 1.1, g, equal_var=False).pvalue < ALPHA


@pytest.mark.parametrize("model,params", [
    ("gamma_sup_generator", {"rate": 20.0, "gamma_shape": 4, "n_proc": 1}),
    ("gamma_sup_generator", {"rate": 40.0, "gamma_shape": 1, "n_proc": 1}),
    ("ppd_sup_generator", {"rate": 40.0, "dead_time": 10.0, "n_proc": 1}),
    ("ppd_sup_generator", {"rate": 40.0, "dead_time": 0.0, "n_proc": 1}),
])
def test_single_process_isi_distribution(ab, model, params):
    """One component: a gamma (or dead-time Poisson) renewal process per target, 40
    targets for 5 s (~4,000-8,000 ISIs a side). ISIs by KS, counts by Welch; the
    shape shows in the ISI distribution (CV 0.5 for shape 4, dead time 10 ms as a
    hard minimum)."""
    ref, got = ab(lambda nest: _trains(nest, model, params, 40, 5000.0))
    _same_isis(_isis(ref), _isis(got))
    _same_counts(ref, got)
    if params.get("dead_time"):
        assert _isis(got).min() >= params["dead_time"] and _isis(ref).min() >= params["dead_time"]


@pytest.mark.parametrize("model,params", [
    ("gamma_sup_generator", {"rate": 10.0, "gamma_shape": 3, "n_proc": 50}),
    ("ppd_sup_generator", {"rate": 10.0, "dead_time": 5.0, "n_proc": 50}),
])
def test_superposition_counts_and_independence(ab, model, params):
    """50 components per target (500 spikes/s), 40 targets, 2 s: per-target counts
    by Welch. Targets draw independent trains: the correlation of per-10 ms counts
    between targets is near 0 on both sides (a shared train would give 1)."""
    ref, got = ab(lambda nest: _trains(nest, model, params, 40, 2000.0))
    _same_counts(ref, got)
    for trains in (ref, got):
        binned = np.array([np.histogram(t, bins=200, range=(0, 2000))[0] for t in trains])
        c = np.corrcoef(binned)[np.triu_indices(len(trains), 1)]
        assert abs(c.mean()) < 0.02


def test_ppd_modulation(ab):
    """ppd_sup_generator at relative_amplitude 0.8, 10 Hz: spikes folded onto the
    modulation's phase (20 bins), chi-square test of homogeneity, alpha 0.001; power:
    NEST's phase histogram shifted by a quarter period must be told apart."""
    params = {"rate": 20.0, "dead_time": 2.0, "n_proc": 10, "frequency": 10.0,
              "relative_amplitude": 0.8}
    ref, got = ab(lambda nest: _trains(nest, "ppd_sup_generator", params, 20, 3000.0))

    def phases(trains, shift=0.0):
        t = np.concatenate(trains)
        return np.histogram(((t + shift) % 100.0) / 100.0, bins=20, range=(0, 1))[0]
    assert stats.chi2_contingency([phases(ref), phases(got)])[1] > ALPHA
    assert stats.chi2_contingency([phases(ref, 25.0), phases(got)])[1] < ALPHA


@pytest.mark.parametrize("model,params", [
    ("gamma_sup_generator", {"rate": 100.0, "gamma_shape": 1, "n_proc": 2000}),
    ("ppd_sup_generator", {"rate": 100.0, "dead_time": 1.0, "n_proc": 2000}),
])
def test_window_and_runs_exact(ab, model, params):
    """start 5, stop 15, origin 10 and a second run: at 200 kHz a spike comes in every
    active step, so the first and last spike times equal NEST's exactly; trains persist
    across runs (the second run's rate equals the first's within Poisson noise)."""
    def fn(nest):
        nest.rng_seed = 3
        g = nest.Create(model, params=dict(params, start=5.0, stop=15.0, origin=10.0))
        p = nest.Create("parrot_neuron", 2)
        sr = nest.Create("spike_recorder")
        nest.Connect(g, p)
        nest.Connect(p, sr)
        nest.Simulate(20.0)
        nest.Simulate(20.0)
        t = sr.events["times"]
        return t.min(), t.max(), len(t)
    ref, got = ab(fn)
    assert got[:2] == ref[:2]
    assert abs(got[2] - ref[2]) < 5 * np.sqrt(ref[2]) + 50


BAD = [
    ("gamma_sup_generator", {"gamma_shape": 0}),
    ("gamma_sup_generator", {"rate": -1.0}),
    ("gamma_sup_generator", {"n_proc": 0}),
    ("gamma_sup_generator", {"rate": -1.0, "gamma_shape": 0}),
    ("gamma_sup_generator", {"start": 5.0, "stop": 1.0}),
    ("ppd_sup_generator", {"dead_time": -1.0}),
    ("ppd_sup_generator", {"dead_time": 500.0}),
    ("ppd_sup_generator", {"rate": -3.0}),
    ("ppd_sup_generator", {"n_proc": 0}),
    ("ppd_sup_generator", {"relative_amplitude": 1.5}),
    ("ppd_sup_generator", {"relative_amplitude": -0.1}),
]


@pytest.mark.parametrize("model,params", BAD)
def test_bad_values_refused_as_nest(ab, model, params):
    """SetStatus, Create and SetDefaults: NEST's error class and message; a refused
    set leaves the node as it was."""
    def fn(nest):
        g = nest.Create(model, params={"rate": 3.0})
        before = g.get()
        out = []
        for call in (lambda: g.set(params), lambda: nest.Create(model, params=params),
                     lambda: nest.SetDefaults(model, params)):
            try:
                call()
                out.append(None)
            except nest.NESTError as e:
                out.append((type(e).__name__, str(e).split("in SLI function")[0].strip()))
        after = g.get()
        return out, all(np.all(np.asarray(after[k]) == np.asarray(before[k])) for k in before)
    ref, got = ab(fn)
    assert got[0] == ref[0]
    assert got[1] and ref[1]


@pytest.mark.parametrize("model,params,change", [
    ("gamma_sup_generator", {"rate": 50.0, "gamma_shape": 3, "n_proc": 5}, {"gamma_shape": 5}),
    ("ppd_sup_generator", {"rate": 50.0, "dead_time": 3.0, "n_proc": 5}, {"dead_time": 6.0}),
])
def test_trains_persist_and_new_targets_start_fresh(ab, model, params, change):
    """20 targets for 500 ms, then 20 more and a changed shape (dead time) for 1 s. NEST
    keeps the old trains' state vectors (their number of states too) and starts the new
    ones from the new initial distribution: both groups' per-target counts by Welch, with
    the 10 % power check (the old group's rate, 5 x 50 x 5/3 Hz for gamma, differs from
    the new group's: a model that rebuilt the old trains would fail)."""
    def fn(nest):
        nest.rng_seed = 11
        g = nest.Create(model, params=params)
        p = nest.Create("parrot_neuron", 40)
        sr = nest.Create("spike_recorder")
        nest.Connect(g, p[:20])
        nest.Connect(p, sr)
        nest.Simulate(500.0)
        nest.Connect(g, p[20:])
        g.set(change)
        nest.Simulate(1000.0)
        ev = sr.events
        late = ev["times"] > 501.0
        return np.bincount(ev["senders"][late] - p[0].global_id, minlength=40)
    ref, got = ab(fn)
    for sl in (slice(0, 20), slice(20, 40)):
        _same_counts([np.zeros(k) for k in ref[sl]], [np.zeros(k) for k in got[sl]])


@pytest.mark.parametrize("model,params", [
    ("gamma_sup_generator", {"rate": 30.0, "gamma_shape": 3, "n_proc": 4}),
    ("ppd_sup_generator", {"rate": 30.0, "dead_time": 4.0, "n_proc": 4}),
])
def test_created_after_a_run(ab, model, params):
    """A second generator created and connected after a first Simulate (its per-train
    state is added to arrays that already have trains): 30 targets' counts by Welch
    with the power check."""
    def fn(nest):
        nest.rng_seed = 5
        first = nest.Create(model, params=params)
        nest.Connect(first, nest.Create("parrot_neuron"))
        nest.Simulate(100.0)
        g = nest.Create(model, params=params)
        p = nest.Create("parrot_neuron", 30)
        sr = nest.Create("spike_recorder")
        nest.Connect(g, p)
        nest.Connect(p, sr)
        nest.Simulate(2000.0)
        return np.bincount(sr.events["senders"] - p[0].global_id, minlength=30)
    ref, got = ab(fn)
    _same_counts([np.zeros(k) for k in ref], [np.zeros(k) for k in got])
