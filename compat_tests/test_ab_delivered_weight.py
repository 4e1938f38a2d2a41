"""A/B: a spike enters the excitatory or inhibitory channel by the sign of the weight it
arrives with, the connection's weight times the spike's own weight (spike_generator's
spike_weights), as NEST's neurons decide it at delivery (issue 15). Models with
separate channels of different time constants show a wrong choice in V_m at once."""

import numpy as np
import pytest

MODELS = {
    "iaf_psc_exp": {"tau_syn_ex": 2.0, "tau_syn_in": 8.0},
    "iaf_psc_alpha": {"tau_syn_ex": 1.0, "tau_syn_in": 6.0},
    "iaf_cond_exp": {"tau_syn_ex": 1.5, "tau_syn_in": 7.0},
    "aeif_cond_alpha": {"tau_syn_ex": 1.0, "tau_syn_in": 5.0},
}


@pytest.mark.parametrize("model", list(MODELS))
def test_channel_by_delivered_weight(ab, model):
    def scenario(nest):
        n = nest.Create(model, 2, params=MODELS[model])
        # negative spike weights on positive connections and the reverse, with
        # multiplicities, a zero weight and a mixed train
        sg = nest.Create("spike_generator", params={
            "spike_times": [5.0, 10.0, 15.0, 20.0, 24.0], "spike_weights": [-1.0, 2.0, -0.5, 0.0, 1.5],
            "spike_multiplicities": [1, 2, 3, 1, 1]})
        sg2 = nest.Create("spike_generator", params={"spike_times": [7.0, 18.0],
                                                     "spike_weights": [3.0, -2.0]})
        nest.Connect(sg, n, syn_spec={"weight": 10.0})
        nest.Connect(sg2, n[1], syn_spec={"weight": -10.0})
        vm = nest.Create("voltmeter", params={"interval": 0.1})
        nest.Connect(vm, n)
        nest.Simulate(40.0)
        ev = vm.get("events")
        return np.asarray(ev["V_m"]), np.asarray(ev["senders"])

    (v_ref, s_ref), (v, s) = ab(scenario)
    assert np.array_equal(s, s_ref)
    assert np.ptp(v_ref) > 0.1  # the spikes moved V_m
    np.testing.assert_allclose(v, v_ref, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("syn", ["static_synapse", "tsodyks2_synapse"])
def test_channel_follows_weight_set_between_runs(ab, syn):
    """A connection whose weight changes sign between runs delivers into the other channel
    from then on (NEST reads the sign at each delivery)."""
    def scenario(nest):
        sg = nest.Create("spike_generator", params={"spike_times": [2.0, 12.0, 22.0, 32.0]})
        p = nest.Create("parrot_neuron")
        n = nest.Create("iaf_psc_exp", params={"tau_syn_ex": 1.0, "tau_syn_in": 8.0})
        nest.Connect(sg, p)
        nest.Connect(p, n, syn_spec={"synapse_model": syn, "weight": 50.0})
        vm = nest.Create("voltmeter", params={"interval": 0.1})
        nest.Connect(vm, n)
        nest.Simulate(10.0)
        nest.GetConnections(p, n).set(weight=-50.0)
        nest.Simulate(30.0)
        return np.asarray(vm.get("events")["V_m"])

    ref, got = ab(scenario)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)
