"""A/B: the calls PyNEST-based tools make besides the core API: Install, message,
PrintNodes, CollocatedSynapses and ll_api, against real NEST 3.10.

Where NEST refuses a CollocatedSynapses part way (an error in the second spec), it
keeps the connections the first spec made; pynest_jax keeps none (a refused call
changes nothing, the house rule). The error class and message are NEST's.
"""

import re

import numpy as np

from _ab_compare import assert_same, probe


def _error(fn):
    """(class name, message) of what fn raises, or ('ok', result)."""
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - the class and message are what is compared
        return (type(e).__name__, str(e))


def test_install_refuses_modules_as_nest_does(ab):
    def scenario(nest):
        out = [_error(lambda: nest.Install("pynn_extensions")), _error(lambda: nest.Install("")),
               _error(lambda: nest.Install("mymodule"))]
        nest.Create("iaf_psc_alpha")
        out.append(_error(lambda: nest.Install("pynn_extensions")))
        nest.ResetKernel()
        out.append(_error(lambda: nest.Install("pynn_extensions")))
        out.append(isinstance(_raised(lambda: nest.Install("x")), nest.NESTError))
        out.append(isinstance(_raised(lambda: nest.Install("x")),
                              nest.NESTErrors.DynamicModuleManagementError))
        return out

    ref, got = ab(scenario)
    assert got == ref


def _raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return e
    return None


_STAMP = re.compile(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def test_message_levels_streams_and_locations(ab, capfd):
    """What is shown from which verbosity, on stdout or stderr, with the caller's place at
    DEBUG and below; the time stamp is masked."""

    def scenario(nest):
        V = nest.VerbosityLevel
        before = nest.verbosity
        capfd.readouterr()
        try:
            nest.verbosity = V.INFO
            nest.message("at info")
            nest.message("a warning", V.WARNING)
            nest.message("debug, hidden", V.DEBUG)
            nest.message("odd level", 25)
            nest.message("two\nlines", V.ERROR)
            nest.message("given place", function="f", filename="file.py", lineno=7)
            nest.verbosity = V.ALL
            for level in (0, 5, 7, 10, 15, 18, 20, 30, 40, 100, 6):
                nest.message(f"level {level}", level)
            nest.message("given place", function="f", filename="file.py", lineno=7)
            nest.message("given function", function="f")
            nest.verbosity = V.QUIET
            nest.message("fatal, hidden", V.FATAL)
            nest.message("quiet, shown", V.QUIET)
            refused = probe(lambda: nest.message(3))
        finally:
            nest.verbosity = before
        out, err = capfd.readouterr()
        out = [line for line in out.splitlines() if line.startswith("[") or line == "lines"]
        return _STAMP.sub("[TIME", "\n".join(out)), _STAMP.sub("[TIME", err), refused

    ref, got = ab(scenario)
    assert ref[0].count("\n") >= 10 and "[Undefined (25)]" in ref[1]
    assert_same(ref, got)


def test_print_nodes(ab, capfd):
    def scenario(nest):
        capfd.readouterr()
        nest.PrintNodes()
        nest.Create("iaf_psc_alpha", 9)
        nest.Create("parrot_neuron")
        nest.Create("iaf_psc_alpha", 95)
        nest.Create("spike_recorder")
        nest.Create("iaf_psc_alpha")
        nest.Create("iaf_psc_alpha", 2)
        nest.CopyModel("iaf_psc_alpha", "my_iaf")
        nest.Create("my_iaf", 2)
        nest.PrintNodes()
        return capfd.readouterr().out

    ref, got = ab(scenario)
    assert got == ref


def test_ll_api_as_nest_3_10_has_it(ab):
    """No SLI in NEST 3.10: PyNN's `nest.ll_api.sr('clear')` meets an AttributeError,
    which it catches; the rest of ll_api that tools may touch is there."""

    def scenario(nest):
        ll = nest.ll_api
        return [hasattr(ll, "sr"), hasattr(ll, "sli_func"), hasattr(ll, "sps"), ll.initialized,
                _error(lambda: ll.init([]))[0], hasattr(ll, "KernelAttribute"),
                _error(lambda: ll.set_communicator(None))]

    ref, got = ab(scenario)
    assert got == ref


def _connections(nest, *args, **kwargs):
    conns = nest.GetConnections(*args, **kwargs)
    return conns.get(["source", "target", "weight", "delay", "port", "synapse_model"]) if len(conns) else {}


def test_collocated_synapses_listing(ab):
    """Each pair gets one connection per spec, pair by pair, in the specs' order: the
    listing, ports and values equal NEST's. Each Connect uses a synapse model of its own,
    so that no connector holds 24 connections (beyond that NEST's sort scrambles the
    order among one source's connections)."""

    def scenario(nest):
        a = nest.Create("iaf_psc_alpha", 3)
        c = nest.Create("iaf_psc_alpha", 2)
        cs = nest.CollocatedSynapses({"weight": 4.0, "delay": 1.5},
                                     {"synapse_model": "static_synapse", "weight": 2.0},
                                     {"weight": -1.0, "receptor_type": 0})
        out = {"len": len(cs), "specs": cs.syn_specs}
        nest.Connect(a, c, "all_to_all", cs)
        nest.Connect(a[:2], c, "one_to_one", nest.CollocatedSynapses(
            {"synapse_model": "tsodyks2_synapse", "weight": [1.0, 2.0]},
            {"synapse_model": "tsodyks2_synapse", "weight": 3.0, "U": 0.3}))
        nest.Connect(a, c, "all_to_all", nest.CollocatedSynapses(
            {"synapse_model": "stdp_synapse", "weight": np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])},
            {"synapse_model": "stdp_synapse", "delay": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}))
        nest.Connect(a, c, "all_to_all", nest.CollocatedSynapses())
        out["returned"] = nest.Connect(c, a[0], "all_to_all", nest.CollocatedSynapses(
            {"synapse_model": "static_synapse_lbl"}, {"synapse_model": "stdp_synapse_lbl", "weight": 7.0}),
            return_synapsecollection=True).get()
        out["all"] = _connections(nest, a + c, a + c)
        out["num_connections"] = nest.num_connections
        out["delays"] = (nest.min_delay, nest.max_delay)
        return out

    ref, got = ab(scenario)
    assert_same(ref, got)


