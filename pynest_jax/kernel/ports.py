"""Receptor ports set per node (NEST's ``*_multisynapse`` models), host side.

A node of such a model has its own number of ports (the length of its ``tau_syn``
or ``E_rev`` list, kept in the read-only count parameter ``spec.ports``). Its
population is laid out for the largest count among its nodes, the *width*:
per-port parameters become ``(n, width)`` arrays, per-port state is stored
``(n, width)``, and the ring buffer has ``width`` port channels after the
model's declared ones. The width is fixed at Prepare (NEST resizes its vectors
in ``pre_run_hook``); a new width is a new program structure, new values in the
same width are only arguments.
"""

from __future__ import annotations

import numpy as np

from ..errors import NESTErrors
from ..models._spec import GeneratorModel, NeuronModel


def has_ports(spec) -> bool:
    return getattr(spec, "ports", None) is not None


def counts(pop, local=None) -> np.ndarray:
    """The number of ports of each node (all, or those at ``local``)."""
    c = pop.arrays[pop.spec.ports]
    return c if local is None else c[local]


def width(pop) -> int:
    """Port channels of the population: its largest count (at least one)."""
    if not has_ports(pop.spec) or len(pop) == 0:
        return 0
    return max(1, int(counts(pop).max()))


def _per_port(decls):
    return [d for d in decls if getattr(d, "per_port", False)]


def resize_state(pop) -> bool:
    """pre_run_hook's resize of the per-port state to the population's width: ports
    a node gains start at 0, ports beyond its count are cleared. True when a shape
    changed (a structural change: the program is rebuilt)."""
    if not has_ports(pop.spec) or len(pop) == 0:
        return False
    W = width(pop)
    keep = np.arange(W)[None, :] < counts(pop)[:, None]
    changed = False
    for decl in _per_port(pop.spec.state):
        old = pop.arrays[decl.name]
        if old.ndim == 1:  # never prepared: one value per node, the initial one
            old = old[:, None]
        new = np.zeros((len(pop), W), old.dtype)
        m = min(W, old.shape[1])
        new[:, :m] = old[:, :m]
        changed |= pop.arrays[decl.name].shape != new.shape
        pop.arrays[decl.name] = np.where(keep, new, 0)
    return changed


def device_params(pop, W: int) -> dict:
    """Per-port parameters as ``(n, W)`` arrays (vectorized over nodes: one
    concatenation of the host vectors, one scatter)."""
    out = {}
    if not has_ports(pop.spec) or len(pop) == 0:
        return out
    c = counts(pop).astype(np.int64)
    rows = np.repeat(np.arange(len(pop)), c)
    cols = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c)
    for decl in _per_port(pop.spec.params):
        fill = float(np.asarray(decl.default, float).reshape(-1)[0])
        a = np.full((len(pop), W), fill)
        vals = pop.host[decl.name]
        if len(rows):
            flat = np.concatenate([np.asarray(v, float).reshape(-1) for v in vals])
            inside = cols < W
            a[rows[inside], cols[inside]] = flat[inside]
        out[decl.name] = a
    if pop.spec.port_host_derive is not None:
        out.update(pop.spec.port_host_derive(out))
    return out


def spike_weight_check(graph):
    """NEST's handle(SpikeEvent&) of models that refuse negative weights: BadProperty.

    NEST throws when such a spike is delivered; here when the network is prepared
    with such a connection (from a node that sends spikes)."""
    pops = [p for p in graph.pop_list if getattr(p.spec, "positive_spike_weights", None)]
    if not pops:
        return
    conns = graph.connections
    rows = np.nonzero(conns.col("alive") & (conns.col("weight") < 0))[0]
    if not len(rows):
        return
    src_p = graph.node_pop[conns.col("source")[rows]]
    tgt_p = graph.node_pop[conns.col("target")[rows]]
    spiking = np.array([isinstance(p.spec, NeuronModel) or (
        isinstance(p.spec, GeneratorModel) and p.spec.event == "spike") for p in graph.pop_list],
        bool)
    for pop in pops:
        if np.any((tgt_p == pop.index) & spiking[src_p]):
            raise NESTErrors.BadProperty(pop.spec.positive_spike_weights)


def rports(graph, rows):
    """NEST's rport of each connection: what the target's handles_test_event returned
    at Connect, which GetConnections ("receptor") and the weight recorder
    ("receptors") show. A neuron counts it from its first receptor of the event's
    kind (0 for single-port models; receptor_type - MIN_SPIKE_RECEPTOR or
    - MIN_CURR_RECEPTOR for the multi-compartment ones); multisynapse models and
    non-neuron targets keep the receptor as given."""
    store = graph.connections
    return rport_of(graph, graph.node_pop[store.col("source")[rows]],
                    graph.node_pop[store.col("target")[rows]], store.col("receptor")[rows])


def rport_of(graph, sp, tp, receptor):
    """The rports of connections from populations ``sp`` to ``tp`` (see rports)."""
    receptor = np.broadcast_to(np.asarray(receptor, np.int64), np.shape(sp))
    out = receptor.copy()
    for s_, t_ in set(zip(sp.tolist(), tp.tolist())):
        sspec, tspec = graph.pop_list[s_].spec, graph.pop_list[t_].spec
        if not isinstance(tspec, NeuronModel) or has_ports(tspec):
            continue
        if not isinstance(sspec, (NeuronModel, GeneratorModel)):
            continue
        current = isinstance(sspec, GeneratorModel) and sspec.event == "current"
        table = tspec.current_receptors if current else tspec.spike_receptors
        if table:
            sel = (sp == s_) & (tp == t_)
            base = getattr(tspec, "rport_base", None)
            out[sel] = receptor[sel] - (min(table) if base is None or current else base)
    return out
