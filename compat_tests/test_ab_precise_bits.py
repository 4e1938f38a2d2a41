"""A/B: iaf_psc_alpha_ps's V_m equal to NEST's bit for bit (issue 13).

NEST 3.10's build sums expm1 as a Taylor series (numerics/series_expm1.py) and rounds
every product on its own (no fused multiply-add); before pynest_jax did the same, V_m
differed from NEST's in the last bit from the first step on (P30 one unit in the last
place apart), and over artificial_synchrony's first network (weight 0) in about 95 % of
the samples. Exact equality is asked where the model's values go through expm1 and
products alone: without synaptic currents (no input, or spikes of weight 0). With
nonzero currents the propagators' exp is XLA's, which differs from the C library's in
the last bit of about 8 % of values, and test_ab_precise.py's 1e-9 rule applies.
"""

import numpy as np
import pytest

from conftest import assert_samples_aligned


@pytest.mark.parametrize("resolution", [2.0 ** -5, 0.1])
def test_one_step_from_rest(ab, resolution):
    """V_m after one step from 0 mV with I_e alone: P30 * I_e, NEST's P30 to the bit."""

    def run(nest):
        nest.SetKernelStatus({"resolution": resolution}
                             | ({"tics_per_ms": 32} if resolution == 2.0 ** -5 else {}))
        n = nest.Create("iaf_psc_alpha_ps", 4, params={"C_m": 250.0, "tau_m": 10.0, "E_L": 0.0,
                                                       "V_m": 0.0, "V_reset": 0.0, "V_th": 20.0})
        n.I_e = [1.0, 575.0, 250.0, 376.0]
        nest.Simulate(resolution)
        return np.asarray(n.V_m, dtype=float)

    ref, got = ab(run)
    assert np.all(ref > 0.0)
    np.testing.assert_array_equal(got, ref)


def _synchrony_network(nest, w, n, simtime, tau_m=10.0):
    """artificial_synchrony.py's precise network (its parameters, all to all with
    autapses, delay 0.25 ms, resolution 2^-5 ms) with n neurons spread over its V_0."""
    C_m, I_e, tau_syn, V_th = 250.0, 575.0, 1.648, 20.0
    R = tau_m / C_m
    T = tau_m * np.log(R * I_e / (R * I_e - V_th))
    nest.SetKernelStatus({"tics_per_ms": 32, "resolution": 2.0 ** -5, "rng_seed": 2000})
    neurons = nest.Create("iaf_psc_alpha_ps", n, params={
        "C_m": C_m, "E_L": 0.0, "I_e": I_e, "tau_m": tau_m, "tau_syn_ex": tau_syn,
        "tau_syn_in": tau_syn, "V_m": 0.0, "V_reset": 0.0, "V_th": V_th, "t_ref": 0.25})
    neurons.V_m = [R * I_e * (1.0 - np.exp(-0.5 * i / n * T / tau_m)) for i in range(n)]
    nest.Connect(neurons, neurons, {"rule": "all_to_all", "allow_autapses": True},
                 {"weight": w, "delay": 0.25})
    vm = nest.Create("voltmeter", params={"interval": 2.0 ** -5})
    nest.Connect(vm, neurons)
    sr = nest.Create("spike_recorder", params={"time_in_steps": True})
    nest.Connect(neurons, sr)
    nest.Simulate(simtime)
    ev, sp = vm.get("events"), sr.get("events")
    return ({k: np.asarray(ev[k]) for k in ("senders", "times", "V_m")},
            {k: np.asarray(sp[k]) for k in ("senders", "times", "offsets")})


@pytest.mark.parametrize("tau_m", [10.0, 12.5])
def test_artificial_synchrony_weight_zero_bit_identical(ab, tau_m):
    """The gallery's first network (weight 0: every spike still reaches all neurons and
    splits their step at its offset), 24 neurons over 100 ms, V_m sampled every step:
    every sample and every spike time and offset equal to NEST's."""
    (vm_r, sp_r), (vm_g, sp_g) = ab(lambda nest: _synchrony_network(nest, 0.0, 24, 100.0, tau_m))
    r, g = assert_samples_aligned(vm_r, vm_g)
    assert len(sp_r["times"]) >= 80
    ro, go = (np.lexsort((s["offsets"], s["times"], s["senders"])) for s in (sp_r, sp_g))
    for k in ("senders", "times", "offsets"):
        np.testing.assert_array_equal(sp_g[k][go], sp_r[k][ro])
    differ = np.flatnonzero(vm_g["V_m"][g] != vm_r["V_m"][r])
    assert differ.size == 0, (f"{differ.size} of {r.size} V_m samples differ; first at "
                              f"t={vm_r['times'][r][differ[0]]}: {vm_g['V_m'][g][differ[0]]!r} "
                              f"against NEST's {vm_r['V_m'][r][differ[0]]!r}")


@pytest.mark.parametrize("w", [2.0, 0.2, -1.5])
def test_artificial_synchrony_with_input_bit_identical(ab, w, monkeypatch):
    """The gallery's second network (weight 0.2 pA), a stronger and an inhibitory coupling:
    the synaptic currents decay with exp (std::exp in NEST: glibc's), here
    numerics/libm_exp.py's; 24 neurons over 100 ms, every V_m sample and every spike time
    and offset equal to NEST's. With XLA's exp (the commit before) weight 2.0 fails
    (0.2 and -1.5 passed over these 100 ms; the gallery's 128 neurons over 10 s at 0.2
    differed in 204 samples). glibc's exp is opt-in (PYNEST_JAX_LIBM_EXP=1: its cost)."""
    monkeypatch.setenv("PYNEST_JAX_LIBM_EXP", "1")
    (vm_r, sp_r), (vm_g, sp_g) = ab(lambda nest: _synchrony_network(nest, w, 24, 100.0))
    r, g = assert_samples_aligned(vm_r, vm_g)
    assert len(sp_r["times"]) >= 40
    differ = np.flatnonzero(vm_g["V_m"][g] != vm_r["V_m"][r])
    assert differ.size == 0, (f"{differ.size} of {r.size} V_m samples differ; first at "
                              f"t={vm_r['times'][r][differ[0]]}: {vm_g['V_m'][g][differ[0]]!r} "
                              f"against NEST's {vm_r['V_m'][r][differ[0]]!r}")
    ro, go = (np.lexsort((s["offsets"], s["times"], s["senders"])) for s in (sp_r, sp_g))
    for k in ("senders", "times", "offsets"):
        np.testing.assert_array_equal(sp_g[k][go], sp_r[k][ro])