def test_collocated_synapses_random_rule(ab):
    """fixed_indegree draws sources at random: per target, as many connections as NEST
    makes, each drawn pair with both specs one after the other."""

    def scenario(nest):
        a = nest.Create("iaf_psc_alpha", 5)
        c = nest.Create("iaf_psc_alpha", 2)
        nest.Connect(a, c, {"rule": "fixed_indegree", "indegree": 3},
                     nest.CollocatedSynapses({"weight": 1.0}, {"weight": 2.0, "delay": 3.0}))
        conns = nest.GetConnections(a, c).get(["source", "target", "weight", "delay"])
        pairs = list(zip(conns["source"], conns["target"]))
        out = {"n": len(pairs), "per target": [conns["target"].count(t) for t in c.tolist()],
               "weights": sorted(conns["weight"]), "delays": (nest.min_delay, nest.max_delay)}
        # per source, the connections alternate between the two specs
        out["alternate"] = all(conns["weight"][i:i + 2] == [1.0, 2.0] and pairs[i] == pairs[i + 1]
                               for i in range(0, len(pairs), 2))
        return out

    ref, got = ab(scenario)
    assert ref["alternate"]
    assert got == ref


def test_collocated_plastic_and_static_in_a_run(ab):
    """A static and two stdp_synapse specs per pair: the static ones drive the target, the
    plastic weights change; spikes, V_m and weights equal NEST's."""

    def scenario(nest):
        nest.resolution = 0.1
        sg = nest.Create("spike_generator", params={"spike_times": [2.0, 9.0, 15.0, 15.5, 30.0, 41.0]})
        parrots = nest.Create("parrot_neuron", 2)
        post = nest.Create("iaf_psc_alpha", 2, params={"I_e": 300.0})
        sr = nest.Create("spike_recorder")
        mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
        nest.Connect(sg, parrots)
        nest.Connect(parrots, post, "one_to_one", nest.CollocatedSynapses(
            {"weight": 400.0, "delay": 1.0},
            {"synapse_model": "stdp_synapse", "weight": 50.0, "delay": 2.0},
            {"synapse_model": "stdp_synapse", "weight": 80.0, "alpha": 0.5, "delay": 1.0}))
        nest.Connect(post, sr)
        nest.Connect(mm, post)
        listed = _connections(nest, parrots)
        nest.Simulate(25.0)
        nest.Simulate(25.0)
        return {"listed": listed, "after": _connections(nest, parrots), "spikes": sr.get("events"),
                "V_m": mm.get("events")}

    ref, got = ab(scenario)
    assert len(ref["spikes"]["times"]) >= 3
    assert ref["after"]["weight"] != ref["listed"]["weight"]
    assert_same({k: ref[k] for k in ("listed", "spikes")}, {k: got[k] for k in ("listed", "spikes")})
    assert_same(ref["after"], got["after"], rtol=1e-9)
    assert_same(ref["V_m"], got["V_m"], rtol=1e-9)


