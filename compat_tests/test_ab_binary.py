"""A/B: NEST's binary neurons and the detectors that read their events, real NEST vs
pynest_jax (mcculloch_pitts_neuron, ginzburg_neuron, erfc_neuron, spin_detector,
correlospinmatrix_detector).

A binary neuron updates its state at exponentially distributed intervals, drawn from
the kernel's random stream. With a mean interval far below one step (tau_m = 0.001 ms)
it updates at every step, so a network of them, driven by spike generators, is
deterministic: there the input h, the states, the spin detector's events and the
correlation counts must equal NEST's exactly. Its weights are binary fractions: NEST adds
a sender's up-transition as -w and then +2w (the spike unrolled), pynest_jax as +w, which
differ in the last bit when other events share the step (docs/divergences.md). Stochastic regimes are compared over
seeds: the mean of a statistic pooled over SEEDS differs from NEST's by at most Z = 4
standard errors of the difference, and a shifted parameter must be told apart (the
test can fail).
"""

import numpy as np
import pytest

from conftest import assert_defaults_equal, connect_outcomes, refuse_on_both

MODELS = ("mcculloch_pitts_neuron", "ginzburg_neuron", "erfc_neuron")
SEEDS = (11, 12, 13, 14)
Z = 4.0
EVERY_STEP = 0.001  # ms: a mean update interval far below h, an update every step

# deterministic gains: a threshold, a linear gain saturated (c_1 h >= 1 or <= 0), a
# step of erfc (sigma tiny)
DETERMINISTIC = {
    "mcculloch_pitts_neuron": {"theta": 0.5},
    "ginzburg_neuron": {"theta": 0.0, "c_1": 10.0, "c_2": 0.0},
    "erfc_neuron": {"theta": 0.4, "sigma": 1e-9},
}


def _pulses(rng, T, n):
    """Binary pulses as a spike generator sends them: a double spike up, a single down."""
    times = np.sort(rng.choice(np.arange(10, int(T * 10) - 10), 2 * n, replace=False)) / 10.0
    out = []
    for up, down in times.reshape(-1, 2):
        out += [up, up, down]
    return out


def _deterministic_network(nest, model):
    rng = np.random.default_rng(5)
    nest.resolution = 0.1
    params = {**DETERMINISTIC[model], "tau_m": EVERY_STEP}
    n = nest.Create(model, 4, params=params)
    sgs = nest.Create("spike_generator", 3)
    for i, sg in enumerate(sgs):
        sg.spike_times = _pulses(rng, 60.0, 6)
    nest.Connect(sgs[0], n[0], syn_spec={"weight": 1.0})
    nest.Connect(sgs[1], n[1], syn_spec={"weight": 1.0, "delay": 2.0})
    nest.Connect(sgs[2], n[2], syn_spec={"weight": 0.75})
    nest.Connect(n[0], n[3], syn_spec={"weight": 0.375})
    nest.Connect(n[1], n[3], syn_spec={"weight": 0.25, "delay": 1.5})
    nest.Connect(n[2], n[3], syn_spec={"weight": -0.5})
    nest.Connect(n[3], n[2], syn_spec={"weight": 0.875, "delay": 3.0})
    mm = nest.Create("multimeter", params={"record_from": ["h", "S"], "interval": 0.1})
    nest.Connect(mm, n)
    sd = nest.Create("spin_detector")
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sd)
    nest.Connect(n, sr)
    csd = nest.Create("correlospinmatrix_detector",
                      params={"N_channels": 4, "tau_max": 3.0, "delta_tau": 0.5})
    for i in range(4):
        nest.Connect(n[i], csd, syn_spec={"receptor_type": i})
    nest.Simulate(30.0)
    n[3].set(theta=0.2) if model != "ginzburg_neuron" else n[3].set(c_1=20.0, theta=0.3)
    nest.Simulate(30.0)
    ev = mm.get("events")
    order = np.lexsort((ev["senders"], ev["times"]))
    return ({k: np.asarray(ev[k], float)[order] for k in ("senders", "times", "h", "S")},
            sd.get("events"), sr.get("events"), csd.get("count_covariance"),
            n.get(["h", "S", "t_spike"]))


@pytest.mark.parametrize("model", MODELS)
def test_deterministic_network_equals_nest(ab, model):
    """Inputs, states, spin events, recorded spikes and the spin correlation counts of a
    network updated at every step: NEST's exactly."""
    ref, got = ab(lambda nest: _deterministic_network(nest, model))
    assert ref[1]["times"].size > 20  # the states change
    for k in ("senders", "times", "h", "S"):
        np.testing.assert_array_equal(got[0][k], ref[0][k], err_msg=k)
    for k in ("senders", "times", "state"):
        np.testing.assert_array_equal(got[1][k], ref[1][k], err_msg=k)
    for k in ("senders", "times"):
        np.testing.assert_array_equal(got[2][k], ref[2][k], err_msg=k)
    np.testing.assert_array_equal(got[3], ref[3])
    assert np.asarray(ref[3]).sum() > 0
    for k in ref[4]:
        np.testing.assert_array_equal(got[4][k], ref[4][k], err_msg=k)


