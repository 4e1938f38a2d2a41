"""One compiled program per network structure: later runs compile nothing.

Two independent counts: the kernel's own (``compiles_last_run``: traces of the
program's step function during the last Simulate) and JAX's (backend compilations
reported through ``jax.monitoring``, which also sees any small jitted operation the
host side might trigger). A second Simulate, a Simulate of another length, and a
Simulate after SetStatus of parameter values, state, device values or synaptic
weights must compile nothing; a change of structure must compile again (so the
counts can fail).
"""

import numpy as np
import jax
import pytest

import pynest_jax as nest

_events = []
jax.monitoring.register_event_duration_secs_listener(
    lambda name, secs, **kw: _events.append(name))


def _compiles(run):
    """(kernel traces, JAX backend compilations) during run()."""
    _events.clear()
    run()
    backend = sum(1 for e in _events if e.endswith("backend_compile_duration"))
    return nest.GetKernelStatus("compiles_last_run"), backend


def _build(indegree=3, weight=2.0, rate=None, dc_delay=1.0):
    n = nest.Create("iaf_psc_delta", 20, params={"I_e": np.linspace(300.0, 500.0, 20)})
    dc = nest.Create("dc_generator", params={"amplitude": 50.0, "start": 5.0})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
    nest.Connect(n, n, {"rule": "fixed_indegree", "indegree": indegree},
                 syn_spec={"weight": weight, "delay": 1.5})
    nest.Connect(dc, n[:5], syn_spec={"delay": dc_delay})
    # (another model: a projection of its own) the least delay stays 1 ms whatever
    # dc_delay (up to the largest, 1.5): the slice's and the ring buffers' lengths are
    # the program's structure
    nest.Connect(nest.Create("ac_generator", params={"amplitude": 1.0}), n[19])
    nest.Connect(n, sr)
    nest.Connect(mm, n[:3])
    return n, dc, sr, mm


@pytest.fixture
def network():
    nest.ResetKernel()
    # Programs of equal structure share their compilation across ResetKernel (tested
    # below); forget them so that this first run must compile.
    from pynest_jax.kernel import program
    program._CORES.clear()
    n, dc, sr, mm = _build()
    first = _compiles(lambda: nest.Simulate(50.0))
    assert first[0] >= 1 and first[1] >= 1  # the first run compiles the program
    return n, dc, sr, mm


def _set_each(conns):
    conns.set(weight=list(np.arange(1.0, len(conns) + 1.0)))


