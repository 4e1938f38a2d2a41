"""Create and GetNodes (PyNEST's hl_api_nodes.py over the kernel's node manager)."""

from __future__ import annotations

import numpy as np

from ._kernel import kernel
from ..errors import NESTErrors
from .helpers import check_pydict, model_name
from .nc_layout import Layout
from .nodecollection import NodeCollection
from . import status
from ..kernel import network


def Create(model, n=1, params=None, positions=None):
    """Create ``n`` nodes of a model and return them as a NodeCollection.

    Parameters
    ----------
    model : str
        A node model's name: one of ``nest.node_models`` or a copy made with CopyModel.
    n : int, optional
        How many nodes (default 1). A dict in this place is taken as ``params`` for one node.
    params : dict or list of dict, optional
        Values to set on the new nodes: one dict for all of them (a list or array value
        with one entry per node sets each node its own), a ``nest.random``/``nest.math``
        Parameter drawn per node, or a list with one dict per node.
    positions : nest.spatial.grid or nest.spatial.free, optional
        Nodes with positions (a spatial layer): a grid (``n`` must be 1) or free positions
        (a list, or Parameters drawn for ``n`` nodes). The collection's ``spatial`` then
        describes the layer.

    Returns
    -------
    NodeCollection
        The new nodes, whose ids follow the last existing node, as in NEST.

    Raises
    ------
    NESTErrors.UnknownModelName
        For a model that does not exist; NEST's error classes for refused values.

    Differs from NEST: when a value in ``params`` is refused, NEST has already created the
    nodes and keeps them; pynest_jax raises the same error and creates nothing
    (docs/divergences.md, "Atomic Create").
    """
    model_name(model, looked_up=True)
    if isinstance(n, dict):
        if not (params is None and positions is None):
            raise ValueError("A parameter dictionary can be passed as second argument only of "
                             "Create() is called with two arguments.")
        params, n = n, 1
    if int(n) != n:
        raise TypeError("n must have an integer value")
    n = int(n)
    if isinstance(params, (list, tuple)) and len(params) != n:
        raise TypeError("list of params must have one dictionary per node")
    if params is not None and not (isinstance(params, dict) or (
            isinstance(params, (list, tuple)) and all(isinstance(e, dict) for e in params))):
        raise TypeError("params must be either a dict of parameters or a list or tuple of dicts")
    for d in (params if isinstance(params, (list, tuple)) else [params] if params else []):
        check_pydict(d)
    if positions is not None:
        return _create_spatial(model, n, params, positions)
    if n < 0:  # NEST: BadProperty, with an empty message
        raise NESTErrors.BadProperty(f"Create: n must not be negative (got {n}).")
    graph = kernel.graph
    size_before = graph.network_size
    gids = network.create(kernel, model, n)
    nodes = NodeCollection._from_layout(Layout.primitive(gids[0], gids[-1], model))
    if (isinstance(params, dict) and params) or isinstance(params, (list, tuple)):
        # PyNEST creates, then sets; here a refused value leaves no node behind.
        try:
            nodes.set(params)
        except BaseException:
            graph.truncate_nodes(size_before)
            raise
    return nodes


def _create_spatial(model, n, params, positions):
    from .. import spatial
    if not isinstance(positions, (spatial.free, spatial.grid)):
        raise TypeError("`positions` must be either a nest.spatial.free or a nest.spatial.grid object")
    spec = {"edge_wrap": positions.edge_wrap}
    if positions.extent is not None:
        spec["extent"] = [float(v) for v in positions.extent]
    if isinstance(positions, spatial.free):
        kind, spec["positions"] = "free", positions.pos
    else:
        if n > 1:
            raise ValueError("Cannot specify number of nodes with grid positions")
        kind, spec["shape"] = "grid", positions.shape
        if positions.center is not None:
            spec["center"] = [float(v) for v in positions.center]
    graph = kernel.graph
    size_before = graph.network_size
    gids, layer = network.create_layer(kernel, model, kind, spec, n)
    nodes = NodeCollection._from_layout(
        Layout.primitive(gids[0], gids[-1], model).with_metadata(layer))
    try:
        nodes.set(params if params else {})
    except BaseException:
        graph.truncate_nodes(size_before)
        raise
    return nodes


def GetNodes(properties=None, local_only=False):
    """Return the nodes of the network whose status matches ``properties``.

    Parameters
    ----------
    properties : dict, optional
        Keys and values every returned node must have (for example
        ``{"model": "iaf_psc_alpha"}``); values compare equal only with the same type, as
        in NEST. Without it, all nodes.
    local_only : bool, optional
        Only nodes on this MPI process: here every node is local, so it changes nothing.

    Returns
    -------
    NodeCollection
    """
    properties = properties or {}
    graph = kernel.graph
    gids = np.arange(1, graph.network_size + 1, dtype=np.int64)
    if properties and len(gids):
        keep = np.ones(len(gids), bool)
        values = status.node_values(gids, list(properties))
        for k, want in properties.items():
            col = values.get(k, [None] * len(gids))
            keep &= np.array([v is not None and _same(v, want) for v in col], bool)
        gids = gids[keep]
    return NodeCollection._from_gids(gids)


def _same(have, want):
    """Dictionary entries compare equal only with the same type and value (node_manager.cpp)."""
    if isinstance(want, bool) or isinstance(have, bool):
        return isinstance(want, bool) and isinstance(have, bool) and have == want
    if isinstance(want, (int, np.integer)) != isinstance(have, (int, np.integer)):
        return False
    try:
        return bool(np.all(np.asarray(have) == np.asarray(want)))
    except Exception:
        return False
