"""A/B: the GSL-integrated neurons (numerics/rkf45.py), real NEST vs pynest_jax.

Tolerance: spike times and senders identical; every recordable (multimeter,
interval = resolution) within 1e-9 relative, where "relative" is to
max(|value|, 1e-3 x the largest |value| of that trace) so that a trace passing
through zero (V_m of the HH models, w, synaptic currents) is judged on its own
scale. Both sides take the same GSL steps (same tableau, control, retries and
kept sub-step size) in float64; what remains is rounding: XLA contracts
a*b+c into fused multiply-adds and its exp differs from libm's in the last
bit, and the error estimate (a difference of nearly equal sums) turns these
into ~1e-11 differences in the proposed step sizes. Observed worst deviations
are written to docs/gsl_neurons_ab.md when the whole file runs.
"""

import os

import numpy as np
import pytest

from _worst import WorstDeviations
from conftest import assert_spikes_identical, assert_defaults_equal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RTOL = float(os.environ.get("GSL_AB_RTOL", 1e-9))  # a larger value only to measure
FLOOR = 1e-3  # fraction of the trace's largest |value| below which errors are absolute

# recordables; a weight moving V_m by a few mV; a current that fires; a strong one;
# parameters changed between runs.
MODELS = {
    "iaf_cond_exp": dict(rec=["V_m", "g_ex", "g_in"], w=15.0, I=500.0, strong=2000.0,
                         change={"tau_syn_ex": 1.5, "g_L": 20.0}),
    "iaf_cond_alpha": dict(rec=["V_m", "g_ex", "g_in", "t_ref_remaining"], w=8.0, I=500.0,
                           strong=2000.0, change={"tau_syn_in": 4.0, "E_L": -65.0}),
    "iaf_cond_beta": dict(rec=["V_m", "g_ex", "g_in", "t_ref_remaining"], w=8.0, I=500.0,
                          strong=2000.0,
                          base={"tau_rise_ex": 0.3, "tau_decay_ex": 2.5, "tau_rise_in": 1.0,
                                "tau_decay_in": 6.0},
                          change={"tau_decay_ex": 4.0, "C_m": 300.0}),
    "aeif_cond_alpha": dict(rec=["V_m", "g_ex", "g_in", "w"], w=8.0, I=800.0, strong=3000.0,
                            change={"b": 20.0, "tau_syn_ex": 1.0}),
    "aeif_cond_exp": dict(rec=["V_m", "g_ex", "g_in", "w"], w=15.0, I=800.0, strong=3000.0,
                          change={"a": 10.0, "Delta_T": 1.0}),
    "aeif_psc_alpha": dict(rec=["I_syn_ex", "I_syn_in", "V_m", "w"], w=300.0, I=800.0,
                           strong=3000.0, change={"b": 0.0, "tau_syn_in": 5.0}),
    "aeif_psc_exp": dict(rec=["I_syn_ex", "I_syn_in", "V_m", "w"], w=600.0, I=800.0,
                         strong=3000.0, change={"tau_w": 50.0, "V_peak": -20.0}),
    "aeif_psc_delta": dict(rec=["V_m", "w"], w=4.0, I=800.0, strong=3000.0,
                           change={"g_L": 20.0, "V_reset": -55.0}),
    "hh_psc_alpha": dict(rec=["Act_m", "Act_n", "I_syn_ex", "I_syn_in", "Inact_h", "V_m"],
                         w=300.0, I=800.0, strong=3000.0, change={"g_K": 3000.0, "tau_syn_ex": 1.0}),
    "hh_cond_exp_traub": dict(rec=["Act_m", "Act_n", "Inact_h", "V_m", "g_ex", "g_in"],
                              w=20.0, I=600.0, strong=3000.0, change={"V_T": -60.0, "g_L": 20.0}),
    # not GSL (NEST's own Euler step), tested alike
    "izhikevich": dict(rec=["U_m", "V_m"], w=5.0, I=10.0, strong=40.0,
                       change={"a": 0.1, "d": 2.0, "consistent_integration": False}),
}
NAMES = sorted(MODELS)
AEIF = [m for m in NAMES if m.startswith("aeif")]

_worst = WorstDeviations(RTOL, FLOOR)

