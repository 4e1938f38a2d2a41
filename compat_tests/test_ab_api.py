"""A/B: the PyNEST API surface of pynest_jax against real NEST 3.10.

Each scenario runs the same calls on both simulators and records every result,
or the class of the error raised (see ``_ab_compare.probe``). Results must be
identical in value, Python type and printed form; floats exactly (these are
parameter values and ids, no numerics involved) unless a test says otherwise.

Connection listings are compared in order only where NEST's neuron connector
holds fewer than 24 connections: beyond that NEST sorts it with an unstable
sort, and its order among connections of one source is arbitrary.
"""

import numpy as np
import pytest

from _ab_compare import assert_same, assert_same_probes, probe


def _run(ab, scenario, rtol=0.0):
    ref, got = ab(scenario)
    assert_same_probes(ref, got, rtol)
    return ref, got


# --- NodeCollection: structure, indexing, printing ----------------------------------------

def test_nodecollection_indexing_and_printing(ab):
    def scenario(nest):
        n = nest.Create("iaf_psc_delta", 10)
        dc = nest.Create("dc_generator", 2)
        sr = nest.Create("spike_recorder")
        vm = nest.Create("voltmeter")
        m = nest.Create("iaf_psc_delta", 3)
        out = {}
        for label, f in {
            "len": lambda: len(n), "str": lambda: str(n), "repr": lambda: repr(n),
            "n[2]": lambda: n[2], "n[-1]": lambda: n[-1], "n[-10]": lambda: n[-10],
            "n[10]": lambda: n[10], "n[-11]": lambda: n[-11], "n[1.5]": lambda: n[1.5],
            "n[np.int64(3)]": lambda: n[np.int64(3)],
            "n[2:5]": lambda: n[2:5], "n[1:8:3]": lambda: n[1:8:3], "n[::2]": lambda: n[::2],
            "n[::1]": lambda: n[::1], "n[:-1]": lambda: n[:-1], "n[-3:]": lambda: n[-3:],
            "n[3:3]": lambda: n[3:3], "n[0:0]": lambda: n[0:0], "n[5:2]": lambda: n[5:2],
            "n[::-1]": lambda: n[::-1], "n[0:11]": lambda: n[0:11], "n[-12:]": lambda: n[-12:],
            "n[[1,3,5]]": lambda: n[[1, 3, 5]], "n[[1,2,3]]": lambda: n[[1, 2, 3]],
            "n[(0,9)]": lambda: n[(0, 9)], "n[[5,3]]": lambda: n[[5, 3]],
            "n[[1,1]]": lambda: n[[1, 1]], "n[[1,20]]": lambda: n[[1, 20]],
            "n[[]]": lambda: n[[]], "n[[1,'a']]": lambda: n[[1, "a"]],
            "n[mask]": lambda: n[[True, False] * 5], "n[short mask]": lambda: n[[True, False]],
            "n[np mask]": lambda: n[np.arange(10) % 3 == 0],
            "n[np idx]": lambda: n[np.array([0, 4, 5, 6])], "n[np 2d]": lambda: n[np.ones((2, 2), int)],
            "n[np float]": lambda: n[np.array([1.0])],
            "n[np dup]": lambda: n[np.array([2, 2])],
            "dc": lambda: dc, "sr": lambda: sr, "dc[1]": lambda: dc[1],
            "iter": lambda: [str(x) for x in n[:3]], "iter comp": lambda: [str(x) for x in (n[:2] + dc)],
            "list": lambda: list(n[7:]),
            "tolist": lambda: n.tolist(), "tolist empty": lambda: nest.NodeCollection().tolist(),
            "global_id": lambda: n.global_id, "global_id one": lambda: n[4].global_id,
            "array": lambda: np.array(n[:4]), "bool": lambda: bool(n), "len m": lambda: len(m),
            "in": lambda: 3 in n, "not in": lambda: 13 in n, "in comp": lambda: 12 in (n + dc),
            "in sliced": lambda: 2 in n[::2], "in sliced 2": lambda: 3 in n[::2],
            "index": lambda: n.index(4), "index sliced": lambda: n[1::3].index(8),
            "index missing": lambda: n.index(40), "index sliced missing": lambda: n[1::3].index(3),
        }.items():
            out[label] = probe(f)
        return out

    _run(ab, scenario)


def test_nodecollection_joining_and_equality(ab):
    def scenario(nest):
        a = nest.Create("iaf_psc_delta", 5)
        b = nest.Create("dc_generator", 3)
        c = nest.Create("iaf_psc_delta", 4)
        d = nest.Create("spike_recorder", 2)
        out = {}
        for label, f in {
            "a+b": lambda: a + b, "b+a": lambda: b + a, "a+c": lambda: a + c,
            "a[:2]+a[2:]": lambda: a[:2] + a[2:], "a[3:]+a[:3]": lambda: a[3:] + a[:3],
            "a[:2]+a[3:]": lambda: a[:2] + a[3:], "overlap": lambda: a[:3] + a[2:],
            "contained (NEST misses it)": lambda: a[1:3] + a,
            "composite": lambda: a[:3] + b + d, "comp+comp": lambda: (a + b) + (c + d),
            "comp overlap": lambda: (a + b) + (a[2:] + d),
            "comp merge": lambda: (a[:2] + b) + (a[2:] + c),
            "sliced comp": lambda: (a + b + c)[2:9], "sliced comp step": lambda: (a + b + c)[1::2],
            "sliced comp step 3": lambda: (a + b + c + d)[::3],
            "sliced comp from prim": lambda: (a + b + c)[6:8],
            "sliced comp one": lambda: (a + b)[5:6], "slice of sliced": lambda: (a + b)[::2][1:3],
            "slice of sliced one": lambda: (a + b)[::2][1],
            "slice of sliced step": lambda: (a + b)[::2][1:2:2],
            "sliced + x": lambda: (a + b)[::2] + d, "x + sliced": lambda: d + (a + b)[::2],
            "x + sliced prim": lambda: b + a[::2], "sliced prim + x": lambda: a[::2] + b,
            "empty+a": lambda: nest.NodeCollection() + a, "a+empty": lambda: a + nest.NodeCollection(),
            "a+0": lambda: a + 0, "0+a": lambda: 0 + a, "sum": lambda: sum([a, b, c]),
            "a+1": lambda: a + 1, "a+list": lambda: a + [7],
            "eq": lambda: a == a, "eq slice": lambda: a[:3] == a[0:3],
            "eq other prim": lambda: a == c, "eq comp": lambda: (a + b) == (b + a),
            "eq comp vs prim": lambda: (a + b) == a,
            "eq sliced same size (NEST compares parts)": lambda: (a + b)[::2] == (a + b)[1::2],
            "eq nc list": lambda: nest.NodeCollection([1, 2, 3]) == a[:3],
            "ne": lambda: a != c, "eq int": lambda: a == 5, "ne int": lambda: a != 5,
            "hash": lambda: hash(a),
            "from list": lambda: nest.NodeCollection([2, 4, 6]),
            "from list runs": lambda: nest.NodeCollection([1, 2, 3, 6, 7, 8, 9, 10, 14, 15]),
            "from array": lambda: nest.NodeCollection(np.array([3, 5, 6])),
            "from tuple": lambda: nest.NodeCollection((1, 2)),
            "from nc": lambda: nest.NodeCollection(a),
            "unsorted": lambda: nest.NodeCollection([4, 2, 6]),
            "duplicate": lambda: nest.NodeCollection([2, 2, 6]),
            "unknown id": lambda: nest.NodeCollection([2, 100]),
            "empty": lambda: nest.NodeCollection([]), "none": lambda: nest.NodeCollection(),
            "len empty": lambda: len(nest.NodeCollection()),
        }.items():
            out[label] = probe(f)
        return out

    _run(ab, scenario)


