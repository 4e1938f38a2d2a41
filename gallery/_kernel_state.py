"""The kernel's observable state, as pseudo-recorders, for a snapshot that holds nothing else.

Many scripts build a network and only plot it (13 of the `spatial/` scripts), or simulate
without recording anything (gif_cond_exp_multisynapse): no recorder recorded anything and
the script read no value back, so there was nothing to compare. For such a snapshot
`_child.py` asks the kernel what it holds, by the public API only, and adds it as further
pseudo-recorders with negative gids (`-1, -2, ...` in the order below), each the same
structure in both implementations when they agree:

- "kernel state: positions of layer K (MODEL)": every spatial NodeCollection that
  `Create` returned since the last ResetKernel (NEST's GetNodes drops the layer
  metadata, so `Create` is watched): `node_ids` and `x`, `y` (, `z`) from GetPosition.
- "kernel state: connections SOURCE_MODEL -> TARGET_MODEL (SYNAPSE_MODEL)": one per
  projection, that is per (source model, target model, synapse model); `sources`,
  `targets`, `receptors`, `weights`, `delays`, and `distances` where both ends have
  positions (the target layer's extent wrapped where it has edge_wrap). Sorted by
  (source, target, receptor, weight, delay): NEST's order of connections is not a
  semantic. Above MAX_CONNECTIONS in all, only the total: "kernel state: connections
  (count only)" with `count`.
- "kernel state: nodes MODEL": the neurons of each model, by id: `node_ids` and every
  recordable that is a number in their status (V_m, ...). Above MAX_NODES neurons in all,
  only each model's `count`.

This file imports nothing from the `gallery` package (the child loads it by path).
"""

from collections import defaultdict

import numpy as np

STATE_MODEL = "kernel state"
MAX_CONNECTIONS = 2_000_000  # NEST's SynapseCollection.get takes seconds per million
MAX_NODES = 200_000


class Layers:
    """The spatial NodeCollections that `Create` returned since the last ResetKernel."""

    def __init__(self):
        self.layers = []

    def clear(self):
        self.layers = []

    def install(self, nest, set_attr):
        create = getattr(nest, "Create", None)
        if create is None:
            return

        def Create(*args, **kwargs):
            nodes = create(*args, **kwargs)
            try:
                if getattr(nodes, "spatial", None) is not None:
                    self.layers.append(nodes)
            except Exception:  # noqa: BLE001 -- watching must not break the script
                pass
            return nodes

        set_attr(nest, "Create", Create)


def _ids(nodes):
    return np.asarray(nodes.tolist(), dtype=np.int64).ravel()


def _models(nest):
    """(ids, models) of every node, as arrays."""
    nodes = nest.GetNodes()
    ids = _ids(nodes)
    if ids.size == 0:
        return ids, np.array([], dtype=str)
    return ids, np.atleast_1d(np.asarray(nodes.get("model"), dtype=str))


def _positions(nest, layers, records):
    """Position records; returns {gid: (layer index, row)} and each layer's (positions, wrap extent or None)."""
    where, placed = {}, []
    for k, layer in enumerate(layers):
        ids = _ids(layer)
        pos = np.asarray(nest.GetPosition(layer), dtype=float).reshape(ids.size, -1)
        spatial = layer.spatial
        extent = np.asarray(spatial["extent"], dtype=float) if spatial.get("edge_wrap") else None
        model = np.atleast_1d(np.asarray(layer.get("model"), dtype=str))[0] if ids.size else ""
        data = {"node_ids": ids}
        data.update({axis: pos[:, i] for i, axis in enumerate("xyz"[: pos.shape[1]])})
        records.append((f"positions of layer {k + 1} ({model})", data))
        placed.append((pos, extent))
        where.update((gid, (k, row)) for row, gid in enumerate(ids.tolist()))
    return where, placed


