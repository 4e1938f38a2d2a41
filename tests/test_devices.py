"""Devices without NEST: samplers, NEST's time rounding, pointers, compilation."""

import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pynest_jax as nest
from pynest_jax.api._kernel import kernel
from pynest_jax.kernel.time import TimeGrid
from pynest_jax.models.devices import _common as C
from pynest_jax.models.devices._poisson import counts


@pytest.fixture(autouse=True)
def _reset():
    nest.ResetKernel()


@pytest.mark.parametrize("lam", [0.01, 0.5, 3.0, 29.0, 45.0, 499.0, 1200.0])
def test_poisson_counts_mean_and_variance(lam):
    """Inversion sampler (and the split into parts above 500): mean and variance of
    200,000 draws within 5 standard errors of lam."""
    n = 200_000
    x = np.asarray(counts(jax.random.PRNGKey(7), jnp.full(n, lam)), float)
    assert abs(x.mean() - lam) < 5 * np.sqrt(lam / n)
    # var of the sample variance of a Poisson: (lam + 2 lam^2 (n/(n-1))) / n
    assert abs(x.var() - lam) < 5 * np.sqrt((lam + 2 * lam ** 2) / n)


def test_poisson_counts_zero_mean():
    assert np.all(np.asarray(counts(jax.random.PRNGKey(1), jnp.zeros(1000))) == 0)


def test_nest_time_rounding():
    """Time::ms (C truncation of t*1000 + 0.5), ms_stamp (up to the grid), get_steps."""
    g = TimeGrid(0.1)
    assert int(C.tics(g, 1.0304)) == 1030 and int(C.tics(g, 1.0305)) == 1031
    assert int(C.tics(g, -0.0006)) == 0  # truncation toward zero, as the C cast
    assert int(C.stamp_tics(g, 1.03)) == 1100 and int(C.stamp_tics(g, 1.1)) == 1100
    assert int(C.steps_of(g, 1.03)) == 11 and int(C.steps_of(g, 1.0)) == 10
    assert C.ms_of_tics(g, C.tics(g, np.inf)) == C.DBL_MAX


def _compiles_after(change, first=None):
    nest.ResetKernel()
    # each case starts with no compiled program shared from an earlier network of this shape
    from pynest_jax.kernel import program
    program._CORES.clear()
    sg = nest.Create("spike_generator", params={"spike_times": first or [1.0, 2.0]})
    n = nest.Create("iaf_psc_delta")
    nest.Connect(sg, n)
    nest.Simulate(5.0)
    change(sg)
    nest.Simulate(5.0)
    return kernel.last_compiles


def test_spike_times_set_between_runs_compiles_nothing():
    assert _compiles_after(lambda sg: sg.set(spike_times=[6.0, 7.0, 8.0])) == 0
    # shorter lists keep the padded length (high-water mark)
    assert _compiles_after(lambda sg: sg.set(spike_times=[6.0]), list(np.arange(1, 40.0))) == 0
    # a list that outgrows its padded length compiles once
    assert _compiles_after(lambda sg: sg.set(spike_times=list(np.arange(6, 60) * 0.5))) == 1


def test_step_current_and_rates_set_between_runs_compile_nothing():
    stc = nest.Create("step_current_generator", params={
        "amplitude_times": [1.0], "amplitude_values": [1.0]})
    pg = nest.Create("poisson_generator", params={"rate": 100.0})
    ng = nest.Create("noise_generator", params={"std": 1.0})
    n = nest.Create("iaf_psc_delta")
    nest.Connect(stc + ng, n)
    nest.Connect(pg, n)
    nest.Simulate(2.0)
    stc.set(amplitude_times=[3.0, 4.0], amplitude_values=[2.0, 3.0])
    pg.rate, ng.std, ng.dt = 50.0, 2.0, 0.5
    nest.Simulate(2.0)
    assert kernel.last_compiles == 0


def test_spike_generator_long_list_sends_every_spike_once():
    """20,000 spikes (one per step): each sent once; the step reads one entry."""
    times = np.round(np.arange(1, 20001) * 0.1, 1)
    sg = nest.Create("spike_generator", params={"spike_times": times})
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, sr)
    nest.Simulate(1000.0)
    nest.Simulate(1000.0)
    # recorded as NEST does: steps * tics_per_step * ms_per_tic
    np.testing.assert_array_equal(sr.events["times"], np.arange(1, 20001) * 100 * 0.001)


def test_step_time_does_not_grow_with_spike_list():
    """Per-step cost is a pointer read: a 2^16-entry list runs within 3x of a short one."""
    def per_run(n_spikes):
        nest.ResetKernel()
        sg = nest.Create("spike_generator", params={
            "spike_times": np.round(10000.0 + np.arange(1, n_spikes + 1) * 0.1, 1)})
        nest.Connect(sg, nest.Create("iaf_psc_delta"))
        nest.Simulate(1.0)  # compile
        t = time.perf_counter()
        nest.Simulate(500.0)
        return time.perf_counter() - t
    short, long = per_run(10), per_run(2 ** 16)
    assert long < 3 * short + 0.05


def test_noise_amplitude_held_for_dt():
    """A new amplitude every dt steps from the first active step, held in between."""
    ng = nest.Create("noise_generator", params={"std": 5.0, "dt": 0.5, "start": 1.0})
    nest.Connect(ng, nest.Create("iaf_psc_delta"))
    mm = nest.Create("multimeter", params={"record_from": ["I"], "interval": 0.1})
    nest.Connect(mm, ng)
    nest.Simulate(12.0)
    I = mm.events["I"]  # stamps 0.1 ... 11.0
    # active from step 9 (is_active adds 2: t_min 10 < 9 + 2): stamps from 1.0 on
    assert np.all(I[:9] == 0.0) and I[9] != 0.0
    changes = np.nonzero(np.diff(I[9:]))[0] + 1
    np.testing.assert_array_equal(changes, np.arange(5, len(I) - 9, 5))


