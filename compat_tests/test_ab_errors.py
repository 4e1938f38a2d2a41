"""A/B: every error the implemented API can meet raises NEST's class, and leaves no trace.

``test_error_class``: the same network and the same bad call on real NEST and on
pynest_jax; both must raise the same exception class (``NESTErrors.<Name>`` or the
Python builtin PyNEST raises).

``test_no_trace``: on pynest_jax, the bad call is made in the middle of building and
simulating a network; everything afterwards (spikes, sampled V_m, the connection
table, node values, kernel status, random draws of later Create/Connect calls) must
be exactly what the same script gives without the bad call. NEST itself does not
promise this (a failing Create leaves its nodes, a failing Connect the connections
made so far, a failing SetStatus the nodes set before the bad one); pynest_jax does.
Comparison is exact: the same program on the same inputs.
"""

import numpy as np
import pytest

from _ab_compare import Raised, assert_same, probe


def base(nest, simulate_first):
    n = nest.Create("iaf_psc_delta", 8,
                    params={"I_e": [450.0, 500.0, 0.0, 0.0, 480.0, 0.0, 520.0, 0.0]})
    dc = nest.Create("dc_generator", params={"amplitude": 400.0, "start": 20.0})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 5.0})
    mm_foo = nest.Create("multimeter", params={"record_from": ["foo"]})  # never connected
    nest.CopyModel("static_synapse", "syn_b")
    nest.Connect(n, n, {"rule": "pairwise_bernoulli", "p": 0.4},
                 syn_spec={"weight": nest.random.uniform(-5.0, 15.0),
                           "delay": nest.random.uniform(1.0, 3.0)})
    nest.Connect(dc, n[2:4])
    nest.Connect(n, sr)
    nest.Connect(mm, n[:2])
    if simulate_first:
        nest.Simulate(10.0)
    return {"n": n, "dc": dc, "sr": sr, "mm": mm, "mm_foo": mm_foo}


def after(nest, net):
    """Calls after the bad one: new nodes and connections with random values, two runs."""
    n, sr, mm = net["n"], net["sr"], net["mm"]
    extra = nest.Create("iaf_psc_delta", 2, params={"V_m": nest.random.uniform(-70.0, -60.0)})
    nest.Connect(n, extra, {"rule": "fixed_indegree", "indegree": 3},
                 syn_spec={"weight": nest.random.normal(10.0, 2.0), "delay": 2.0})
    nest.Connect(extra, sr)
    nest.Simulate(40.0)
    n[:3].set(I_e=470.0)
    nest.Simulate(40.0)
    return {
        "spikes": sr.get("events"), "V_m": mm.get("events"),
        "connections": nest.GetConnections().get(["source", "target", "weight", "delay",
                                                  "receptor", "port"]),
        "nodes": (n + extra).get(["V_m", "I_e", "C_m", "V_th", "V_reset", "t_ref", "tau_m",
                                  "refractory_input"]),
        "devices": {"dc": net["dc"].get(["amplitude", "start", "stop"]),
                    "sr": sr.get(["start", "stop", "n_events"]),
                    "mm": mm.get(["interval", "record_from"])},
        "kernel": (nest.network_size, nest.num_connections, nest.min_delay, nest.max_delay,
                   nest.biological_time, nest.resolution, nest.rng_seed),
        "defaults": (nest.GetDefaults("iaf_psc_delta"), nest.GetDefaults("static_synapse")),
        "models": (sorted(nest.node_models), sorted(nest.synapse_models)),
    }


def _has(model):
    import pynest_jax
    return model in pynest_jax.node_models


