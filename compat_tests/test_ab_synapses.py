"""A/B: every spiking synapse model against real NEST (compat_tests/_synapse_table.py).

The scenario: spike_generator trains relayed by parrot neurons into neurons driven
to spike by a constant current, all to all, plus a second connection for one pair
(several synapses per pair, another weight and delay), a weight_recorder on the
model; a run, values set between runs, a second run. The weight recorder's events
equal NEST's (weights within 1e-9, the rest exactly, in NEST's order). Weights and every connection value within 1e-9 relative (the
same arithmetic in double; the tolerance allows for the exponentials of another
libm), spike times identical.
"""

import numpy as np
import pytest

from _synapse_table import DETERMINISTIC
from conftest import assert_defaults_equal, assert_spikes_identical

PRE_TIMES = [[5.0, 12.3, 20.0, 20.1, 35.0, 50.5, 51.0, 70.0, 90.0],
             [3.0, 3.1, 19.0, 44.4, 45.0, 66.0, 67.5, 88.8],
             [10.0, 30.0, 30.2, 60.0, 61.1, 80.0]]


def scenario(model, row):
    def run(nest):
        nest.resolution = 0.1
        wr = nest.Create("weight_recorder")
        nest.SetDefaults(model, {"weight_recorder": wr, **row.get("defaults", {})})
        pre = nest.Create("parrot_neuron", len(PRE_TIMES))
        for i, times in enumerate(PRE_TIMES):
            sg = nest.Create("spike_generator", params={"spike_times": times})
            nest.Connect(sg, pre[i])
        post = nest.Create(row.get("post", "iaf_psc_alpha"), 2, params={"I_e": 376.0})
        syn = {"synapse_model": model, "delay": 1.5, **row.get("syn", {})}
        w = row.get("weight", 50.0)
        if w is not None:
            syn["weight"] = w
        nest.Connect(pre, post, "all_to_all", syn)
        second = dict(syn, delay=2.0)
        if w is not None:
            second["weight"] = 0.4 * w
        nest.Connect(pre[0], post[0], syn_spec=second)
        sr = nest.Create("spike_recorder")
        nest.Connect(post, sr)
        nest.Simulate(40.0)
        c = nest.GetConnections(synapse_model=model)
        first = c.get()
        if row.get("between"):
            c[1:4].set(row["between"])
        nest.Simulate(60.0)
        c = nest.GetConnections(synapse_model=model)
        return first, c.get(), sr.get("events"), wr.get("events")
    return run


def _close(ref, got, key):
    r, g = np.asarray(ref, dtype=float), np.asarray(got, dtype=float)
    np.testing.assert_allclose(g, r, rtol=1e-9, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("model", sorted(DETERMINISTIC))
def test_synapse_matches_nest(ab, model):
    row = DETERMINISTIC[model]
    (r1, r2, rsp, rwr), (g1, g2, gsp, gwr) = ab(scenario(model, row))
    for ref, got in ((r1, g1), (r2, g2)):
        assert set(got) == set(ref)
        for k in ref:
            if isinstance(ref[k][0], str):
                assert list(got[k]) == list(ref[k]), k
            else:
                _close(ref[k], got[k], k)
    assert len(rsp["times"]) > 3  # the targets spike: the rules see post-synaptic spikes
    assert_spikes_identical(rsp, gsp)
    # the weight recorder: every event, in NEST's order, its weight within 1e-9
    assert set(gwr) == set(rwr)
    assert len(rwr["times"]) > 20
    for k in rwr:
        if k == "weights":
            _close(rwr[k], gwr[k], k)
        else:
            np.testing.assert_array_equal(gwr[k], rwr[k], err_msg=k)


@pytest.mark.parametrize("model", sorted(DETERMINISTIC))
def test_synapse_defaults_equal_nest(real_nest, jax_nest, model):
    # the weight recorder is each simulator's own NodeCollection: compared as text
    assert_defaults_equal(real_nest, jax_nest, model, ignore=("elementsize", "weight_recorder"))
    assert str(jax_nest.GetDefaults(model)["weight_recorder"]) == \
        str(real_nest.GetDefaults(model)["weight_recorder"])


def test_every_spiking_synapse_model_of_ours_is_in_the_table(jax_nest):
    ours = set(jax_nest.synapse_models) - {"static_synapse", "static_synapse_hpc",
                                           "static_synapse_lbl"}
    from _synapse_table import OWN, STOCHASTIC
    assert ours <= set(DETERMINISTIC) | set(STOCHASTIC) | set(OWN)