def test_collocated_synapses_refused(ab):
    """NEST's error class and message; pynest_jax keeps no connection of a refused call."""

    def scenario(nest):
        a = nest.Create("iaf_psc_alpha", 2)
        c = nest.Create("iaf_psc_alpha", 2)
        sg = nest.Create("spike_generator")
        mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
        attempts = {
            "unknown model": lambda: nest.Connect(a, c, "all_to_all", nest.CollocatedSynapses(
                {"weight": 1.0}, {"synapse_model": "nope"})),
            "unknown key": lambda: nest.Connect(a, c, "one_to_one", nest.CollocatedSynapses(
                {"weight": 1.0}, {"foo": 1.0})),
            "bad delay": lambda: nest.Connect(a, c, "one_to_one", nest.CollocatedSynapses(
                {"weight": 1.0, "delay": 5.0}, {"delay": 0.0})),
            "values exhausted": lambda: nest.Connect(a, c, "one_to_one", nest.CollocatedSynapses(
                {"weight": [1.0]})),
            "a string spec": lambda: nest.Connect(a, c, "one_to_one", nest.CollocatedSynapses("static_synapse")),
            "a matrix": lambda: nest.Connect(a, c, "all_to_all", nest.CollocatedSynapses(
                {"weight": np.ones((2, 2))})),
            "node id arrays": lambda: nest.Connect([1, 2], [3, 4], "one_to_one", nest.CollocatedSynapses({})),
            "device, two models": lambda: nest.Connect(sg, a, "all_to_all", nest.CollocatedSynapses(
                {"weight": 1.0}, {"synapse_model": "static_synapse_hom_w"})),
            "multimeter twice": lambda: nest.Connect(mm, a, "all_to_all", nest.CollocatedSynapses({}, {})),
            "sizes differ": lambda: nest.Connect(a, c[:1], "one_to_one", nest.CollocatedSynapses({})),
        }
        out = {"delay extrema: before": (nest.min_delay, nest.max_delay)}
        for name, attempt in attempts.items():
            out[name] = _error(attempt)
            out[name + ": connections kept"] = nest.num_connections
        out["delay extrema: kept"] = (nest.min_delay, nest.max_delay)
        return out

    ref, got = ab(scenario)
    assert ref["delay extrema: kept"] == (1.0, 5.0)  # NEST kept the first spec's connection
    for key in ref:
        if key.endswith("connections kept"):
            assert got[key] == 0, key
        elif key.endswith(": kept"):
            assert got[key] == got["delay extrema: before"], key
        else:
            assert got[key] == ref[key], key


def test_recorder_connected_more_than_once(ab):
    """Each connection to a spike recorder delivers the spike: a sender connected twice
    (two Connects, or CollocatedSynapses) is recorded twice, in NEST's order."""

    def scenario(nest):
        sg = nest.Create("spike_generator", params={"spike_times": [1.0, 1.0, 4.0, 6.5]})
        parrots = nest.Create("parrot_neuron", 2)
        sr = nest.Create("spike_recorder", 2)
        nest.Connect(sg, parrots)
        nest.Connect(parrots, sr[0])
        nest.Connect(parrots[1], sr[0])
        nest.Connect(parrots, sr[1], syn_spec=nest.CollocatedSynapses({}, {}, {"weight": 2.0}))
        nest.Simulate(10.0)
        return [s.get("events") for s in sr]

    ref, got = ab(scenario)
    assert len(ref[0]["times"]) == 12 and len(ref[1]["times"]) == 24
    assert_same(ref, got)
