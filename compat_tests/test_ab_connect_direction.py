"""A/B: Connect between the kinds of node a new user mixes up (recorders, meters,
generators, neurons, the volume transmitter) is accepted or refused as NEST does it,
with NEST's message: NEST's hints on the right direction included (issue 15)."""

import pytest



def _outcome(fn):
    try:
        fn()
        return ("accepted", "")
    except Exception as e:  # noqa: BLE001 - class and message are what is compared
        return (type(e).__name__, str(e))

N = "iaf_psc_alpha"
PAIRS = [
    ("spike_recorder", N), ("voltmeter", N), ("multimeter", N), (N, "poisson_generator"),
    (N, "dc_generator"), (N, "voltmeter"), (N, "multimeter"), ("spike_recorder", "spike_recorder"),
    ("poisson_generator", "poisson_generator"), ("dc_generator", "spike_recorder"),
    ("voltmeter", "spike_recorder"), ("multimeter", "poisson_generator"),
    ("spike_generator", "voltmeter"), ("weight_recorder", N), (N, "weight_recorder"),
    ("parrot_neuron", "dc_generator"), ("multimeter", "noise_generator"),
    ("multimeter", "step_current_generator"), ("voltmeter", "parrot_neuron"),
    ("spike_generator", "spike_recorder"), ("poisson_generator", "parrot_neuron"),
    ("dc_generator", "parrot_neuron"), ("poisson_generator", "weight_recorder"),
    ("spike_recorder", "poisson_generator"), (N, "volume_transmitter"),
    ("volume_transmitter", N), ("poisson_generator", "volume_transmitter"),
    ("multimeter", "spike_recorder"), ("dc_generator", "voltmeter"),
    ("spike_recorder", "voltmeter"),
]


@pytest.mark.parametrize("source,target", PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_connect_kinds(ab, source, target):
    def scenario(nest):
        a, b = nest.Create(source), nest.Create(target)
        return _outcome(lambda: nest.Connect(a, b)), nest.num_connections

    (ref, n_ref), (got, n_got) = ab(scenario)
    assert got == ref
    assert n_got == n_ref
