"""The ignore-and-spike mechanism and the checks every neuron (ArchivingNode) makes, A/B.

NEST 3.10's iaf_psc_delta asks IgnoreAndSpikeMechanism whether a spike is due: with
`ignore_and_spike` it spikes every `ignore_and_spike_interval`, the first time
`ignore_and_spike_offset` after the offset was set, whatever its membrane does. Other
models carry the parameters and ignore them.
"""

import numpy as np
import pytest

from conftest import assert_spikes_identical, refuse_on_both


def _forced(nest):
    regular = nest.Create("iaf_psc_delta", params={"I_e": 400.0})
    forced = nest.Create("iaf_psc_delta", params={"ignore_and_spike": True, "I_e": 400.0,
                                                  "ignore_and_spike_offset": 5.0,
                                                  "ignore_and_spike_interval": 10.0})
    default_offset = nest.Create("iaf_psc_delta", params={"ignore_and_spike": True,
                                                          "ignore_and_spike_interval": 3.33})
    other_model = nest.Create("iaf_psc_alpha", params={"ignore_and_spike": True, "I_e": 400.0})
    # a forced spike reaches a neuron like any other
    target = nest.Create("iaf_psc_delta")
    nest.Connect(forced, target, syn_spec={"weight": 20.0, "delay": 1.5})
    nodes = regular + forced + default_offset + other_model + target
    recorder = nest.Create("spike_recorder")
    meter = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": nest.resolution})
    nest.Connect(nodes, recorder)
    nest.Connect(meter, nodes)
    nest.Simulate(30.0)
    forced.ignore_and_spike_offset = 2.0  # restarts the counter
    default_offset.ignore_and_spike = False  # pauses it
    nest.Simulate(20.0)
    default_offset.ignore_and_spike = True
    nest.Simulate(20.0)
    return recorder.get("events"), meter.get("events"), nodes.get(["Ca", "t_spike"])


def test_forced_spikes_equal_nest(ab):
    (ref_spikes, ref_v, ref_status), (got_spikes, got_v, got_status) = ab(_forced)
    senders = np.asarray(ref_spikes["senders"])
    assert np.count_nonzero(senders == 2) == 7 and np.count_nonzero(senders == 5) > 0
    assert_spikes_identical(ref_spikes, got_spikes)
    for key in ("senders", "times"):
        np.testing.assert_array_equal(got_v[key], ref_v[key])
    np.testing.assert_allclose(got_v["V_m"], ref_v["V_m"], rtol=1e-9)
    np.testing.assert_allclose(got_status["Ca"], ref_status["Ca"], rtol=1e-12)
    np.testing.assert_array_equal(got_status["t_spike"], ref_status["t_spike"])


BAD = [{"ignore_and_spike_offset": 0.0}, {"ignore_and_spike_interval": -1.0}, {"Ca": -1.0},
       {"tau_Ca": 0.0}, {"beta_Ca": 0.0}, {"tau_minus": 0.0}, {"tau_minus_triplet": -2.0},
       {"ignore_and_spike_offset": 0.0, "I_e": 5.0}]


@pytest.mark.parametrize("model", ["iaf_psc_delta", "iaf_psc_alpha", "aeif_cond_exp"])
@pytest.mark.parametrize("bad", BAD)
def test_archiving_node_refuses_what_nest_refuses(real_nest, jax_nest, model, bad):
    """NEST's BadProperty and message; the node keeps every value it had."""
    nest_refusal, ours = refuse_on_both(real_nest, jax_nest, model, bad)
    assert ours.after == ours.before
    assert ours.message.rsplit(": ", 1)[-1] == nest_refusal.message.rsplit(": ", 1)[-1]
