"""A/B: stdp_facetshw_synapse_hom's common state against real NEST.

NEST's send writes into the model's common properties: a connection's first spike gives
it the next synapse_id (no_synapses counts them) and lengthens the readout cycle. These
values survive runs, are shown by GetDefaults, may be set between runs, and a copy of
the model counts its own. Connection values and weight recorder events within 1e-9 (the
same arithmetic in double; exponentials of another libm), counts and ids exactly.
"""

import sys

import numpy as np
import pytest

from test_ab_synapses import assert_connections_close, assert_weight_events_equal

MODEL = "stdp_facetshw_synapse_hom"
COMMON = ("no_synapses", "readout_cycle_duration", "weight_per_lut_entry")


def _common(nest, model):
    d = nest.GetDefaults(model)
    return {k: d[k] for k in COMMON}


def test_common_state_across_runs_setdefaults_and_copies(ab):
    """Ids in NEST's delivery order; SetDefaults(no_synapses) between runs recomputes the
    cycle, and connections told to start again (init_flag False) take ids from there; a
    copy of the model counts its own connections; Wmax sets the weight of a table entry."""
    def run(nest):
        nest.resolution = 0.1
        wr = nest.Create("weight_recorder")
        nest.SetDefaults(MODEL, {"weight_recorder": wr, "synapses_per_driver": 3,
                                 "driver_readout_time": 2.5})
        nest.CopyModel(MODEL, "facets_copy", {"Wmax": 60.0, "synapses_per_driver": 1,
                                              "lookuptable_0": list(range(1, 16)) + [15]})
        times = [[2.0, 9.0, 21.0, 33.3, 47.0, 58.0], [4.0, 4.1, 15.0, 40.0, 52.0],
                 [7.0, 22.0, 23.0, 45.5, 59.0], [1.0, 30.0, 44.0]]
        pre = nest.Create("parrot_neuron", len(times))
        for i, t in enumerate(times):
            nest.Connect(nest.Create("spike_generator", params={"spike_times": t}), pre[i])
        post = nest.Create("iaf_psc_alpha", 3, params={"I_e": 390.0})
        syn = {"weight": 40.0, "delay": 1.0, "a_thresh_th": 0.3, "a_thresh_tl": 0.2}
        nest.Connect(pre[:3], post, "all_to_all", dict(syn, synapse_model=MODEL))
        nest.Connect(pre[1:], post[:2], "all_to_all",
                     dict(syn, synapse_model="facets_copy", weight=30.0))
        nest.Simulate(26.0)
        first = [(nest.GetConnections(synapse_model=m).get(), _common(nest, m))
                 for m in (MODEL, "facets_copy")]
        c = nest.GetConnections(synapse_model=MODEL)
        nest.SetDefaults(MODEL, {"no_synapses": 20})
        c[::2].set({"init_flag": False})
        nest.SetDefaults("facets_copy", {"readout_cycle_duration": 4.0})
        nest.Simulate(40.0)
        second = [(nest.GetConnections(synapse_model=m).get(), _common(nest, m))
                  for m in (MODEL, "facets_copy")]
        return first, second, wr.events
    (rf, rs, rw), (gf, gs, gw) = ab(run)
    for ref, got in zip(rf + rs, gf + gs):
        assert_connections_close(ref[0], got[0])
        assert got[1] == ref[1]
    assert rs[0][1]["no_synapses"] > 20 and rf[1][1]["no_synapses"] > 0  # both counted
    assert len(rw["times"]) > 20
    assert_weight_events_equal(rw, gw)


def test_hardware_pairing_protocol(ab):
    """NEST's own protocol (testsuite synapses/test_facetshw_stdp.py), shorter and in one
    run: pre-post pairs 10 ms apart every 100 ms through parrots, 36 pairs reach the
    threshold; the weight walks up lookuptable_0 from entry 0. Every event's weight,
    and the capacitors at the end, as NEST's."""
    def run(nest):
        nest.SetDefaults(MODEL, {"weight_recorder": nest.Create("weight_recorder")})
        wr = nest.GetDefaults(MODEL)["weight_recorder"]
        stim = nest.Create("spike_generator",
                           params={"spike_times": np.arange(10.0, 8000.0, 100.0)})
        a, b = nest.Create("parrot_neuron"), nest.Create("parrot_neuron")
        nest.Connect(stim, a)
        nest.Connect(a, b, syn_spec={"weight": 0.0, "delay": 5.0, "synapse_model": MODEL})
        nest.Simulate(8050.0)
        return {k: [v] for k, v in nest.GetConnections(a, b).get().items()}, wr.events
    (rc, rw), (gc, gw) = ab(run)
    assert_connections_close(rc, gc)
    assert_weight_events_equal(rw, gw)
    assert len(set(np.round(rw["weights"], 6))) >= 3  # the weight changed twice at least


@pytest.mark.parametrize("given", [{"Wmax": 45.0}, {"Wmax": 45.0, "weight_per_lut_entry": 2.0},
                                   {"no_synapses": 101, "readout_cycle_duration": 3.0},
                                   {"readout_cycle_duration": 3.0},
                                   {"driver_readout_time": 4, "synapses_per_driver": 7},
                                   {"reset_pattern": [0, 1, 0, 1, 0, 1],
                                    "lookuptable_2": np.arange(16)[::-1]}])
def test_set_defaults_derives_as_nest(real_nest, jax_nest, given):
    """SetDefaults: the values NEST derives from the ones set, in its order."""
    out = []
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        nest.SetDefaults(MODEL, given)
        out.append(nest.GetDefaults(MODEL))
    ref, got = out
    for k in ref:
        if k not in ("weight_recorder", "synapse_modelid"):
            np.testing.assert_array_equal(got[k], ref[k], err_msg=k)
            assert type(got[k]) is type(ref[k]), k


def test_init_lines_on_stdout(real_nest, jax_nest, capfd):
    """NEST writes a line on stdout for each synapse id it gives, with the connection's
    first readout time; the same lines, in the same order."""
    lines = []
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        nest.SetDefaults(MODEL, {"synapses_per_driver": 2, "driver_readout_time": 7.5})
        pre = nest.Create("parrot_neuron", 3)
        for i, t in enumerate(([5.0, 20.0], [3.0], [9.0, 30.0])):
            nest.Connect(nest.Create("spike_generator", params={"spike_times": t}), pre[i])
        post = nest.Create("iaf_psc_alpha", 2)
        nest.Connect(pre, post, syn_spec={"synapse_model": MODEL})
        capfd.readouterr()
        nest.Simulate(15.0)
        nest.Simulate(30.0)
        sys.stdout.flush()
        out = capfd.readouterr().out
        lines.append([x for x in out.splitlines() if x.startswith("init synapse")])
    assert len(lines[0]) == 6 and lines[1] == lines[0]
