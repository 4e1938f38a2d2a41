"""A/B: the STDP family's refusals (NEST's error class and message, nothing changed on
ours) and the STDP rules in a busy network (post-synaptic histories beyond the archive's
first ring). See test_ab_synapses.py for the table scenario every model runs."""

import numpy as np
import pytest

from conftest import assert_spikes_identical


def _close(ref, got, key):
    r, g = np.asarray(ref, dtype=float), np.asarray(got, dtype=float)
    np.testing.assert_allclose(g, r, rtol=1e-9, atol=1e-12, err_msg=key)


REFUSED = [
    ("stdp_nn_symm_synapse", "connect", {"weight": 5.0, "Wmax": -10.0}, "BadProperty"),
    ("stdp_nn_symm_synapse", "set", {"weight": -0.0}, "BadProperty"),  # sign bits differ
    ("stdp_nn_restr_synapse", "set", {"Wmax": -10.0}, "BadProperty"),
    ("stdp_nn_pre_centered_synapse", "set", {"Wmax": -10.0}, "BadProperty"),
    ("stdp_nn_pre_centered_synapse", "set", {"Kplus": -1.0}, "BadProperty"),
    ("stdp_triplet_synapse", "set", {"Wmax": -10.0}, "BadProperty"),
    ("stdp_triplet_synapse", "set", {"Kplus": -1.0}, "BadProperty"),
    ("stdp_triplet_synapse", "connect", {"Kplus_triplet": -1.0}, "BadProperty"),
    ("vogels_sprekeler_synapse", "set", {"Wmax": -10.0}, "BadProperty"),
    ("vogels_sprekeler_synapse", "set", {"Kplus": -1.0}, "BadProperty"),
    ("jonke_synapse", "connect", {"Kplus": -1.0}, "BadProperty"),
    ("jonke_synapse", "connect", {"Wmax": 0.2}, "NotImplemented"),
    ("jonke_synapse", "set", {"beta": 0.2}, "UnaccessedDictionaryEntry"),
    ("stdp_pl_synapse_hom", "connect", {"lambda": 0.2}, "NotImplemented"),
    ("stdp_pl_synapse_hom", "set", {"mu": 0.2}, "UnaccessedDictionaryEntry"),
    ("stdp_pl_synapse_hom", "defaults", {"tau_plus": 0.0}, "BadProperty"),
    ("stdp_synapse", "recorder", {}, "IllegalConnection"),
    ("stdp_pl_synapse_hom_hpc", "recorder", {}, "IllegalConnection"),
    ("stdp_triplet_synapse_lbl", "recorder", {}, "IllegalConnection"),
    ("stdp_nn_symm_synapse", "recorder", {}, "IllegalConnection"),
    ("stdp_nn_pre_centered_synapse", "recorder", {}, "IllegalConnection"),
    ("stdp_nn_restr_synapse", "recorder", {}, "IllegalConnection"),
    ("vogels_sprekeler_synapse", "recorder", {}, "IllegalConnection"),
    ("jonke_synapse", "recorder", {}, "IllegalConnection"),
]


def refuse(nest, model, how, values, error):
    """Connections of ``model`` made, the bad values given: (error, message, connections
    before, after, defaults before, after)."""
    nest.ResetKernel()
    pre = nest.Create("parrot_neuron", 2)
    post = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(pre, post, syn_spec={"synapse_model": model, "weight": 5.0})
    before, defaults = nest.GetConnections().get(), nest.GetDefaults(model)
    with pytest.raises(getattr(nest.NESTErrors, error)) as e:
        if how == "connect":
            nest.Connect(pre, post, syn_spec={"synapse_model": model, **values})
        elif how == "recorder":
            nest.Connect(pre, nest.Create("spike_recorder"), syn_spec={"synapse_model": model})
        elif how == "set":
            nest.GetConnections().set(values)
        else:
            nest.SetDefaults(model, values)
    return (type(e.value).__name__, str(e.value), before, nest.GetConnections().get(),
            defaults, nest.GetDefaults(model))


