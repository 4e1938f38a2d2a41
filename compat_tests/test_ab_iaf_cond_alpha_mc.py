"""A/B: iaf_cond_alpha_mc (three compartments, alpha conductances, GSL rkf45),
real NEST vs pynest_jax: dynamics on every receptor port, and the status with
NEST's per-compartment sub-dictionaries (``soma``, ``proximal``, ``distal``).

Tolerance: spike senders and times identical; every recordable (multimeter,
interval = resolution) within 1e-9 relative to max(|value|, 1e-3 x the trace's
largest |value|), as test_ab_gsl_neurons.py. The floor matters here for one
reason beyond traces through zero: XLA on CPU flushes subnormal numbers to zero,
so conductances that decay below ~1e-300 nS differ from NEST's in relative
terms (absolute differences below 1e-304; docs/divergences.md). Observed worst
deviations are written to docs/iaf_cond_alpha_mc_ab.md when the whole file runs.
"""

import numpy as np
import pytest

from _scenarios import assert_recorded_equal, barrage_times, observe, recorded
from _worst import WorstDeviations
from conftest import (assert_defaults_equal, assert_status_close, connect_outcomes,
                      refuse_on_both)

RTOL = 1e-9
FLOOR = 1e-3
MODEL = "iaf_cond_alpha_mc"
REC = ["V_m.d", "V_m.p", "V_m.s", "g_ex.d", "g_ex.p", "g_ex.s", "g_in.d", "g_in.p", "g_in.s",
       "t_ref_remaining"]
COMP = ("soma", "proximal", "distal")
SPIKE_PORTS = ("soma_exc", "soma_inh", "proximal_exc", "proximal_inh", "distal_exc", "distal_inh")
CURRENT_PORTS = ("soma_curr", "proximal_curr", "distal_curr")

_worst = WorstDeviations(RTOL, FLOOR)


def _compare(ref, got, scenario, min_spikes=1):
    assert_recorded_equal(_worst, ref[:2], got[:2], REC, scenario, min_spikes)


def test_dc_steps_on_every_current_port(ab):
    """DC steps into soma, proximal and distal compartment (one port per neuron and
    all three on a fourth), on and off, both signs; the soma fires from each."""

    def run(nest):
        rt = nest.GetDefaults(MODEL)["receptor_types"]
        n = nest.Create(MODEL, 4)
        sr, mm = observe(nest, n, REC)
        steps = [(800.0, 5.0, 40.0), (-400.0, 10.0, 20.0), (2500.0, 20.3, 55.7)]
        for i, port in enumerate(CURRENT_PORTS):
            for j, (amp, start, stop) in enumerate(steps):
                dc = nest.Create("dc_generator", params={"amplitude": amp * (1 + i),
                                                         "start": start + j, "stop": stop})
                nest.Connect(dc, n[i], syn_spec={"receptor_type": rt[port]})
            dc = nest.Create("dc_generator", params={"amplitude": 900.0, "start": 3.0})
            nest.Connect(dc, n[3], syn_spec={"receptor_type": rt[port], "weight": 0.5 + i})
        nest.Simulate(70.0)
        return recorded(sr, mm)

    _compare(*ab(run), scenario="dc", min_spikes=3)


def test_spike_input_on_every_port_both_signs(ab):
    """Spikes of both signs on all six spike ports (the weight goes into the
    conductance as it is: a negative weight on an excitatory port lowers it),
    several delays and repeated times, from a spike_generator and from
    iaf_cond_alpha_mc drivers firing on their own."""

    def run(nest):
        rt = nest.GetDefaults(MODEL)["receptor_types"]
        drivers = nest.Create(MODEL, 2, params={"soma": {"I_e": 600.0}})
        drivers[1].set(soma={"I_e": 900.0})
        targets = nest.Create(MODEL, 3, params={"soma": {"I_e": 150.0}})
        times = [1.0, 2.0, 2.0, 2.0, 5.5, 9.9, 10.0, 10.0, 30.1, 30.2, 31.0, 45.0]
        sg = nest.Create("spike_generator", params={"spike_times": times})
        for k, port in enumerate(SPIKE_PORTS):
            p = rt[port]
            nest.Connect(sg, targets[0], syn_spec={"weight": 4.0 + k, "delay": 1.0,
                                                   "receptor_type": p})
            nest.Connect(sg, targets[1], syn_spec={"weight": -3.0 - k, "delay": 2.2,
                                                   "receptor_type": p})
            nest.Connect(drivers[0], targets, syn_spec={"weight": 6.0, "delay": 1.5,
                                                        "receptor_type": p})
            nest.Connect(drivers[1], targets[1:], syn_spec={"weight": -5.0, "delay": 0.7,
                                                            "receptor_type": p})
        sr, mm = observe(nest, drivers + targets, REC)
        nest.Simulate(80.0)
        return recorded(sr, mm)

    _compare(*ab(run), scenario="spikes", min_spikes=5)