def test_nodecollection_get(ab):
    """get() in every form; V_m is simulated, so compared within 1e-9 relative."""
    def scenario(nest):
        n = nest.Create("iaf_psc_delta", 3, params={"I_e": [100.0, 200.0, 300.0]})
        dc = nest.Create("dc_generator", params={"amplitude": 5.0})
        sr = nest.Create("spike_recorder", 2)
        mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
        nest.Connect(n, sr[0])
        nest.Connect(mm, n[:2])
        out = {"before": probe(lambda: sr.get("events"))}
        out["mm events before"] = probe(lambda: mm.get("events"))
        nest.Simulate(25.0)
        comp = n[:2] + dc + sr
        for label, f in {
            "get all one": lambda: n[0].get(), "get all": lambda: n.get(),
            "get V_m": lambda: n.get("V_m"), "get V_m one": lambda: n[1].get("V_m"),
            "get list": lambda: n.get(["V_m", "C_m", "model"]),
            "get list one": lambda: n[0].get(["I_e", "tau_m"]),
            "get tuple": lambda: n.get(("V_th", "E_L")),
            "get 2 args": lambda: n.get("V_m", "C_m"),
            "events": lambda: sr.get("events"), "events one": lambda: sr[0].get("events"),
            "events times": lambda: sr[0].get("events", "times"),
            "events senders multi": lambda: sr.get("events", "senders"),
            "events keys": lambda: sr[0].get("events", ["senders", "times"]),
            "mm events": lambda: mm.get("events"),
            "mm V_m": lambda: mm.get("events", "V_m"),
            "n_events": lambda: sr.get("n_events"),
            "composite V_m": lambda: comp.get("V_m"),
            "composite model": lambda: comp.get("model"),
            "composite list": lambda: comp.get(["amplitude", "global_id"]),
            "composite all keys": lambda: sorted(comp.get().keys()),
            "composite all": lambda: {k: v for k, v in comp.get().items() if k != "events"},
            "missing key": lambda: n.get("foo"), "missing in list": lambda: n.get(["V_m", "foo"]),
            "bad kwarg": lambda: n.get("V_m", form="x"), "bad key type": lambda: n.get(3),
            "empty get": lambda: nest.NodeCollection().get("V_m"),
            "json one key": lambda: n.get("I_e", output="json"),
            "json keys": lambda: n[0].get(["V_m", "C_m"], output="json"),
            "json events": lambda: sr[0].get("events", output="json"),
            "pandas key": lambda: n.get("V_m", output="pandas"),
            "pandas keys": lambda: n.get(["V_m", "C_m"], output="pandas"),
            "pandas one": lambda: n[0].get(["V_m", "C_m"], output="pandas"),
            "pandas one key one node": lambda: n[2].get("I_e", output="pandas"),
            "pandas nested": lambda: sr.get("events", "times", output="pandas"),
            "attr": lambda: n.V_m, "attr one": lambda: n[0].I_e, "attr missing": lambda: n.foo,
            "attr empty": lambda: nest.NodeCollection().V_m, "spatial": lambda: n.spatial,
            "recordables": lambda: n.recordables, "dc recordables": lambda: dc.recordables,
            "GetStatus all": lambda: nest.GetStatus(n[:2]),
            "GetStatus one": lambda: nest.GetStatus(n[0]),
            "GetStatus key": lambda: nest.GetStatus(n, "V_m"),
            "GetStatus key one": lambda: nest.GetStatus(n[0], "V_m"),
            "GetStatus keys": lambda: nest.GetStatus(n, ["V_m", "I_e"]),
            "GetStatus keys one": lambda: nest.GetStatus(n[1], ["V_m", "I_e"]),
            "GetStatus json": lambda: nest.GetStatus(n[:2], "I_e", output="json"),
            "GetStatus empty": lambda: nest.GetStatus(nest.NodeCollection()),
            "GetStatus empty json": lambda: nest.GetStatus(nest.NodeCollection(), output="json"),
        }.items():
            out[label] = probe(f)
        return out

    # V_m after 25 ms of exact integration: the design's 1e-9 relative; ids, times exact.
    _run(ab, scenario, rtol=1e-9)


def test_nodecollection_set(ab):
    def scenario(nest):
        n = nest.Create("iaf_psc_delta", 4)
        sr = nest.Create("spike_recorder")
        out = {}
        steps = [
            ("kwargs", lambda: n.set(V_m=-60.0, C_m=200.0)),
            ("dict", lambda: n.set({"I_e": 10.0})),
            ("per-node list", lambda: n.set(V_m=[-61.0, -62.0, -63.0, -64.0])),
            ("per-node tuple", lambda: n.set({"C_m": (201.0, 202.0, 203.0, 204.0)})),
            ("per-node array", lambda: n.set(I_e=np.array([1.0, 2.0, 3.0, 4.0]))),
            ("longer list (PyNEST takes the first)", lambda: n.set(t_ref=[1.0, 2.0, 3.0, 4.0, 5.0])),
            ("mixed list and scalar", lambda: n.set(V_m=[-50.0, -51.0, -52.0, -53.0], tau_m=12.0)),
            ("list of dicts", lambda: n.set([{"V_m": -40.0}, {"C_m": 100.0}, {}, {"V_m": -41.0}])),
            ("one dict in list", lambda: n.set([{"E_L": -65.0}])),
            ("int value", lambda: n.set(V_m=-60)),
            ("bool for double", lambda: n.set(I_e=True)),
            ("setattr", lambda: setattr(n, "tau_m", 15.0)),
            ("setattr list", lambda: setattr(n, "I_e", [5.0, 6.0, 7.0, 8.0])),
            ("one node list", lambda: n[0].set(V_m=[-70.5])),
            ("slice set", lambda: n[1:3].set(V_m=-55.5)),
            ("SetStatus dict", lambda: nest.SetStatus(n, {"V_reset": -71.0})),
            ("SetStatus list", lambda: nest.SetStatus(n[:2], [{"V_reset": -72.0}, {"V_reset": -73.0}])),
            ("SetStatus key val", lambda: nest.SetStatus(n, "V_min", -90.0)),
            ("SetStatus key list", lambda: nest.SetStatus(n[:2], "V_min", [-91.0, -92.0])),
            ("empty set", lambda: nest.NodeCollection().set(V_m=1.0)),
            ("empty dict", lambda: n.set({})),
            ("recorder label", lambda: sr.set(label="spikes", start=5.0)),
            ("recorder n_events", lambda: sr.set(n_events=0)),
        ]
        for label, f in steps:
            out[label] = probe(f)
            out[label + ": state"] = probe(lambda: n.get(["V_m", "C_m", "I_e", "tau_m", "t_ref",
                                                          "E_L", "V_th", "V_reset", "V_min"]))
        out["sr"] = probe(lambda: sr.get(["label", "start"]))
        return out

    _run(ab, scenario)