def test_noise_dt_default_calibrated():
    nest.resolution = 0.3
    assert nest.GetDefaults("noise_generator", "dt") == pytest.approx(3.0)


def test_noise_dt_must_be_step_multiple():
    with pytest.raises(nest.NESTErrors.StepMultipleRequired):
        nest.Create("noise_generator", params={"dt": 0.15})


def test_poisson_reproducible_for_seed():
    def spikes(seed):
        nest.ResetKernel()
        nest.rng_seed = seed
        pg = nest.Create("poisson_generator", params={"rate": 500.0})
        sr = nest.Create("spike_recorder")
        nest.Connect(pg, sr)
        nest.Simulate(100.0)
        return sr.events["times"]
    a, b, c = spikes(3), spikes(3), spikes(4)
    np.testing.assert_array_equal(a, b)
    assert len(a) != len(c) or np.any(a != c)


def test_pulsepacket_sdev0_stamps():
    """A spike at pulse time x is sent in step ceil(x / h) (stamp one later)."""
    g = nest.Create("pulsepacket_generator", params={
        "pulse_times": [3.0, 5.03], "activity": 2, "sdev": 0.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(g, sr)
    nest.Simulate(10.0)
    np.testing.assert_allclose(sr.events["times"], [3.1, 3.1, 5.2, 5.2])


def test_multimeter_samples_generator_current():
    dc = nest.Create("dc_generator", params={"amplitude": 7.0, "start": 1.0, "stop": 2.0})
    mm = nest.Create("multimeter", params={"record_from": ["I"], "interval": 0.1})
    nest.Connect(mm, dc)
    nest.Simulate(4.0)
    I, t = mm.events["I"], mm.events["times"]
    # current sent in step n when t_min < n + 2 <= t_max, recorded with stamp n + 1
    np.testing.assert_array_equal(I[I != 0.0], 7.0)
    np.testing.assert_allclose(t[I != 0.0][[0, -1]], [1.0, 1.9])


@pytest.mark.parametrize("params, message", [
    ({"amplitude_times": [1.0]}, "must be reset together"),
    ({"amplitude_times": [1.0, 2.0], "amplitude_values": [1.0]}, "same size"),
    ({"amplitude_times": [0.0], "amplitude_values": [1.0]}, "strictly positive"),
    ({"amplitude_times": [2.0, 2.0], "amplitude_values": [1.0, 1.0]}, "strictly increasing"),
    ({"amplitude_times": [1.05], "amplitude_values": [1.0]}, "not representable"),
])
def test_step_current_generator_errors(params, message):
    with pytest.raises(nest.NESTErrors.BadProperty, match=message):
        nest.Create("step_current_generator", params=params)


def test_device_times_stored_on_the_grid():
    sr = nest.Create("spike_recorder", params={"start": 0.30000000000000004, "stop": np.inf})
    assert sr.start == 0.3 and sr.stop == C.DBL_MAX
    with pytest.raises(nest.NESTErrors.BadProperty, match="multiple of the simulation"):
        sr.origin = 0.05


def test_spike_times_from_defaults():
    """SetDefaults/CopyModel values reach new nodes (rounded as when set on a node)."""
    nest.SetDefaults("spike_generator", {"spike_times": [1.03, 2.0], "allow_offgrid_times": True})
    nest.CopyModel("spike_generator", "sg_precise",
                   {"spike_times": [1.03], "precise_times": True, "allow_offgrid_times": False})
    sg = nest.Create("spike_generator") + nest.Create("sg_precise")
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, sr)
    nest.Simulate(5.0)
    # one min_delay slice (stamps 11 to 20): by sender, then time
    np.testing.assert_allclose(sr.events["times"], [1.1, 2.0, 1.03])
    np.testing.assert_array_equal(sr.events["senders"], [1, 1, 2])


def test_refused_set_keeps_backend_options():
    """A SetStatus refused for one key leaves the recorder's backend options (precision)
    as they were: nothing of a refused call stays behind."""
    sr = nest.Create("spike_recorder", params={"record_to": "ascii"})
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry):
        sr.set({"precision": 7, "no_such_key": 1})
    assert sr.get("precision") == 3
    sr.set({"precision": 7})
    assert sr.get("precision") == 7


def test_ragged_layout_pads_each_list_once_not_to_the_longest():
    """Device vectors in one flat array: each list from its base, one fill slot after
    it (a pointer past the end reads the fill), the length a power of two of the total,
    never below the high-water mark; a long list no longer pads the others."""
    from pynest_jax.models.devices._pointer import at, ragged
    rows = [np.arange(1, 1001), np.array([]), np.array([5, 9])]
    flat, base = ragged(rows, -1, np.int64, min_len=16)
    assert list(base) == [0, 1001, 1002] and len(flat) == 1024  # 1001 + 1 + 3 slots
    assert list(flat[998:1006]) == [999, 1000, -1, -1, 5, 9, -1, -1]
    idx = np.array([999, 0, 2])
    assert list(np.asarray(at(flat, base, idx))) == [1000, -1, -1]
    assert len(ragged(rows[1:], 0.0, float, min_len=64)[0]) == 64  # high-water mark kept
