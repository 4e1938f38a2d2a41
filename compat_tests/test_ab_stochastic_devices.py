"""A/B of the random devices: statistically equal to NEST's, not draw for draw.

Each test names its statistical test, its significance level (two-sided,
alpha = 0.001 unless said otherwise, so that the ~10 tests here rarely fail by
chance) and its power against a stated deviation. Seeds are fixed on both
sides, so a run is reproducible. What must be exact (the steps at which a
device is active, the steps at which noise is drawn anew) is compared exactly.
"""

import numpy as np
from scipy import stats

ALPHA = 1e-3


def _seeded(nest, seed=20250611):
    nest.rng_seed = seed


def _rate_test(n_ref, n_got):
    """Two Poisson totals with equal exposure: conditional binomial test of equal rates."""
    return stats.binomtest(int(n_got), int(n_ref + n_got), 0.5).pvalue


def test_poisson_rate_and_independence(ab):
    """poisson_generator, 100 parrot targets, 100 Hz for 2 s (~20,000 spikes per side).

    * Rate: conditional binomial test of equal Poisson rates, alpha 0.001; power
      about 0.93 against a 5 % rate difference (z = 0.05 N / sqrt(2.05 N) = 4.9).
    * Poisson counts per target (and independent targets): chi-square dispersion
      test of the 100 per-target counts and of the per-10 ms totals over targets
      against Poisson variance, alpha 0.001 each; identical draws for all targets
      would give a dispersion of ~100 and fail certainly.
    """
    def fn(nest):
        _seeded(nest)
        pg = nest.Create("poisson_generator", params={"rate": 100.0})
        parrots = nest.Create("parrot_neuron", 100)
        sr = nest.Create("spike_recorder")
        nest.Connect(pg, parrots)
        nest.Connect(parrots, sr)
        nest.Simulate(2000.0)
        return sr.events
    ref, got = ab(fn)
    assert _rate_test(len(ref["times"]), len(got["times"])) > ALPHA
    for ev in (ref, got):
        per_target = np.bincount(ev["senders"] - ev["senders"].min(), minlength=100)
        disp = np.sum((per_target - per_target.mean()) ** 2) / per_target.mean()
        assert stats.chi2.sf(disp, 99) > ALPHA / 2 and stats.chi2.cdf(disp, 99) > ALPHA / 2
        per_bin = np.histogram(ev["times"], bins=200, range=(0.0, 2000.0))[0]
        disp = np.sum((per_bin - per_bin.mean()) ** 2) / per_bin.mean()
        assert stats.chi2.sf(disp, 199) > ALPHA / 2 and stats.chi2.cdf(disp, 199) > ALPHA / 2


def test_poisson_large_mean_counts(ab):
    """400 kHz at h = 0.1 ms (mean 40 per step: the jax.random.poisson branch) into a
    parrot; per-step multiplicities over 500 steps, 4 targets (2,000 counts per side).

    Mean: Welch's t-test, alpha 0.001, power ~1 against a 2 % difference (se 0.2 %).
    Variance: Levene's test (Brown-Forsythe), alpha 0.001, power ~0.9 against a 15 %
    variance difference.
    """
    def fn(nest):
        _seeded(nest)
        pg = nest.Create("poisson_generator", params={"rate": 4e5})
        parrots = nest.Create("parrot_neuron", 4)
        sr = nest.Create("spike_recorder", params={"time_in_steps": True})
        nest.Connect(pg, parrots)
        nest.Connect(parrots, sr)
        nest.Simulate(50.0)
        ev = sr.events
        key = (ev["senders"] - ev["senders"].min()) * 10000 + ev["times"]
        return np.bincount(key.astype(np.int64), minlength=4 * 10000).reshape(4, 10000)[:, 2:502]
    ref, got = ab(fn)
    r, g = ref.ravel(), got.ravel()
    assert abs(r.mean() - 40.0) < 1.0
    assert stats.ttest_ind(r, g, equal_var=False).pvalue > ALPHA
    assert stats.levene(r, g, center="median").pvalue > ALPHA


def test_poisson_window_exact(ab):
    """start/stop: at 1 MHz every active step has spikes; the first and last stamp
    (5.2 and 6.1 ms for start 5, stop 6) must equal NEST's exactly."""
    def fn(nest):
        _seeded(nest)
        pg = nest.Create("poisson_generator", params={"rate": 1e6, "start": 5.0, "stop": 6.0})
        sr = nest.Create("spike_recorder")
        nest.Connect(pg, sr)
        nest.Simulate(8.0)
        pg.set(origin=8.0, start=0.0, stop=0.3)
        nest.Simulate(4.0)
        return np.unique(sr.events["times"])
    ref, got = ab(fn)
    np.testing.assert_array_equal(got, ref)


def _noise_run(nest, n_gen, n_targets, params, t_sim):
    """Generators with n_targets neurons each; (sample times, I per generator and time)."""
    _seeded(nest)
    ng = nest.Create("noise_generator", n_gen, params=params)
    mm = nest.Create("multimeter", params={"record_from": ["I"], "interval": nest.resolution})
    for g in ng:
        nest.Connect(g, nest.Create("iaf_psc_delta", n_targets, params={"V_th": 1e9}))
    nest.Connect(mm, ng)
    nest.Simulate(t_sim)
    ev = mm.events
    order = np.lexsort((ev["times"], ev["senders"]))
    times = ev["times"][order].reshape(n_gen, -1)
    return times[0], ev["I"][order].reshape(n_gen, -1)


