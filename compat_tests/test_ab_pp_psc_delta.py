"""A/B: pp_psc_delta, the point process neuron, real NEST vs pynest_jax.

Its spikes are random: the spike counts per neuron and the intervals between spikes
are compared over seeds, not draw for draw. A statistic of ours and NEST's, each
pooled over SEEDS, differ by at most Z = 4 standard errors of their difference
(two-sided alpha about 6e-5 per comparison); each statistical test also runs ours
with the drive shifted and requires the bound to see it (the test can fail).

Where the draws cannot matter the comparison is exact: with no escape rate
(c_1 = c_2 = 0) V_m is deterministic, and with a rate far above 1/h every free step
fires, so spike times, dead times, t_ref_remaining and the adaptation's E_sfa are
deterministic; there spike times are identical and traces within 1e-9 relative.
"""

import numpy as np
import pytest

from conftest import (assert_defaults_equal, assert_samples_aligned, assert_spikes_identical,
                      refuse_on_both)

SEEDS = (21, 22, 23, 24)
Z = 4.0
RTOL = 1e-9  # exact integration; rounding only
N = 100
T = 2000.0


def _within(ref, got):
    ref, got = np.asarray(ref, float), np.asarray(got, float)
    se = np.sqrt(ref.var(ddof=1) / len(ref) + got.var(ddof=1) / len(got))
    return abs(got.mean() - ref.mean()) <= Z * se, (ref.mean(), got.mean(), se)


def _counts_and_isis(nest, params):
    counts, isis = [], []
    for seed in SEEDS:
        nest.ResetKernel()
        nest.rng_seed = seed
        n = nest.Create("pp_psc_delta", N, params=params)
        sr = nest.Create("spike_recorder")
        nest.Connect(n, sr)
        nest.Simulate(T)
        ev = sr.get("events")
        s, t = np.asarray(ev["senders"]), np.asarray(ev["times"])
        counts.append(np.bincount(s - n[0].global_id, minlength=N))
        for g in np.unique(s):
            isis.append(np.diff(np.sort(t[s == g])))
    return np.concatenate(counts), np.concatenate(isis)


# name -> (parameters, a shifted drive the test must tell apart)
CASES = {
    "dead_time": ({"I_e": 150.0}, {"I_e": 175.0}),
    "poisson_multiplicity": ({"I_e": 200.0, "dead_time": 0.0, "c_1": 1.0, "c_2": 0.0},
                             {"I_e": 250.0, "dead_time": 0.0, "c_1": 1.0, "c_2": 0.0}),
    "random_dead_time_and_adaptation": (
        {"I_e": 200.0, "dead_time_random": True, "dead_time_shape": 3, "dead_time": 5.0,
         "tau_sfa": [30.0, 100.0], "q_sfa": [5.0, 2.0]},
        {"I_e": 200.0, "dead_time_random": True, "dead_time_shape": 3, "dead_time": 5.0,
         "tau_sfa": [30.0, 100.0], "q_sfa": [2.5, 1.0]}),
    "no_reset": ({"I_e": 100.0, "with_reset": False, "c_3": 0.3},
                 {"I_e": 100.0, "with_reset": False, "c_3": 0.35}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_spike_counts_and_intervals_statistically_equal(real_nest, jax_nest, case):
    """Spike counts per neuron (mean), and interval mean, equal within Z standard errors;
    the shifted drive is told apart."""
    params, shifted = CASES[case]
    c_ref, i_ref = _counts_and_isis(real_nest, params)
    c_got, i_got = _counts_and_isis(jax_nest, params)
    assert c_ref.sum() > 1000
    for ref, got in ((c_ref, c_got), (i_ref, i_got)):
        ok, detail = _within(ref, got)
        assert ok, (case, detail)
    c_shift, i_shift = _counts_and_isis(jax_nest, shifted)
    assert not (_within(c_ref, c_shift)[0] and _within(i_ref, i_shift)[0]), case


def _deterministic(nest, params, record=("V_m", "E_sfa"), changes=None):
    nest.ResetKernel()
    n = nest.Create("pp_psc_delta", 3, params=params)
    n[1].set(t_ref_remaining=3.3, dead_time=2.25)
    n[2].set(dead_time=0.05, with_reset=False)
    dc = nest.Create("dc_generator", params={"amplitude": 80.0, "start": 5.0, "stop": 30.0})
    nest.Connect(dc, n)
    sg = nest.Create("spike_generator", params={"spike_times": [2.0, 2.0, 7.5, 20.0]})
    nest.Connect(sg, n, syn_spec={"weight": 3.0, "delay": 1.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = nest.Create("multimeter", params={"interval": nest.resolution,
                                           "record_from": list(record)})
    nest.Connect(mm, n)
    nest.Simulate(20.0)
    if changes:
        n[0].set(changes)
    nest.Simulate(20.0)
    return sr.get("events"), mm.get("events"), n.get(["dead_time", "E_sfa", "V_m"])


@pytest.mark.parametrize("params,changes", [
    ({"c_1": 0.0, "c_2": 0.0}, {"tau_m": 5.0, "C_m": 100.0, "I_e": 30.0}),
    ({"c_1": 0.0, "c_2": 1e7, "c_3": 0.0, "tau_sfa": [10.0, 50.0], "q_sfa": [3.0, 1.0]},
     {"dead_time": 3.0, "I_e": 50.0}),
])
def test_deterministic_regimes_equal_nest(ab, params, changes):
    """No escape rate: no spikes, V_m from DC and spike input (multiplicity); a rate far
    above 1/h: a spike at every free step, dead times (one below h becomes h),
    t_ref_remaining and the adaptation exactly NEST's."""
    ref, got = ab(lambda nest: _deterministic(nest, params, changes=changes))
    assert_spikes_identical(ref[0], got[0])
    r, g = assert_samples_aligned(ref[1], got[1])
    for k in ("V_m", "E_sfa"):
        a, b = np.asarray(ref[1][k], float)[r], np.asarray(got[1][k], float)[g]
        scale = np.maximum(np.abs(a), 1e-3 * max(np.max(np.abs(a)), 1e-300))
        assert np.max(np.abs(b - a) / scale) <= RTOL, k
    for k in ref[2]:
        np.testing.assert_allclose(got[2][k], ref[2][k], rtol=RTOL, err_msg=k)


def test_defaults_equal_nest(real_nest, jax_nest):
    assert_defaults_equal(real_nest, jax_nest, "pp_psc_delta")


@pytest.mark.parametrize("bad", [
    {"C_m": 0.0}, {"dead_time": -1.0}, {"dead_time_shape": 0}, {"tau_m": 0.0},
    {"tau_sfa": [1.0, -1.0], "q_sfa": [1.0, 1.0]}, {"tau_sfa": [1.0]},
    {"t_ref_remaining": -1.0}, {"c_3": -0.1}, {"C_m": -1.0, "c_3": -1.0},
])
def test_bad_values_raise_nest_error(real_nest, jax_nest, bad):
    nest_refusal, ours = refuse_on_both(real_nest, jax_nest, "pp_psc_delta", bad)
    assert nest_refusal.reason in ours.message, (nest_refusal.message, ours.message)
    assert ours.kept()
