"""kernel/delivery._deliver_slice_seq: a small slice's neuron -> neuron events added one
synapse at a time instead of scattered in batches (XLA's CPU compiler runs a loop that
holds a scatter operation by operation). It must give the batches' bits: every run below
is made once with the sequential path and once with it switched off, and the spike
trains and membrane potentials must be equal bit for bit."""

import hashlib

import numpy as np
import pytest

import pynest_jax as nest
from pynest_jax.kernel import cores, delivery


def _digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(np.asarray(a, np.float64)).tobytes())
    return h.hexdigest()


def _batches(monkeypatch):
    """Switch the sequential path off; compiled programs kept from before are dropped
    (they were traced with it on)."""
    monkeypatch.setattr(delivery, "SEQ_FLAGS", 0)
    monkeypatch.setattr(cores, "CORES", {})


def _run(model, n, delays, mixed, receptors=False, nudge=False):
    nest.ResetKernel()
    nest.rng_seed = 7
    params = {"I_e": 300.0}
    if receptors:
        params["tau_syn"] = [2.0, 5.0, 9.0]
    nrn = nest.Create(model, n, params=params)
    if nudge:
        nrn[0].I_e = float(np.nextafter(300.0, np.inf))
    pg = nest.Create("poisson_generator", params={"rate": 8000.0})
    nest.Connect(pg, nrn, syn_spec={"weight": 20.0, "receptor_type": 1 if receptors else 0})
    syn = {"weight": nest.random.uniform(-30.0, 40.0) if mixed else 15.0,
           "delay": nest.random.uniform(0.5, 3.0) if delays else 1.0}
    if receptors:  # several ports, each with its own synaptic current
        syn = {"weight": nest.random.uniform(5.0, 40.0), "delay": syn["delay"],
               "receptor_type": 2}
        nest.Connect(nrn, nrn, {"rule": "fixed_indegree", "indegree": 2},
                     syn_spec=dict(syn, receptor_type=1))
    nest.Connect(nrn, nrn, {"rule": "fixed_indegree", "indegree": max(1, n // 3),
                            "allow_multapses": True}, syn_spec=syn)
    sr = nest.Create("spike_recorder")
    nest.Connect(nrn, sr)
    vm = nest.Create("voltmeter", params={"interval": 0.1})
    nest.Connect(vm, nrn)
    nest.Simulate(120.0)
    nest.Simulate(33.3)
    ev, v = sr.events, vm.events
    return _digest(ev["times"], ev["senders"], v["V_m"]), len(ev["times"])


CASES = [("iaf_psc_alpha", 3, False, False), ("iaf_psc_alpha", 20, True, True),
         ("iaf_psc_exp", 40, True, True), ("iaf_cond_alpha", 12, False, True),
         ("iaf_psc_alpha", 150, False, True)]


@pytest.mark.parametrize("model,n,delays,mixed", CASES)
def test_sequential_slice_equals_the_batches(monkeypatch, model, n, delays, mixed):
    assert delivery.small_slice(n * 10, 2 * 31 * n)  # the sequential path is taken
    seq = _run(model, n, delays, mixed)
    _batches(monkeypatch)
    batches = _run(model, n, delays, mixed)
    assert seq[1] > 3 * n  # the network spikes
    assert seq == batches


def test_receptor_ports(monkeypatch):
    def run():
        return _run("iaf_psc_exp_multisynapse", 15, True, False, receptors=True)

    seq = run()
    _batches(monkeypatch)
    assert seq[1] > 30
    assert seq == run()


def test_the_comparison_can_fail():
    """One neuron's bias current a unit in the last place larger changes the digest: the
    comparison above sees differences of the last bit."""
    assert _run("iaf_psc_alpha", 20, True, True, nudge=True) != \
        _run("iaf_psc_alpha", 20, True, True)
