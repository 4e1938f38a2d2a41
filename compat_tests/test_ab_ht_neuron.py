"""A/B: ht_neuron (Hill & Tononi 2005; GSL rkf45), real NEST 3.10 vs pynest_jax.

Tolerance as test_ab_gsl_neurons.py: spike times and senders identical; every
recordable (multimeter, interval = resolution) within 1e-9 relative to
max(|value|, 1e-3 x the trace's largest |value|). Both sides take the same GSL
steps; what remains is rounding of exp/pow and fused multiply-adds (observed
about 4e-14).
"""

import numpy as np
import pytest

from _ab_compare import assert_same, assert_traces_close, probe
from conftest import sample_order

RTOL, FLOOR = 1e-9, 1e-3
SYNAPSES = (("AMPA", 40.0), ("NMDA", 3.0), ("GABA_A", 2.0), ("GABA_B", 10.0))


def _close(ref, got, keys):
    assert_traces_close(ref, got, keys, RTOL, FLOOR)


def _network(nest, n_nodes=3):
    """Spike input on every receptor port, then a current step; one neuron with an
    instantaneous NMDA unblock, one starting below its threshold."""
    n = nest.Create("ht_neuron", n_nodes)
    n[n_nodes - 1].set({"instant_unblock_NMDA": True})
    rt = nest.GetDefaults("ht_neuron")["receptor_types"]
    for i, (name, w) in enumerate(SYNAPSES):
        sg = nest.Create("spike_generator", params={"spike_times": [5.0 + 7 * i, 30.0 + 3 * i,
                                                                    45.0]})
        nest.Connect(sg, n, syn_spec={"receptor_type": rt[name], "weight": w})
    dc = nest.Create("dc_generator", params={"start": 50.0})
    nest.Connect(dc, n)
    rec = nest.GetDefaults("ht_neuron")["recordables"]
    mm = nest.Create("multimeter", params={"interval": 0.1, "record_from": rec})
    nest.Connect(mm, n)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    return n, dc, mm, sr, rec


def test_spikes_and_recordables_equal_nest(ab):
    """All four ports, intrinsic currents, spikes with the repolarizing current,
    parameters changed between runs."""

    def run(nest):
        n, dc, mm, sr, rec = _network(nest)
        nest.Simulate(60.0)
        dc.amplitude = 30.0
        n[1].theta = -60.0
        n[2].set({"g_peak_h": 0.5, "t_ref": 1.05, "N_T": 3.0, "tau_D_KNa": 300.0})
        nest.Simulate(100.0)
        return sr.get("events"), mm.get("events"), rec

    (s_ref, m_ref, rec), (s_got, m_got, _) = ab(run)
    assert len(s_ref["times"]) > 20
    o_ref, o_got = sample_order(s_ref), sample_order(s_got)
    np.testing.assert_array_equal(np.asarray(s_got["times"])[o_got],
                                  np.asarray(s_ref["times"])[o_ref])
    np.testing.assert_array_equal(np.asarray(s_got["senders"])[o_got],
                                  np.asarray(s_ref["senders"])[o_ref])
    _close(m_ref, m_got, rec)


def test_voltage_clamp_holds_V_m_at_its_value_when_the_run_starts(ab):
    def run(nest):
        n, dc, mm, sr, rec = _network(nest, 2)
        n[0].set({"voltage_clamp": True, "V_m": -60.0})
        nest.Simulate(40.0)
        n[0].V_m = -50.0
        nest.Simulate(40.0)
        return mm.get("events"), rec, n.get("V_m")

    (m_ref, rec, v_ref), (m_got, _, v_got) = ab(run)
    _close(m_ref, m_got, rec)
    np.testing.assert_allclose(v_got, v_ref, rtol=RTOL)


def test_split_runs_equal_one_run(ab):
    def run(nest, split):
        n, dc, mm, sr, rec = _network(nest, 1)
        dc.amplitude = 30.0
        for t in split:
            nest.Simulate(t)
        return mm.get("events")["V_m"]

    ref, got = ab(lambda nest: run(nest, [80.0]))
    _, got_split = ab(lambda nest: run(nest, [13.3, 0.1, 66.6]))
    np.testing.assert_allclose(got_split, got, rtol=1e-12)
    np.testing.assert_allclose(got, ref, rtol=RTOL)


BAD = ({"g_peak_AMPA": -1.0}, {"S_act_NMDA": -0.1}, {"g_NaL": -0.5}, {"t_ref": -1.0},
       {"tau_rise_NMDA": 0.0}, {"tau_m": -1.0}, {"tau_D_KNa": 0.0},
       {"tau_rise_AMPA": 3.0}, {"tau_Mg_fast_NMDA": 30.0}, {"tau_decay_GABA_B": 50.0},
       {"tau_minus": 0.0})


@pytest.mark.parametrize("bad", BAD, ids=[next(iter(b)) for b in BAD])
def test_bad_parameters_raise_nests_error_and_change_nothing(ab, bad):
    def run(nest):
        n = nest.Create("ht_neuron")
        out = [probe(lambda: n.set(bad)), probe(lambda: nest.SetDefaults("ht_neuron", bad)),
               probe(lambda: nest.Create("ht_neuron", params=bad))]
        return out, n.get(list(bad) + ["V_m"]), nest.GetDefaults("ht_neuron", list(bad))

    ref, got = ab(run)
    assert_same(ref, got)
    assert ref[0][0][0] == "raises"


@pytest.mark.parametrize("receptor", [0, 5])
def test_unknown_spike_receptors_are_refused(ab, receptor):
    def run(nest):
        n = nest.Create("ht_neuron")
        sg = nest.Create("spike_generator")
        dc = nest.Create("dc_generator")
        return (probe(lambda: nest.Connect(sg, n, syn_spec={"receptor_type": receptor})),
                probe(lambda: nest.Connect(dc, n, syn_spec={"receptor_type": max(receptor, 1)})),
                nest.num_connections)

    ref, got = ab(run)
    assert_same(ref, got)