# name -> (bad call, whether a Simulate precedes it)
CASES = {
    # nodes
    "create unknown model": (lambda nest, net: nest.Create("foo"), False),
    "create zero": (lambda nest, net: nest.Create("iaf_psc_delta", 0), False),
    "create bad value": (lambda nest, net: nest.Create("iaf_psc_delta", 2, {"C_m": -1.0}), False),
    "create unknown key": (lambda nest, net: nest.Create("iaf_psc_delta", 2, {"foo": 1.0}), False),
    "create type": (lambda nest, net: nest.Create("iaf_psc_delta", 2, {"C_m": "x"}), False),
    "create list one bad": (lambda nest, net: nest.Create(
        "iaf_psc_delta", 3, {"C_m": [250.0, -1.0, 250.0]}), False),
    "create params wrong length": (lambda nest, net: nest.Create(
        "iaf_psc_delta", 3, [{"C_m": 1.0}]), False),
    "set unknown key": (lambda nest, net: net["n"].set(foo=1.0), False),
    "set unknown with good key": (lambda nest, net: net["n"].set(V_m=-60.0, foo=1.0), False),
    "set bad value": (lambda nest, net: net["n"].set(C_m=0.0), False),
    "set list one bad": (lambda nest, net: net["n"].set(
        C_m=[250.0] * 4 + [-1.0] + [250.0] * 3), True),
    "set dicts one bad": (lambda nest, net: net["n"][:3].set(
        [{"V_m": -60.0}, {"V_th": -80.0}, {"V_m": -61.0}]), True),
    "set good and bad key": (lambda nest, net: net["n"].set({"V_m": -60.0, "tau_m": -1.0}), False),
    "set type mismatch": (lambda nest, net: net["n"].set(refractory_input=1), False),
    "set negative t_ref": (lambda nest, net: net["n"].set(t_ref=-1.0), False),
    "set read-only key": (lambda nest, net: net["n"].set(global_id=3), False),
    "set list too short": (lambda nest, net: net["n"].set(V_m=[-60.0, -61.0]), False),
    "set wrong number of dicts": (lambda nest, net: net["n"].set([{"V_m": -60.0}] * 3), False),
    "set n_events": (lambda nest, net: net["sr"].set(n_events=5), True),
    "set stop before start": (lambda nest, net: net["dc"].set(start=50.0, stop=10.0), False),
    "SetStatus bad": (lambda nest, net: nest.SetStatus(net["n"], {"E_L": -50.0,
                                                                  "V_reset": -40.0}), False),
    "get unknown key": (lambda nest, net: net["n"].get("foo"), False),
    # models
    "GetDefaults unknown": (lambda nest, net: nest.GetDefaults("foo"), False),
    "SetDefaults unknown model": (lambda nest, net: nest.SetDefaults("foo", {"C_m": 1.0}), False),
    "SetDefaults bad value": (lambda nest, net: nest.SetDefaults("iaf_psc_delta",
                                                                 {"C_m": -1.0}), False),
    "SetDefaults unknown key": (lambda nest, net: nest.SetDefaults("iaf_psc_delta",
                                                                   {"foo": 1.0}), False),
    "SetDefaults E_L and bad": (lambda nest, net: nest.SetDefaults(
        "iaf_psc_delta", {"E_L": -60.0, "t_ref": -2.0}), False),
    "SetDefaults synapse delay": (lambda nest, net: nest.SetDefaults("static_synapse",
                                                                     {"delay": 0.01}), False),
    "CopyModel existing name": (lambda nest, net: nest.CopyModel("iaf_psc_delta",
                                                                 "static_synapse"), False),
    "CopyModel unknown": (lambda nest, net: nest.CopyModel("foo", "bar"), False),
    # (NEST leaves the copy behind; pynest_jax does not make it)
    "CopyModel bad params": (lambda nest, net: nest.CopyModel("iaf_psc_delta", "x_iaf",
                                                              {"C_m": -1.0}), False),
    "CopyModel synapse bad params": (lambda nest, net: nest.CopyModel(
        "static_synapse", "x_syn", {"foo": 1.0}), False),
    # connections
    "connect unknown synapse": (lambda nest, net: nest.Connect(net["n"], net["n"],
                                                               syn_spec="foo"), False),
    "connect delay below resolution": (lambda nest, net: nest.Connect(
        net["n"], net["n"], syn_spec={"delay": 0.04}), False),
    "connect delay zero": (lambda nest, net: nest.Connect(net["n"], net["n"],
                                                          syn_spec={"delay": 0.0}), False),
    "connect delay negative": (lambda nest, net: nest.Connect(net["n"], net["n"],
                                                              syn_spec={"delay": -1.0}), False),
    "connect unknown node": (lambda nest, net: nest.Connect(nest.NodeCollection([1, 200]),
                                                            net["n"]), False),
    "connect from spike recorder": (lambda nest, net: nest.Connect(net["sr"], net["n"]), False),
    "connect to generator": (lambda nest, net: nest.Connect(net["n"], net["dc"]), False),
    "connect multimeter twice": (lambda nest, net: nest.Connect(net["mm"], net["n"]), False),
    "connect multimeter to recorder": (lambda nest, net: nest.Connect(net["mm"], net["sr"]), False),
    "connect receptor": (lambda nest, net: nest.Connect(net["n"], net["n"],
                                                        syn_spec={"receptor_type": 3}), False),
    "connect current receptor": (lambda nest, net: nest.Connect(
        net["dc"], net["n"], syn_spec={"receptor_type": 1}), False),
    "connect unknown recordable": (lambda nest, net: nest.Connect(net["mm_foo"], net["n"]),
                                   False),
    "connect rule to device": (lambda nest, net: nest.Connect(
        net["n"], net["sr"], {"rule": "fixed_indegree", "indegree": 1}), False),
    "generator with a second synapse model": (lambda nest, net: nest.Connect(
        net["dc"], net["n"][5], syn_spec="syn_b"), False),
    "freeze multimeter": (lambda nest, net: net["mm"].set(frozen=True), False),
    "connect unknown rule": (lambda nest, net: nest.Connect(net["n"], net["n"], "foo"), False),
    "connect one_to_one sizes": (lambda nest, net: nest.Connect(net["n"][:3], net["n"][:4],
                                                                "one_to_one"), False),
    "connect indegree float": (lambda nest, net: nest.Connect(
        net["n"], net["n"], {"rule": "fixed_indegree", "indegree": 2.5}), False),
    "connect p out of range": (lambda nest, net: nest.Connect(
        net["n"], net["n"], {"rule": "pairwise_bernoulli", "p": 1.5}), False),
    "connect conn_spec unknown key": (lambda nest, net: nest.Connect(
        net["n"], net["n"], {"rule": "all_to_all", "foo": 1}), False),
    "connect syn_spec unknown key": (lambda nest, net: nest.Connect(
        net["n"], net["n"], syn_spec={"foo": 1.0}), False),
    "connect weight string": (lambda nest, net: nest.Connect(
        net["n"], net["n"], syn_spec={"weight": "a"}), False),
    "connect synapse_model not str": (lambda nest, net: nest.Connect(
        net["n"], net["n"], syn_spec={"synapse_model": 3}), False),
    "connect empty": (lambda nest, net: nest.Connect(nest.NodeCollection(), net["n"]), False),
    "connect fails halfway": (lambda nest, net: nest.Connect(
        net["n"][:2] + net["sr"], net["n"], {"rule": "fixed_indegree", "indegree": 4},
        syn_spec={"weight": nest.random.uniform(0.0, 10.0)}), False),
    "connect bad delay in array": (lambda nest, net: nest.Connect(
        net["n"], net["n"], "one_to_one",
        syn_spec={"delay": [1.0, 1.0, 0.01, 1.0, 1.0, 1.0, 1.0, 1.0]}), False),
    "connect array wrong shape": (lambda nest, net: nest.Connect(
        net["n"], net["n"], syn_spec={"weight": np.ones((2, 2))}), False),
    "connect delay beyond frozen max": (lambda nest, net: nest.Connect(
        net["n"], net["n"], syn_spec={"delay": 20.0}), True),
    "connect non-unique arrays": (lambda nest, net: nest.Connect([1, 1], [2, 3]), False),
    "connect arrays unknown node": (lambda nest, net: nest.Connect(
        np.array([1, 2, 3]), np.array([2, 3, 100_000]), "one_to_one"), False),
    "synapses set bad delay": (lambda nest, net: nest.GetConnections().set(delay=0.01), False),
    "synapses set list one bad": (lambda nest, net: nest.GetConnections(source=net["n"][:2]).set(
        delay=[1.0] + [0.01] * 50), False),
    "synapses set unknown": (lambda nest, net: nest.GetConnections().set(foo=1.0), False),
    "synapses set string": (lambda nest, net: nest.GetConnections().set(weight="a"), False),
    "synapses set longer delay after simulate": (lambda nest, net: nest.GetConnections().set(
        delay=30.0), True),
    "disconnect inexistent": (lambda nest, net: nest.Disconnect(net["n"], net["n"]), False),
    "disconnect sizes": (lambda nest, net: nest.Disconnect(net["n"][:2], net["n"][:3]), False),
    "GetConnections unknown model": (lambda nest, net: nest.GetConnections(
        synapse_model="foo"), False),
    # kernel
    "resolution after create": (lambda nest, net: nest.SetKernelStatus({"resolution": 0.2}), False),
    "rng_seed zero": (lambda nest, net: nest.SetKernelStatus({"rng_seed": 0}), False),
    "rng_seed float": (lambda nest, net: nest.SetKernelStatus({"rng_seed": 1.5}), False),
    "min/max delay after connect": (lambda nest, net: nest.SetKernelStatus(
        {"min_delay": 0.1, "max_delay": 5.0}), False),
    "kernel unknown key": (lambda nest, net: nest.SetKernelStatus({"foo": 1}), False),
    "kernel read-only": (lambda nest, net: nest.SetKernelStatus({"network_size": 3}), False),
    "kernel good then bad": (lambda nest, net: nest.SetKernelStatus(
        {"print_time": False, "rng_seed": 0}), False),
    "kernel attribute type": (lambda nest, net: setattr(nest, "print_time", 1), False),
    "simulate off grid": (lambda nest, net: nest.Simulate(10.05), True),
    "simulate negative": (lambda nest, net: nest.Simulate(-1.0), True),
    "simulate string": (lambda nest, net: nest.Simulate("a"), False),
    "run without prepare": (lambda nest, net: nest.Run(10.0), False),
    "cleanup without prepare": (lambda nest, net: nest.Cleanup(), False),
    # node collections
    "nc unsorted": (lambda nest, net: nest.NodeCollection([3, 1]), False),
    "nc slice of sliced": (lambda nest, net: (net["n"] + net["dc"])[::2][0:3], False),
    "nc join overlapping": (lambda nest, net: net["n"][:3] + net["n"][2:], False),
    "nc index out of range": (lambda nest, net: net["n"][100], False),
    # first contact (issue 15): wrong types and directions a new user tries
    "create negative": (lambda nest, net: nest.Create("iaf_psc_delta", -1), False),
    "create record_from string": (lambda nest, net: nest.Create(
        "multimeter", params={"record_from": "V_m"}), False),
    "set record_from string": (lambda nest, net: net["mm_foo"].set(record_from="V_m"), False),
    "set record_from number": (lambda nest, net: net["mm_foo"].set(record_from=3), False),
    "create spike_times string": (lambda nest, net: nest.Create(
        "spike_generator", params={"spike_times": "1,2,3"}), False),
    "connect recorder to neuron": (lambda nest, net: nest.Connect(net["sr"], net["n"]), False),
    "connect neuron to generator": (lambda nest, net: nest.Connect(net["n"], net["dc"]), True),
    "connect neuron to multimeter": (lambda nest, net: nest.Connect(net["n"], net["mm"]), False),
    "connect generator to multimeter": (lambda nest, net: nest.Connect(net["dc"], net["mm"]),
                                        False),
}