# Stated divergence (docs/divergences.md, "Last bits of GSL-integrated AdEx
# models under strong drive"): (model, scenario) -> tolerance used instead of
# RTOL. Observed 1.5e-5 (w), 3.4e-6 (V_m); spike times stay identical. With
# NEST's arithmetic (no FMA, libm exp) the same scenario is bit-exact:
# test_adex_equals_nest_bit_for_bit_with_libm_exp_and_no_fma.
ADEX_UPSWING_RTOL = 1e-4
TOLERANCE = {(m, "strong"): ADEX_UPSWING_RTOL
             for m in ("aeif_cond_alpha", "aeif_cond_exp", "aeif_psc_alpha")}
# izhikevich with consistent_integration=False near the spike: 7.6e-9 observed,
# from fused multiply-adds alone (bit-exact with XLA_FLAGS=--xla_cpu_max_isa=AVX).
TOLERANCE[("izhikevich", "changes")] = 1e-7


def _create(nest, model, n, **params):
    base = dict(MODELS[model].get("base", {}))
    base.update(params)
    return nest.Create(model, n, params=base or None)


def _observe(nest, model, nodes):
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    mm = nest.Create("multimeter", params={"interval": nest.resolution,
                                           "record_from": MODELS[model]["rec"]})
    nest.Connect(mm, nodes)
    return sr, mm


def _events(sr, mm):
    return sr.get("events"), mm.get("events")


def _compare(model, ref, got, min_spikes=1, scenario=""):
    (s_ref, m_ref), (s_got, m_got) = ref, got
    assert len(s_ref["times"]) >= min_spikes  # the scenario exercises spiking
    assert_spikes_identical(s_ref, s_got)
    r = np.lexsort((np.asarray(m_ref["senders"]), np.asarray(m_ref["times"])))
    g = np.lexsort((np.asarray(m_got["senders"]), np.asarray(m_got["times"])))
    np.testing.assert_array_equal(np.asarray(m_got["senders"])[g], np.asarray(m_ref["senders"])[r])
    np.testing.assert_array_equal(np.asarray(m_got["times"])[g], np.asarray(m_ref["times"])[r])
    for k in MODELS[model]["rec"]:
        # NEST's own NaNs (aeif_psc_delta with refractory_input) must be ours too
        _worst.check((model, k), scenario, np.asarray(m_ref[k], float)[r],
                     np.asarray(m_got[k], float)[g], TOLERANCE.get((model, scenario), RTOL))


@pytest.mark.parametrize("model", NAMES)
def test_dc_steps(ab, model):
    """DC steps switched on and off (start/stop), a different window per neuron,
    one of them negative."""
    I = MODELS[model]["I"]

    def run(nest):
        n = _create(nest, model, 4)
        sr, mm = _observe(nest, model, n)
        for i, (amp, start, stop) in enumerate([(1.6 * I, 5.0, 40.0), (I, 0.0, 55.3),
                                                (-0.5 * I, 10.0, 20.0), (8 * I, 33.3, 33.7)]):
            dc = nest.Create("dc_generator", params={"amplitude": amp, "start": start,
                                                     "stop": stop})
            nest.Connect(dc, n[i])
        nest.Simulate(70.0)
        return _events(sr, mm)

    _compare(model, *ab(run), min_spikes=3, scenario="dc")


@pytest.mark.parametrize("model", NAMES)
def test_spike_input_both_signs(ab, model):
    """Spikes of both signs on receptor 0 (the only port), several delays,
    repeated times (multiplicity), from a spike_generator and from drivers of the
    same model firing on their own."""
    w, I = MODELS[model]["w"], MODELS[model]["I"]

    def run(nest):
        drivers = _create(nest, model, 2, I_e=1.5 * I)
        targets = _create(nest, model, 3, I_e=0.4 * I)
        times = [1.0, 2.0, 2.0, 2.0, 5.5, 9.9, 10.0, 10.0, 30.1, 30.2, 30.3, 31.0, 45.0]
        sg = nest.Create("spike_generator", params={"spike_times": times})
        nest.Connect(sg, targets[0], syn_spec={"weight": 1.5 * w, "delay": 1.0})
        nest.Connect(sg, targets[1], syn_spec={"weight": -2.0 * w, "delay": 2.2})
        nest.Connect(sg, targets[2], syn_spec={"weight": 3.0 * w, "delay": 0.1})
        nest.Connect(drivers[0], targets, syn_spec={"weight": 2.0 * w, "delay": 1.5})
        nest.Connect(drivers[1], targets[1:], syn_spec={"weight": -1.5 * w, "delay": 0.7})
        sr, mm = _observe(nest, model, drivers + targets)
        nest.Simulate(80.0)
        return _events(sr, mm)

    _compare(model, *ab(run), min_spikes=5, scenario="spikes")


