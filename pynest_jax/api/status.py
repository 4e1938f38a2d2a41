"""Node status: what ``get`` shows and what ``set`` changes, all-or-nothing.

``get`` follows NEST's get_nc_status (nestkernel/nest.cpp): one dict of
per-node tuples, ``None`` where a node lacks a key. ``set`` follows PyNEST's
NodeCollection.set (lists split into one dict per node) and the kernel's
set_nc_status (one dict for all nodes or one per node); unlike NEST, a failing
set changes no node at all.
"""

from __future__ import annotations

import copy

import numpy as np

from ._kernel import kernel
from .helpers import is_iterable
from ..errors import NESTErrors
from ..kernel import network, values as V
from ..kernel.backends import extra_status
from ..models._spec import NeuronModel, RecorderModel
from ..models.ids import model_id


def _generic(pop, gids, loc, keys=None):
    """Keys every node shows besides its model's parameters and state (Node::get_status_base)."""
    spec = pop.spec
    n = len(gids)

    def want(k):
        return keys is None or k in keys

    out = {}
    table = {
        "global_id": lambda: gids, "model": lambda: list(pop.model_names[loc]),
        "element_type": lambda: [spec.element_type] * n, "frozen": lambda: pop.frozen[loc],
        "local": lambda: [True] * n, "node_uses_wfr": lambda: [False] * n,
        "thread": lambda: [0] * n, "vp": lambda: [0] * n,
        "thread_local_id": lambda: kernel.graph.thread_local_id(gids),
        "model_id": lambda: [model_id(m) for m in pop.model_names[loc]],
    }
    for k, f in table.items():
        if want(k):
            out[k] = f()
    if isinstance(spec, NeuronModel) and spec.recordables and want("recordables"):
        if spec.ports is not None:  # one recordable per port: each node its own
            out["recordables"] = [spec.recordables_for(int(c)) for c in pop.arrays[spec.ports][loc]]
        else:
            out["recordables"] = [list(spec.recordables) for _ in range(n)]
    for k, v in spec.extra_status.items():
        if want(k):
            out[k] = [copy.deepcopy(v) for _ in range(n)]
    if isinstance(spec, RecorderModel) and "record_to" in pop.host:  # a recording device
        memory = [pop.host["record_to"][li] == "memory" for li in loc]
        extras = [extra_status(kernel, pop, int(li), int(g)) for li, g in zip(loc, gids)]
        for k in sorted(set().union(*extras)):
            if want(k):
                out[k] = [e.get(k) for e in extras]
        if want("events") and all(memory):
            out["events"] = [_events(pop, int(g)) for g in gids]
    return out


def _events(pop, gid):
    """The memory backend's events: senders and times, then the recorded values once any."""
    ev = kernel.events.get(gid)
    if len(ev.get("senders", ())) == 0:
        keys = ["senders", "times"]
        li = kernel.graph.node_local[gid]
        if "time_in_steps" in pop.arrays and pop.arrays["time_in_steps"][li]:
            keys.append("offsets")
        if gid <= kernel.graph.prepared_upto and "record_from" in pop.host:
            keys += list(pop.host["record_from"][li])
        if gid <= kernel.graph.prepared_upto:
            keys += list(pop.spec.event_keys)
        return {k: np.zeros(0, float) for k in sorted(keys)}
    threads = int(kernel.status.get("local_num_threads", 1))
    if threads > 1:
        # NEST keeps one instance of a recorder per thread, fed by the nodes of that thread
        # (node id % number of virtual processes), and GetStatus concatenates them thread
        # by thread: the same events, grouped by the sender's thread
        order = np.argsort(np.asarray(ev["senders"]) % threads, kind="stable")
        ev = {k: np.asarray(v)[order] for k, v in ev.items()}
    return dict(sorted(ev.items()))  # NEST's dictionaries are ordered by key


def node_values(gids, keys=None) -> dict:
    """{key: list of per-node values, None where a node lacks the key} (NEST form)."""
    gids = np.asarray(gids, np.int64)
    result: dict[str, list] = {}
    wanted = None if keys is None else set(keys)
    for pop, pos, loc in kernel.graph.group_by_population(gids):
        vals = V.nest_groups(pop.spec, V.get_columns(pop, loc, V.group_keys(pop.spec, wanted)))
        for d in pop.spec.params:
            if d.dtype == "nodes" and d.name in vals:  # node ids shown as a NodeCollection
                from .nodecollection import NodeCollection
                vals[d.name] = [NodeCollection._from_gids(np.asarray(v, np.int64))
                                for v in vals[d.name]]
        vals.update(_generic(pop, gids[pos], loc, wanted))
        for k, v in vals.items():
            col = result.setdefault(k, [None] * len(gids))
            for i, p in enumerate(pos):
                col[p] = _plain(v[i])
    return result


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v


def get_all(gids) -> dict:
    """nc.get(): every key, a tuple per key (the value itself for a single node)."""
    values = node_values(gids)
    one = len(gids) == 1
    return {k: (v[0] if one else tuple(v)) for k, v in sorted(values.items())}


def get_key(gids, key):
    """llapi_get_nc_status(nc, key): KeyError when no node has the key."""
    values = node_values(gids, [key])
    if key not in values:
        raise KeyError(key)
    v = values[key]
    return v[0] if len(v) == 1 else tuple(v)


class PerNode(dict):
    """{key: one value per node}: a dict PyNEST would have split into one dict per node."""


def split_per_node(nc, params: dict):
    """PyNEST's NodeCollection.set: a list given for a scalar key means one value per node."""
    if not params:
        return params
    first = get_all(nc._gids[:1])
    if not any(is_iterable(v) and k in first and not is_iterable(first[k]) for k, v in params.items()):
        return params
    n = len(nc)
    out = PerNode()
    for k, v in params.items():
        if not is_iterable(v):
            out[k] = v
        elif isinstance(v, np.ndarray) and v.ndim == 1:
            if len(v) < n:
                raise IndexError(f"index {len(v)} is out of bounds for axis 0 with size {len(v)}")
            out[k] = v[:n]
        else:
            out[k] = [v[i] for i in range(n)]  # raises IndexError as PyNEST does
    return out


def _groups(params, n):
    """The kernel's set_nc_status forms -> [(positions, {key: scalar or per-position values})]."""
    if isinstance(params, PerNode):
        per_node = {k for k, v in params.items() if isinstance(v, (list, np.ndarray))}
        return [(np.arange(n), dict(params), per_node)]
    if isinstance(params, dict):
        return [(np.arange(n), dict(params), set())]
    if not isinstance(params, (list, tuple)):
        raise TypeError("params must be a dict or a list of dicts")
    for d in params:
        if not isinstance(d, dict):
            raise TypeError(f"Expected a dictionary, got {type(d).__name__}")
    if len(params) == 1:
        return [(np.arange(n), dict(params[0]), set())]
    if len(params) != n:
        raise NESTErrors.BadParameter(
            f"List of dictionaries must be the same size as the NodeCollection ({n}), "
            f"{len(params)} given.")
    by_keys: dict[tuple, list[int]] = {}
    for i, d in enumerate(params):
        by_keys.setdefault(tuple(d), []).append(i)
    out = []
    for keys, idx in by_keys.items():
        out.append((np.asarray(idx), {k: [params[i][k] for i in idx] for k in keys}, set(keys)))
    out.sort(key=lambda g: g[0][0])  # NEST visits nodes in order; the first failure is reported
    return out


def set_nodes(gids, params):
    """Set values of nodes; nothing changes if any value is refused."""
    network.set_nodes(kernel, gids, _groups(params, len(gids)))