CHANGES = {
    "same length": lambda n, dc, sr, mm: None,
    "neuron parameters": lambda n, dc, sr, mm: n.set(I_e=450.0, tau_m=12.0, C_m=200.0),
    "per-node parameters": lambda n, dc, sr, mm: n.set(V_th=list(np.linspace(-56.0, -54.0, 20))),
    "E_L (moves V_th)": lambda n, dc, sr, mm: nest.SetStatus(n[:4], {"E_L": -65.0}),
    "state": lambda n, dc, sr, mm: n[:5].set(V_m=-60.0),
    "synapse weights": lambda n, dc, sr, mm: nest.GetConnections(source=n[:5]).set(weight=3.0),
    "weights per connection": lambda n, dc, sr, mm: _set_each(nest.GetConnections(target=n[3])),
    "device values": lambda n, dc, sr, mm: dc.set(amplitude=80.0, stop=60.0),
    "recorder window": lambda n, dc, sr, mm: sr.set(start=55.0),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_value_changes_compile_nothing(network, change):
    CHANGES[change](*network)
    assert _compiles(lambda: nest.Simulate(50.0)) == (0, 0)


@pytest.mark.parametrize("t", [0.1, 33.3, 50.0, 250.0, 1234.5])
def test_other_lengths_compile_nothing(network, t):
    assert _compiles(lambda: nest.Simulate(t)) == (0, 0)


def test_run_manager_compiles_nothing(network):
    def runs():
        with nest.RunManager():
            for t in (5.0, 10.0, 7.5):
                nest.Run(t)
    assert _compiles(runs) == (0, 0)


def test_structure_change_compiles(network):
    """The counts can fail: a new connection changes the program, which is compiled anew."""
    n, dc, sr, mm = network
    nest.Connect(n[0], n[1], syn_spec={"weight": 5.0})
    traces, backend = _compiles(lambda: nest.Simulate(10.0))
    assert traces >= 1 and backend >= 1
    assert _compiles(lambda: nest.Simulate(10.0)) == (0, 0)


def test_same_structure_after_reset_compiles_nothing(network):
    """Parameter scans rebuild one network after ResetKernel: values change, the program not."""
    nest.ResetKernel()
    nest.rng_seed = 12  # other random connections of the same shape
    _build(weight=3.0)
    assert _compiles(lambda: nest.Simulate(20.0)) == (0, 0)


@pytest.mark.parametrize("whole", [False, True])
def test_generator_delay_after_reset_compiles_nothing(network, whole):
    """A generator's one delay is a value: its connections are added into that delay's
    ring slot (kernel/delivery.py), found on the device. ``whole``: a second generator
    driving every neuron (the vector-add path), built in the first network's place."""
    for delay in (1.2, 1.5):
        nest.ResetKernel()
        n, dc, _, _ = _build(dc_delay=delay)
        assert _compiles(lambda: nest.Simulate(20.0)) == (0, 0)
    for delay in (1.0, 1.3):
        nest.ResetKernel()
        n, dc, _, _ = _build(dc_delay=delay)
        if whole:
            pg = nest.Create("poisson_generator", params={"rate": 1000.0})
            nest.Connect(pg, n, syn_spec={"weight": -1.0, "delay": delay})
        counts = _compiles(lambda: nest.Simulate(20.0))
        assert counts == (0, 0) or delay == 1.0


def test_other_structure_after_reset_compiles(network):
    nest.ResetKernel()
    _build(indegree=5)
    traces, backend = _compiles(lambda: nest.Simulate(20.0))
    assert traces >= 1 and backend >= 1


@pytest.mark.parametrize("model,values", [
    ("iaf_cond_alpha", {"I_e": 500.0, "V_m": -60.0}),
    ("iaf_cond_alpha_mc", {"soma": {"I_e": 500.0}, "proximal": {"V_m": -60.0}, "g_sp": 3.0}),
    ("iaf_tum_2000", {"U": 0.2, "tau_rec": 100.0, "x": 0.5, "I_e": 700.0}),
])
def test_model_state_and_values_compile_nothing_after_first_run(model, values):
    """The state a model's update returns has the input's types (a weakly typed
    t_ref_remaining compiled the GSL models' program twice), and sub-dictionary or
    release-state values set between runs are values, not structure."""
    nest.ResetKernel()
    from pynest_jax.kernel import program
    program._CORES.clear()
    n = nest.Create(model, 3)
    n.set({"soma": {"I_e": 800.0}} if model.endswith("_mc") else {"I_e": 800.0})
    port = 0 if model == "iaf_cond_alpha" else 1  # iaf_tum_2000: STP port; _mc: soma_exc
    nest.Connect(n, n, syn_spec={"weight": 5.0, "receptor_type": port})
    assert _compiles(lambda: nest.Simulate(20.0))[0] >= 1
    assert _compiles(lambda: nest.Simulate(30.0)) == (0, 0)
    n.set(values)
    assert _compiles(lambda: nest.Simulate(30.0)) == (0, 0)


def test_synapse_common_state_and_tables_compile_nothing():
    """stdp_facetshw_synapse_hom: its common state (synapse count, readout cycle) travels
    in the carry, its look-up tables as values; setting them between runs compiles
    nothing (the run after the first changes the count, so the values do differ)."""
    nest.ResetKernel()
    m = "stdp_facetshw_synapse_hom"
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 5.0, 12.0, 30.0]})
    pre = nest.Create("parrot_neuron", 2)
    post = nest.Create("iaf_psc_alpha", 2, params={"I_e": 400.0})
    nest.Connect(sg, pre)
    nest.Connect(pre, post, syn_spec={"synapse_model": m, "weight": 40.0})
    nest.Simulate(20.0)
    assert nest.GetDefaults(m, "no_synapses") == 4
    nest.SetDefaults(m, {"no_synapses": 9, "Wmax": 50.0, "lookuptable_0": list(range(16))})
    nest.GetConnections(synapse_model=m).set({"init_flag": False})
    assert _compiles(lambda: nest.Simulate(20.0)) == (0, 0)
    assert nest.GetDefaults(m, "no_synapses") == 13