@pytest.mark.parametrize("model", NAMES)
def test_strong_drive_through_spikes_and_refractoriness(ab, model):
    """Strong drive: many spikes, each followed by t_ref (multiple of h, not a
    multiple, zero), a barrage of excitatory input during refractoriness. AdEx:
    one neuron with Delta_T = 0 (spikes at V_th), aeif_psc_delta: one keeps
    refractory input."""
    w, strong = MODELS[model]["w"], MODELS[model]["strong"]

    def run(nest):
        n = _create(nest, model, 4, I_e=strong)
        if model != "izhikevich":
            n.t_ref = [2.0, 0.0, 3.33, 1.05]
        if model in AEIF:
            n[1].set(Delta_T=0.0, V_peak=-45.0, t_ref=0.5)
        if model == "aeif_psc_delta":
            n[2].refractory_input = True
        drive = _create(nest, model, 1, I_e=strong)
        nest.Connect(drive, n, syn_spec={"weight": 3.0 * w, "delay": 0.3})
        sg = nest.Create("spike_generator",
                         params={"spike_times": list(np.round(np.arange(1.0, 40.0, 0.7), 1))})
        nest.Connect(sg, n, syn_spec={"weight": 2.0 * w})
        sr, mm = _observe(nest, model, n + drive)
        nest.Simulate(50.0)
        return _events(sr, mm)

    _compare(model, *ab(run), min_spikes=20, scenario="strong")


@pytest.mark.parametrize("model", NAMES)
def test_parameters_and_state_changed_between_runs(ab, model):
    """I_e, model parameters and V_m set between Simulate calls take effect from
    the next step; the kept GSL step size carries over (Simulate(a); Simulate(b))."""
    m = MODELS[model]

    def run(nest):
        n = _create(nest, model, 3, I_e=m["I"])
        sr, mm = _observe(nest, model, n)
        nest.Simulate(25.0)
        n[0].set(m["change"])
        n[1].I_e = 0.2 * m["I"]
        nest.Simulate(25.3)
        n[2].V_m = -50.5  # not -50: hh_cond_exp_traub divides 0 by 0 at V - V_T = 13 mV
        n[1].set(I_e=1.3 * m["I"], **m["change"])
        nest.Simulate(30.0)
        return _events(sr, mm) + (n.get(["V_m"] + sorted(m["change"])),)

    ref, got = ab(run)
    _compare(model, ref[:2], got[:2], min_spikes=3, scenario="changes")
    for k in ref[2]:
        np.testing.assert_allclose(got[2][k], ref[2][k], rtol=RTOL, err_msg=k)


def test_gsl_state_survives_split_runs(ab):
    """Simulate(a); Simulate(b) equals Simulate(a + b) for an adaptive model
    (IntegrationStep_ is neuron state, not reset by a run)."""

    def run(nest, split):
        n = nest.Create("aeif_cond_alpha", params={"I_e": 900.0})
        mm = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["V_m", "w"]})
        nest.Connect(mm, n)
        for t in split:
            nest.Simulate(t)
        return mm.get("events")

    ref, got = ab(lambda nest: (run(nest, [40.0]), None)[0])
    _, got_split = ab(lambda nest: run(nest, [13.3, 0.1, 26.6]))
    np.testing.assert_allclose(got_split["V_m"], got["V_m"], rtol=1e-12)
    np.testing.assert_allclose(got_split["V_m"], ref["V_m"], rtol=RTOL)