def _distances(sources, targets, where, placed):
    """Source-target distances, or None unless both ends of every connection lie in layers
    of one dimension; wrapped in the target layer's extent where it has edge_wrap."""
    try:
        ends = [[where[g] for g in gids.tolist()] for gids in (sources, targets)]
    except KeyError:
        return None
    dims = {placed[k][0].shape[1] for side in ends for k, _ in side}
    if len(dims) != 1:
        return None
    dim = dims.pop()

    def coordinates(side):
        return np.array([placed[k][0][row] for k, row in side]).reshape(-1, dim)

    d = coordinates(ends[1]) - coordinates(ends[0])
    layer_of_target = np.array([k for k, _ in ends[1]])
    for k in set(layer_of_target.tolist()):
        extent = placed[k][1]
        if extent is not None:
            rows = layer_of_target == k
            d[rows] -= extent * np.round(d[rows] / extent)
    return np.sqrt(np.sum(d * d, axis=1))


def _connections(nest, ids, models, where, placed, records):
    conns = nest.GetConnections()
    n = len(conns)
    if n == 0:
        return
    if n > MAX_CONNECTIONS:
        records.append(("connections (count only)", {"count": np.array([n])}))
        return
    got = conns.get(["source", "target", "receptor", "weight", "delay", "synapse_model"])
    got = {k: np.atleast_1d(np.asarray(v)) for k, v in got.items()}
    model_of = dict(zip(ids.tolist(), models.tolist()))
    sources, targets = got["source"].astype(np.int64), got["target"].astype(np.int64)
    projections = defaultdict(list)
    for i, (s, t, syn) in enumerate(zip(sources.tolist(), targets.tolist(), got["synapse_model"].astype(str))):
        projections[(model_of.get(s, "?"), model_of.get(t, "?"), syn)].append(i)
    for (source_model, target_model, syn), index in sorted(projections.items()):
        index = np.asarray(index)
        columns = {"sources": sources[index], "targets": targets[index],
                   "receptors": got["receptor"][index].astype(np.int64),
                   "weights": got["weight"][index].astype(float), "delays": got["delay"][index].astype(float)}
        order = np.lexsort(tuple(columns[k] for k in ("delays", "weights", "receptors", "targets", "sources")))
        data = {k: v[order] for k, v in columns.items()}
        distances = _distances(data["sources"], data["targets"], where, placed)
        if distances is not None:
            data["distances"] = distances
        records.append((f"connections {source_model} -> {target_model} ({syn})", data))


def _state_keys(node):
    status = node.get()
    keys = []
    for key in status.get("recordables", ()):
        value = status.get(str(key))
        if value is not None and np.ndim(value) == 0 and np.asarray(value).dtype.kind in "biuf":
            keys.append(str(key))
    return sorted(keys)


def _neurons(nest, records):
    neurons = nest.GetNodes(properties={"element_type": "neuron"})
    ids = _ids(neurons)
    if ids.size == 0:
        return
    models = np.atleast_1d(np.asarray(neurons.get("model"), dtype=str))
    for model in sorted(set(models.tolist())):
        members = ids[models == model]
        if ids.size > MAX_NODES:
            records.append((f"nodes {model} (count only)", {"count": np.array([members.size])}))
            continue
        group = nest.NodeCollection(members.tolist())
        keys = _state_keys(group[0])
        data = {"node_ids": members}
        if keys:
            values = group.get(keys) if len(keys) > 1 else {keys[0]: group.get(keys[0])}
            data.update({k: np.atleast_1d(np.asarray(values[k], dtype=float)) for k in keys})
        records.append((f"nodes {model}", data))


def capture(nest, layers):
    """The kernel-state pseudo-recorders (see the module doc), gids -1, -2, ..."""
    records = []
    ids, models = _models(nest)
    if ids.size == 0:
        return []
    where, placed = _positions(nest, layers.layers, records)
    _connections(nest, ids, models, where, placed, records)
    _neurons(nest, records)
    return [{"gid": -(i + 1), "model": f"{STATE_MODEL}: {name}", "data": data}
            for i, (name, data) in enumerate(records)]
