"""A/B of spike_dilutor (deprecated in NEST 3.10, still built): real NEST vs pynest_jax.

Deterministic parts equal NEST's: defaults, refusals, and with p_copy 1 (or 0) every
relayed spike: the stamps, the per-slice window (start, stop, origin at two
min_delays), multiplicities. With 0 < p_copy < 1 NEST draws a binomial share of each
event for each target, recorders included: on both sides each target's count and
the coincidences of two targets (independent draws: p_copy^2 of the mother spikes)
are tested against their binomial expectation, two-sided at alpha = 0.001, the
variance the process implies (never one estimated from our output). Seeds fixed.
"""

import numpy as np
import pytest
from scipy import stats

from _ab_compare import assert_same, probe
from conftest import assert_defaults_equal, assert_spikes_identical

Z = stats.norm.isf(1e-3 / 2)


def test_defaults_equal_nest(real_nest, jax_nest):
    assert_defaults_equal(real_nest, jax_nest, "spike_dilutor")


BAD = ({"p_copy": -0.1}, {"p_copy": 1.5}, {"start": 5.0, "stop": 2.0})


@pytest.mark.parametrize("bad", BAD, ids=["negative", "above_one", "stop_before_start"])
def test_bad_parameters_raise_nests_error_and_change_nothing(ab, bad):
    def run(nest):
        d = nest.Create("spike_dilutor", params={"p_copy": 0.5})
        out = [probe(lambda: d.set(bad)), probe(lambda: nest.SetDefaults("spike_dilutor", bad)),
               probe(lambda: nest.Create("spike_dilutor", params=bad))]
        return out, d.get(sorted(bad) + ["p_copy"]), nest.GetDefaults("spike_dilutor", sorted(bad))

    ref, got = ab(run)
    assert_same(ref, got)
    assert ref[0][0][0] == "raises"


TIMES = [0.5, 1.0, 2.3, 4.9, 5.0, 5.1, 6.0, 6.0, 7.7, 9.9, 10.0, 10.1, 12.4, 15.0]


@pytest.mark.parametrize("p_copy", [1.0, 0.0])
@pytest.mark.parametrize("min_delay", [1.0, 0.7])
def test_relayed_spikes_equal_nest(ab, p_copy, min_delay):
    """The window is tested at each min_delay slice's first step; two input
    connections give multiplicity 2; the dilutor's own recorder is a target too."""

    def run(nest):
        nest.set(min_delay=min_delay, max_delay=3.0)
        sg = nest.Create("spike_generator", params={"spike_times": TIMES})
        d = nest.Create("spike_dilutor", params={"p_copy": p_copy, "start": 4.0,
                                                 "stop": 9.0, "origin": 1.0})
        t = nest.Create("parrot_neuron", 2)
        nest.Connect(sg, d, syn_spec={"delay": min_delay, "weight": -2.0})
        nest.Connect(sg, d, syn_spec={"delay": 2.0})
        nest.Connect(d, t, syn_spec={"delay": min_delay})
        sr = nest.Create("spike_recorder")
        nest.Connect(d + t, sr)
        nest.Simulate(10.0)
        nest.Simulate(10.0)
        return sr.events

    ref, got = ab(run)
    assert (len(ref["times"]) > 10) == (p_copy == 1.0)
    assert_spikes_identical(ref, got)


def _thinned(nest, p_copy, seed=20261205, n_targets=3):
    """One mother spike in every step from 1 ms to 498 ms: the dilutor relays it at
    +1 ms, the targets receive it at +2 ms, all within the 500 ms run."""
    nest.rng_seed = seed
    times = np.round(np.arange(10, 4981) * 0.1, 1)
    sg = nest.Create("spike_generator", params={"spike_times": times})
    d = nest.Create("spike_dilutor", params={"p_copy": p_copy})
    t = nest.Create("parrot_neuron", n_targets)
    nest.Connect(sg, d)
    nest.Connect(d, t)
    sr = nest.Create("spike_recorder")
    nest.Connect(d + t, sr)
    nest.Simulate(500.0)
    ev = sr.events
    per_target = [np.round(ev["times"][ev["senders"] == g] * 10).astype(int) for g in t.tolist()]
    own = int(np.sum(ev["senders"] == d.global_id))
    return len(times), own, per_target


@pytest.mark.parametrize("p_copy", [0.3, 0.75])
def test_each_target_draws_its_own_binomial_share(real_nest, jax_nest, p_copy):
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        n, own, per_target = _thinned(nest, p_copy)
        counts = [own] + [len(s) for s in per_target]
        assert all(len(np.unique(s)) == len(s) for s in per_target)  # multiplicity 1
        sd = np.sqrt(n * p_copy * (1 - p_copy))
        for c in counts:  # the dilutor's own recorder and each target
            assert abs(c - n * p_copy) < Z * sd + 3, (nest.__name__, c, n * p_copy)
        # independence: a mother spike reaches both targets with probability p^2
        both = len(np.intersect1d(per_target[0], per_target[1]))
        q = p_copy ** 2
        assert abs(both - n * q) < Z * np.sqrt(n * q * (1 - q)) + 3, (nest.__name__, both, n * q)


def test_connection_and_thread_rules_equal_nest(ab):
    """A stimulation device in NEST: one synapse model for all its outgoing
    connections, no global receivers, no current input; refused at Simulate with two
    threads."""

    def run(nest):
        out = []
        for target in ("iaf_psc_alpha", "iaf_psc_alpha", "multimeter"):
            d = nest.Create("spike_dilutor")
            out.append(probe(lambda: nest.Connect(
                d, nest.Create(target), syn_spec={"synapse_model": "stdp_synapse"})))
            out.append(probe(lambda: nest.Connect(d, nest.Create("iaf_psc_alpha"))))
        out.append(probe(lambda: nest.Connect(nest.Create("dc_generator"), d)))
        out.append(nest.num_connections)
        nest.ResetKernel()
        nest.local_num_threads = 2
        nest.Create("spike_dilutor")
        out.append(probe(lambda: nest.Simulate(1.0)))
        out.append(nest.network_size)
        return out

    ref, got = ab(run)
    assert_same(ref, got)
