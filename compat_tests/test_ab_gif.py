"""A/B: the gif family (gif_psc_exp, gif_cond_exp), real NEST vs pynest_jax.

Their spikes are random (escape noise, one uniform per free step): spike counts per
neuron, the intervals between spikes and the mean membrane potential per neuron are
compared over seeds, not draw for draw. A statistic of ours and NEST's, each pooled over
SEEDS, differ by at most Z = 4 standard errors of their difference; each statistical
test also runs ours with a shifted drive and requires the bound to see it.

Where the draws cannot matter the comparison is exact: with lambda_0 = 0 no node fires
and V_m, the synaptic variables and E_sfa are deterministic; with lambda_0 far above 1/h
and a wide Delta_V every free step fires, so spike times, refractoriness, the
spike-triggered current I_stc and the threshold E_sfa are deterministic: spike times
identical and traces within 1e-9 relative (GSL models: NEST's step control reproduced).
"""

import numpy as np
import pytest

from conftest import (assert_defaults_equal, assert_samples_aligned, assert_spikes_identical,
                      refuse_on_both)

MODELS = ("gif_psc_exp", "gif_cond_exp")
SEEDS = (31, 32, 33, 34)
Z = 4.0
RTOL = 1e-9
N = 100
T = 1000.0
SYN = {"gif_psc_exp": ("I_syn_ex", "I_syn_in"), "gif_cond_exp": ("g_ex", "g_in")}
WEIGHT = {"gif_psc_exp": 40.0, "gif_cond_exp": 3.0}


def _within(ref, got):
    ref, got = np.asarray(ref, float), np.asarray(got, float)
    se = np.sqrt(ref.var(ddof=1) / len(ref) + got.var(ddof=1) / len(got))
    return abs(got.mean() - ref.mean()) <= Z * se, (ref.mean(), got.mean(), se)


def _poisson(model, rate):
    def drive(nest, n):
        pg = nest.Create("poisson_generator", params={"rate": rate})
        nest.Connect(pg, n, syn_spec={"weight": WEIGHT[model]})
    return drive


def _statistics(nest, model, params, drive):
    """Per-neuron spike counts, all intervals, per-neuron mean V_m over SEEDS;
    ``drive(nest, neurons)`` connects the input."""
    counts, isis, vmean = [], [], []
    for seed in SEEDS:
        nest.ResetKernel()
        nest.rng_seed = seed
        n = nest.Create(model, N, params=params)
        drive(nest, n)
        sr = nest.Create("spike_recorder")
        nest.Connect(n, sr)
        mm = nest.Create("multimeter", params={"interval": 1.0, "record_from": ["V_m"]})
        nest.Connect(mm, n)
        nest.Simulate(T)
        ev = sr.get("events")
        s, t = np.asarray(ev["senders"]), np.asarray(ev["times"])
        counts.append(np.bincount(s - n[0].global_id, minlength=N))
        for g in np.unique(s):
            isis.append(np.diff(np.sort(t[s == g])))
        me = mm.get("events")
        vs, vv = np.asarray(me["senders"]) - n[0].global_id, np.asarray(me["V_m"])
        vmean.append(np.bincount(vs, vv, minlength=N) / np.bincount(vs, minlength=N))
    return np.concatenate(counts), np.concatenate(isis), np.concatenate(vmean)


ADAPTING = {"lambda_0": 10.0, "Delta_V": 2.0, "V_T_star": -45.0, "tau_stc": [10.0, 100.0],
            "q_stc": [10.0, 2.0], "tau_sfa": [50.0], "q_sfa": [2.0]}
# name -> (parameters, Poisson rate, the shifted (parameters, rate) the test must tell apart)
CASES = {
    "dc_and_adaptation": (dict(ADAPTING, I_e=120.0), 0.0, (dict(ADAPTING, I_e=122.0), 0.0)),
    "poisson_drive": (dict(ADAPTING, I_e=60.0), 2000.0, (dict(ADAPTING, I_e=60.0), 2100.0)),
}


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_statistics_equal_nest(real_nest, jax_nest, model, case):
    """Spike counts per neuron, intervals and per-neuron mean V_m equal within Z standard
    errors; the shifted drive is told apart."""
    params, rate, (shifted, shifted_rate) = CASES[case]
    ref = _statistics(real_nest, model, params, _poisson(model, rate))
    got = _statistics(jax_nest, model, params, _poisson(model, rate))
    assert ref[0].sum() > 1000, ref[0].sum()
    for name, r, g in zip(("counts", "isis", "V_m"), ref, got):
        ok, detail = _within(r, g)
        assert ok, (case, name, detail)
    shift = _statistics(jax_nest, model, shifted, _poisson(model, shifted_rate))
    assert not all(_within(r, g)[0] for r, g in zip(ref, shift)), case


