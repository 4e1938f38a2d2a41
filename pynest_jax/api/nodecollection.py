"""NodeCollection: an ordered set of node ids, as PyNEST's (hl_api_types.py).

API rule from PyNEST: anything that returns node ids returns a NodeCollection.
Values returned by ``get`` are a scalar for one node and a tuple for several.
"""

from __future__ import annotations

import json

import numpy as np

from ._kernel import kernel
from .errors import NESTErrors
from . import status


class NodeCollection:
    def __init__(self, data=None):
        if data is None:
            data = []
        if isinstance(data, NodeCollection):
            gids = data._gids
        else:
            gids = np.asarray(list(data) if not isinstance(data, np.ndarray) else data,
                              dtype=np.int64).reshape(-1)
            if len(gids) and np.any(np.diff(gids) <= 0):
                if np.any(np.diff(gids) == 0):
                    raise NESTErrors.BadProperty("All node IDs in a NodeCollection have to be unique")
                raise NESTErrors.BadProperty("Indices must be sorted in ascending order")
            kernel.graph.check_gids(gids)
        self._gids = gids
        self._metadata = None

    @classmethod
    def _from_gids(cls, gids):
        nc = cls.__new__(cls)
        nc._gids = np.asarray(gids, dtype=np.int64)
        nc._metadata = None
        return nc

    # --- container protocol ------------------------------------------------------
    def __len__(self):
        return len(self._gids)

    def __iter__(self):
        for g in self._gids:
            yield NodeCollection._from_gids([g])

    def __getitem__(self, key):
        if isinstance(key, slice):
            if key.step is not None and key.step < 1:
                raise IndexError("slicing step for NodeCollection must be strictly positive")
            return NodeCollection._from_gids(self._gids[key])
        if isinstance(key, (list, tuple, np.ndarray)):
            key = np.asarray(key)
            if key.dtype == bool:
                if len(key) != len(self):
                    raise IndexError("Bool index array must be the same length as NodeCollection")
                return NodeCollection._from_gids(self._gids[key])
            if len(key) and np.any(np.diff(key) <= 0):
                raise NESTErrors.BadProperty("Indices must be unique and sorted in ascending order")
            return NodeCollection._from_gids(self._gids[key])
        if isinstance(key, (int, np.integer)):
            if key >= len(self) or key < -len(self):
                raise IndexError("index value outside of the NodeCollection")
            return NodeCollection._from_gids([self._gids[key]])
        raise TypeError("Indices must be integers, slices or lists of integers")

    def __add__(self, other):
        if not isinstance(other, NodeCollection):
            raise NotImplementedError()
        if np.intersect1d(self._gids, other._gids).size:
            raise NESTErrors.BadProperty("Cannot join overlapping NodeCollections.")
        return NodeCollection._from_gids(np.union1d(self._gids, other._gids))

    def __eq__(self, other):
        if not isinstance(other, NodeCollection):
            return NotImplemented
        return np.array_equal(self._gids, other._gids)

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __hash__(self):
        return hash(tuple(self._gids.tolist()))

    def __contains__(self, gid):
        if isinstance(gid, NodeCollection):
            return bool(np.isin(gid._gids, self._gids).all())
        return int(gid) in set(self._gids.tolist())

    def __bool__(self):
        return len(self) > 0

    def index(self, gid):
        pos = np.nonzero(self._gids == int(gid))[0]
        if not len(pos):
            raise ValueError(f"{gid} is not in NodeCollection")
        return int(pos[0])

    def tolist(self):
        return self._gids.tolist()

    @property
    def global_id(self):
        return self.get("global_id")

    # --- printing ------------------------------------------------------------------
    def __str__(self):
        return _describe(self._gids)

    __repr__ = __str__

    # --- values ----------------------------------------------------------------------
    def get(self, *params, **kwargs):
        output = kwargs.pop("output", "")
        if kwargs:
            raise TypeError(f"unexpected keyword arguments {list(kwargs)}")
        if len(self) == 0:
            return {} if not params else ()
        if len(params) == 0:
            values = status.node_values(self._gids, None)
            result = _collapse(values, len(self))
        elif len(params) == 1 and isinstance(params[0], str):
            key = params[0]
            values = status.node_values(self._gids, [key])
            result = _one(values[key], len(self))
        elif len(params) == 1:
            keys = list(params[0])
            values = status.node_values(self._gids, keys)
            result = {k: _one(values[k], len(self)) for k in keys}
        else:
            # get('events', 'times') style: a nested key path
            first, *rest = params
            values = status.node_values(self._gids, [first])[first]
            vals = []
            for v in values:
                for r in rest:
                    v = {k: v[k] for k in r} if isinstance(r, (list, tuple)) else v[r]
                vals.append(v)
            result = _one(vals, len(self))
        if output == "json":
            return json.dumps(_jsonable(result))
        if output == "pandas":
            import pandas as pd
            frame = status.node_values(self._gids, None if not params else (
                [params[0]] if isinstance(params[0], str) else list(params[0])))
            return pd.DataFrame({k: list(v) for k, v in frame.items()}, index=self.tolist())
        return result

    def set(self, params=None, **kwargs):
        if params is not None and kwargs:
            raise TypeError("must either provide params or kwargs, but not both.")
        if params is None:
            params = kwargs
        status.set_nodes(self._gids, params)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "spatial":
            return None
        return self.get(name)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            return object.__setattr__(self, name, value)
        self.set({name: value})


def _one(values, n):
    vals = [_plain(v) for v in values]
    return vals[0] if n == 1 else tuple(vals)


def _collapse(values: dict, n):
    return {k: _one(v, n) for k, v in sorted(values.items())}


def _plain(v):
    if isinstance(v, np.generic):
        return v.item()
    return v


def _jsonable(v):
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _describe(gids):
    if len(gids) == 0:
        return "NodeCollection(<empty>)"
    names = kernel.graph.model_name_of(gids) if gids.max() <= kernel.graph.network_size else \
        np.array(["<unknown>"] * len(gids), object)
    parts = []
    start = 0
    # Runs of one model with a constant step print as one primitive, as NEST does.
    while start < len(gids):
        end = start + 1
        step = None
        while end < len(gids) and names[end] == names[start]:
            d = gids[end] - gids[end - 1]
            if step is None:
                step = d
            elif d != step:
                break
            end += 1
        size = end - start
        s = f"model={names[start]}, size={size}, first={gids[start]}"
        if size > 1:
            s += f", last={gids[end - 1]}"
            if step and step > 1:
                s += f", step={step}"
        parts.append(s)
        start = end
    if len(parts) == 1:
        return f"NodeCollection(metadata=None, {parts[0]})"
    return "NodeCollection(metadata=None,\n               " + ";\n               ".join(parts) + ")"