# Cases whose bad call needs a legitimate step first (a Create), so the script with the
# call cannot equal the one without it; only the error class is compared.
CLASS_ONLY = set()
if _has("iaf_psc_exp"):
    CASES["connect spike to current receptor"] = (lambda nest, net: nest.Connect(
        net["n"][0], nest.Create("iaf_psc_exp"), syn_spec={"receptor_type": 1}), False)
    CLASS_ONLY.add("connect spike to current receptor")


@pytest.mark.parametrize("name", list(CASES))
def test_error_class(ab, name):
    """NEST's exception class for the call (its message may differ)."""
    bad, simulate_first = CASES[name]

    def scenario(nest):
        net = base(nest, simulate_first)
        return probe(lambda: bad(nest, net))

    ref, got = ab(scenario)
    assert isinstance(ref, Raised), f"NEST accepts {name}: the case is wrong"
    assert_same(ref, got, name)


_clean = {}


def _clean_run(jax_nest, simulate_first):
    if simulate_first not in _clean:
        jax_nest.ResetKernel()
        _clean[simulate_first] = after(jax_nest, base(jax_nest, simulate_first))
    return _clean[simulate_first]


@pytest.mark.parametrize("name", [c for c in CASES if c not in CLASS_ONLY])
def test_no_trace(jax_nest, name):
    """After the refused call, the script runs exactly as if the call had not been made."""
    nest = jax_nest
    bad, simulate_first = CASES[name]
    clean = _clean_run(nest, simulate_first)
    nest.ResetKernel()
    net = base(nest, simulate_first)
    raised = probe(lambda: bad(nest, net))
    assert isinstance(raised, Raised), f"pynest_jax accepts {name}"
    assert_same(clean, after(nest, net), name)


def test_dict_miss_is_error_false_ignores_unknown_keys(ab):
    """With dict_miss_is_error False, keys a model lacks are ignored (NEST warns) and the
    known ones of the same dictionary are applied: SetStatus, Create params, SetDefaults."""
    def scenario(nest):
        nest.set_verbosity("M_FATAL")
        nest.set(dict_miss_is_error=False)
        n = nest.Create("iaf_psc_alpha", 2, params={"I_e": 10.0, "E_K": -40.0})
        n.set({"C_m": 200.0, "g_L": 30.0, "E_Na": 40.0})
        nest.SetStatus(n[1], {"V_m": -60.0, "foo": 1})
        nest.SetDefaults("iaf_psc_delta", {"tau_m": 12.0, "bar": 2.0})
        out = {"n": n.get(["I_e", "C_m", "V_m"]), "defaults": nest.GetDefaults("iaf_psc_delta", "tau_m")}
        nest.set(dict_miss_is_error=True)
        out["raises again"] = probe(lambda: n.set({"E_K": 1.0}))
        return out
    ref, got = ab(scenario)
    assert_same(ref, got)