def test_create_forms(ab):
    def scenario(nest):
        out = {}
        for label, f in {
            "plain": lambda: nest.Create("iaf_psc_delta"),
            "n": lambda: nest.Create("iaf_psc_delta", 3),
            "n numpy": lambda: nest.Create("iaf_psc_delta", np.int64(2)),
            "n float int": lambda: nest.Create("iaf_psc_delta", 2.0),
            "params dict": lambda: nest.Create("iaf_psc_delta", 2, {"V_m": -60.0}).get("V_m"),
            "params per-node": lambda: nest.Create("iaf_psc_delta", 2,
                                                   params={"V_m": [-61.0, -62.0]}).get("V_m"),
            "params list of dicts": lambda: nest.Create(
                "iaf_psc_delta", 2, [{"V_m": -63.0}, {"C_m": 99.0}]).get(["V_m", "C_m"]),
            "dict as n": lambda: nest.Create("iaf_psc_delta", {"V_m": -64.0}).get("V_m"),
            "recorder": lambda: nest.Create("spike_recorder", params={"start": 1.0}).get("start"),
            "multimeter": lambda: nest.Create("multimeter", params={"record_from": ["V_m"]}).get(
                "record_from"),
            "network_size": lambda: nest.network_size,
        }.items():
            out[label] = probe(f)
        return out

    _run(ab, scenario)


def test_getnodes(ab):
    def scenario(nest):
        nest.Create("iaf_psc_delta", 3, params={"I_e": [0.0, 5.0, 5.0]})
        nest.Create("dc_generator", 2)
        nest.Create("iaf_psc_delta", 2, params={"I_e": 5.0})
        return {
            "all": probe(lambda: nest.GetNodes()),
            "by model": probe(lambda: nest.GetNodes({"model": "iaf_psc_delta"})),
            "by value": probe(lambda: nest.GetNodes({"I_e": 5.0})),
            "by int (type must match)": probe(lambda: nest.GetNodes({"I_e": 5})),
            "none": probe(lambda: nest.GetNodes({"model": "spike_recorder"})),
            "missing key": probe(lambda: nest.GetNodes({"amplitude": 0.0})),
        }

    _run(ab, scenario)


# --- SynapseCollection and GetConnections -------------------------------------------------

def _small_network(nest):
    """At most 23 neuron connections per synapse model: NEST's listing order is exact."""
    n = nest.Create("iaf_psc_delta", 4)
    m = nest.Create("iaf_psc_delta", 2)
    sr = nest.Create("spike_recorder")
    dc = nest.Create("dc_generator")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
    nest.Connect(n, m, syn_spec={"weight": 2.5, "delay": 1.5})
    nest.Connect(m, n[:2], "one_to_one", syn_spec={"weight": [1.0, 2.0]})
    nest.Connect(n[3], n[0])
    nest.Connect(n + m, sr)
    nest.Connect(dc, n[1:3], syn_spec={"weight": 3.0})
    nest.Connect(mm, m)
    nest.Connect(n[0], n[1], syn_spec={"weight": -1.0})
    return n, m, sr, dc, mm


def test_getconnections_order_and_ports(ab):
    keys = ["source", "target", "port", "weight", "delay", "synapse_model"]

    def scenario(nest):
        n, m, sr, dc, mm = _small_network(nest)
        out = {}
        for label, f in {
            "all": lambda: nest.GetConnections().get(keys),
            "source": lambda: nest.GetConnections(source=n[:2]).get(keys),
            "source device": lambda: nest.GetConnections(source=dc + mm).get(keys),
            "target": lambda: nest.GetConnections(target=n[:2]).get(keys),
            "target device": lambda: nest.GetConnections(target=sr).get(keys),
            "target mixed": lambda: nest.GetConnections(target=m + sr).get(keys),
            "source and target": lambda: nest.GetConnections(source=n, target=m + sr).get(keys),
            "source and target devices": lambda: nest.GetConnections(source=dc, target=n).get(keys),
            "model": lambda: nest.GetConnections(synapse_model="static_synapse").get(keys),
            "unknown model": lambda: nest.GetConnections(synapse_model="foo"),
            "no match": lambda: nest.GetConnections(source=sr).get(),
            "bad source type": lambda: nest.GetConnections(source=[1, 2]),
            "num_connections": lambda: nest.num_connections,
        }.items():
            out[label] = probe(f)
        return out

    _run(ab, scenario)