def test_set_names_the_first_connection_refused_as_nest_does(real_nest, jax_nest):
    """A collection of two models, values per connection: NEST sets them one after
    the other and names the first it refuses (model, source, target, port)."""
    out = []
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        pre = nest.Create("parrot_neuron", 2)
        post = nest.Create("iaf_psc_alpha", 2)
        for model in ("stdp_nn_restr_synapse", "stdp_triplet_synapse"):
            nest.Connect(pre, post, syn_spec={"synapse_model": model, "weight": 5.0})
        c = nest.GetConnections()
        for wmax in ([100.0, 100.0, 100.0, -10.0, 100.0, 100.0, 100.0, 100.0],
                     [100.0, 100.0, 100.0, 10.0, 100.0, -100.0, 100.0, -1.0]):
            with pytest.raises(nest.NESTErrors.BadProperty) as e:
                c.set({"Wmax": wmax})
            out.append(str(e.value))
    assert out[2:] == out[:2]
    assert "node ID 2 to node ID 4 via port 3" in out[0]


@pytest.mark.parametrize("model,how,values,error", REFUSED,
                         ids=[f"{m}-{h}-{'-'.join(v) or 'sr'}" for m, h, v, _ in REFUSED])
def test_bad_input_refused_as_nest_refuses_it(real_nest, jax_nest, model, how, values, error):
    ref = refuse(real_nest, model, how, values, error)
    got = refuse(jax_nest, model, how, values, error)
    assert (got[0], got[1]) == (ref[0], ref[1])
    # Nothing changed on ours. NEST leaves the first refused connection (set) or the
    # refused common value (SetDefaults) changed: it checks after storing; its count
    # of connections is unchanged.
    assert len(ref[3]["source"]) == len(ref[2]["source"])
    assert got[3] == got[2]
    assert got[5] == got[4]
    if how in ("connect", "recorder"):
        assert ref[3] == ref[2]


# A busy network for the STDP family: 30 parrots with Poisson-like trains into 12
# neurons that spike often, all to all with delays from 0.5 to 3 ms: many post spikes
# per pre spike (the archive's ring grows), several spikes of a slice per connection.
BUSY = {
    "stdp_pl_synapse_hom": {},
    "stdp_triplet_synapse": dict(Aplus=0.3, Aminus=0.2, Aplus_triplet=0.05,
                                 Aminus_triplet=0.02, Wmax=40.0),
    "stdp_nn_symm_synapse": {"lambda": 0.05, "Wmax": 40.0, "mu_plus": 0.5},
    "stdp_nn_pre_centered_synapse": {"lambda": 0.05, "Wmax": 40.0, "mu_plus": 0.5},
    "stdp_nn_restr_synapse": {"lambda": 0.05, "Wmax": 40.0, "mu_plus": 0.5},
    "vogels_sprekeler_synapse": dict(Wmax=40.0, eta=0.5, alpha=2.0),
    "jonke_synapse": {},
}


def busy(model):
    def run(nest):
        rng = np.random.default_rng(5)
        nest.resolution = 0.1
        if model == "jonke_synapse":
            nest.SetDefaults(model, {"lambda": 0.05, "mu_plus": 0.01, "beta": 0.05, "Wmax": 40.0})
        pre = nest.Create("parrot_neuron", 30)
        for i in range(30):
            t = np.unique(np.round(np.cumsum(rng.exponential(15.0, 80)) + 1.0, 1))
            sg = nest.Create("spike_generator", params={"spike_times": t[t < 590.0]})
            nest.Connect(sg, pre[i])
        post = nest.Create("iaf_psc_alpha", 12, params={"I_e": 300.0, "tau_minus": 25.0})
        delay = np.round(rng.uniform(0.5, 3.0, (12, 30)), 1)
        nest.Connect(pre, post, "all_to_all",
                     {"synapse_model": model, "weight": 20.0, "delay": delay, **BUSY[model]})
        sr = nest.Create("spike_recorder")
        nest.Connect(post, sr)
        nest.Simulate(300.0)
        nest.Simulate(300.0)
        g = nest.GetConnections(synapse_model=model).get()
        return g, sr.get("events")
    return run


