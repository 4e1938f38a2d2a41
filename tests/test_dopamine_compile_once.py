"""A network with a volume transmitter and dopamine synapses: values changed between
runs (connection values, common properties, the transmitter's deliver_interval, the
dopamine train) compile nothing; assigning another volume transmitter changes the
structure and compiles (so the count can fail)."""

import pytest

import pynest_jax as nest
from test_compile_once import _compiles


def _build(vt_params=None):
    """4 iaf_psc_alpha connected all to all by stdp_dopamine_synapse, dopamine spikes
    relayed by a parrot into the volume transmitter: (transmitter, generator, neurons)."""
    vt = nest.Create("volume_transmitter", params=vt_params or {})
    nest.SetDefaults("stdp_dopamine_synapse", {"volume_transmitter": vt})
    dsg = nest.Create("spike_generator", params={"spike_times": [3.0, 9.0, 22.0, 41.0]})
    dopa = nest.Create("parrot_neuron")
    nest.Connect(dsg, dopa)
    nest.Connect(dopa, vt)
    n = nest.Create("iaf_psc_alpha", 4, params={"I_e": 380.0})
    nest.Connect(n, n, syn_spec={"synapse_model": "stdp_dopamine_synapse", "weight": 20.0})
    return vt, dsg, n


@pytest.fixture
def network():
    nest.ResetKernel()
    from pynest_jax.kernel import program
    program._CORES.clear()
    vt, dsg, n = _build()
    first = _compiles(lambda: nest.Simulate(50.0))
    assert first[0] >= 1 and first[1] >= 1
    return vt, dsg, n


CHANGES = {
    "connection values": lambda vt, dsg, n: nest.GetConnections(
        synapse_model="stdp_dopamine_synapse").set(c=0.4, n=0.2, Kplus=0.5, weight=30.0),
    "common properties": lambda vt, dsg, n: nest.SetDefaults(
        "stdp_dopamine_synapse", {"A_plus": 0.3, "tau_c": 50.0, "b": 0.1, "Wmax": 90.0}),
    "deliver_interval": lambda vt, dsg, n: vt.set(deliver_interval=3),
    "dopamine train": lambda vt, dsg, n: dsg.set(spike_times=[55.0, 61.0, 80.0]),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_value_changes_compile_nothing(network, change):
    CHANGES[change](*network)
    assert _compiles(lambda: nest.Simulate(50.0)) == (0, 0)


def test_another_transmitter_compiles(network):
    nest.SetDefaults("stdp_dopamine_synapse",
                     {"volume_transmitter": nest.Create("volume_transmitter")})
    assert _compiles(lambda: nest.Simulate(50.0))[0] >= 1


def _dopamine_weights(min_delay):
    nest.ResetKernel()
    nest.SetKernelStatus({"min_delay": min_delay, "max_delay": 2.0})
    _build({"deliver_interval": 2})
    nest.Simulate(60.0)
    return nest.GetConnections(synapse_model="stdp_dopamine_synapse").get("weight")


def test_min_delay_shared_program_keeps_each_runs_triggers():
    """A small network's slice length is a value of its program (kernel/projections.py,
    slice_shape); the transmitter's trigger interval (deliver_interval x min_delay) must
    follow it: each min_delay gives what a program compiled for it alone gives."""
    from pynest_jax.kernel import program
    shared = [_dopamine_weights(m) for m in (1.0, 0.5, 0.2)]
    alone = []
    for m in (1.0, 0.5, 0.2):
        program._CORES.clear()
        alone.append(_dopamine_weights(m))
    assert shared == alone
    assert len({tuple(w) for w in alone}) > 1  # min_delay changes the result
