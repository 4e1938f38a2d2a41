"""A/B: pp_cond_exp_mc_urbanczik (soma and dendrite, GSL rkf45, stochastic
spiking), real NEST vs pynest_jax.

Its spikes are random and change nothing in its dynamics (no reset), so the two
are checked apart. Traces: every recordable (multimeter, interval = resolution)
within 1e-9 relative to max(|value|, 1e-3 x the trace's largest |value|), as
test_ab_gsl_neurons.py (same GSL steps, rounding differences only), whatever
the spikes. Spikes: counts statistically equal to NEST's and to the expectation
computed from the recorded somatic potential. Observed worst trace deviations
are written to docs/pp_cond_exp_mc_urbanczik_ab.md when the whole file runs.
"""

import numpy as np
import pytest

from _ab_compare import assert_same
from _worst import WorstDeviations
from conftest import (assert_defaults_equal, assert_samples_aligned, assert_status_close,
                      connect_outcomes, refuse_on_both)

RTOL = 1e-9
FLOOR = 1e-3
MODEL = "pp_cond_exp_mc_urbanczik"
REC = ["I_ex.p", "I_in.p", "V_m.p", "V_m.s", "g_ex.s", "g_in.s"]
SPIKE_PORTS = ("soma_exc", "soma_inh", "dendritic_exc", "dendritic_inh")
CURRENT_PORTS = ("soma_curr", "dendritic_curr")

_worst = WorstDeviations(RTOL, FLOOR)


def _observe(nest, nodes):
    mm = nest.Create("multimeter", params={"interval": nest.resolution, "record_from": REC})
    nest.Connect(mm, nodes)
    return mm


def _compare(ref, got, scenario):
    r, g = assert_samples_aligned(ref, got)
    for k in REC:
        _worst.check(k, scenario, np.asarray(ref[k], float)[r], np.asarray(got[k], float)[g])


def test_dc_steps_on_every_current_port(ab):
    """DC steps into the soma and into the dendrite (which NEST 3.10 does not use),
    on and off, both signs, weighted; somatic and dendritic I_e."""

    def run(nest):
        rt = nest.GetDefaults(MODEL)["receptor_types"]
        n = nest.Create(MODEL, 4)
        n[2].set(soma={"I_e": 200.0}, dendritic={"I_e": 300.0})
        n[3].set(g_ps=50.0, dendritic={"I_e": -100.0, "E_L": -60.0})
        for i, port in enumerate(CURRENT_PORTS):
            for j, (amp, start, stop) in enumerate([(800.0, 5.0, 40.0), (-400.0, 10.0, 20.0),
                                                    (2500.0, 20.3, 55.7)]):
                dc = nest.Create("dc_generator", params={"amplitude": amp, "start": start + j,
                                                         "stop": stop})
                nest.Connect(dc, n[i], syn_spec={"receptor_type": rt[port]})
                nest.Connect(dc, n[3], syn_spec={"receptor_type": rt[port], "weight": 0.5 + i})
        mm = _observe(nest, n)
        nest.Simulate(70.0)
        return mm.get("events")

    _compare(*ab(run), scenario="dc")


def test_spike_input_on_every_port_both_signs(ab):
    """Spikes of both signs on the four spike ports (conductances and currents take
    the weight as it is; the dendrite's inhibitory current takes it negated),
    several delays, repeated times (multiplicity), two coupling directions."""

    def run(nest):
        rt = nest.GetDefaults(MODEL)["receptor_types"]
        n = nest.Create(MODEL, 3, params={"soma": {"I_e": 150.0}})
        n[2].set(g_ps=300.0, g_sp=100.0, dendritic={"tau_syn_in": 1.5},
                 soma={"tau_syn_ex": 0.7})
        times = [1.0, 2.0, 2.0, 2.0, 5.5, 9.9, 10.0, 10.0, 30.1, 30.2, 31.0, 45.0]
        sg = nest.Create("spike_generator", params={"spike_times": times})
        for k, port in enumerate(SPIKE_PORTS):
            p = rt[port]
            nest.Connect(sg, n[0], syn_spec={"weight": 40.0 + 10 * k, "delay": 1.0,
                                             "receptor_type": p})
            nest.Connect(sg, n[1], syn_spec={"weight": -30.0 - k, "delay": 2.2,
                                             "receptor_type": p})
            nest.Connect(sg, n[2], syn_spec={"weight": 200.0, "delay": 0.1 * (k + 1),
                                             "receptor_type": p})
        mm = _observe(nest, n)
        nest.Simulate(80.0)
        return mm.get("events")

    _compare(*ab(run), scenario="spikes")


