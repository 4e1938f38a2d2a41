"""Create and GetNodes."""

from __future__ import annotations

import numpy as np

from ._kernel import kernel
from .errors import NESTErrors
from .nodecollection import NodeCollection
from . import status
from ..kernel import values as V


def Create(model, n=1, params=None, positions=None):
    if positions is not None:
        raise NESTErrors.NotImplemented("Spatially distributed nodes are not supported yet.")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise NESTErrors.BadParameterValue("n must be a positive integer.")
    n = int(n)
    graph = kernel.graph
    entry = graph.model(model)
    if params is None:
        params = {}
    if isinstance(params, (list, tuple)) and not isinstance(params, dict):
        if len(params) != n:
            raise NESTErrors.BadProperty(
                "If params is a list, it must have one dictionary per node.")
    values = status.expand(params, n) if params else {}
    columns = V.new_columns(entry.spec, entry.defaults, n, values)
    gids = graph.create(model, n, columns)
    return NodeCollection._from_gids(gids)


def GetNodes(properties=None, local_only=False):
    graph = kernel.graph
    gids = np.arange(1, graph.network_size + 1, dtype=np.int64)
    if properties:
        keep = np.ones(len(gids), bool)
        for k, want in properties.items():
            try:
                vals = status.node_values(gids, [k])[k]
            except NESTErrors.KeyError:
                keep[:] = False
                continue
            keep &= np.array([v is not None and _equal(v, want) for v in vals], bool)
        gids = gids[keep]
    return NodeCollection._from_gids(gids)


def _equal(a, b):
    try:
        return bool(np.all(a == b))
    except Exception:
        return False