def test_strong_drive_through_spikes_and_refractoriness(ab):
    """Strong somatic and dendritic drive: many spikes, each followed by the
    refractory period (a multiple of h, not a multiple, zero), during which every
    compartment's V_m is frozen; a barrage of excitatory input meanwhile."""

    def run(nest):
        rt = nest.GetDefaults(MODEL)["receptor_types"]
        n = nest.Create(MODEL, 4, params={"soma": {"I_e": 2500.0}, "distal": {"I_e": 800.0}})
        for i, t in enumerate((2.0, 0.0, 3.33, 1.05)):
            n[i].t_ref = t
        drive = nest.Create(MODEL, params={"soma": {"I_e": 3000.0}})
        nest.Connect(drive, n, syn_spec={"weight": 20.0, "delay": 0.3,
                                         "receptor_type": rt["proximal_exc"]})
        sg = nest.Create("spike_generator", params={"spike_times": barrage_times()})
        nest.Connect(sg, n, syn_spec={"weight": 15.0, "receptor_type": rt["soma_exc"]})
        sr, mm = observe(nest, n + drive, REC)
        nest.Simulate(50.0)
        return recorded(sr, mm)

    _compare(*ab(run), scenario="strong", min_spikes=20)


def test_parameters_and_state_changed_between_runs(ab):
    """Top-level and per-compartment parameters, and compartment V_m, set between
    Simulate calls (one dict, one dict per node, attribute assignment) take effect
    from the next step; state carries over."""

    def run(nest):
        n = nest.Create(MODEL, 3, params={"soma": {"I_e": 500.0}})
        sr, mm = observe(nest, n, REC)
        nest.Simulate(25.0)
        n[0].set({"g_sp": 5.0, "V_th": -58.0, "proximal": {"E_L": -65.0, "g_L": 8.0}})
        n[1].soma = {"I_e": 100.0}
        nest.Simulate(25.3)
        n.set([{"distal": {"V_m": -50.0}}, {"soma": {"I_e": 700.0, "tau_syn_ex": 1.0}},
               {"g_pd": 3.0, "distal": {"C_m": 60.0, "I_e": 200.0}}])
        nest.Simulate(30.0)
        return recorded(sr, mm) + (n.get(["soma", "proximal", "distal", "g_sp", "g_pd"]),)

    ref, got = ab(run)
    _compare(ref, got, scenario="changes", min_spikes=3)
    assert_status_close(ref[2], got[2], RTOL)


def test_gallery_mc_neuron_scenario(ab):
    """NEST's gallery mc_neuron: currents into each compartment in turn, spikes on
    each port, then a somatic I_e set as a sub-dictionary attribute."""

    def run(nest):
        syns = nest.GetDefaults(MODEL)["receptor_types"]
        params = {"V_th": -60.0, "V_reset": -65.0, "t_ref": 10.0, "g_sp": 5.0,
                  "soma": {"g_L": 12.0}, "proximal": {"tau_syn_ex": 1.0, "tau_syn_in": 5.0},
                  "distal": {"C_m": 90.0}}
        n = nest.Create(MODEL, params=params)
        sr, mm = observe(nest, n, REC)
        cgs = nest.Create("dc_generator", 3)
        cgs[0].set(start=250.0, stop=300.0, amplitude=50.0)
        cgs[1].set(start=150.0, stop=200.0, amplitude=-50.0)
        cgs[2].set(start=50.0, stop=100.0, amplitude=100.0)
        for i, port in enumerate(CURRENT_PORTS):
            nest.Connect(cgs[i], n, syn_spec={"receptor_type": syns[port]})
        sgs = nest.Create("spike_generator", 6)
        for i, t in enumerate((600.0, 610.0, 500.0, 510.0, 400.0, 410.0)):
            sgs[i].spike_times = [t, t + 20.0]
            nest.Connect(sgs[i], n, syn_spec={"receptor_type": syns[SPIKE_PORTS[i]]})
        nest.Simulate(700)
        n.soma = {"I_e": 150.0}
        nest.Simulate(300)
        return recorded(sr, mm)

    ref, got = ab(run)
    _compare(ref, got, scenario="gallery", min_spikes=3)
    # Without the floor (no trace here changes sign): every value of normal size is
    # within RTOL; only conductances decayed to near-subnormal size differ (XLA's
    # flush of subnormals to zero, docs/divergences.md)
    for k in REC:
        a, b = np.asarray(ref[1][k], float), np.asarray(got[1][k], float)
        big = np.abs(a) >= 1e-290
        np.testing.assert_allclose(b[big], a[big], rtol=RTOL, atol=0, err_msg=k)
        assert np.all(np.abs(b - a)[~big] < 1e-290), k


def test_defaults_and_recordables_equal_nest(real_nest, jax_nest):
    """GetDefaults keys, value types and values (sub-dictionaries and receptor_types
    included), and recordables (elementsize aside)."""
    assert_defaults_equal(real_nest, jax_nest, MODEL, ordered=True)