def test_parameters_and_state_changed_between_runs(ab):
    """Top-level and per-compartment parameters, and compartment V_m, set between
    Simulate calls take effect from the next step; the GSL state carries over."""

    def run(nest):
        rt = nest.GetDefaults(MODEL)["receptor_types"]
        n = nest.Create(MODEL, 3, params={"soma": {"I_e": 500.0}})
        sg = nest.Create("spike_generator", params={"spike_times": [3.0, 27.0, 52.0, 60.0]})
        nest.Connect(sg, n, syn_spec={"weight": 300.0, "receptor_type": rt["dendritic_exc"]})
        mm = _observe(nest, n)
        nest.Simulate(25.0)
        n[0].set({"g_sp": 300.0, "soma": {"E_L": -65.0, "g_L": 8.0}})
        n[1].soma = {"I_e": 100.0}
        nest.Simulate(25.3)
        n.set([{"dendritic": {"V_m": -50.0}}, {"soma": {"I_e": 700.0, "tau_syn_ex": 1.0}},
               {"g_ps": 30.0, "dendritic": {"C_m": 60.0, "tau_syn_ex": 5.0}}])
        nest.Simulate(30.0)
        return mm.get("events"), n.get(["soma", "dendritic", "g_sp", "g_ps", "t_ref"])

    ref, got = ab(run)
    _compare(ref[0], got[0], scenario="changes")
    assert_status_close(ref[1], got[1], RTOL)


def _spike_counts(nest, t_ref, n=200, T=500.0, seed=1):
    """n neurons held near theta by a somatic current, dendritic input on top:
    their spike counts, and the somatic potential of the first (all have the same)."""
    nest.rng_seed = seed
    rt = nest.GetDefaults(MODEL)["receptor_types"]
    nodes = nest.Create(MODEL, n, params={"t_ref": t_ref, "soma": {"I_e": 9000.0}})
    sg = nest.Create("spike_generator", params={"spike_times": list(np.arange(10.0, T, 25.0))})
    nest.Connect(sg, nodes, syn_spec={"weight": 400.0, "receptor_type": rt["dendritic_exc"]})
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    mm = nest.Create("multimeter", params={"interval": nest.resolution, "record_from": ["V_m.s"]})
    nest.Connect(mm, nodes[0])
    nest.Simulate(T)
    senders = np.asarray(sr.get("events")["senders"])
    counts = np.bincount(senders - nodes[0].global_id, minlength=n)
    return counts, np.asarray(mm.get("events")["V_m.s"], float)


def _rate_per_step(V, h=0.1, phi_max=0.15, rate_slope=0.5, beta=1.0 / 3.0, theta=-55.0):
    """The expected spikes per step at each recorded V (NEST's phi, independently)."""
    return phi_max / (1.0 + rate_slope * np.exp(beta * (theta - V))) * h


@pytest.mark.parametrize("t_ref", [3.0, 0.0])
def test_spike_counts_statistically_equal(ab, t_ref):
    """Spike counts of 200 neurons over 500 ms: with a dead time (one spike at most
    per step) and without (Poisson counts, multiplicity > 1 possible). The mean count
    per neuron equals NEST's within 4 standard errors of the difference; without
    dead time, both equal the expectation sum(phi(V) h) from the recorded V_m.s
    within 4 standard errors; with it, both fall below that bound."""
    (c_ref, V_ref), (c_got, V_got) = ab(lambda nest: _spike_counts(nest, t_ref))
    np.testing.assert_allclose(V_got, V_ref, rtol=RTOL)
    se = np.sqrt(c_ref.var(ddof=1) / c_ref.size + c_got.var(ddof=1) / c_got.size)
    assert abs(c_ref.mean() - c_got.mean()) < 4 * se, (c_ref.mean(), c_got.mean(), se)
    expected = _rate_per_step(V_ref).sum()
    assert c_got.mean() > 10  # the scenario fires
    for c in (c_ref, c_got):
        if t_ref == 0.0:
            assert abs(c.mean() - expected) < 4 * np.sqrt(expected / c.size), (c.mean(), expected)
        else:
            assert c.mean() < expected - 4 * np.sqrt(expected / c.size), (c.mean(), expected)


