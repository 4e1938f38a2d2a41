"""NodeCollection: node ids in the shape NEST gives them (PyNEST's hl_api_types.py).

API rule from PyNEST: anything that returns node ids returns a NodeCollection.
``get`` gives a scalar for one node and a tuple for several; its shape
(primitive, composite, sliced) lives in ``nc_layout.Layout`` and decides
printing, joining and equality exactly as in NEST.
"""

from __future__ import annotations

import numbers
import operator

import numpy as np

from ._kernel import kernel
from ..errors import NESTErrors
from .helpers import check_pydict
from .nc_layout import Layout
from . import status
from .serialize import to_json

_INVALID = ("InvalidNodeCollection: note that ResetKernel invalidates all previously created "
            "NodeCollections.")


class NodeCollection:
    """An ordered set of node ids, as returned by Create, GetNodes and slicing.

    Indexing and slicing (``nodes[0]``, ``nodes[2:5]``, ``nodes[[0, 3]]``, a boolean mask)
    give NodeCollections; ``+`` joins two collections of distinct nodes; ``len``, iteration
    (one NodeCollection per node), ``in`` and ``index`` work on node ids. Node values are
    read with ``get`` or as attributes (``nodes.V_m``) and written with ``set`` or by
    assignment (``nodes.V_m = -60.0``). ``tolist()`` gives the ids as ints. Printing shows
    NEST's compact form (model, first and last id, step). After ResetKernel a collection is
    invalid and raises on use. ``nodes.spatial`` is the layer's description (center, extent,
    edge_wrap, network_size, and shape or positions) for nodes created with ``positions``,
    else None.
    """
    def __init__(self, data=None):
        """A collection of existing nodes from ascending, unique node ids (an empty one
        without argument).
        """
        if data is None:
            data = []
        if isinstance(data, (str, bytes, NodeCollection)):
            raise TypeError(f"Cannot create a NodeCollection from {type(data).__name__}")
        gids = np.asarray(list(data) if not isinstance(data, np.ndarray) else data).reshape(-1)
        if gids.size and gids.dtype.kind not in "iu":
            raise TypeError("Node ids must be integers")
        if gids.size and gids.min() < 0:  # the kernel's ids are unsigned
            raise OverflowError("can't convert negative value to size_t")
        gids = gids.astype(np.int64)
        if gids.size and (np.any(np.diff(gids) < 0)):
            raise NESTErrors.BadProperty("Indices must be sorted in ascending order")
        kernel.graph.check_gids(gids)
        self._set_layout(Layout.from_ids(gids, kernel.graph.model_name_of(gids)),
                         kernel.generation)

    def _set_layout(self, layout, generation):
        object.__setattr__(self, "_layout", layout)
        object.__setattr__(self, "_gids", layout.ids())
        object.__setattr__(self, "_generation", generation)

    @classmethod
    def _from_layout(cls, layout):
        nc = cls.__new__(cls)
        nc._set_layout(layout, kernel.generation)
        return nc

    @classmethod
    def _from_gids(cls, gids):
        """The collection NEST builds from an ascending list of ids (NodeCollection::create)."""
        gids = np.asarray(gids, np.int64)
        return cls._from_layout(Layout.from_ids(gids, kernel.graph.model_name_of(gids)))

    def _check_valid(self):
        if self._generation != kernel.generation:
            raise NESTErrors.KernelException(_INVALID)

    # --- container protocol ------------------------------------------------------
    def __len__(self):
        """The number of nodes."""
        return len(self._gids)

    def __bool__(self):
        return len(self) > 0

    def __iter__(self):
        """One single-node NodeCollection per node, in order."""
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, key):
        """Nodes by position: an int, a slice (positive step), a list or array of
        ascending positions, or a boolean mask of the collection's length.
        """
        n = len(self)
        if isinstance(key, slice):
            # PyNEST's 1-based translation, then the kernel's (nest.cpp: slice_nc).
            if key.start is None:
                start = 1
            else:
                start = key.start + 1 if key.start >= 0 else key.start
                if abs(start) > n:
                    raise IndexError("slice start value outside of the NodeCollection")
            if key.stop is None:
                stop = n
            else:
                stop = key.stop if key.stop > 0 else key.stop - 1
                if abs(stop) > n:
                    raise IndexError("slice stop value outside of the NodeCollection")
            step = 1 if key.step is None else key.step
            if step < 1:
                raise IndexError("slicing step for NodeCollection must be strictly positive")
            start = start - 1 if start >= 0 else start + n
            stop = stop if stop >= 0 else stop + n + 1
            self._check_valid()
            return NodeCollection._from_layout(self._layout.slice_keeping_metadata(start, stop, step))
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if abs(key + (key >= 0)) > n:
                raise IndexError("index value outside of the NodeCollection")
            return self[key:key + 1:1]
        if isinstance(key, (list, tuple)):
            if len(key) == 0:
                return NodeCollection([])
            if all(isinstance(x, (bool, np.bool_)) for x in key):
                if len(key) != n:
                    raise IndexError("Bool index array must be the same length as NodeCollection")
                return self._take(np.asarray(key, bool))
            if all(isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
                   for x in key):
                idx = np.asarray(key, np.int64)
                if idx.min() < 0:  # PyNEST's indices are unsigned
                    raise OverflowError(f"Python integer {idx.min()} out of bounds for uint64")
                if len(np.unique(idx)) != len(idx):
                    raise ValueError("All node IDs in a NodeCollection have to be unique")
                return self._take(idx)
            raise TypeError("Indices must be integers or bools")
        if isinstance(key, np.ndarray):
            if len(key) == 0:
                return NodeCollection([])
            if key.ndim != 1:
                raise TypeError("NumPy indices must one-dimensional")
            is_bool = key.dtype == bool
            if not (is_bool or np.issubdtype(key.dtype, np.integer)):
                raise TypeError("NumPy indices must be an array of integers or bools")
            if is_bool and len(key) != n:
                raise IndexError("Bool index array must be the same length as NodeCollection")
            if not is_bool and len(np.unique(key)) != len(key):
                raise ValueError("All node IDs in a NodeCollection have to be unique")
            return self._take(key)
        raise IndexError("only integers, slices, lists, tuples, and numpy arrays are valid indices")

    def _take(self, key):
        """node_collection_array_index: the nodes at these positions, as NEST groups them."""
        if key.dtype == bool:
            gids = self._gids[key]
        else:
            bad = key[(key < 0) | (key >= len(self))]
            if len(bad):
                raise IndexError(f"pos {int(bad[0])} points outside of the NodeCollection")
            gids = self._gids[key]
            if np.any(np.diff(gids) < 0):
                raise NESTErrors.BadProperty("Indices must be sorted in ascending order")
        return NodeCollection._from_gids(gids)

    def __add__(self, other):
        """Join two collections: the result is ordered by id; the same node in
        both is an error, as in NEST.
        """
        if not isinstance(other, NodeCollection):
            if isinstance(other, numbers.Number) and other == 0:
                other = NodeCollection()
            else:
                raise TypeError(f"Cannot add object of type '{type(other).__name__}' to "
                                "'NodeCollection'")
        if not (self._layout.composite and other._layout.empty):
            if self._generation != kernel.generation or other._generation != kernel.generation:
                raise NESTErrors.KernelException(_INVALID)
        return NodeCollection._from_layout(self._layout.join(other._layout))

    def __radd__(self, other):
        return self + other

    def __eq__(self, other):
        """Equal when both hold the same nodes in the same composition (NEST's
        comparison); comparing with anything but a NodeCollection raises.
        """
        if not isinstance(other, NodeCollection):
            raise NotImplementedError(f"Cannot compare NodeCollection to {type(other).__name__}")
        return self._layout.equals(other._layout)

    __hash__ = None  # PyNEST defines __eq__ only: NodeCollections are not hashable

    def _position(self, gid) -> int:
        """get_nc_index: ids are ascending in every NodeCollection, so a binary search."""
        pos = int(np.searchsorted(self._gids, gid))
        return pos if pos < len(self._gids) and self._gids[pos] == gid else -1

    def __contains__(self, gid):
        """Whether a node id is in the collection."""
        return self._position(operator.index(gid)) != -1

    def index(self, gid):
        """The position of node id ``gid`` in the collection; ValueError if absent."""
        pos = self._position(int(gid))
        if pos == -1:
            raise ValueError(f"{gid} is not in NodeCollection")
        return pos

    def _serialized(self):
        return self.tolist()  # serialize_data: a collection as its node ids

    def tolist(self):
        """The node ids as a list of ints."""
        return self._gids.tolist()

    def __array__(self, dtype=None, copy=None):
        return np.array(self.tolist(), dtype=dtype)

    # --- printing ------------------------------------------------------------------
    def __str__(self):
        return self._layout.describe()

    __repr__ = __str__

    # --- values ----------------------------------------------------------------------
    def get(self, *params, **kwargs):
        """Return node values.

        ``get()`` every key; ``get("V_m")`` one key; ``get("V_m", "C_m")`` or
        ``get(["V_m", "C_m"])`` several, as a dict; ``get("events", "times")`` a key inside a
        dictionary-valued key. For one node each value is a scalar, for several a tuple with one
        entry per node. ``output="pandas"`` returns a DataFrame indexed by node id,
        ``output="json"`` a JSON string.
        """
        if not self:
            raise ValueError("Cannot get parameter of empty NodeCollection")
        if not kwargs:
            output = ""
        elif "output" in kwargs:
            output = kwargs["output"]
        else:
            raise TypeError("Got unexpected keyword argument")
        if len(params) == 0:
            result = status.get_all(self._gids)
        elif len(params) == 1:
            result = _parameters(self._gids, params[0])
        else:
            result = _hierarchical(self, params)
        if output == "pandas":
            import pandas as pd
            index = self.get("global_id")
            if len(params) == 1 and isinstance(params[0], str):
                result = {params[0]: result}
            elif len(params) > 1 and isinstance(params[1], str):
                result = {params[1]: result}
            if len(self) == 1:
                index = [index]
                result = {k: [v] for k, v in result.items()}
            result = pd.DataFrame(result, index=index)
        elif output == "json":
            result = to_json(result)
        return result

    def set(self, params=None, **kwargs):
        """Set node values: ``set(V_m=-60.0)``, ``set({"V_m": -60.0})``, a list or array
        with one value per node, a ``nest.random`` Parameter drawn per node, or a list of dicts
        with one dict per node.

        Differs from NEST: a value refused for one node changes no node, where NEST has already
        changed the nodes before it (docs/divergences.md, "Atomic SetStatus").
        """
        if not self:
            return
        if kwargs and params is None:
            params = kwargs
        elif kwargs and params:
            raise TypeError("must either provide params or kwargs, but not both.")
        # PyNEST hands anything but a dict or dicts to the kernel's conversion
        for d in (params if isinstance(params, (list, tuple)) else [params]):
            if isinstance(d, dict):
                check_pydict(d)
            elif isinstance(d, str) or isinstance(params, (list, tuple)):
                raise AttributeError(f"'{type(d).__name__}' object has no attribute 'items'")
        if isinstance(params, dict):
            # node-valued keys (a weight_recorder's senders) as node ids for the kernel
            params = {k: (v.tolist() if isinstance(v, NodeCollection) else v)
                      for k, v in params.items()}
            params = status.split_per_node(self, params)
        status.set_nodes(self._gids, params)

    def __getattr__(self, name):
        """``nodes.key`` is ``nodes.get("key")``."""
        if name.startswith("__") or name.startswith("_"):
            raise AttributeError(name)
        if not self:
            raise AttributeError("Cannot get attribute of empty NodeCollection")
        if name == "spatial":
            layer = self._layout.metadata
            return None if layer is None else layer.status(self._gids)
        return self.get(name)

    def __setattr__(self, name, value):
        """``nodes.key = value`` is ``nodes.set(key=value)``."""
        if name.startswith("_"):
            return object.__setattr__(self, name, value)
        self.set({name: value})


def _parameters(gids, param):
    """hl_api_helper.get_parameters: one key gives its values, a list of keys a dict."""
    if isinstance(param, str):
        return status.get_key(gids, param)
    try:
        keys = list(iter(param))
    except TypeError:
        raise TypeError("Params should be either a string or an iterable") from None
    return {k: _parameters(gids, k) for k in keys}


def _hierarchical(nc, params):
    """get('events', 'times'): the first key names a dict per node, the last selects from it."""
    if not isinstance(params[0], str):
        raise TypeError("First argument must be a string, specifying path into hierarchical "
                        "dictionary")
    values = nc.get(params[0])
    if not isinstance(values, (tuple, list)):
        values = (values,)
    merged = _merge_dicts(values)
    if isinstance(params[-1], str):
        return merged[params[-1]]
    return {k: merged[k] for k in params[-1]}


def _merge_dicts(dicts):
    """hl_api_helper.restructure_data(result, None)."""
    if len(dicts) == 1:
        return dict(dicts[0])
    keys = sorted({k for d in dicts for k in d})
    return {k: [d.get(k) if k in d else None for d in dicts] for k in keys}