def test_status_sub_dictionaries(ab):
    """get/set with sub-dictionaries: GetStatus of one key, of several nodes,
    attribute access, SetDefaults and CopyModel with sub-dictionaries, Create with
    them (given keys change, others keep their values), a key unknown inside a
    sub-dictionary ignored as NEST ignores it."""

    def run(nest):
        nest.SetDefaults(MODEL, {"proximal": {"g_L": 7.0}, "V_th": -54.0})
        nest.CopyModel(MODEL, "mc_copy", {"distal": {"E_in": -80.0, "V_m": -66.0}})
        a = nest.Create(MODEL, 2, params={"soma": {"C_m": 120.0}, "g_pd": 2.0})
        b = nest.Create("mc_copy")
        a.set(soma={"unknown_key": 1.0, "E_ex": 5.0})
        out = [nest.GetDefaults("mc_copy", "distal"), nest.GetDefaults(MODEL, ["proximal", "V_th"]),
               a.get("soma"), a[0].soma, b.get(["distal", "g_sp"]), nest.GetStatus(a, "proximal"),
               a[1].get()]
        a.set([{"proximal": {"V_m": -60.0}}, {"proximal": {"V_m": -61.0, "I_e": 3.0}}])
        out.append(a.get(["proximal", "soma"]))
        out.append(nest.GetKernelStatus("network_size"))
        return out

    ref, got = ab(run)
    from _ab_compare import assert_same
    r_last, g_last = dict(ref[6]), dict(got[6])
    for d in (r_last, g_last):
        d.pop("elementsize", None)
    assert_same(ref[:6] + [r_last] + ref[7:], got[:6] + [g_last] + got[7:])


def test_flat_keys_are_not_status_keys(ab):
    """Only the sub-dictionaries show the compartments' values: recordable-like names
    (V_m.s, E_L.s) are no status keys (KeyError), and top-level keys still work."""
    from _ab_compare import probe, assert_same_probes

    def run(nest):
        n = nest.Create(MODEL, 2)
        return {"get V_m.s": probe(lambda: n.get("V_m.s")),
                "get [soma, V_m.s]": probe(lambda: n[0].get(["soma", "V_m.s"])),
                "defaults V_m.s": probe(lambda: nest.GetDefaults(MODEL, "V_m.s")),
                "get [g_sp, t_ref]": probe(lambda: n.get(["g_sp", "t_ref"]))}

    assert_same_probes(*ab(run))


BAD = [{"soma": {"C_m": -5.0}, "t_ref": 1.0}, {"V_reset": -50.0}, {"t_ref": -1.0}, {"soma": {"C_m": 0.0}},
       {"proximal": {"C_m": -1.0}}, {"distal": {"tau_syn_in": 0.0}},
       {"proximal": {"tau_syn_ex": -1.0}}, {"soma": {"C_m": 0.0}, "V_reset": -50.0},
       {"distal": {"C_m": 0.0}, "proximal": {"tau_syn_ex": 0.0}}, {"soma": 3.0},
       {"V_m": -60.0}, {"E_L": -60.0}, {"V_m.s": -60.0}]


@pytest.mark.parametrize("bad", BAD, ids=[str(b) for b in BAD])
def test_bad_values_raise_nest_error(real_nest, jax_nest, bad):
    """Refused values raise NEST's error class with its message (NEST's first
    failed check: top-level, then compartment by compartment), at SetStatus and at
    Create; the node keeps all its values and a refused Create creates nothing."""
    refusals = refuse_on_both(real_nest, jax_nest, MODEL, bad, error=None, and_create=True)
    nest_refusal, ours = refusals
    assert ours.error == nest_refusal.error, (nest_refusal.message, ours.message)
    assert nest_refusal.reason in ours.message, (nest_refusal.message, ours.message)
    for r in refusals:
        assert all(np.all(r.after[k] == r.before[k]) for k in r.before if k != "elementsize")
    # NEST keeps the nodes of a refused Create (docs/divergences.md); we create none
    assert ours.network_size == 1


@pytest.mark.parametrize("source", ["spike_generator", "dc_generator", "multimeter", MODEL])
def test_receptor_ports_and_errors(real_nest, jax_nest, source):
    """Ports 0..10 from each kind of sender: spikes on 1..6, currents on 7..9,
    a multimeter on 0; the other kind's ports and 0 are incompatible
    (IncompatibleReceptorType), 10 and above unknown; a refused Connect connects
    nothing."""
    expected = connect_outcomes(real_nest, source, MODEL, range(11))
    assert connect_outcomes(jax_nest, source, MODEL, range(11)) == expected


_write_page = _worst.page("iaf_cond_alpha_mc_ab.md", f"""\
# iaf_cond_alpha_mc: worst deviation from NEST 3.10 per recordable

Generated by `compat_tests/test_ab_iaf_cond_alpha_mc.py` (DC steps on every
current port, spikes of both signs on every spike port, strong drive through
spikes and refractoriness, changes between runs, the gallery's mc_neuron).
Relative to max(|value|, {FLOOR:g} x the trace's largest |value|); spike times
identical. Without the floor, conductances decaying below ~1e-300 nS differ:
XLA flushes subnormal numbers to zero (docs/divergences.md).""", ["recordable"])
