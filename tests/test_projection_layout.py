"""The host layout of neuron -> neuron projections (kernel/projections.py).

A static projection keeps each source's synapses as a run of one flat table; delivery
reads a window of the projection's width from the run's start and drops the places
past it. These tests check the runs against the connection table (each source's
targets, in creation order) and that the table has about one place per synapse when
out-degrees differ a lot (the padded rows it replaced had 3.6 in brunel_stdp); a
plastic projection has no row for a source without synapses in it.
"""

import numpy as np

import pynest_jax as nest
from pynest_jax.api._kernel import kernel
from pynest_jax.kernel import projections, table_reads


def _skewed_network(plastic=False):
    """40 neurons in one population: sources 0-29 reach 10 targets with 3 synapses
    each on average, sources 30-39 every neuron with 5 each on average (out-degrees
    about 1 against 20)."""
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    n = nest.Create("iaf_psc_alpha", 40, params={"I_e": 400.0})
    syn = {"synapse_model": "stdp_synapse", "weight": 20.0} if plastic else {"weight": 20.0}
    nest.Connect(n[:30], n[30:], {"rule": "fixed_indegree", "indegree": 3}, syn)
    nest.Connect(n[30:], n, {"rule": "fixed_indegree", "indegree": 5}, {"weight": -5.0})
    nest.Simulate(5.0)
    return kernel.graph, kernel.program.layout


def test_static_runs_hold_each_source_s_targets_in_creation_order():
    graph, layout = _skewed_network()
    (proj,) = [p for p in layout.projections if p.kind == "event"]
    a = layout.host_arrays[proj.key]
    start, tgt = a["start"], table_reads.host_targets(graph, a, proj.n_tgt)
    conns = graph.connections
    src_g, tgt_g = conns.col("source"), conns.col("target")
    assert len(src_g) == 10 * 3 + 40 * 5
    for s in range(40):
        gid = s + 1
        expect = graph.node_local[tgt_g[src_g == gid]]  # creation order
        np.testing.assert_array_equal(tgt[start[s]:start[s + 1]], expect)
    # after the runs only padding (target n: out of range), at least a window of it
    assert start[40] == start[41] == len(src_g)
    assert np.all(tgt[start[40]:] == 40) and tgt.size - start[40] >= proj.width
    # about one place per synapse (bucketed length: at most 1/8 more) plus one window,
    # where rows as wide as the largest out-degree would hold 41 x width
    assert tgt.size <= 1.125 * len(src_g) + proj.width < 41 * proj.width / 2


def test_plastic_rows_only_for_sources_with_synapses():
    graph, layout = _skewed_network(plastic=True)
    (proj,) = [p for p in layout.projections if p.kind == "plastic"]
    a = layout.host_arrays[proj.key]
    rows = table_reads.connection_rows(a)
    senders = np.unique(graph.connections.col("source")[rows[rows >= 0]]) - 1
    assert senders.max() < 30
    assert a["tgt"].shape == (len(senders) + 1, proj.width)
    row_of = a["row_of"]
    np.testing.assert_array_equal(row_of[senders], np.arange(len(senders)))
    others = np.setdiff1d(np.arange(41), senders)  # the other sources and padding
    assert np.all(row_of[others] == len(senders))
    assert np.all(a["tgt"][-1] == 40)