def _plastic_pair(min_delay, max_delay, delay):
    """NEST's synapses/test_stdp_pl_synapse_hom.py network: two neurons driven to fire,
    one plastic connection between them, under a kernel min_delay and max_delay."""
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1, "min_delay": min_delay, "max_delay": max_delay})
    n = nest.Create("iaf_psc_exp", 2, params={"tau_minus": 33.7})
    g = nest.Create("poisson_generator", 2, params={"rate": 100.0})
    nest.Connect(g[0], n[0], syn_spec={"weight": 3000.0})
    nest.Connect(g[1], n[1], syn_spec={"weight": 3000.0})
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": "stdp_pl_synapse_hom", "weight": 0.5,
                                       "delay": delay})
    return n


def test_small_plastic_network_min_delay_and_delays_compile_nothing(network):
    """A small network's slice length (min_delay), its plastic connection's delay and
    its longest delay (within a power of two) are values of one compiled program, and
    the runs keep their own results (each against the same shape compiled anew)."""
    shapes = [(1.0, 3.0, 1.0), (0.4, 3.0, 1.0), (0.1, 1.0, 0.5), (0.5, 2.0, 1.5)]
    weights = []
    for i, shape in enumerate(shapes):
        _plastic_pair(*shape)
        counts = _compiles(lambda: nest.Simulate(200.0))
        assert counts[0] == (1 if i == 0 else 0), (shape, counts)
        weights.append(nest.GetConnections(synapse_model="stdp_pl_synapse_hom").get("weight"))
    assert len(set(weights)) >= 3  # the delays change the results (min_delay need not)
    from pynest_jax.kernel import program
    for shape, w in zip(shapes[1:], weights[1:]):
        program._CORES.clear()
        _plastic_pair(*shape)
        nest.Simulate(200.0)
        assert nest.GetConnections(synapse_model="stdp_pl_synapse_hom").get("weight") == w


def test_precise_event_lists_start_as_long_as_the_shape_grew_them(monkeypatch):
    """A precise network whose event lists outgrew their first length (kernel/precise.py:
    the chunk runs again with longer lists) is built again after ResetKernel: its lists
    start at the grown length, so no chunk runs twice, and the spikes are the same."""
    from pynest_jax.kernel import precise

    grown = []
    real_grow = precise.grow
    monkeypatch.setattr(precise, "grow", lambda prog, saved, after: (
        grown.append(precise.overflowed(after)) or real_grow(prog, saved, after)))

    def build_and_run():
        nest.ResetKernel()
        n = nest.Create("iaf_psc_alpha_ps", 3, params={"I_e": 100.0})
        sgs = nest.Create("spike_generator", 3)
        for j in range(3):
            sgs[j].set(precise_times=True,
                       spike_times=[5.0 + 0.003 * k + 0.0001 * j for k in range(30)])
        nest.Connect(sgs, n, syn_spec={"weight": 300.0, "delay": 1.0})
        sr = nest.Create("spike_recorder")
        nest.Connect(n, sr)
        nest.Simulate(20.0)
        ev = sr.get("events")
        return np.asarray(ev["times"]), np.asarray(ev["senders"])

    first = build_and_run()
    assert any(grown), "the first run's lists did not overflow: the test sees nothing"
    grown.clear()
    second = build_and_run()
    assert not any(grown), "the rebuilt network's lists started short again"
    assert len(first[0]) > 0
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