def test_synapsecollection_get_set_print(ab):
    def scenario(nest):
        n, m, sr, dc, mm = _small_network(nest)
        c = nest.GetConnections(target=m)
        one = c[1]
        empty = nest.GetConnections(source=sr)
        out = {}
        for label, f in {
            "len": lambda: len(c), "str": lambda: str(c), "str one": lambda: str(one),
            "str all": lambda: str(nest.GetConnections()),
            "str empty": lambda: str(empty),
            "get": lambda: c.get(), "get one": lambda: one.get(),
            "get key": lambda: c.get("weight"), "get key one": lambda: one.get("weight"),
            "get keys": lambda: c.get(["source", "delay"]), "get keys one": lambda: one.get(["port"]),
            "get missing": lambda: c.get("foo"), "get missing one": lambda: one.get("foo"),
            "get missing in list": lambda: c.get(["foo"]), "get bad type": lambda: c.get(3),
            "json": lambda: c.get(["source", "weight"], output="json"),
            "pandas": lambda: c.get(["source", "weight"], output="pandas"),
            "pandas key": lambda: c.get("weight", output="pandas"),
            "pandas one": lambda: one.get(["target"], output="pandas"),
            "empty get": lambda: empty.get(), "empty get key": lambda: empty.get("weight"),
            "empty json": lambda: empty.get(output="json"),
            "empty pandas": lambda: empty.get(output="pandas"),
            "attr source": lambda: c.source, "attr target one": lambda: one.target,
            "sources": lambda: list(c.sources()), "targets one": lambda: list(one.targets()),
            "iter": lambda: [x.get("port") for x in c], "slice": lambda: c[1:3].get("source"),
            "index -1": lambda: c[-1].get("source"), "index out": lambda: c[20],
            "eq": lambda: c[:2] == c[0:2], "eq other": lambda: c[:2] == c[1:3],
            "eq type": lambda: c == 3,
            "GetStatus": lambda: nest.GetStatus(c[:2]), "GetStatus key": lambda: nest.GetStatus(c, "weight"),
            "GetStatus keys": lambda: nest.GetStatus(c, ["weight", "delay"]),
        }.items():
            out[label] = probe(f)
        for label, f in [
            ("set kwargs", lambda: c.set(weight=3.0)),
            ("set list", lambda: c[:2].set(weight=[4.0, 5.0])),
            ("set dicts", lambda: c[:2].set([{"weight": 6.0}, {"delay": 2.0}])),
            ("set dicts wrong length", lambda: c[:2].set([{"weight": 6.0}])),
            ("set attr", lambda: setattr(c[2], "weight", 9.0)),
            ("set attr list", lambda: setattr(c[:2], "delay", [1.2, 1.3])),
            ("set delay", lambda: c.set(delay=2.5)),
            ("set unknown", lambda: c.set(foo=1.0)),
            ("set source", lambda: c.set(source=2)),
            ("set string", lambda: c.set(weight="a")),
            ("set bool", lambda: c[:1].set(weight=True)),
            ("set int", lambda: c[:1].set(weight=2)),
            ("set numpy", lambda: c[:2].set(weight=np.array([0.5, 0.25]))),
            ("set both", lambda: c.set({"weight": 1.0}, delay=1.0)),
            ("SetStatus", lambda: nest.SetStatus(c[:2], {"weight": 11.0})),
            ("SetStatus key val", lambda: nest.SetStatus(c[:2], "weight", 12.0)),
            ("SetStatus list", lambda: nest.SetStatus(c[:2], [{"weight": 13.0}, {"weight": 14.0}])),
            ("empty set", lambda: empty.set(weight=1.0)),
        ]:
            out[label] = probe(f)
            out[label + ": state"] = probe(lambda: c.get(["weight", "delay"]))
        out["min/max delay"] = probe(lambda: (nest.min_delay, nest.max_delay))
        return out

    _run(ab, scenario)


def test_synapsecollection_long_printing(ab):
    def scenario(nest):
        # 16 neuron connections (NEST's order is exact below 24) and 20 to devices
        n = nest.Create("iaf_psc_delta", 4)
        sr = nest.Create("spike_recorder", 5)
        for i in range(4):
            nest.Connect(n[i], n, syn_spec={"weight": 1.0 + i, "delay": 1.0 + 0.1 * i})
        nest.Connect(n, sr)
        c = nest.GetConnections(target=sr[0])
        c2 = nest.GetConnections()
        out = {"short": probe(lambda: str(c)), "long": probe(lambda: str(c2)),
               "35": probe(lambda: str(c2[:35])), "34": probe(lambda: str(c2[:34]))}
        c2.print_full = True
        out["full"] = probe(lambda: str(c2))
        return out

    _run(ab, scenario)


def test_connect_return_synapsecollection(ab):
    def scenario(nest):
        a = nest.Create("iaf_psc_delta", 3)
        b = nest.Create("iaf_psc_delta", 2)
        nest.Connect(a[0], b[0], syn_spec={"weight": 7.0})
        c = nest.Connect(a, b, "one_to_one" if False else "all_to_all",
                         syn_spec={"weight": 2.0}, return_synapsecollection=True)
        d = nest.Connect(b, a[:2], "one_to_one", return_synapsecollection=True)
        return {"all_to_all": probe(lambda: c.get(["source", "target", "weight", "port"])),
                "one_to_one": probe(lambda: d.get(["source", "target", "port"])),
                "type": probe(lambda: type(c).__name__)}

    _run(ab, scenario)


# --- syn_spec arrays of the rule's shape ---------------------------------------------------

def test_syn_spec_arrays_deterministic_rules(ab):
    def scenario(nest):
        a = nest.Create("iaf_psc_delta", 3)
        b = nest.Create("iaf_psc_delta", 3)
        keys = ["source", "target", "weight", "delay"]
        out = {}
        nest.Connect(a, b, "one_to_one", syn_spec={"weight": [1.5, 2.5, 3.5],
                                                   "delay": np.array([1.0, 2.0, 3.0])})
        out["one_to_one"] = probe(lambda: nest.GetConnections(source=a, target=b).get(keys))
        w = np.arange(9.0).reshape(3, 3) + 0.5
        nest.Connect(b, a, syn_spec={"weight": w, "delay": w * 0 + 1.2})
        out["all_to_all"] = probe(lambda: nest.GetConnections(source=b, target=a).get(keys))
        nest.Connect(a, a, {"rule": "all_to_all", "allow_autapses": False},
                     syn_spec={"weight": -w})
        out["all_to_all no autapses"] = probe(lambda: nest.GetConnections(source=a, target=a)
                                              .get(keys))
        for label, f in {
            "one_to_one wrong length": lambda: nest.Connect(a, b, "one_to_one",
                                                            syn_spec={"weight": [1.0, 2.0]}),
            "all_to_all 1-d": lambda: nest.Connect(a, b, syn_spec={"weight": [1.0, 2.0, 3.0]}),
            "all_to_all wrong shape": lambda: nest.Connect(a, b, syn_spec={"weight": np.ones((2, 3))}),
            "one_to_one 2-d": lambda: nest.Connect(a, b, "one_to_one",
                                                   syn_spec={"weight": np.ones((3, 3))}),
            "fixed_indegree wrong shape": lambda: nest.Connect(
                a, b, {"rule": "fixed_indegree", "indegree": 2}, syn_spec={"weight": np.ones((3, 3))}),
            "fixed_outdegree wrong shape": lambda: nest.Connect(
                a, b, {"rule": "fixed_outdegree", "outdegree": 2}, syn_spec={"delay": np.ones((2, 2))}),
            "pairwise_bernoulli array": lambda: nest.Connect(
                a, b, {"rule": "pairwise_bernoulli", "p": 0.5}, syn_spec={"weight": np.ones((3, 3))}),
            "int array": lambda: nest.Connect(a[0], b[0], "one_to_one", syn_spec={"weight": [3]}),
            "num_connections": lambda: nest.num_connections,
        }.items():
            out[label] = probe(f)
        return out

    _run(ab, scenario)