def _deterministic(nest, model, params, changes):
    nest.ResetKernel()
    n = nest.Create(model, 3, params=params)
    n[1].set(t_ref=2.25, V_m=-60.0)
    n[2].set(t_ref=0.0, tau_stc=[3.0], q_stc=[7.0], tau_sfa=[], q_sfa=[])
    dc = nest.Create("dc_generator", params={"amplitude": 80.0, "start": 5.0, "stop": 30.0})
    nest.Connect(dc, n)
    sg = nest.Create("spike_generator", params={"spike_times": [2.0, 2.0, 7.5, 20.0]})
    nest.Connect(sg, n, syn_spec={"weight": WEIGHT[model], "delay": 1.0})
    nest.Connect(sg, n, syn_spec={"weight": -WEIGHT[model] / 2, "delay": 3.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    rec = ["V_m", "E_sfa", "I_stc", *SYN[model]]
    mm = nest.Create("multimeter", params={"interval": nest.resolution, "record_from": rec})
    nest.Connect(mm, n)
    nest.Simulate(20.0)
    n[0].set(changes)
    nest.Simulate(20.0)
    return sr.get("events"), mm.get("events"), n.get(["V_m", "E_sfa", "I_stc"]), rec


ADAPT = {"tau_stc": [5.0, 30.0], "q_stc": [20.0, 5.0], "tau_sfa": [10.0, 50.0],
         "q_sfa": [3.0, 1.0]}


# (parameters, changes between the two runs): no spikes; a spike at every free step
REGIMES = [
    (dict(ADAPT, lambda_0=0.0), {"g_L": 8.0, "C_m": 100.0, "I_e": 30.0, "E_L": -65.0}),
    (dict(ADAPT, lambda_0=1e9, Delta_V=1e4),
     {"t_ref": 3.0, "I_e": 50.0, "q_stc": [5.0, 1.0], "V_T_star": -50.0}),
]


def assert_deterministic_equal(ref, got):
    """Spike times identical; recorded traces and the final status within RTOL."""
    assert_spikes_identical(ref[0], got[0])
    r, g = assert_samples_aligned(ref[1], got[1])
    for k in ref[3]:
        a, b = np.asarray(ref[1][k], float)[r], np.asarray(got[1][k], float)[g]
        scale = np.maximum(np.abs(a), 1e-3 * max(np.max(np.abs(a)), 1e-300))
        assert np.max(np.abs(b - a) / scale) <= RTOL, k
    for k in ref[2]:
        np.testing.assert_allclose(got[2][k], ref[2][k], rtol=RTOL, err_msg=k)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("params,changes", REGIMES)
def test_deterministic_regimes_equal_nest(ab, model, params, changes):
    """lambda_0 = 0: no spikes, V_m and the synapses from DC and spike input; lambda_0 far
    above 1/h: a spike at every free step, refractoriness, I_stc and E_sfa exactly NEST's."""
    ref, got = ab(lambda nest: _deterministic(nest, model, params, changes))
    assert_deterministic_equal(ref, got)


@pytest.mark.parametrize("model", MODELS)
def test_defaults_equal_nest(real_nest, jax_nest, model):
    assert_defaults_equal(real_nest, jax_nest, model)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("bad", [
    {"g_L": 0.0}, {"Delta_V": 0.0}, {"C_m": -1.0}, {"t_ref": -1.0}, {"lambda_0": -1.0},
    {"tau_sfa": [1.0, -1.0], "q_sfa": [1.0, 1.0]}, {"tau_stc": [0.0], "q_stc": [1.0]},
    {"tau_sfa": [1.0]}, {"q_stc": [1.0]}, {"tau_syn_ex": 0.0}, {"tau_syn_in": -2.0},
    {"g_L": -1.0, "Delta_V": -1.0},
])
def test_bad_values_raise_nest_error(real_nest, jax_nest, model, bad):
    nest_refusal, ours = refuse_on_both(real_nest, jax_nest, model, bad)
    assert nest_refusal.reason in ours.message, (nest_refusal.message, ours.message)
    assert ours.kept()


@pytest.mark.parametrize("model", MODELS)
def test_receptor_port_1_refused(real_nest, jax_nest, model):
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        n = nest.Create(model)
        sg = nest.Create("spike_generator")
        with pytest.raises(nest.NESTErrors.UnknownReceptorType):
            nest.Connect(sg, n, syn_spec={"receptor_type": 1})
