"""The spatial functions of PyNEST (hl_api_spatial.py): positions, displacements,
masks, queries on connections between layers, and the layer dumps.

Positions and displacements come from the layer a NodeCollection carries
(``pynest_jax/spatial/layers.py``); everything is computed on arrays.
"""

from __future__ import annotations

import os

import numpy as np

from ._kernel import kernel
from ..errors import NESTErrors
from ..spatial.connect import MaskedPool
from ..spatial.masks import _Grid, mask_from_dict
from .connections import GetConnections
from .nodecollection import NodeCollection

__all__ = ["CreateMask", "GetPosition", "Displacement", "Distance", "FindNearestElement",
           "FindCenterElement", "GetTargetNodes", "GetSourceNodes", "GetTargetPositions",
           "GetSourcePositions", "SelectNodesByMask", "DumpLayerNodes", "DumpLayerConnections"]


def _layer(nc):
    nc._check_valid()
    layer = nc._layout.metadata
    if layer is None:
        raise NESTErrors.LayerExpected("LayerExpected")
    return layer


def _listed(values):
    return [list(map(float, v)) for v in values]


def CreateMask(masktype, specs, anchor=None):
    """A mask of a NEST type ("circular", "rectangular", "elliptical", "doughnut",
    "spherical", "box", "ellipsoidal", "grid") from its parameters, optionally anchored."""
    d = {masktype: specs}
    if anchor is not None:
        d["anchor"] = anchor
    return mask_from_dict(d)


def GetPosition(nodes):
    """Positions of nodes with spatial extent: one list for one node, else a list of lists."""
    if not isinstance(nodes, NodeCollection):
        raise TypeError("nodes must be a NodeCollection with spatial extent")
    layer = _layer(nodes)
    pos = layer.positions_of(nodes._gids)
    return list(map(float, pos[0])) if len(nodes) == 1 else _listed(pos)


def _displacements(from_arg, to_arg):
    if not isinstance(to_arg, NodeCollection):
        raise TypeError("to_arg must be a NodeCollection")
    if isinstance(from_arg, np.ndarray):
        from_arg = (from_arg,)
    if len(from_arg) > 1 and len(to_arg) > 1 and not len(from_arg) == len(to_arg):
        raise ValueError("to_arg and from_arg must have same size unless one have size 1.")
    to_layer = _layer(to_arg)
    to_pos = to_layer.positions_of(to_arg._gids)
    if isinstance(from_arg, NodeCollection):
        # NEST's kernel takes the positions of to_arg and measures from them to from_arg's
        # nodes, in from_arg's layer (spatial.cpp: displacement of two collections)
        from_layer = _layer(from_arg)
        from_pos = from_layer.positions_of(from_arg._gids)
        if len(from_arg) == 1:
            return from_layer.displacement(to_pos, from_pos)
        return from_layer.displacement(to_pos if len(to_arg) > 1 else to_pos[:1], from_pos)
    points = np.asarray([list(map(float, p)) for p in from_arg], float)
    if len(points) == 1:
        return to_layer.displacement(points, to_pos)
    return to_layer.displacement(points, to_pos if len(to_arg) > 1 else to_pos[:1])


def Displacement(from_arg, to_arg):
    """Displacements from nodes or positions ``from_arg`` to the nodes ``to_arg``, the
    shortest across periodic boundaries; one of them may have length 1."""
    return _listed(_displacements(from_arg, to_arg))


def Distance(from_arg, to_arg):
    """Lengths of the displacements of ``Displacement(from_arg, to_arg)``."""
    d = _displacements(from_arg, to_arg)
    return [float(x) for x in np.sqrt(np.sum(d * d, axis=1))]


def FindNearestElement(layer, locations, find_all=False):
    """The node of ``layer`` nearest to each location (all of the nearest with
    ``find_all``); one result for one location."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection")
    if not len(layer) > 0:
        raise ValueError("layer cannot be empty")
    if not _iterable(locations):
        raise TypeError("locations must be coordinate array or list of coordinate arrays")
    if not _iterable(locations[0]):
        locations = (locations,)
    result = []
    for loc in locations:
        d = np.asarray(Distance(np.array(loc), layer))
        if not find_all:
            result.append(layer[int(np.argmin(d))])
        else:
            best = d[0]
            picks = [0]
            for i in range(1, len(d)):  # NEST's scan: ties within 1e-14 relative
                if d[i] < best:
                    picks, best = [i], d[i]
                elif abs(d[i] - best) <= 1e-14 * best:
                    picks.append(i)
            result.append([layer[i] for i in picks])
    return result[0] if len(result) == 1 else result


def _iterable(x):
    try:
        iter(x)
    except TypeError:
        return False
    return not isinstance(x, str)


def FindCenterElement(layer):
    """The node nearest to the layer's center."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection")
    nearest = FindNearestElement(layer, layer.spatial["center"])[0]
    i = layer.index(nearest.get("global_id"))
    return layer[i:i + 1]


def _partners(nodes, other, syn_model, outgoing):
    if outgoing:
        conns = GetConnections(nodes, other, synapse_model=syn_model)
    else:
        conns = GetConnections(other, nodes, synapse_model=syn_model)
    rows = conns._rows
    store = kernel.graph.connections
    src, tgt = store.col("source")[rows], store.col("target")[rows]
    return (src, tgt) if outgoing else (tgt, src)


