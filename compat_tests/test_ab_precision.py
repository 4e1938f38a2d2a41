"""float32 as an opt-in kernel attribute (`nest.precision`), against real NEST.

NEST computes in double precision. pynest_jax does too by default; with
`precision = "float32"` the state, parameters, ring buffers and weights are stored
and updated in single precision. Traces then differ from NEST's by single-precision
rounding: the tolerance here is 2e-5 relative (float32's epsilon is 1.2e-7; an exact
propagator step loses about an ulp, and V_m accumulates a few hundred steps of that).
A float32 run that silently fell back to float64 is caught by the dtype checks; a
wrong propagator or input timing is still far outside 2e-5.
"""

import numpy as np
import pytest

from conftest import assert_spikes_identical


def _drive(nest, model, weight):
    n = nest.Create(model, 2, params={"I_e": 300.0})
    sg = nest.Create("spike_generator", params={"spike_times": [5.0, 12.3, 30.0, 31.0]})
    nest.Connect(sg, n[0], syn_spec={"weight": weight, "delay": 1.0})
    nest.Connect(sg, n[1], syn_spec={"weight": -weight, "delay": 2.0})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"interval": nest.resolution, "record_from": ["V_m"]})
    nest.Connect(n, sr)
    nest.Connect(mm, n)
    return n, sr, mm


def _close(ref, got, rtol):
    for key in ("times", "senders"):
        np.testing.assert_array_equal(np.asarray(ref[key]), np.asarray(got[key]))
    np.testing.assert_allclose(np.asarray(got["V_m"]), np.asarray(ref["V_m"]), rtol=rtol,
                               atol=rtol * 70.0)


@pytest.mark.parametrize("model,weight", [("iaf_psc_alpha", 400.0), ("iaf_psc_exp", 400.0),
                                          ("iaf_psc_delta", 3.0)])
def test_float32_traces_and_spikes(ab, model, weight):
    def run(nest):
        if nest.__name__ == "pynest_jax":
            nest.precision = "float32"
        n, sr, mm = _drive(nest, model, weight)
        nest.Simulate(60.0)
        n.set(I_e=450.0)  # a value change between runs, in single precision too
        nest.Simulate(60.0)
        out = (sr.get("events"), mm.get("events"))
        if nest.__name__ == "pynest_jax":
            from pynest_jax.api._kernel import kernel
            carry = kernel.carry
            out += ({k: str(v.dtype) for k, v in carry["pop"][model].items()},
                    str(carry["buf"][model].dtype), n.get("V_m"))
        return out

    ref, got = ab(run)
    assert len(ref[0]["times"]) > 3
    assert_spikes_identical(ref[0], got[0])
    _close(ref[1], got[1], 2e-5)
    dtypes, buf_dtype, vm = got[2], got[3], got[4]
    assert buf_dtype == "float32"
    assert dtypes["V_m"] == "float32"
    # what GetStatus returns stays a double, as NEST's does
    assert all(isinstance(v, float) for v in vm)


def test_float32_gsl_model_runs(ab):
    """An adaptive-step model in single precision: the step control still terminates
    and the trace stays near NEST's (float32 rounding enters the error estimate, so the
    sub-steps differ; spike times may move by a step, V_m stays within 1e-3)."""

    def run(nest):
        if nest.__name__ == "pynest_jax":
            nest.precision = "float32"
        n = nest.Create("aeif_cond_alpha", params={"I_e": 1000.0})
        mm = nest.Create("multimeter", params={"interval": 1.0, "record_from": ["V_m"]})
        sr = nest.Create("spike_recorder")
        nest.Connect(mm, n)
        nest.Connect(n, sr)
        nest.Simulate(200.0)
        return sr.get("events")["times"], mm.get("events")["V_m"]

    (t_ref, v_ref), (t_got, v_got) = ab(run)
    assert len(t_ref) >= 3 and len(t_got) == len(t_ref)
    np.testing.assert_allclose(t_got, t_ref, atol=0.1 + 1e-9)
    before_first = np.arange(len(v_ref)) < int(t_ref[0]) - 1
    np.testing.assert_allclose(np.asarray(v_got)[before_first], np.asarray(v_ref)[before_first],
                               rtol=1e-3)


def test_precision_attribute(jax_nest):
    nest = jax_nest
    nest.ResetKernel()
    assert nest.precision == "float64"
    with pytest.raises(nest.NESTErrors.BadProperty):
        nest.SetKernelStatus({"precision": "float16", "print_time": True})
    assert nest.precision == "float64" and nest.print_time is False  # nothing applied
    nest.precision = "float32"
    assert nest.GetKernelStatus().get("precision") is None  # not one of NEST's keys
    nest.ResetKernel()
    assert nest.precision == "float64"


def test_switching_precision_keeps_state(jax_nest, real_nest):
    """float64 -> float32 between two Simulates: the state and the input pending in the
    ring buffers move over (spikes identical to NEST's, which stays in double)."""

    def run(nest, switch):
        nest.ResetKernel()
        n, sr, mm = _drive(nest, "iaf_psc_alpha", 400.0)
        nest.Simulate(12.0)  # the spike at 12.3 ms is in flight (delay 1 and 2 ms)
        if switch:
            nest.precision = "float32"
        nest.Simulate(50.0)
        return sr.get("events"), mm.get("events")

    ref = run(real_nest, False)
    got = run(jax_nest, True)
    assert_spikes_identical(ref[0], got[0])
    _close(ref[1], got[1], 2e-5)


@pytest.mark.parametrize("model", ["iaf_psc_alpha_ps", "iaf_psc_exp_ps", "iaf_psc_delta_ps",
                                   "parrot_neuron_ps"])
def test_float32_refused_for_precise_input_models(jax_nest, real_nest, model):
    """The models with precise spike input compute in float64 only: float32 is refused at
    Prepare with a KernelException (it crashed inside JAX before), nothing is prepared,
    and the same network then simulates in float64 as NEST does."""
    def build(nest):
        nest.ResetKernel()
        nest.set_verbosity("M_ERROR")
        pg = nest.Create("spike_generator", params={"spike_times": [1.0, 2.5, 7.3, 11.0, 15.2]})
        n = nest.Create(model, 2, params={} if model == "parrot_neuron_ps" else {"I_e": 600.0})
        sr = nest.Create("spike_recorder")
        nest.Connect(pg, n, syn_spec={"weight": 5.0})
        nest.Connect(n, sr)
        return sr
    sr = build(jax_nest)
    jax_nest.precision = "float32"
    with pytest.raises(jax_nest.NESTErrors.KernelException, match="float64 only"):
        jax_nest.Simulate(20.0)
    assert jax_nest.biological_time == 0.0
    jax_nest.precision = "float64"
    jax_nest.Simulate(20.0)
    ref = build(real_nest)
    real_nest.Simulate(20.0)
    assert sr.n_events == ref.n_events > 0
    # precise times: within 1e-9 relative (issue 13's rule; iaf_psc_exp_ps's differ from
    # NEST's in the last bits, docs/divergences.md)
    got, want = sr.events, ref.events
    np.testing.assert_array_equal(np.asarray(got["senders"]), np.asarray(want["senders"]))
    np.testing.assert_allclose(np.asarray(got["times"]), np.asarray(want["times"]), rtol=1e-9)
