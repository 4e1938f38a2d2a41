"""SynapseCollection: a list of connections, as PyNEST's (hl_api_types.py).

It holds rows of the kernel's connection table in NEST's listing order.
``get`` returns a scalar for one connection and a list for several.
"""

from __future__ import annotations

import json

import numpy as np

from ._kernel import kernel
from .errors import NESTErrors
from ..models.ids import synapse_id

_GENERIC = ("delay", "port", "receptor", "sizeof", "source", "synapse_id", "synapse_model",
            "target", "target_thread", "weight")


class SynapseCollection:
    def __init__(self, rows=None):
        self._rows = np.asarray([] if rows is None else rows, np.int64)

    def __len__(self):
        return len(self._rows)

    def __iter__(self):
        for r in self._rows:
            yield SynapseCollection([r])

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            if key >= len(self) or key < -len(self):
                raise IndexError("Index out of range")
            return SynapseCollection([self._rows[key]])
        return SynapseCollection(self._rows[key])

    def __eq__(self, other):
        if not isinstance(other, SynapseCollection):
            return NotImplemented
        return np.array_equal(self._rows, other._rows)

    def __add__(self, other):
        return SynapseCollection(np.concatenate([self._rows, other._rows]))

    # --- values -----------------------------------------------------------------
    def _columns(self, keys=None) -> dict:
        store = kernel.graph.connections
        rows = self._rows
        names = kernel.graph.synapse_names
        syn = store.col("syn")[rows]
        h = kernel.grid.h
        out = {
            "source": store.col("source")[rows], "target": store.col("target")[rows],
            "weight": store.col("weight")[rows], "delay": store.col("delay")[rows],
            "receptor": store.col("receptor")[rows], "port": store.ports(rows),
            "synapse_model": [names[s] for s in syn],
            "synapse_id": [synapse_id(names[s]) for s in syn],
            "sizeof": [32] * len(rows), "target_thread": [0] * len(rows),
        }
        for k in store.extra:
            col = store.extra[k][rows]
            if not np.all(np.isnan(col)):
                out[k] = col
        if keys is not None:
            missing = [k for k in keys if k not in out]
            if missing:
                raise NESTErrors.KeyError(f"{missing[0]} is not a valid key for these synapses")
            out = {k: out[k] for k in keys}
        return {k: [v.item() if isinstance(v, np.generic) else v for v in vals]
                for k, vals in out.items()}

    def get(self, keys=None, output=""):
        if len(self) == 0:
            return {} if keys is None or not isinstance(keys, str) else []
        single = isinstance(keys, str)
        cols = self._columns([keys] if single else keys)
        if output == "pandas":
            import pandas as pd
            return pd.DataFrame(cols)
        one = len(self) == 1
        if single:
            v = cols[keys]
            res = v[0] if one else v
        else:
            res = {k: (v[0] if one else v) for k, v in sorted(cols.items())}
        if output == "json":
            return json.dumps(res)
        return res

    def set(self, params=None, **kwargs):
        from .connections import set_synapses
        if params is None:
            params = kwargs
        if isinstance(params, (list, tuple)):
            if len(params) != len(self):
                raise NESTErrors.BadProperty("List of dictionaries must be the same size.")
            for sc, d in zip(self, params):
                set_synapses(sc._rows, d)
            return
        set_synapses(self._rows, params)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in ("source", "target"):
            return self.get(name) if len(self) != 1 else self.get(name)
        return self.get(name)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            return object.__setattr__(self, name, value)
        self.set({name: value})

    def sources(self):
        for s in self.get("source") if len(self) > 1 else [self.get("source")]:
            yield s

    def targets(self):
        for t in self.get("target") if len(self) > 1 else [self.get("target")]:
            yield t

    # --- printing --------------------------------------------------------------------
    def __str__(self):
        if len(self) == 0:
            return "The synapse collection does not contain any connections."
        c = self._columns(["source", "target", "synapse_model", "weight", "delay"])
        w = max(15, max(len(s) for s in c["synapse_model"]))
        head = f" source   target   {'synapse model':>{w}}   weight   delay "
        rule = f"-------- -------- {'-' * w} -------- -------"
        lines = [head, rule]
        for s, t, m, wt, d in zip(c["source"], c["target"], c["synapse_model"], c["weight"],
                                  c["delay"]):
            lines.append(f"{s:>7} {t:>8} {m:>{w + 2}} {wt:>8.3f} {d:>7.3f}")
        return "\n".join(lines)

    __repr__ = __str__
