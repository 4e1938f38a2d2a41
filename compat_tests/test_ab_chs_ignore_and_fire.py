"""A/B: iaf_chs_2007 and ignore_and_fire, real NEST vs pynest_jax.

Both are deterministic: spike times identical, V_m (iaf_chs_2007, exact
integration) within 1e-9 relative to max(|V_m|, 1e-3 x its largest |value|);
what remains is rounding (XLA's exp).
"""

import numpy as np
import pytest

from conftest import (assert_defaults_equal, assert_samples_aligned, assert_spikes_identical,
                      refuse_on_both)

RTOL = 1e-9


def _traces_equal(ref, got, keys):
    r, g = assert_samples_aligned(ref, got)
    for k in keys:
        a, b = np.asarray(ref[k], float)[r], np.asarray(got[k], float)[g]
        scale = np.maximum(np.abs(a), 1e-3 * max(np.max(np.abs(a)), 1e-300))
        assert np.max(np.abs(b - a) / scale) <= RTOL, k


def chs_scenario(nest):
    """Retinal spikes of both signs (negative ones are dropped), repeated times
    (multiplicity), a noise signal on two nodes, parameters, V_m and a new noise
    vector (which restarts it) set between runs."""
    nest.resolution = 0.1
    rng = np.random.default_rng(7)
    n = nest.Create("iaf_chs_2007", 4)
    n[1].set(noise=list(rng.normal(0.0, 1.0, 1200)), V_noise=0.3)
    n[2].set(noise=list(rng.normal(0.0, 1.0, 1000)), V_noise=0.2, V_reset=1.5)
    n[3].set(tau_epsp=4.0, V_epsp=1.2)
    times = sorted(np.round(rng.uniform(1.0, 140.0, 150), 1))
    sg = nest.Create("spike_generator", params={"spike_times": times})
    nest.Connect(sg, n, syn_spec={"weight": 1.0, "delay": 1.0})
    sg2 = nest.Create("spike_generator", params={"spike_times": [5.0, 5.0, 30.0, 31.0]})
    nest.Connect(sg2, n, syn_spec={"weight": -2.0, "delay": 0.5})
    nest.Connect(sg2, n[0], syn_spec={"weight": 2.0, "delay": 0.3})
    nest.Connect(n[0], n[3], syn_spec={"weight": 0.5, "delay": 1.5})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    mm = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["V_m"]})
    nest.Connect(mm, n)
    nest.Simulate(50.0)
    n[0].set(V_reset=1.0, tau_reset=10.0)
    n[3].V_m = 0.5
    nest.Simulate(50.0)
    n[1].set(noise=list(rng.normal(0.0, 1.0, 600)))
    n[2].set(V_noise=0.0)
    nest.Simulate(50.0)
    return sr.get("events"), mm.get("events"), n.get(["V_m", "V_reset", "tau_reset"])


def test_chs_spikes_and_V_m_equal_nest(ab):
    ref, got = ab(chs_scenario)
    assert len(ref[0]["times"]) >= 20
    assert_spikes_identical(ref[0], got[0])
    _traces_equal(ref[1], got[1], ["V_m"])
    for k in ref[2]:
        np.testing.assert_allclose(got[2][k], ref[2][k], rtol=RTOL, err_msg=k)


def fire_scenario(nest):
    """Rates and phases (periods that are and are not whole steps), input that is
    ignored, a set_status between runs that restarts the phase (any key does)."""
    nest.resolution = 0.1
    n = nest.Create("ignore_and_fire", 5)
    n.set([{"rate": 10.0, "phase": 1.0}, {"rate": 33.0, "phase": 0.25},
           {"rate": 170.0, "phase": 0.5}, {"rate": 7.3, "phase": 0.01},
           {"rate": 1000.0, "phase": 1.0}])
    dc = nest.Create("dc_generator", params={"amplitude": 1000.0})
    nest.Connect(dc, n)
    nest.Connect(n[4], n[:4], syn_spec={"weight": 100.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(200.0)
    n[1].set(rate=20.0)
    n[2].set(phase=0.5)
    nest.Simulate(150.0)
    return sr.get("events")


def test_ignore_and_fire_spikes_equal_nest(ab):
    ref, got = ab(fire_scenario)
    assert len(ref["times"]) >= 50
    assert_spikes_identical(ref, got)


@pytest.mark.parametrize("model", ["iaf_chs_2007", "ignore_and_fire"])
def test_defaults_equal_nest(real_nest, jax_nest, model):
    assert_defaults_equal(real_nest, jax_nest, model)


@pytest.mark.parametrize("model,bad", [
    ("iaf_chs_2007", {"V_epsp": -0.1}), ("iaf_chs_2007", {"V_reset": -1.0}),
    ("iaf_chs_2007", {"tau_epsp": 0.0}), ("iaf_chs_2007", {"tau_reset": -1.0}),
    ("iaf_chs_2007", {"V_epsp": -1.0, "tau_epsp": 0.0}),
    ("ignore_and_fire", {"phase": 0.0}), ("ignore_and_fire", {"phase": 1.5}),
    ("ignore_and_fire", {"rate": 0.0}), ("ignore_and_fire", {"rate": -1.0, "phase": 2.0}),
])
def test_bad_values_raise_nest_error(real_nest, jax_nest, model, bad):
    nest_refusal, ours = refuse_on_both(real_nest, jax_nest, model, bad)
    assert nest_refusal.reason in ours.message, (nest_refusal.message, ours.message)
    assert ours.kept()


@pytest.mark.parametrize("model", ["iaf_chs_2007", "ignore_and_fire"])
def test_receptors(real_nest, jax_nest, model):
    """Spikes on receptor 0 only; currents: ignore_and_fire on 0, iaf_chs_2007 none."""
    got = []
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        n = nest.Create(model)
        out = []
        for src, port in (("spike_generator", 0), ("spike_generator", 1), ("dc_generator", 0),
                          ("dc_generator", 1)):
            try:
                nest.Connect(nest.Create(src), n, syn_spec={"receptor_type": port})
                out.append("ok")
            except nest.NESTError as e:
                out.append(type(e).__name__)
        got.append(out + [nest.num_connections])
    assert got[1] == got[0]