def GetTargetNodes(sources, tgt_layer, syn_model=None):
    """For each source, the NodeCollection of its targets in ``tgt_layer``."""
    if not isinstance(sources, NodeCollection):
        raise TypeError("sources must be a NodeCollection.")
    if not isinstance(tgt_layer, NodeCollection):
        raise TypeError("tgt_layer must be a NodeCollection")
    return _grouped_nodes(sources, *_partners(sources, tgt_layer, syn_model, True))


def GetSourceNodes(src_layer, targets, syn_model=None):
    """For each target, the NodeCollection of its sources in ``src_layer``."""
    if not isinstance(targets, NodeCollection):
        raise TypeError("targets must be a NodeCollection.")
    if not isinstance(src_layer, NodeCollection):
        raise TypeError("src_layer must be a NodeCollection")
    return _grouped_nodes(targets, *_partners(targets, src_layer, syn_model, False))


def _grouped_nodes(nodes, own, partner):
    order = np.lexsort((partner, own))
    own, partner = own[order], partner[order]
    out = []
    for gid in nodes._gids:
        a, b = np.searchsorted(own, gid), np.searchsorted(own, gid, side="right")
        out.append(NodeCollection(np.unique(partner[a:b])))
    return tuple(out)


def GetTargetPositions(sources, tgt_layer, syn_model=None):
    """For each source, the positions of its targets in ``tgt_layer`` (one per connection)."""
    if not isinstance(sources, NodeCollection):
        raise TypeError("sources must be a NodeCollection.")
    return _grouped_positions(sources, tgt_layer, *_partners(sources, tgt_layer, syn_model, True))


def GetSourcePositions(src_layer, targets, syn_model=None):
    """For each target, the positions of its sources in ``src_layer`` (one per connection)."""
    if not isinstance(targets, NodeCollection):
        raise TypeError("targets must be a NodeCollection.")
    return _grouped_positions(targets, src_layer, *_partners(targets, src_layer, syn_model, False))


def _grouped_positions(nodes, layer_nc, own, partner):
    """Per node of ``nodes``, its partners' positions in connection order."""
    pos = _layer(layer_nc).positions_of(partner)
    order = np.argsort(own, kind="stable")
    bounds = np.searchsorted(own[order], nodes._gids), np.searchsorted(own[order], nodes._gids, "right")
    sorted_pos = pos[order].tolist()
    return [sorted_pos[a:b] for a, b in zip(*bounds)]


def SelectNodesByMask(layer, anchor, mask_obj):
    """The nodes of ``layer`` whose positions relative to ``anchor`` are inside the mask."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection.")
    anchor = np.asarray(anchor, float)
    if len(anchor) not in (2, 3):
        raise NESTErrors.BadProperty("Center must be 2- or 3-dimensional.")
    lay = _layer(layer)
    if len(anchor) != lay.dim:
        raise NESTErrors.BadProperty("Mask is incompatible with layer.")
    m = mask_obj._m
    if isinstance(m, _Grid):
        m = m.as_box(lay)
    pos = lay.positions_of(layer._gids)
    pool = MaskedPool(pos, lay, m, True, converse=False)
    members = pool.members(anchor[None, :])[1]
    return NodeCollection(np.unique(layer._gids[members]))


def _fmt(x):
    return format(float(x), "g")


def DumpLayerNodes(layer, outname):
    """Write ``node_id x y [z]`` per node of the layer to ``outname`` (NEST's format)."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection")
    lay = _layer(layer)
    gids = np.arange(lay.first_gid, lay.first_gid + lay.n)
    with open(os.fspath(outname), "w") as f:
        for gid, p in zip(gids, lay.positions):
            f.write(f"{gid} " + " ".join(_fmt(x) for x in p) + "\n")


def DumpLayerConnections(source_layer, target_layer, synapse_model, outname):
    """Write ``source target weight delay dx dy [dz]`` per connection from ``source_layer``
    to ``target_layer`` of ``synapse_model`` (NEST's format; displacement in the target layer)."""
    if not isinstance(source_layer, NodeCollection):
        raise TypeError("source_layer must be a NodeCollection")
    if not isinstance(target_layer, NodeCollection):
        raise TypeError("target_layer must be a NodeCollection")
    src_layer, tgt_layer = _layer(source_layer), _layer(target_layer)
    whole_target = NodeCollection(np.arange(tgt_layer.first_gid, tgt_layer.first_gid + tgt_layer.n))
    conns = GetConnections(source_layer, whole_target, synapse_model=synapse_model)
    store = kernel.graph.connections
    rows = conns._rows
    src, tgt = store.col("source")[rows], store.col("target")[rows]
    values = conns.get(["weight", "delay"]) if len(rows) else {"weight": [], "delay": []}
    w = np.atleast_1d(values["weight"])
    dl = np.atleast_1d(values["delay"])
    disp = tgt_layer.displacement(src_layer.positions_of(src), tgt_layer.positions_of(tgt))
    with open(os.fspath(outname), "w") as f:
        for k in range(len(rows)):
            f.write(f"{src[k]} {tgt[k]} {_fmt(w[k])} {_fmt(dl[k])} " + " ".join(_fmt(x) for x in disp[k]) + "\n")