@pytest.mark.parametrize("rule", ["fixed_indegree", "fixed_outdegree"])
def test_syn_spec_arrays_random_rules(ab, rule):
    """Sources (targets) are random, so compare per target (source) the weights and delays,
    in connection-creation order, which is the row of the given matrix."""
    def scenario(nest):
        pre = nest.Create("iaf_psc_delta", 6)
        post = nest.Create("iaf_psc_delta", 4)
        k = 3
        rows = len(post) if rule == "fixed_indegree" else len(pre)
        w = (np.arange(rows * k, dtype=float).reshape(rows, k) + 1.0) * 0.25
        d = 1.0 + np.arange(rows * k).reshape(rows, k) % 4 * 0.5
        key = "indegree" if rule == "fixed_indegree" else "outdegree"
        nest.Connect(pre, post, {"rule": rule, key: k}, syn_spec={"weight": w, "delay": d})
        c = nest.GetConnections()
        by = "target" if rule == "fixed_indegree" else "source"
        owner = np.array(c.get(by))
        weights, delays = np.array(c.get("weight")), np.array(c.get("delay"))
        return {"per owner": {int(o): sorted(zip(weights[owner == o].tolist(),
                                                 delays[owner == o].tolist()))
                              for o in np.unique(owner)},
                "count": len(c)}

    _run(ab, scenario)


# --- models -------------------------------------------------------------------------------

def test_defaults_and_copies(ab):
    def scenario(nest):
        out = {}
        steps = [
            ("gd key", lambda: nest.GetDefaults("iaf_psc_delta", "V_th")),
            ("gd keys", lambda: nest.GetDefaults("iaf_psc_delta", ["V_th", "C_m"])),
            ("gd tuple keys", lambda: nest.GetDefaults("iaf_psc_delta", ("tau_m",))),
            ("gd json", lambda: nest.GetDefaults("iaf_psc_delta", "V_th", output="json")),
            ("gd missing key", lambda: nest.GetDefaults("iaf_psc_delta", "foo")),
            ("gd unknown model", lambda: nest.GetDefaults("foo")),
            ("gd synapse", lambda: nest.GetDefaults("static_synapse")),
            ("sd E_L moves V_th", lambda: nest.SetDefaults("iaf_psc_delta", {"E_L": -60.0})),
            ("after E_L", lambda: nest.GetDefaults("iaf_psc_delta", ["E_L", "V_th", "V_reset",
                                                                     "V_m", "V_min"])),
            ("sd E_L and V_th", lambda: nest.SetDefaults("iaf_psc_delta", {"E_L": -65.0,
                                                                           "V_th": -52.0})),
            ("after both", lambda: nest.GetDefaults("iaf_psc_delta", ["E_L", "V_th", "V_reset"])),
            ("sd key val", lambda: nest.SetDefaults("iaf_psc_delta", "C_m", 200.0)),
            ("sd list value", lambda: nest.SetDefaults("iaf_psc_delta", {"C_m": [1.0, 2.0]})),
            ("sd not dict", lambda: nest.SetDefaults("iaf_psc_delta", 3)),
            ("sd unknown key", lambda: nest.SetDefaults("iaf_psc_delta", {"foo": 1.0})),
            ("sd bad value", lambda: nest.SetDefaults("iaf_psc_delta", {"C_m": -1.0})),
            ("sd bad type", lambda: nest.SetDefaults("iaf_psc_delta", {"C_m": "x"})),
            ("sd unknown model", lambda: nest.SetDefaults("foo", {"C_m": 1.0})),
            ("after errors", lambda: nest.GetDefaults("iaf_psc_delta", ["C_m", "E_L"])),
            ("copy", lambda: nest.CopyModel("iaf_psc_delta", "my_iaf", {"tau_m": 20.0})),
            ("copy defaults", lambda: {k: v for k, v in nest.GetDefaults("my_iaf").items()
                                       if k != "elementsize"}),
            ("copy again", lambda: nest.CopyModel("iaf_psc_delta", "my_iaf")),
            ("copy onto synapse name", lambda: nest.CopyModel("iaf_psc_delta", "static_synapse")),
            ("copy unknown", lambda: nest.CopyModel("foo", "bar")),
            ("copy no params", lambda: nest.CopyModel("my_iaf", "my_iaf_2")),
            ("copy of copy", lambda: nest.GetDefaults("my_iaf_2", ["tau_m", "model", "type_id",
                                                                   "model_id"])),
            ("sd on copy", lambda: nest.SetDefaults("my_iaf", {"E_L": -50.0})),
            ("copy after sd", lambda: nest.GetDefaults("my_iaf", ["E_L", "V_th"])),
            ("base after sd on copy", lambda: nest.GetDefaults("iaf_psc_delta", ["E_L", "V_th"])),
            ("copy syn", lambda: nest.CopyModel("static_synapse", "my_syn",
                                                {"weight": 3.0, "delay": 2.0})),
            ("copy syn defaults", lambda: nest.GetDefaults("my_syn")),
            ("sd syn", lambda: nest.SetDefaults("static_synapse", {"weight": 2.0})),
            ("sd syn int", lambda: nest.SetDefaults("static_synapse", {"weight": 2})),
            ("sd syn delay too small", lambda: nest.SetDefaults("static_synapse", {"delay": 0.01})),
            ("sd syn unknown", lambda: nest.SetDefaults("static_synapse", {"foo": 2.0})),
            ("sd syn read-only", lambda: nest.SetDefaults("static_synapse", {"num_connections": 2})),
            ("syn after", lambda: nest.GetDefaults("static_synapse", ["weight", "delay"])),
            ("node_models has copies", lambda: [m for m in nest.node_models if m.startswith("my_")]),
            ("synapse_models has copy", lambda: "my_syn" in nest.synapse_models),
        ]
        for label, f in steps:
            out[label] = probe(f)
        a = nest.Create("my_iaf", 2)
        b = nest.Create("iaf_psc_delta", 2)
        out["nodes of copy"] = probe(lambda: a.get(["tau_m", "model", "model_id", "E_L", "V_th",
                                                    "C_m"]))
        out["nodes of base"] = probe(lambda: b.get(["tau_m", "model", "E_L", "V_th", "C_m"]))
        out["printed"] = probe(lambda: str(a + b))
        nest.Connect(a, b, syn_spec="my_syn")
        nest.Connect(a, b)
        out["connections"] = probe(lambda: nest.GetConnections().get(
            ["source", "target", "synapse_model", "synapse_id", "weight", "delay", "port"]))
        out["by copied model"] = probe(lambda: len(nest.GetConnections(synapse_model="my_syn")))
        out["num_connections of model"] = probe(lambda: nest.GetDefaults("my_syn",
                                                                         "num_connections"))
        out["instantiations"] = probe(lambda: nest.GetDefaults("my_iaf", "instantiations"))
        out["resolution after sd"] = probe(lambda: nest.SetKernelStatus({"resolution": 0.2}))
        return out

    _run(ab, scenario)


