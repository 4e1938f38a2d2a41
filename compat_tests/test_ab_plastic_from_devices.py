"""Plastic synapses leaving a device, A/B against NEST 3.10.

NEST tests a synapse model that keeps per-connection state by sending the source's test
event to a dummy target that refuses DS events: the generators that draw or send per
target test with a DS event and are refused, pulsepacket_generator tests with a plain
spike event and may drive any plastic synapse (its packets then update the synapse as a
neuron's spikes do).
"""

import numpy as np
import pytest

from conftest import assert_spikes_identical

GENERATORS = ["pulsepacket_generator", "poisson_generator", "spike_generator", "sinusoidal_poisson_generator",
              "mip_generator", "gamma_sup_generator", "ppd_sup_generator", "inhomogeneous_poisson_generator",
              "poisson_generator_ps", "spike_train_injector", "dc_generator", "noise_generator"]
SYNAPSES = ["stdp_synapse", "tsodyks_synapse", "static_synapse_hom_w", "stdp_synapse_hom"]


@pytest.mark.parametrize("synapse", SYNAPSES)
@pytest.mark.parametrize("generator", GENERATORS)
def test_generator_to_synapse_accepted_or_refused_as_nest(ab, generator, synapse):
    def run(nest):
        g, n = nest.Create(generator), nest.Create("iaf_psc_alpha")
        try:
            nest.Connect(g, n, syn_spec={"synapse_model": synapse})
            outcome = "connected"
        except nest.NESTErrors.IllegalConnection as e:
            outcome = str(e).rsplit(":", 1)[-1].strip()
        return outcome, nest.num_connections
    ref, got = ab(run)
    assert got == ref


@pytest.mark.parametrize("synapse", ["stdp_synapse", "stdp_synapse_hom", "tsodyks_synapse", "tsodyks2_synapse"])
def test_pulse_packets_through_plastic_synapses_equal_nest(ab, synapse):
    """Packets of 3 spikes (multiplicity 3 in one step) into a neuron that spikes on its own
    (depression and facilitation) and one that does not; weights read between runs."""
    def run(nest):
        g = nest.Create("pulsepacket_generator", {"pulse_times": [10.0, 30.0, 55.0, 80.0], "activity": 3,
                                                  "sdev": 0.0})
        n = nest.Create("iaf_psc_alpha", 2, {"I_e": [370.0, 0.0]})
        nest.Connect(g, n, syn_spec={"synapse_model": synapse, "weight": 100.0})
        vm, sr = nest.Create("voltmeter", {"interval": 0.1}), nest.Create("spike_recorder")
        nest.Connect(vm, n)
        nest.Connect(n, sr)
        weights = []
        for _ in range(2):
            nest.Simulate(50.0)
            weights.append(np.asarray(nest.GetConnections(g).get("weight"), float))
        return weights, sr.events, vm.events["V_m"]
    (rw, rs, rv), (gw, gs, gv) = ab(run)
    assert rw[0][0] != 100.0 or synapse.startswith("tsodyks")  # the stdp weight moved
    for r, g in zip(rw, gw):
        np.testing.assert_allclose(g, r, rtol=1e-9)
    assert_spikes_identical(rs, gs)
    np.testing.assert_allclose(gv, rv, rtol=1e-9)