def test_adex_equals_nest_bit_for_bit_with_libm_exp_and_no_fma():
    """The cause of the stated AdEx divergence is arithmetic, not semantics: in a
    process without fused multiply-adds and with exp from libm, the strong-drive
    scenario equals NEST exactly (every recordable, every step, every spike)."""
    import subprocess
    import sys
    env = dict(os.environ, XLA_FLAGS="--xla_cpu_max_isa=AVX", JAX_PLATFORMS="cpu")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "compat_tests", "_gsl_bit_exact.py"),
                        "aeif_cond_alpha"], env=env, capture_output=True, text=True, cwd=ROOT)
    line = [x for x in r.stdout.splitlines() if x.startswith("RESULT")]
    assert line, r.stdout[-2000:] + r.stderr[-2000:]
    assert "same_spikes=True" in line[0] and line[0].endswith("max_abs_diff=0.0"), line[0]


@pytest.mark.parametrize("model", NAMES)
def test_defaults_and_recordables_equal_nest(real_nest, jax_nest, model):
    """GetDefaults keys, values and recordables (implementation's elementsize aside)."""
    assert_defaults_equal(real_nest, jax_nest, model)


WITH_C_M = [m for m in NAMES if m != "izhikevich"]
BAD = [(m, {"C_m": 0.0}) for m in WITH_C_M] + [(m, {"C_m": -1.0}) for m in WITH_C_M] + [
    ("iaf_cond_exp", {"tau_syn_ex": 0.0}), ("iaf_cond_exp", {"V_reset": -50.0}),
    ("iaf_cond_alpha", {"tau_syn_in": -1.0}), ("iaf_cond_alpha", {"t_ref": -1.0}),
    ("iaf_cond_beta", {"tau_decay_in": 0.0}), ("iaf_cond_beta", {"tau_rise_ex": -2.0}),
    ("hh_psc_alpha", {"tau_syn_ex": 0.0}), ("hh_psc_alpha", {"g_K": -1.0}),
    ("hh_cond_exp_traub", {"tau_syn_in": 0.0}), ("hh_cond_exp_traub", {"t_ref": -0.1}),
] + [(m, {"V_peak": -55.0}) for m in AEIF] + [(m, {"tau_w": 0.0}) for m in AEIF] + [
    (m, {"V_reset": 5.0}) for m in AEIF] + [(m, {"Delta_T": -1.0}) for m in AEIF] + [
    (m, {"gsl_error_tol": 0.0}) for m in AEIF] + [
    (m, {"Delta_T": 0.01, "V_peak": 100.0}) for m in AEIF] + [
    ("aeif_cond_alpha", {"tau_syn_ex": 0.0}), ("aeif_psc_exp", {"tau_syn_in": -1.0}),
]


@pytest.mark.parametrize("model,bad", BAD)
def test_bad_parameters_raise_nest_error(real_nest, jax_nest, model, bad):
    """Invalid parameters raise BadProperty with NEST's message (its first failed
    check), and the node keeps its values."""
    msgs, after = [], []
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        n = nest.Create(model)
        before = n.get()
        with pytest.raises(nest.NESTErrors.BadProperty) as e:
            n.set(bad)
        msgs.append(str(e.value))
        after.append(n.get(sorted(bad)) == {k: before[k] for k in sorted(bad)})
    ref_reason = msgs[0].rsplit(":", 1)[-1].strip()
    assert ref_reason in msgs[1], msgs
    assert after[1]


@pytest.mark.parametrize("model", NAMES)
def test_unknown_receptor_port_raises_and_connects_nothing(real_nest, jax_nest, model):
    errors = []
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        n = nest.Create(model)
        sg = nest.Create("spike_generator")
        dc = nest.Create("dc_generator")
        for src in (sg, dc):
            with pytest.raises(nest.NESTError) as e:
                nest.Connect(src, n, syn_spec={"receptor_type": 1})
            errors.append(type(e.value).__name__)
        assert nest.num_connections == 0
    assert errors[:2] == errors[2:]


@pytest.fixture(scope="module", autouse=True)
def _write_report(request):
    yield
    _worst.write(request, os.path.join(ROOT, "docs", "gsl_neurons_ab.md"),
                 ["# GSL neurons: worst deviation from NEST 3.10 per recordable",
                  "",
                  "Generated by `compat_tests/test_ab_gsl_neurons.py` (all its A/B scenarios:",
                  "DC steps, spike input of both signs, strong drive through spikes and",
                  "refractoriness, parameter changes between runs). Relative to",
                  f"max(|value|, {FLOOR:g} x the trace's largest |value|); spike times identical."],
                 ["model", "recordable"], total=False)