@pytest.mark.parametrize("change", ["SetDefaults", "SetDefaults synapse", "CopyModel",
                                    "CopyModel synapse"])
def test_resolution_refused_after_model_changes(ab, change):
    def scenario(nest):
        {"SetDefaults": lambda: nest.SetDefaults("iaf_psc_delta", {"C_m": 200.0}),
         "SetDefaults synapse": lambda: nest.SetDefaults("static_synapse", {"weight": 2.0}),
         "CopyModel": lambda: nest.CopyModel("iaf_psc_delta", "other_iaf"),
         "CopyModel synapse": lambda: nest.CopyModel("static_synapse", "other_syn")}[change]()
        return {"set": probe(lambda: nest.SetKernelStatus({"resolution": 0.2})),
                "threads": probe(lambda: nest.SetKernelStatus({"local_num_threads": 2})),
                "after": probe(lambda: (nest.resolution, nest.local_num_threads))}

    _run(ab, scenario)


def test_synapse_default_delay_on_the_grid(ab):
    """The default delay reads back rounded to the grid, as a connection's does."""
    def scenario(nest):
        nest.SetKernelStatus({"resolution": 0.1, "min_delay": 2.1, "max_delay": 12.3})
        nest.resolution = 1.0
        out = {"extrema": (nest.min_delay, nest.max_delay)}
        nest.SetDefaults("static_synapse", {"delay": 3.5})
        out["default"] = nest.GetDefaults("static_synapse", "delay")
        nest.CopyModel("static_synapse", "s2", {"delay": 4.4})
        out["copy"] = nest.GetDefaults("s2", "delay")
        return out

    _run(ab, scenario)


# --- kernel status and attributes ----------------------------------------------------------

# Keys whose values describe the build, the machine or MPI buffers (which NEST grows as a
# process runs and does not shrink at ResetKernel), not the simulation.
_MACHINE_KEYS = {"build_info", "memory_size", "node_models", "synapse_models",
                 "time_simulate", "time_simulate_cpu", "buffer_size_target_data",
                 "buffer_size_spike_data"}
# Keys pynest_jax adds to the kernel status (documented in pynest_jax/kernel/attributes.py).
_OUR_KEYS = {"compiles_last_run"}


def test_kernel_status(ab):
    def scenario(nest):
        nest.verbosity = nest.VerbosityLevel.ERROR
        # data_path outlives ResetKernel and cannot be set to '' (NEST refuses it, logging)
        nest.set(data_path="", data_prefix="")
        out = {}
        ks = nest.GetKernelStatus()
        out["keys"] = sorted(k for k in ks if k not in _OUR_KEYS)
        out["values"] = {k: v for k, v in ks.items() if k not in _MACHINE_KEYS | _OUR_KEYS}
        out["models subset"] = probe(lambda: set(nest.node_models) <= set(ks["node_models"]))
        for a in ["resolution", "rng_seed", "biological_time", "min_delay", "max_delay",
                  "local_num_threads", "print_time", "overwrite_files", "data_path", "data_prefix",
                  "network_size", "num_connections", "verbosity", "rng_type", "tics_per_ms",
                  "ms_per_tic", "tics_per_step", "T_max", "T_min", "connection_rules",
                  "keep_source_table", "total_num_virtual_procs", "local_spike_counter",
                  "max_update_time", "dict_miss_is_error", "num_processes", "off_grid_spiking",
                  "to_do", "kernel_status_type", "time_simulate", "prepared", "mpi_rank",
                  "cycle_time_log"]:
            out["attr " + a] = probe(lambda: getattr(nest, a) if a != "kernel_status_type"
                                     else type(nest.kernel_status).__name__)
        for label, f in {
            "get": lambda: nest.get("resolution"), "get2": lambda: nest.get("resolution", "rng_seed"),
            "get list": lambda: nest.get(["resolution", "rng_seed"]),
            "GKS str": lambda: nest.GetKernelStatus("num_connections"),
            "GKS list": lambda: nest.GetKernelStatus(["resolution", "rng_seed"]),
            "GKS missing": lambda: nest.GetKernelStatus("foo"),
            "GKS bad type": lambda: nest.GetKernelStatus(3),
            "attr missing": lambda: nest.foo,
            "set": lambda: nest.set(resolution=0.2, rng_seed=3),
            "after set": lambda: (nest.resolution, nest.rng_seed, nest.tics_per_step,
                                  nest.min_delay, nest.max_delay),
            "set unknown": lambda: nest.set(foo=1), "set read-only": lambda: nest.set(network_size=1),
            "setattr read-only": lambda: setattr(nest, "network_size", 1),
            "setattr unknown": lambda: setattr(nest, "foo_bar", 1),
            "SKS unknown": lambda: nest.SetKernelStatus({"foo": 1}),
            "SKS unknown not error": lambda: nest.SetKernelStatus({"foo": 1,
                                                                   "dict_miss_is_error": False}),
            "SKS read-only": lambda: nest.SetKernelStatus({"network_size": 1}),
            "resolution 0": lambda: nest.SetKernelStatus({"resolution": 0.0}),
            "resolution negative": lambda: nest.SetKernelStatus({"resolution": -0.1}),
            "resolution below tic": lambda: nest.SetKernelStatus({"resolution": 0.0001}),
            "resolution off tics": lambda: nest.SetKernelStatus({"resolution": 0.00015}),
            "resolution int": lambda: nest.SetKernelStatus({"resolution": 1}),
            "after int": lambda: nest.resolution,
            "resolution str": lambda: nest.SetKernelStatus({"resolution": "a"}),
            "tics_per_ms float": lambda: nest.SetKernelStatus({"tics_per_ms": 100.0}),
            "tics_per_ms alone": lambda: nest.SetKernelStatus({"tics_per_ms": 100}),
            "tics_per_ms with resolution": lambda: nest.SetKernelStatus(
                {"tics_per_ms": 10000, "resolution": 0.05}),
            "after tics": lambda: (nest.tics_per_ms, nest.ms_per_tic, nest.tics_per_step,
                                   nest.resolution),
            "back": lambda: nest.SetKernelStatus({"tics_per_ms": 1000, "resolution": 0.1}),
            "seed negative": lambda: nest.SetKernelStatus({"rng_seed": -1}),
            "seed 0": lambda: nest.SetKernelStatus({"rng_seed": 0}),
            "seed 2**32": lambda: nest.SetKernelStatus({"rng_seed": 2 ** 32}),
            "seed 2**32-1": lambda: nest.SetKernelStatus({"rng_seed": 2 ** 32 - 1}),
            "seed float": lambda: nest.SetKernelStatus({"rng_seed": 1.5}),
            "after seeds": lambda: nest.rng_seed,
            "rng_type": lambda: nest.SetKernelStatus({"rng_type": "Philox_32"}),
            "rng_type bad": lambda: nest.SetKernelStatus({"rng_type": "foo"}),
            "after rng_type": lambda: nest.rng_type,
            "threads same": lambda: nest.SetKernelStatus({"local_num_threads": 1}),
            "print_time int": lambda: nest.SetKernelStatus({"print_time": 1}),
            "print_time": lambda: setattr(nest, "print_time", False),
            "overwrite_files": lambda: setattr(nest, "overwrite_files", True),
            "data_path ok": lambda: nest.SetKernelStatus({"data_path": "/tmp"}),
            "data_prefix": lambda: setattr(nest, "data_prefix", "run_"),
            "after paths": lambda: (nest.data_path, nest.data_prefix, nest.overwrite_files),
            "verbosity": lambda: setattr(nest, "verbosity", nest.VerbosityLevel.WARNING),
            "after verbosity": lambda: nest.verbosity,
            "verbosity int": lambda: setattr(nest, "verbosity", 20),
            "biological_time 0": lambda: nest.SetKernelStatus({"biological_time": 0.0}),
            "biological_time 1": lambda: nest.SetKernelStatus({"biological_time": 1.0}),
            "min_delay only": lambda: nest.SetKernelStatus({"min_delay": 0.5}),
            "min>max": lambda: nest.SetKernelStatus({"min_delay": 5.0, "max_delay": 3.0}),
            "min<res": lambda: nest.SetKernelStatus({"min_delay": 0.05, "max_delay": 3.0}),
            "min/max": lambda: nest.SetKernelStatus({"min_delay": 0.55, "max_delay": 3.04}),
            "after min/max": lambda: (nest.min_delay, nest.max_delay),
        }.items():
            out[label] = probe(f)
        nest.verbosity = nest.VerbosityLevel.ERROR
        nest.set(data_path="", data_prefix="")
        return out

    _run(ab, scenario)