def test_noise_draw_steps_exact_and_moments(ab):
    """noise_generator mean 5 pA, std 20 pA, dt 0.5 ms, start 1.0; 200 generators, one
    target each, 100 ms: 200 draws x 200 generators = 40,000 amplitudes per side.

    Exact: the steps at which the recorded I changes (new draws every dt from the
    first active step) equal NEST's. Mean: Welch's t-test, alpha 0.001, power ~1
    against a shift of 0.05 std (z = 7). Variance: Levene's test (median), alpha
    0.001, power ~1 against a 5 % std difference. Shape: two-sample
    Kolmogorov-Smirnov, alpha 0.001.
    """
    params = {"mean": 5.0, "std": 20.0, "dt": 0.5, "start": 1.0}
    ref, got = ab(lambda nest: _noise_run(nest, 200, 1, params, 100.0))
    (tr, ir), (tg, ig) = ref, got
    np.testing.assert_array_equal(tg, tr)
    ch_r = np.nonzero(np.diff(ir[0]))[0]
    ch_g = np.nonzero(np.diff(ig[0]))[0]
    np.testing.assert_array_equal(ch_g, ch_r)
    draws_r, draws_g = ir[:, ch_r + 1].ravel(), ig[:, ch_g + 1].ravel()
    assert stats.ttest_ind(draws_r, draws_g, equal_var=False).pvalue > ALPHA
    assert stats.levene(draws_r, draws_g, center="median").pvalue > ALPHA
    assert stats.ks_2samp(draws_r, draws_g).pvalue > ALPHA


def test_noise_independent_per_target(ab):
    """One noise_generator (std 10, dt = h) with 4 targets: I is the mean over targets,
    so its variance is std^2 / 4 if targets draw independently, std^2 if they share.
    Chi-square test of the variance of 2,000 samples against std^2 / 4, alpha 0.001,
    for both sides; power ~1 against shared draws (4x the variance)."""
    params = {"std": 10.0, "dt": 0.1}
    ref, got = ab(lambda nest: _noise_run(nest, 1, 4, params, 200.0))
    for _, I in (ref, got):
        x = I[0, 5:]
        stat = (len(x) - 1) * x.var(ddof=1) / 25.0
        assert stats.chi2.sf(stat, len(x) - 1) > ALPHA / 2
        assert stats.chi2.cdf(stat, len(x) - 1) > ALPHA / 2


def test_noise_modulated_std(ab):
    """std 10, std_mod 10 at 50 Hz, dt = h, 200 one-target generators, 40 ms: the
    variance follows 100 + 100 sin(omega t). Samples split by the sign of the sine;
    per half Levene's test (median) NEST vs ours, alpha 0.001 (power ~1 against the
    unmodulated variance, which differs by a factor 1.6)."""
    params = {"std": 10.0, "std_mod": 10.0, "frequency": 50.0, "phase": 10.0, "dt": 0.1}
    ref, got = ab(lambda nest: _noise_run(nest, 200, 1, params, 40.0))
    (tr, ir), (tg, ig) = ref, got
    np.testing.assert_array_equal(tg, tr)
    up = np.sin(2 * np.pi * 50.0 * (tr - 0.1) / 1000.0 + np.deg2rad(10.0)) > 0
    for sel in (up, ~up):
        assert stats.levene(ir[:, sel].ravel(), ig[:, sel].ravel(), center="median").pvalue > ALPHA
    assert ir[:, up].var() > 1.3 * ir[:, ~up].var()
    assert ig[:, up].var() > 1.3 * ig[:, ~up].var()


def test_pulsepacket_spread(ab):
    """pulsepacket_generator: 50 spikes per pulse, sdev 1.5 ms, pulses every 20 ms
    (one pulse drawn twice across the Simulate boundary at 100 ms), 40 generators.

    Spike times relative to their pulse: two-sample Kolmogorov-Smirnov test, alpha
    0.001 (~9,000 spikes per side; power ~0.99 against a 5 % larger sdev).
    Spikes per run: conditional binomial test of equal totals, alpha 0.001 — the
    doubled pulse adds ~25 spikes per generator, so losing it (1,000 of 10,000)
    fails certainly.
    """
    pulses = np.arange(20.0, 200.0, 20.0)

    def fn(nest):
        _seeded(nest)
        g = nest.Create("pulsepacket_generator", 40, params={
            "pulse_times": pulses, "activity": 50, "sdev": 1.5})
        sr = nest.Create("spike_recorder")
        nest.Connect(g, sr)
        nest.Simulate(100.0)
        nest.Simulate(110.0)
        return sr.events["times"]
    ref, got = ab(fn)
    rel = [t - pulses[np.argmin(np.abs(t[:, None] - pulses[None, :]), axis=1)] for t in (ref, got)]
    assert stats.ks_2samp(*rel).pvalue > ALPHA
    assert _rate_test(len(ref), len(got)) > ALPHA
    assert len(ref) > 40 * 50 * len(pulses)