def _activity(nest, model, params, N=40, T=3000.0):
    """Per neuron: the fraction of time in the up state and the number of transitions."""
    up, changes = [], []
    for seed in SEEDS:
        nest.ResetKernel()
        nest.rng_seed = seed
        n = nest.Create(model, N, params=params)
        sd = nest.Create("spin_detector")
        nest.Connect(n, sd)
        nest.Simulate(T)
        ev = sd.get("events")
        s, t, st = (np.asarray(ev[k]) for k in ("senders", "times", "state"))
        for g in n.tolist():
            ti, si = t[s == g], st[s == g]
            edges = np.concatenate([ti, [T]])
            state = np.concatenate([[0], si])  # a binary neuron starts down
            up.append(np.sum(np.diff(np.concatenate([[0.0], edges])) * state) / T)
            changes.append(len(ti))
    return np.asarray(up), np.asarray(changes, float)


def _within(ref, got):
    se = np.sqrt(ref.var(ddof=1) / len(ref) + got.var(ddof=1) / len(got))
    return abs(got.mean() - ref.mean()) <= Z * se, (ref.mean(), got.mean(), se)


# model -> (parameters, a shifted gain the test must tell apart)
STOCHASTIC = {
    "ginzburg_neuron": ({"theta": 0.3, "c_1": 0.1, "c_3": 2.0, "tau_m": 5.0},
                        {"theta": 0.6, "c_1": 0.1, "c_3": 2.0, "tau_m": 5.0}),
    "erfc_neuron": ({"theta": -0.4, "sigma": 1.5, "tau_m": 20.0},
                    {"theta": 0.0, "sigma": 1.5, "tau_m": 20.0}),
    "mcculloch_pitts_neuron": ({"theta": -1.0, "tau_m": 40.0},
                               {"theta": -1.0, "tau_m": 80.0}),
}


@pytest.mark.parametrize("model", MODELS)
def test_activity_statistically_equal(real_nest, jax_nest, model):
    """Time in the up state and the number of transitions per neuron (update times and
    gains drawn from the kernel's stream): NEST's within Z standard errors; the shifted
    parameters are told apart."""
    params, shifted = STOCHASTIC[model]
    ref = _activity(real_nest, model, params)
    got = _activity(jax_nest, model, params)
    assert ref[1].sum() > 100
    for r, g in zip(ref, got):
        ok, detail = _within(r, g)
        assert ok, detail
    moved = _activity(jax_nest, model, shifted)
    assert not all(_within(r, m)[0] for r, m in zip(ref, moved))


@pytest.mark.parametrize("model", MODELS + ("spin_detector", "correlospinmatrix_detector"))
def test_defaults_equal_nest(real_nest, jax_nest, model):
    assert_defaults_equal(real_nest, jax_nest, model, ignore=("elementsize", "events"))
    if model == "spin_detector":
        assert {k: list(v) for k, v in jax_nest.GetDefaults(model)["events"].items()} == {
            k: list(v) for k, v in real_nest.GetDefaults(model)["events"].items()}


@pytest.mark.parametrize("model,bad", [
    ("mcculloch_pitts_neuron", {"tau_m": 0.0}), ("ginzburg_neuron", {"tau_m": -1.0}),
    ("erfc_neuron", {"tau_m": 0.0, "theta": 3.0}),
])
def test_bad_values_raise_nest_error(real_nest, jax_nest, model, bad):
    nest_refusal, ours = refuse_on_both(real_nest, jax_nest, model, bad)
    assert nest_refusal.reason in ours.message, (nest_refusal.message, ours.message)
    assert ours.kept()


@pytest.mark.parametrize("source,target", [
    ("mcculloch_pitts_neuron", "iaf_psc_alpha"), ("iaf_psc_alpha", "ginzburg_neuron"),
    ("poisson_generator", "erfc_neuron"), ("dc_generator", "erfc_neuron"),
    ("noise_generator", "erfc_neuron"), ("spike_generator", "erfc_neuron"),
    ("parrot_neuron", "mcculloch_pitts_neuron"), ("mcculloch_pitts_neuron", "parrot_neuron"),
    ("iaf_psc_alpha", "spin_detector"), ("erfc_neuron", "spin_detector"),
    ("erfc_neuron", "spike_recorder"), ("erfc_neuron", "correlation_detector"),
    ("erfc_neuron", "correlomatrix_detector"), ("iaf_psc_alpha", "correlospinmatrix_detector"),
    ("spike_generator", "correlospinmatrix_detector"), ("erfc_neuron", "erfc_neuron"),
])
def test_connection_legality_equals_nest(real_nest, jax_nest, source, target):
    """NEST's SignalType rules (spiking vs binary) and receptor ports, at Connect."""
    ports = (0, 1)
    assert (connect_outcomes(jax_nest, source, target, ports)
            == connect_outcomes(real_nest, source, target, ports))


def test_source_table_needed(ab):
    """A binary neuron receiving from a neuron needs the source table (NEST raises a
    KernelException; here at Prepare, in NEST at the first event)."""
    def run(nest):
        nest.keep_source_table = False
        a, b = nest.Create("ginzburg_neuron"), nest.Create("mcculloch_pitts_neuron")
        nest.Connect(a, b)
        with pytest.raises(nest.NESTErrors.KernelException):
            nest.Simulate(100.0)
        return True
    assert ab(run) == (True, True)
