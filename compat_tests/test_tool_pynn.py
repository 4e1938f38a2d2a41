"""A/B: PyNN's NEST backend (pyNN.nest, PyPI pynn 0.13) on real NEST and on pynest_jax.

tool_scripts/pynn_network.py builds populations of IF_cond_exp and IF_curr_alpha
cells fed by SpikeSourceArrays, with static projections (all-to-all, from a list,
inhibitory) and an STDP projection (SpikePairRule, AdditiveWeightDependence), runs it
in two parts and writes what PyNN recorded (spikes, v, gsyn_exc, gsyn_inh) and the
weights PyNN reads back. Nothing is random, so spike times must be identical and the
traces and weights equal within 1e-9 relative.

TODO(issue 11): a TsodyksMarkramSynapse projection, once pynest_jax has
tsodyks_synapse (PyNN's NEST model for it); pynest_jax has tsodyks2_synapse only.
"""

import pytest

pytest.importorskip("pyNN")

from _tool_run import assert_same_results, run_both  # noqa: E402


def test_pynn_network_matches_nest(tmp_path):
    ref, got = run_both("pynn_network.py", tmp_path)
    assert sum(map(len, ref["exc.spikes"])) >= 5 and sum(map(len, ref["inh.spikes"])) >= 5
    start, mid = 1.2, [w for _, _, w in ref["stdp_weights_mid"]]
    end = [w for _, _, w, _ in ref["sources_inh_stdp.weights"]]
    assert start not in mid and mid != end  # the STDP weights moved in both parts of the run
    assert_same_results(ref, got, exact=lambda key: key.endswith(".spikes"))