@pytest.mark.parametrize("model", sorted(BUSY))
def test_stdp_family_in_a_busy_network(ab, model):
    (ref, rsp), (got, gsp) = ab(busy(model))
    assert_spikes_identical(rsp, gsp)
    assert len(rsp["times"]) > 100
    # compared pair by pair: NEST's order of one source's connections (and so their
    # "port") after its sort of the connections is its own; the values are tested here
    r = np.lexsort((ref["target"], ref["source"]))
    g = np.lexsort((got["target"], got["source"]))
    assert set(got) == set(ref)
    for k in ref:
        if not isinstance(ref[k][0], str) and k != "port":
            _close(np.asarray(ref[k])[r], np.asarray(got[k])[g], k)
    assert np.ptp(ref["weight"]) > 0.5  # the rule moved the weights apart


@pytest.mark.parametrize("parrot,model", [("parrot_neuron_ps", "stdp_synapse"),
                                          ("parrot_neuron", "stdp_pl_synapse_hom")])
def test_post_trace_is_the_last_K_value_a_synapse_read(ab, parrot, model):
    """A neuron's post_trace is what the last presynaptic spike through a plastic
    connection read of its K_minus (ArchivingNode::get_K_value), 0 before any; read
    after each min_delay slice. Two sources onto one target: the later read wins.
    Exact values (the same exponentials of the same times): rtol 1e-12."""
    def run(nest):
        nest.resolution = 0.1
        ps = parrot.endswith("_ps")
        pre = nest.Create("spike_generator", 2, params=[
            {"spike_times": [2.0, 3.0, 10.0, 14.3], "precise_times": ps},
            {"spike_times": [2.5, 10.0], "precise_times": ps}])
        post_sg = nest.Create("spike_generator", params={"spike_times": [1.0, 2.0, 3.0, 9.4],
                                                         "precise_times": ps})
        pa = nest.Create(parrot, 2)
        pb = nest.Create(parrot, params={"tau_minus": 2.0})
        nest.Connect(pre, pa, "one_to_one", syn_spec={"delay": 1.0})
        nest.Connect(post_sg, pb, syn_spec={"delay": 1.0})
        nest.Connect(pa, pb, syn_spec={"synapse_model": model, "receptor_type": 1,
                                       "delay": 1.0})
        out = [pb.post_trace]
        for _ in range(20):
            nest.Simulate(1.0)
            out.append(pb.post_trace)
        return out

    ref, got = ab(run)
    assert any(v > 0 for v in ref)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=0)


@pytest.mark.parametrize("parrot", ["parrot_neuron", "parrot_neuron_ps"])
def test_spikes_of_a_runs_last_slice_wait_for_the_next_run(ab, parrot):
    """min_delay 5 ms (50 steps): a spike in a run's last min_delay slice passes its
    plastic connection at the start of the next run, so the connection's state and the
    target's post_trace read between runs are NEST's. Exact: rtol 1e-12."""
    def run(nest):
        nest.resolution = 0.1
        pre = nest.Create("spike_generator", params={"spike_times": [3.0, 9.5, 21.0]})
        post = nest.Create("spike_generator", params={"spike_times": [1.0, 4.0, 13.0]})
        pa, pb = nest.Create(parrot), nest.Create(parrot, params={"tau_minus": 2.0})
        nest.Connect(pre, pa, syn_spec={"delay": 5.0})
        nest.Connect(post, pb, syn_spec={"delay": 5.0})
        nest.Connect(pa, pb, syn_spec={"synapse_model": "stdp_synapse", "receptor_type": 1,
                                       "delay": 5.0})
        c = nest.GetConnections(pa, pb)
        out = []
        for _ in range(7):
            nest.Simulate(5.0)
            out.append([c.weight, c.get("Kplus"), pb.post_trace])
        return out

    ref, got = ab(run)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=0)