def test_kernel_status_tracks_the_network(ab):
    def scenario(nest):
        out = {"initial": probe(lambda: (nest.network_size, nest.num_connections,
                                         nest.biological_time, nest.min_delay, nest.max_delay))}
        n = nest.Create("iaf_psc_delta", 5)
        sr = nest.Create("spike_recorder")
        out["after create"] = probe(lambda: (nest.network_size, nest.num_connections))
        out["resolution after create"] = probe(lambda: nest.SetKernelStatus({"resolution": 0.2}))
        out["threads after create"] = probe(lambda: nest.SetKernelStatus({"local_num_threads": 2}))
        nest.Connect(n, n, {"rule": "fixed_indegree", "indegree": 2},
                     syn_spec={"delay": 2.8, "weight": nest.random.uniform(1.0, 3.0)})
        nest.Connect(n, sr, syn_spec={"delay": 0.5})
        out["after connect"] = probe(lambda: (nest.num_connections, nest.min_delay,
                                              nest.max_delay, nest.network_size))
        out["min/max after connect"] = probe(lambda: nest.SetKernelStatus(
            {"min_delay": 0.1, "max_delay": 5.0}))
        nest.Simulate(12.3)
        out["after simulate"] = probe(lambda: (nest.biological_time, nest.min_delay, nest.max_delay,
                                               nest.prepared if hasattr(nest, "prepared") else None))
        out["resolution after simulate"] = probe(lambda: nest.SetKernelStatus({"resolution": 0.1}))
        out["longer delay after simulate"] = probe(lambda: nest.Connect(
            n[0], n[1], syn_spec={"delay": 10.0}))
        out["shorter delay after simulate"] = probe(lambda: nest.Connect(
            n[0], n[1], syn_spec={"delay": 0.2}))
        out["count"] = probe(lambda: nest.num_connections)
        nest.Simulate(5.0)
        out["after second"] = probe(lambda: nest.biological_time)
        nest.ResetKernel()
        out["after reset"] = probe(lambda: (nest.network_size, nest.num_connections,
                                            nest.biological_time, nest.min_delay, nest.max_delay,
                                            nest.resolution, nest.rng_seed))
        return out

    _run(ab, scenario)


# --- simulation control ------------------------------------------------------------------

def _driven(nest):
    n = nest.Create("iaf_psc_delta", 3, params={"I_e": [380.0, 420.0, 500.0]})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Connect(n[2], n[0], syn_spec={"weight": 5.0})
    return n, sr


def test_run_prepare_cleanup(ab):
    def scenario(nest):
        n, sr = _driven(nest)
        out = {}
        out["run without prepare"] = probe(lambda: nest.Run(10.0))
        nest.Prepare()
        out["prepare twice"] = probe(lambda: nest.Prepare())
        out["simulate inside prepare"] = probe(lambda: nest.Simulate(1.0))
        nest.Run(10.0)
        nest.Run(15.0)
        out["set inside"] = probe(lambda: n[1].set(I_e=300.0))
        nest.Run(10.0)
        nest.Cleanup()
        with nest.RunManager():
            for _ in range(3):
                nest.Run(5.0)
        out["time"] = probe(lambda: nest.biological_time)
        out["cleanup twice"] = probe(lambda: nest.Cleanup())
        nest.Simulate(0.0)
        out["simulate 0"] = probe(lambda: nest.biological_time)
        out["events"] = probe(lambda: sr.get("events"))
        return out

    _run(ab, scenario)


def test_reset_kernel_invalidates(ab):
    def scenario(nest):
        n = nest.Create("iaf_psc_delta", 4)
        nest.CopyModel("iaf_psc_delta", "x_iaf")
        nest.Connect(n, n)
        c = nest.GetConnections()
        nest.SetKernelStatus({"rng_seed": 12})
        nest.ResetKernel()
        m = nest.Create("iaf_psc_delta", 2)
        return {"old join": probe(lambda: n + m), "old slice": probe(lambda: n[1:3]),
                "old len": probe(lambda: len(n)), "copy gone": probe(lambda: "x_iaf" in nest.node_models),
                "old conns get": probe(lambda: c.get()), "seed": probe(lambda: nest.rng_seed),
                "new": probe(lambda: m), "conns": probe(lambda: nest.num_connections)}

    _run(ab, scenario)


