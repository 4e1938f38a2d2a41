"""A/B: correlation_detector and correlomatrix_detector, real NEST vs pynest_jax.

Their inputs are spike trains made with a fixed numpy seed (spike generators, and
parrot neurons repeating them, whose events reach the detectors a slice later and with
their multiplicity unrolled), so both simulators see the same events: histograms,
counts and n_events must be NEST's (the weighted sums within 1e-12 relative: the same
additions in the same order). Resets, windows, refused values and defaults too.
"""

import numpy as np
import pytest

from conftest import assert_defaults_equal, refuse_on_both

RTOL = 1e-12


def _trains(seed, n, T, rate=0.08):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        steps = np.nonzero(rng.random(int(T * 10) - 20) < rate)[0] + 10
        out.append(list(np.round(steps / 10.0, 1)))
        out[-1] += list(rng.choice(out[-1], 5))  # some repeated times: multiplicities
        out[-1].sort()
    return out


def _feed(nest, det, trains, weights, via_parrots, ports=None):
    sgs = nest.Create("spike_generator", len(trains))
    for sg, t in zip(sgs, trains):
        sg.spike_times = t
    src = sgs
    if via_parrots:
        src = nest.Create("parrot_neuron", len(trains))
        nest.Connect(sgs, src, "one_to_one")
    for i, (s, w) in enumerate(zip(src, weights)):
        nest.Connect(s, det, syn_spec={"weight": w, "receptor_type": i if ports is None else ports[i],
                                       "delay": 1.0 + 0.5 * i})


def _correlation(nest, via_parrots):
    nest.resolution = 0.1
    det = nest.Create("correlation_detector",
                      params={"delta_tau": 0.5, "tau_max": 10.0, "Tstart": 20.0, "Tstop": 170.0})
    full = nest.Create("correlation_detector", params={"start": 15.0, "stop": 150.0})
    trains = _trains(3, 2, 200.0)
    for d in (det, full):
        _feed(nest, d, trains, (1.5, -0.7), via_parrots)
    keys = ["n_events", "histogram", "histogram_correction", "count_histogram"]
    nest.Simulate(100.0)
    first = det.get(keys)
    nest.Simulate(100.0)
    return first, det.get(keys), full.get(keys)


@pytest.mark.parametrize("via_parrots", [False, True])
def test_correlation_histograms_equal_nest(ab, via_parrots):
    ref, got = ab(lambda nest: _correlation(nest, via_parrots))
    for r, g in zip(ref, got):
        for k in r:
            if k in ("n_events", "count_histogram"):
                np.testing.assert_array_equal(g[k], r[k], err_msg=k)
            else:
                np.testing.assert_allclose(g[k], r[k], rtol=RTOL, atol=1e-12, err_msg=k)
    assert np.asarray(ref[1]["count_histogram"]).sum() > 50


def _matrix(nest, via_parrots):
    nest.resolution = 0.1
    det = nest.Create("correlomatrix_detector",
                      params={"N_channels": 3, "delta_tau": 0.3, "tau_max": 3.0, "Tstop": 160.0})
    _feed(nest, det, _trains(4, 4, 200.0), (1.0, 2.5, -0.5, 0.25), via_parrots, ports=(0, 1, 2, 1))
    nest.Simulate(120.0)
    first = det.get(["n_events", "covariance", "count_covariance"])
    nest.Simulate(80.0)
    return first, det.get(["n_events", "covariance", "count_covariance"])


@pytest.mark.parametrize("via_parrots", [False, True])
def test_covariance_matrix_equals_nest(ab, via_parrots):
    ref, got = ab(lambda nest: _matrix(nest, via_parrots))
    for r, g in zip(ref, got):
        np.testing.assert_array_equal(g["n_events"], r["n_events"])
        np.testing.assert_array_equal(g["count_covariance"], r["count_covariance"])
        np.testing.assert_allclose(g["covariance"], r["covariance"], rtol=RTOL, atol=1e-12)
    assert np.asarray(ref[1]["count_covariance"]).sum() > 50


def _resets(nest):
    nest.resolution = 0.1
    det = nest.Create("correlation_detector")
    cm = nest.Create("correlomatrix_detector", params={"N_channels": 2})
    trains = _trains(5, 2, 60.0)
    _feed(nest, det, trains, (1.0, 1.0), False)
    _feed(nest, cm, trains, (1.0, 1.0), False)
    keys = ["n_events", "histogram", "count_histogram", "delta_tau", "tau_max"]
    out = [det.get(keys)]
    nest.Simulate(30.0)
    det.set(n_events=[0, 0])
    out.append(det.get(keys))
    det.set(delta_tau=1.0, tau_max=4.0)  # NEST resets with the parameters before the call
    out.append(det.get(keys))
    nest.Simulate(30.0)
    out.append(det.get(keys))
    cm.set(N_channels=2)
    out.append(cm.get(["n_events", "covariance"]))
    return out


def test_resets_equal_nest(ab):
    ref, got = ab(_resets)
    for r, g in zip(ref, got):
        for k in r:
            np.testing.assert_array_equal(g[k], r[k], err_msg=k)


@pytest.mark.parametrize("model", ["correlation_detector", "correlomatrix_detector"])
def test_defaults_equal_nest(real_nest, jax_nest, model):
    assert_defaults_equal(real_nest, jax_nest, model)


@pytest.mark.parametrize("model,bad,error", [
    ("correlation_detector", {"delta_tau": 0.25}, "StepMultipleRequired"),
    ("correlation_detector", {"tau_max": 2.25}, "TimeMultipleRequired"),
    ("correlation_detector", {"n_events": [1, 0]}, "BadProperty"),
    ("correlation_detector", {"delta_tau": 0.3, "n_events": [0, 1]}, "TimeMultipleRequired"),
    ("correlomatrix_detector", {"delta_tau": 0.2}, "BadProperty"),
    ("correlomatrix_detector", {"N_channels": 0}, "BadProperty"),
    ("correlomatrix_detector", {"tau_max": 1.25}, "TimeMultipleRequired"),
    ("correlospinmatrix_detector", {"Tstart": -1.0}, "BadProperty"),
    ("correlospinmatrix_detector", {"delta_tau": 0.15}, "StepMultipleRequired"),
    ("correlospinmatrix_detector", {"tau_max": 0.35, "delta_tau": 0.2}, "TimeMultipleRequired"),
])
def test_bad_values_raise_nest_error(real_nest, jax_nest, model, bad, error):
    nest_refusal, ours = refuse_on_both(real_nest, jax_nest, model, bad, error=error)
    assert ours.message.endswith(nest_refusal.reason), (nest_refusal.message, ours.message)
    assert ours.kept()


def test_resolution_change_sets_default_bin(ab):
    """calibrate_time: delta_tau back to its default at the new resolution."""
    def run(nest):
        nest.resolution = 0.2
        return [nest.GetDefaults(m)["delta_tau"] for m in
                ("correlation_detector", "correlomatrix_detector", "correlospinmatrix_detector")]
    ref, got = ab(run)
    assert got == ref
