"""A/B smoke test of the whole path: DC drive, spike input, recorders, two Simulate calls.

Tolerance: spike times identical; V_m within 1e-9 relative (exact integration,
float64, same propagators as NEST)."""

from conftest import assert_spikes_identical, assert_trace_close


def network(nest):
    n = nest.Create("iaf_psc_delta", 3, params={"I_e": [400.0, 300.0, 0.0]})
    dc = nest.Create("dc_generator", params={"amplitude": 100.0, "start": 5.0, "stop": 30.0})
    sr = nest.Create("spike_recorder")
    vm = nest.Create("voltmeter", params={"interval": 0.1})
    nest.Connect(n, sr)
    nest.Connect(vm, n)
    nest.Connect(dc, n[2])
    nest.Connect(n[0], n[2], syn_spec={"weight": 20.0, "delay": 1.5})
    nest.Simulate(50.0)
    n[1].I_e = 500.0
    nest.Simulate(50.0)
    return sr.get("events"), vm.get("events")


def test_iaf_psc_delta_network_identical(ab):
    (s_ref, v_ref), (s_jax, v_jax) = ab(network)
    assert len(s_ref["times"]) > 5
    assert_spikes_identical(s_ref, s_jax)
    assert_trace_close(v_ref, v_jax, ["V_m"])
