"""A/B of the synapses that transmit at random (bernoulli_synapse, quantal_stp_synapse
and their _hpc/_lbl variants): statistically equal to NEST's over seeds, not draw
for draw.

The bound: a statistic of ours and NEST's (a mean, a variance), each pooled over
SEEDS seeds, differ by at most Z = 4 standard errors of their difference (two-sided
alpha about 6e-5 per comparison, so the few dozen comparisons here rarely fail by
chance). Each test also runs ours with the probability shifted by 10 % and requires
the same bound to see the shift: the test can fail.
"""

import numpy as np
import pytest

from _synapse_table import STOCHASTIC
from conftest import assert_defaults_equal

SEEDS = (11, 12, 13, 14)
Z = 4.0


def _within(ref, got, what):
    """(ok, message): mean and variance of two samples within Z standard errors."""
    ref, got = np.asarray(ref, float), np.asarray(got, float)
    out = []
    se = np.sqrt(ref.var(ddof=1) / len(ref) + got.var(ddof=1) / len(got))
    out.append(("mean", ref.mean(), got.mean(), se))
    # the variance of a sample variance: (m4 - s^4) / n, each side's own moments
    def var_se2(x):
        m = x - x.mean()
        return (np.mean(m ** 4) - np.mean(m ** 2) ** 2) / len(x)
    out.append(("variance", ref.var(ddof=1), got.var(ddof=1),
                np.sqrt(var_se2(ref) + var_se2(got))))
    bad = [f"{what} {k}: NEST {r:.5g}, ours {g:.5g}, |diff| > {Z} x {s:.3g}"
           for k, r, g, s in out if abs(g - r) > Z * s]
    return not bad, "; ".join(bad)


def _over_seeds(nest, fn):
    parts = []
    for seed in SEEDS:
        nest.ResetKernel()
        nest.rng_seed = seed
        parts.append(fn(nest))
    return [np.concatenate([p[i] for p in parts]) for i in range(len(parts[0]))]


N_TGT = 100
N_SPIKES = 150


def _bernoulli(model, p):
    """One parrot relays N_SPIKES spikes (2 ms apart) to N_TGT parrots through the
    model with p_transmit = p. Samples: spikes passed per connection (binomial(N_SPIKES,
    p) when draws are independent in time) and per presynaptic spike, the targets
    reached (binomial(N_TGT, p) when independent across connections)."""
    def fn(nest):
        sg = nest.Create("spike_generator",
                         params={"spike_times": [1.0 + 2.0 * k for k in range(N_SPIKES)]})
        pre = nest.Create("parrot_neuron")
        post = nest.Create("parrot_neuron", N_TGT)
        sr = nest.Create("spike_recorder")
        nest.Connect(sg, pre)
        nest.Connect(pre, post, syn_spec={"synapse_model": model, "p_transmit": p})
        nest.Connect(post, sr)
        nest.Simulate(2.0 * N_SPIKES + 5.0)
        ev = sr.events
        per_conn = np.bincount(np.asarray(ev["senders"]) - post[0].global_id, minlength=N_TGT)
        per_spike = np.bincount(np.rint((np.asarray(ev["times"]) - 3.0) / 2.0).astype(int),
                                minlength=N_SPIKES)
        return per_conn, per_spike
    return fn


QUANTAL = {"U": 0.3, "u": 0.3, "n": 5, "a": 5, "tau_rec": 10.0, "tau_fac": 20.0}
GAP, PAIR = 20.0, 2.0  # pairs of spikes PAIR apart, GAP between pairs


def _quantal(model, params):
    """One parrot relays N_SPIKES spikes, in pairs PAIR ms apart with GAP ms between
    pairs, to N_TGT iaf_psc_delta that only integrate (E_L = 0, tau_m 1e12 ms, no
    threshold within reach), weight 1: the membrane potential counts the sites
    released. Samples (V_m's jump at each arrival): sites released at the first spike
    of a pair (recovered sites, facilitation decayed; binomial(n, u) at the very
    first), at the second (depleted, facilitated), and at the very first."""
    times = np.array([2.0 + (GAP + PAIR) * (k // 2) + PAIR * (k % 2) for k in range(N_SPIKES)])

    def fn(nest):
        sg = nest.Create("spike_generator", params={"spike_times": times.tolist()})
        pre = nest.Create("parrot_neuron")
        post = nest.Create("iaf_psc_delta", N_TGT, params={
            "E_L": 0.0, "V_m": 0.0, "V_reset": 0.0, "V_th": 1e9, "tau_m": 1e12})
        mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
        nest.Connect(sg, pre)
        nest.Connect(pre, post, syn_spec={"synapse_model": model, "weight": 1.0, **params})
        nest.Connect(mm, post)
        nest.Simulate(times[-1] + 5.0)
        ev = mm.events
        order = np.lexsort((np.asarray(ev["times"]), np.asarray(ev["senders"])))
        v = np.asarray(ev["V_m"])[order].reshape(N_TGT, -1)  # samples at 1, 2, ... ms
        at = np.rint(times).astype(int) + 2  # arrival: relayed (1 ms), then the delay
        released = np.rint(v[:, at - 1] - v[:, at - 2])
        return released[:, 0::2].reshape(-1), released[:, 1::2].reshape(-1), released[:, 0]
    return fn


def _names(base):
    return [base + v for v in ("", "_hpc", "_lbl")]


@pytest.mark.parametrize("model", _names("bernoulli_synapse"))
def test_bernoulli_transmits_as_nest(real_nest, jax_nest, model):
    """p = 0.3: spikes per connection (N_TGT x 4 seeds = 400 samples of ~45) and
    targets per spike (600 samples of ~30); and p = 0.33 on ours must be seen."""
    ref = _over_seeds(real_nest, _bernoulli(model, 0.3))
    got = _over_seeds(jax_nest, _bernoulli(model, 0.3))
    for what, r, g in zip(("per connection", "per spike"), ref, got):
        ok, msg = _within(r, g, what)
        assert ok, msg
    shifted = _over_seeds(jax_nest, _bernoulli(model, 0.33))
    assert not all(_within(r, g, "")[0] for r, g in zip(ref, shifted))


@pytest.mark.parametrize("model", _names("quantal_stp_synapse"))
def test_quantal_stp_releases_as_nest(real_nest, jax_nest, model):
    """n = 5 sites, U = u = 0.3, tau_rec 10 ms, tau_fac 20 ms: sites released at the
    first and at the second spike of the pairs (30,000 samples each) and at the very
    first spike (400 samples); and U = u = 0.33 on ours must be seen."""
    ref = _over_seeds(real_nest, _quantal(model, QUANTAL))
    got = _over_seeds(jax_nest, _quantal(model, QUANTAL))
    for what, r, g in zip(("first of a pair", "second of a pair", "first spike"), ref, got):
        ok, msg = _within(r, g, what)
        assert ok, msg
    assert ref[0].mean() > 0.2  # the targets integrate what arrives
    shifted = _over_seeds(jax_nest, _quantal(model, dict(QUANTAL, U=0.33, u=0.33)))
    assert not all(_within(r, g, "")[0] for r, g in zip(ref, shifted))


@pytest.mark.parametrize("model", sorted(STOCHASTIC))
def test_stochastic_synapse_defaults_equal_nest(real_nest, jax_nest, model):
    assert_defaults_equal(real_nest, jax_nest, model, ignore=("elementsize", "weight_recorder"))
    assert str(jax_nest.GetDefaults(model)["weight_recorder"]) == \
        str(real_nest.GetDefaults(model)["weight_recorder"])