def test_dead_time_between_spikes(jax_nest):
    """With t_ref > 0 no two spikes of a neuron are closer than t_ref + h (the spike's
    step, then t_ref / h steps without a draw), and no multiplicity."""
    nest = jax_nest
    nest.ResetKernel()
    nodes = nest.Create(MODEL, 50, params={"t_ref": 2.0, "soma": {"I_e": 12000.0}})
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    nest.Simulate(300.0)
    ev = sr.get("events")
    senders, times = np.asarray(ev["senders"]), np.asarray(ev["times"])
    assert times.size > 1000
    for s in np.unique(senders):
        isi = np.diff(np.sort(times[senders == s]))
        assert isi.min() >= 2.1 - 1e-9


def test_defaults_and_recordables_equal_nest(real_nest, jax_nest):
    """GetDefaults keys (in NEST's order), value types and values, sub-dictionaries
    and receptor_types included, and recordables (elementsize aside)."""
    assert_defaults_equal(real_nest, jax_nest, MODEL, ordered=True)


def test_status_sub_dictionaries(ab):
    """get/set with the sub-dictionaries soma and dendritic: SetDefaults, CopyModel,
    Create with them, GetStatus of one or several keys and nodes."""

    def run(nest):
        nest.SetDefaults(MODEL, {"dendritic": {"g_L": 7.0}, "theta": -54.0})
        nest.CopyModel(MODEL, "urb_copy", {"soma": {"E_in": -80.0, "V_m": -66.0}})
        a = nest.Create(MODEL, 2, params={"soma": {"C_m": 120.0}, "g_ps": 2.0})
        b = nest.Create("urb_copy")
        a.set(soma={"unknown_key": 1.0, "E_ex": 5.0})
        out = [nest.GetDefaults("urb_copy", "soma"), nest.GetDefaults(MODEL, ["dendritic", "theta"]),
               a.get("soma"), a[0].dendritic, b.get(["soma", "g_sp"]), nest.GetStatus(a, "dendritic")]
        a.set([{"dendritic": {"V_m": -60.0}}, {"dendritic": {"V_m": -61.0, "I_e": 3.0}}])
        out.append(a.get(["dendritic", "soma"]))
        return out

    assert_same(*ab(run))


BAD = [{"rate_slope": -1.0}, {"phi_max": -0.1}, {"t_ref": -1.0}, {"soma": {"C_m": 0.0}},
       {"dendritic": {"C_m": -1.0}}, {"dendritic": {"tau_syn_in": 0.0}},
       {"soma": {"tau_syn_ex": -1.0}}, {"soma": {"C_m": 0.0}, "phi_max": -1.0},
       {"tau_Ca": 0.0}, {"V_m": -60.0}, {"V_m.s": -60.0}]


@pytest.mark.parametrize("bad", BAD, ids=[str(b) for b in BAD])
def test_bad_values_raise_nest_error(real_nest, jax_nest, bad):
    """Refused values raise NEST's error class with its message (its first failed
    check: top-level, then compartment by compartment); the node keeps its values."""
    nest_refusal, ours = refuse_on_both(real_nest, jax_nest, MODEL, bad, error=None)
    assert ours.error == nest_refusal.error, (nest_refusal.message, ours.message)
    assert nest_refusal.reason in ours.message, (nest_refusal.message, ours.message)
    assert all(np.all(ours.after[k] == ours.before[k]) for k in ours.before
               if k != "elementsize")


@pytest.mark.parametrize("source", ["spike_generator", "dc_generator", "multimeter", MODEL])
def test_receptor_ports_and_errors(real_nest, jax_nest, source):
    """Ports 0..8 from each kind of sender: spikes on 1..4, currents on 5..6, a
    multimeter on 0; the other kind's ports and 0 are incompatible, 7 and above
    unknown; a refused Connect connects nothing."""
    expected = connect_outcomes(real_nest, source, MODEL, range(9))
    assert connect_outcomes(jax_nest, source, MODEL, range(9)) == expected


_write_page = _worst.page("pp_cond_exp_mc_urbanczik_ab.md", f"""\
# pp_cond_exp_mc_urbanczik: worst deviation from NEST 3.10 per recordable

Generated by `compat_tests/test_ab_pp_cond_exp_mc_urbanczik.py` (DC steps on both
current ports, spikes of both signs on every spike port, changes between runs).
Relative to max(|value|, {FLOOR:g} x the trace's largest |value|). The spikes are
random (compared statistically in the same file) and do not act on the traces.""",
                          ["recordable"])