# --- Disconnect ----------------------------------------------------------------------------

def test_disconnect(ab):
    keys = ["source", "target", "weight", "port"]

    def scenario(nest):
        a = nest.Create("iaf_psc_delta", 3)
        b = nest.Create("iaf_psc_delta", 3)
        nest.Connect(a, b, syn_spec={"weight": 2.0})
        nest.Connect(a, b, "one_to_one", syn_spec={"weight": 3.0})  # multapses
        out = {"before": probe(lambda: nest.GetConnections().get(keys))}
        out["one_to_one"] = probe(lambda: nest.Disconnect(a, b))
        out["after one_to_one"] = probe(lambda: nest.GetConnections().get(keys))
        out["all_to_all"] = probe(lambda: nest.Disconnect(a[:2], b[1:], conn_spec="all_to_all"))
        out["after all_to_all"] = probe(lambda: nest.GetConnections().get(keys))
        out["inexistent"] = probe(lambda: nest.Disconnect(a[0], b[1]))
        out["wrong sizes"] = probe(lambda: nest.Disconnect(a, b[:2]))
        out["unknown rule"] = probe(lambda: nest.Disconnect(a, b, conn_spec="foo"))
        out["unsupported rule"] = probe(lambda: nest.Disconnect(
            a, b, conn_spec={"rule": "fixed_indegree", "indegree": 1}))
        out["unknown synapse"] = probe(lambda: nest.Disconnect(a, b, syn_spec="foo"))
        out["three args"] = probe(lambda: nest.Disconnect(a, b, "one_to_one"))
        out["after errors"] = probe(lambda: nest.GetConnections().get(keys))
        c = nest.GetConnections(source=a[2])
        out["sc"] = probe(lambda: nest.Disconnect(c[:1]))
        out["sc with spec"] = probe(lambda: nest.Disconnect(c, conn_spec="one_to_one"))
        out["sc method"] = probe(lambda: nest.GetConnections(source=a[1], target=b[0]).disconnect())
        out["after sc"] = probe(lambda: nest.GetConnections().get(keys))
        out["count"] = probe(lambda: nest.num_connections)
        return out

    _run(ab, scenario)


def test_disconnect_then_simulate(ab):
    """Spikes after Disconnect: exactly NEST's (a removed connection delivers nothing)."""
    def scenario(nest):
        n = nest.Create("iaf_psc_delta", 4, params={"I_e": [450.0, 0.0, 0.0, 0.0]})
        sr = nest.Create("spike_recorder")
        nest.Connect(n[0], n[1:], syn_spec={"weight": 20.0})
        nest.Connect(n, sr)
        nest.Simulate(30.0)
        nest.Disconnect(n[0], n[2], conn_spec="one_to_one")
        nest.Simulate(30.0)
        return sr.get("events")

    ref, got = ab(scenario)
    assert len(ref["times"]) > 5
    assert_same(ref, got)


def test_multimeter_without_record_from(ab):
    """A multimeter with nothing to record runs and records nothing (NEST ticket 349)."""
    def scenario(nest):
        mm = nest.Create("multimeter", params={"record_from": []})
        n = nest.Create("iaf_psc_delta")
        nest.Connect(mm, n)
        nest.Simulate(10.0)
        return {"events": mm.get("events"), "port": nest.GetConnections().get("receptor")}

    _run(ab, scenario)


def test_recorder_events_keys(ab):
    """Empty events show senders and times; after a Prepare also the recorded values (and
    offsets with time_in_steps), and they keep them when cleared with n_events = 0."""
    def scenario(nest):
        n = nest.Create("iaf_psc_delta")
        vm = nest.Create("voltmeter", params={"interval": 1.0, "start": 100.0})
        mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
        sr = nest.Create("spike_recorder", params={"time_in_steps": True})
        nest.Connect(vm, n)
        out = {"before": (vm.events, mm.events, sr.events)}
        nest.Simulate(10.5)
        out["after empty run"] = (vm.events, mm.events, sr.events)
        vm.set(start=0.0)
        nest.Simulate(3.0)
        out["recorded"] = (vm.events, vm.n_events)
        vm.set(n_events=0)
        out["cleared"] = (vm.events, vm.n_events)
        later = nest.Create("multimeter", params={"record_from": ["V_m"]})
        out["created after"] = later.events
        return out

    _run(ab, scenario)


def test_waveform_relaxation_settings(ab):
    def scenario(nest):
        out = {}
        for label, f in {
            "defaults": lambda: (nest.use_wfr, nest.wfr_comm_interval, nest.wfr_tol,
                                 nest.wfr_max_iterations, nest.wfr_interpolation_order),
            "interval below resolution": lambda: nest.set(resolution=0.1, wfr_comm_interval=0.05),
            # (NEST applies use_wfr=False before refusing the interval; pynest_jax neither)
            "interval without wfr": lambda: nest.set(use_wfr=False, wfr_comm_interval=0.5),
            "set": lambda: nest.set(use_wfr=True, wfr_comm_interval=0.5),
            "disable": lambda: nest.set(resolution=0.1, use_wfr=False),
            "follows resolution": lambda: (nest.wfr_comm_interval, nest.resolution),
            "new resolution": lambda: nest.set(resolution=0.2),
            "follows again": lambda: nest.wfr_comm_interval,
            "negative tol": lambda: nest.set(wfr_tol=-1.0),
            "after create": lambda: (nest.Create("iaf_psc_delta"), nest.set(use_wfr=True)),
        }.items():
            out[label] = probe(f)
        return out

    _run(ab, scenario)


def test_parallel_computing_functions(ab):
    """hl_api_parallel_computing for one process: one rank, rank 0, a virtual process per
    thread, every node local (with NEST's warning)."""
    import warnings

    def run(nest):
        nest.local_num_threads = 3
        n = nest.Create("iaf_psc_alpha", 5)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            local = nest.GetLocalNodeCollection(n)
        nest.SyncProcesses()
        try:
            nest.SetAcceptableLatency("port", 1.0)
            music = "accepted"
        except NotImplementedError:
            music = "NotImplementedError"
        return (nest.NumProcesses(), nest.Rank(), list(nest.GetLocalVPs()), local.tolist(),
                any("inherently unsafe" in str(w.message) for w in caught), music)

    ref, got = ab(run)
    assert ref == got
