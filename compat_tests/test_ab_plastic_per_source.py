"""A/B: a _hom pair rule's Kplus and t_lastspike, which a projection keeps once per source
while they are equal over the source's connections (SynapseModel.per_source), and the
host's copies of them, freed while a run's values are on the device: values set unequal
per connection, connections made between runs (their t_lastspike differs from the older
ones'), values read and set between runs. Tolerance rtol 1e-9: the same exponentials of
the same times (exp in XLA and in libm may differ in the last bits)."""

import numpy as np
import pytest

from conftest import assert_spikes_identical


def _scenario(model, how):
    def run(nest):
        rng = np.random.default_rng(3)
        nest.resolution = 0.1
        pre = nest.Create("parrot_neuron", 6)
        for i in range(6):
            t = np.unique(np.round(np.cumsum(rng.exponential(8.0, 40)) + 1.0, 1))
            nest.Connect(nest.Create("spike_generator", params={"spike_times": t[t < 190.0]}),
                         pre[i])
        post = nest.Create("iaf_psc_alpha", 5, params={"I_e": 340.0, "tau_minus": 25.0})
        nest.Connect(pre, post[:3], "all_to_all", {"synapse_model": model, "weight": 30.0,
                                                   "delay": 1.0})
        sr = nest.Create("spike_recorder")
        nest.Connect(post, sr)
        out = []
        if how == "unequal":  # Kplus differs among one source's connections
            c = nest.GetConnections(source=pre[:2], synapse_model=model)
            c.set({"Kplus": [0.1 * (i + 1) for i in range(len(c))]})
        nest.Simulate(100.0)
        if how == "connect":  # new connections start with t_lastspike 0
            nest.Connect(pre, post[3:], "all_to_all", {"synapse_model": model, "weight": 25.0,
                                                       "delay": 1.0})
        elif how == "read_set":  # read (values come back from the device), set one
            out.append(nest.GetConnections(synapse_model=model).get(["Kplus", "weight"]))
            nest.GetConnections(source=pre[:1], target=post[:1], synapse_model=model).set(
                {"Kplus": 2.5})
        nest.Simulate(100.0)
        g = nest.GetConnections(synapse_model=model).get(["source", "target", "weight", "Kplus"])
        return out, g, sr.get("events")
    return run


@pytest.mark.parametrize("how", ["unequal", "connect", "read_set"])
@pytest.mark.parametrize("model", ["stdp_pl_synapse_hom", "stdp_synapse_hom"])
def test_per_source_values_follow_nest(ab, model, how):
    (rout, ref, rsp), (gout, got, gsp) = ab(_scenario(model, how))
    assert_spikes_identical(rsp, gsp)
    assert len(rsp["times"]) > 10
    r = np.lexsort((ref["target"], ref["source"]))
    g = np.lexsort((got["target"], got["source"]))
    for k in ("source", "target", "weight", "Kplus"):
        np.testing.assert_allclose(np.asarray(got[k], float)[g], np.asarray(ref[k], float)[r],
                                   rtol=1e-9, atol=1e-12, err_msg=k)
    for a, b in zip(rout, gout):
        for k in a:
            np.testing.assert_allclose(np.sort(b[k]), np.sort(a[k]), rtol=1e-9, atol=1e-12)
    assert np.ptp(ref["weight"]) > 0.1  # the rule moved the weights
