"""A/B: a deterministic recurrent network of 240 iaf_psc_delta neurons, spike for spike.

Connectivity, weights, delays and drive are drawn with numpy (seeded) and passed to
Connect as arrays: explicit (source, target) pairs with per-pair weights and delays,
and an all_to_all block given as weight/delay matrices. The script runs several
Simulate calls and changes I_e, V_m and synaptic weights (through
SynapseCollection.set) between them.

Tolerance: every spike identical (sender and time); V_m samples within 1e-9 relative
(exact integration in float64, as DESIGN.md states). Weights set on a SynapseCollection
are computed from each connection's (source, target), because NEST lists connections
of one source in an arbitrary order once a connector holds 24 or more.
"""

import numpy as np

from conftest import assert_spikes_identical, assert_trace_close

N_E, N_I = 192, 48


def _draw():
    rng = np.random.default_rng(20240611)
    n = N_E + N_I
    mask = rng.random((n, n)) < 0.08
    np.fill_diagonal(mask, False)
    src, tgt = np.nonzero(mask)  # indices: source row, target column
    w = np.where(src < N_E, rng.uniform(0.5, 2.5, len(src)), rng.uniform(-9.0, -3.0, len(src)))
    d = np.round(rng.uniform(0.5, 4.0, len(src)), 3)  # off-grid values, rounded by NEST
    order = rng.permutation(len(src))  # creation order unrelated to ids
    i_e = rng.uniform(250.0, 420.0, n)
    v0 = rng.uniform(-70.0, -56.0, n)
    block_w = rng.uniform(-2.0, 6.0, (10, 12))  # 12 sources -> 10 targets, all_to_all
    block_d = np.round(rng.uniform(1.0, 2.0, (10, 12)), 2)
    return dict(src=src[order], tgt=tgt[order], w=w[order], d=d[order], i_e=i_e, v0=v0,
                block_w=block_w, block_d=block_d)


def network(nest):
    p = _draw()
    nest.resolution = 0.1
    pop = nest.Create("iaf_psc_delta", N_E + N_I,
                      params={"I_e": p["i_e"], "V_m": p["v0"], "t_ref": 2.0})
    e, i = pop[:N_E], pop[N_E:]
    dc = nest.Create("dc_generator", params={"amplitude": 120.0, "start": 50.0, "stop": 150.0})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
    ids = np.asarray(pop.tolist())
    nest.Connect(ids[p["src"]], ids[p["tgt"]], "one_to_one",
                 syn_spec={"weight": p["w"], "delay": p["d"]})
    nest.Connect(e[100:112], i[:10], "all_to_all",
                 syn_spec={"weight": p["block_w"], "delay": p["block_d"]})
    nest.Connect(dc, e[::7])
    nest.Connect(pop, sr)
    nest.Connect(mm, pop[::40])

    nest.Simulate(100.0)
    i.set(I_e=np.linspace(300.0, 450.0, N_I))
    e[:50].V_m = -60.0
    nest.Simulate(75.0)
    c = nest.GetConnections(source=e[:60], target=i)
    st = np.array(c.get(["source", "target"])["source"]), np.array(c.get("target"))
    c.set(weight=2.0 + ((st[0] * 31 + st[1] * 17) % 13) * 0.35)
    nest.GetConnections(source=i[:5]).set(weight=-12.0)
    nest.Simulate(125.0)
    return {"spikes": sr.get("events"), "V_m": mm.get("events"),
            "delays": sorted(set(nest.GetConnections().get("delay"))),
            "kernel": (nest.num_connections, nest.min_delay, nest.max_delay,
                       nest.biological_time)}


def test_recurrent_network_spikes_identical(ab):
    ref, got = ab(network)
    n_spikes = len(ref["spikes"]["times"])
    assert n_spikes > 2000, n_spikes
    assert len(np.unique(ref["spikes"]["senders"])) > 150
    assert_spikes_identical(ref["spikes"], got["spikes"])
    assert_trace_close(ref["V_m"], got["V_m"], ["V_m"], rtol=1e-9, atol=1e-9)
    assert ref["delays"] == got["delays"]
    assert ref["kernel"] == got["kernel"]


def test_spikes_in_flight_survive_a_structure_change(ab):
    """Spikes emitted near the end of one Simulate with long delays, then new nodes and
    connections (a rebuilt program) and several resolutions of delay: every pending
    input arrives when NEST delivers it (V_m traces and spikes identical)."""
    def scenario(nest):
        nest.set_verbosity("M_ERROR")
        nest.resolution = 0.1
        drive = nest.Create("iaf_psc_delta", 3, params={"I_e": 1200.0})
        post = nest.Create("iaf_psc_alpha", 3)
        vm = nest.Create("voltmeter", params={"interval": 0.1})
        sr = nest.Create("spike_recorder")
        nest.Connect(drive, post, "one_to_one", syn_spec={"weight": 300.0, "delay": 0.1})
        nest.Connect(drive[1], post[1], syn_spec={"weight": -200.0, "delay": 2.5})
        nest.Connect(drive[2], post[2], syn_spec={"weight": 250.0, "delay": 6.0})
        # a spike every step, relayed with one- and two-step delays: some input is
        # always pending for the very next step when a run ends
        sg = nest.Create("spike_generator", params={"spike_times": np.round(np.arange(5.0, 45.0, 0.1), 1)})
        par = nest.Create("parrot_neuron")
        nest.Connect(sg, par)
        nest.Connect(par, post[0], syn_spec={"weight": 7.0, "delay": 0.1})
        nest.Connect(par, post[1], syn_spec={"weight": -5.0, "delay": 0.2})
        nest.Connect(vm, post)
        nest.Connect(drive + post, sr)
        out = []
        for t in (13.7, 5.0, 21.3):
            nest.Simulate(t)
            extra = nest.Create("iaf_psc_delta", params={"I_e": 900.0})  # a new structure
            nest.Connect(extra, post[0], syn_spec={"weight": 80.0, "delay": 3.3})
        nest.Simulate(10.0)
        ev = vm.get("events")
        return {"V_m": np.asarray(ev["V_m"]), "times": np.asarray(ev["times"]),
                "senders": np.asarray(ev["senders"]), "spikes": sr.get("events")}
    ref, got = ab(scenario)
    np.testing.assert_array_equal(got["times"], ref["times"])
    np.testing.assert_array_equal(got["senders"], ref["senders"])
    np.testing.assert_allclose(got["V_m"], ref["V_m"], rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(np.asarray(got["spikes"]["times"]), np.asarray(ref["spikes"]["times"]))
    np.testing.assert_array_equal(np.asarray(got["spikes"]["senders"]), np.asarray(ref["spikes"]["senders"]))
