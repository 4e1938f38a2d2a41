"""SynapseCollection: a list of connections, as PyNEST's (hl_api_types.py).

It holds rows of the kernel's connection table, in the order NEST listed
them. ``get`` returns a scalar for one connection and a list for several.
"""

from __future__ import annotations

import math

import numpy as np

from ._kernel import kernel
from ..spatial.layers import connection_distances
from .helpers import is_iterable
from ..kernel import connection_manager, ports
from .serialize import to_json
from ..errors import NESTErrors
from ..models.ids import synapse_id

_MAX_FULL_PRINT = 35  # PyNEST prints the first and last 15 of longer collections


class SynapseCollection:
    """A list of connections, as returned by GetConnections (and by Connect with
    ``return_synapsecollection=True``).

    ``len``, indexing, slicing and iteration (one SynapseCollection per connection) work as on
    a list. Values are read with ``get`` or as attributes (``conns.weight``) and written with
    ``set`` or by assignment (``conns.weight = 2.0``). ``sources()``/``targets()`` iterate over
    the node ids; ``disconnect()`` removes the connections. Printing shows a table of source,
    target, synapse model, weight and delay (set ``print_full = True`` to show all rows).

    Differs from NEST: a SynapseCollection keeps addressing the connections it was made
    from, even after later Connect calls re-sort them in NEST (docs/divergences.md).
    """
    def __init__(self, rows=None):
        """Made by GetConnections; ``rows`` are positions in the kernel's connection table."""
        object.__setattr__(self, "_rows", np.asarray([] if rows is None else rows, np.int64))
        object.__setattr__(self, "_generation", kernel.generation)
        object.__setattr__(self, "print_full", False)

    def __len__(self):
        """The number of connections."""
        return len(self._rows)

    def __iter__(self):
        """One single-connection SynapseCollection per connection, in order."""
        for r in self._rows:
            yield SynapseCollection([r])

    def __getitem__(self, key):
        """Connections by position: an int or a slice."""
        if isinstance(key, slice):
            return SynapseCollection(self._rows[key])
        return SynapseCollection([self._rows.tolist()[key]])  # list indexing: IndexError as PyNEST

    def __eq__(self, other):
        """Equal when both list the same connections (source, target, synapse model and
        port) in the same order.
        """
        if not isinstance(other, SynapseCollection):
            raise NotImplementedError()
        if len(self) != len(other):
            return False
        keys = ["source", "target", "target_thread", "synapse_id", "port"]
        return self.get(keys) == other.get(keys)

    __hash__ = None

    def _stale(self):
        """Nothing to show: empty, or the network is empty (PyNEST's check, see #3100)."""
        if len(self) == 0 or kernel.graph.network_size == 0:
            return True
        if self._generation != kernel.generation:
            # NEST looks the old ids up in the new network
            raise NESTErrors.UnknownNode("Connections from before ResetKernel refer to nodes "
                                         "that do not exist.")
        return False

    # --- values -----------------------------------------------------------------
    def _columns(self, keys=None):
        """get_connection_status as columns: {key: (values, has)} with ``has`` a bool mask
        of the connections that carry the key (all of them for the generic keys)."""
        graph = kernel.graph
        store = graph.connections
        rows = self._rows
        n = len(rows)
        names = graph.synapse_names
        syn = store.col("syn")[rows]
        everyone = np.ones(n, bool)

        def want(k):
            return keys is None or k in keys

        out = {}
        for k, col in (("source", "source"), ("target", "target")):
            if want(k):
                out[k] = (store.col(col)[rows].tolist(), everyone)
        if want("receptor"):  # NEST's rport (kernel/ports.py)
            out["receptor"] = (ports.rports(graph, rows).tolist(), everyone)
        model_of = {int(s_): names[int(s_)] for s_ in np.unique(syn)}
        specs = {s_: graph.synapses[name][0] for s_, name in model_of.items()}
        if want("delay"):
            delay = store.col("delay")[rows].astype(float)
            for s_, spec in specs.items():
                if spec.continuous_delay:  # the step it is delivered at, less the offset
                    sel = syn == s_
                    steps = kernel.grid.delay_to_steps(delay[sel])
                    offset = store.col("delay_offset")[rows[sel]]
                    delay[sel] = kernel.grid.steps_to_ms(steps) - offset
            out["delay"] = (delay.tolist(), everyone)
        if want("weight"):
            # a model with one weight for all (static_synapse_hom_w) does not show it
            shown = np.ones(n, bool)
            for s_, spec in specs.items():
                if spec.weight_common:
                    shown[syn == s_] = False
            out["weight"] = (store.col("weight")[rows].astype(float).tolist(), shown)
        if want("port"):
            out["port"] = (store.ports(rows).tolist(), everyone)
        if want("synapse_model"):
            out["synapse_model"] = ([model_of[int(s_)] for s_ in syn], everyone)
        if want("synapse_id"):
            out["synapse_id"] = ([synapse_id(model_of[int(s_)]) for s_ in syn], everyone)
        if want("sizeof"):
            sizes = np.zeros(n, np.int64)
            shown = np.ones(n, bool)
            for s_, spec in specs.items():
                sizes[syn == s_] = spec.sizeof or 0
                shown[syn == s_] = spec.sizeof is not None
            out["sizeof"] = (sizes.tolist(), shown)
        if want("target_thread"):
            out["target_thread"] = ([0] * n, everyone)
        for s_, name in model_of.items():
            sel = syn == s_
            for p in graph.synapses[name][0].params:
                if not want(p.name) or not store.has(p.name):
                    continue
                vals, has = out.setdefault(p.name, ([None] * n, np.zeros(n, bool)))
                idx = np.nonzero(sel)[0]
                for i, v in zip(idx, store.col(p.name)[rows[idx]]):
                    vals[i] = _plain(v, p)
                has[idx] = True
        return dict(sorted(out.items()))

    def _serialized(self):
        return self.get()  # serialize_data: a collection as its values

    def get(self, keys=None, output=""):
        """Return connection values.

        ``get()`` every key; ``get("weight")`` one key; ``get(["weight", "delay"])`` several, as
        a dict. For one connection each value is a scalar, for several a list with one entry per
        connection. ``output="pandas"`` returns a DataFrame indexed by source,
        ``output="json"`` a JSON string.
        """
        if self._stale():
            if output == "pandas":
                import pandas as pd
                return pd.DataFrame()
            if output == "json":
                return to_json({})
            return {} if keys is None else ()
        one = len(self) == 1
        if keys is None:
            cols = self._columns()
            if one:
                result = {k: v[0] for k, (v, has) in cols.items() if has[0]}
            else:
                result = {k: v for k, (v, has) in cols.items() if np.any(has)}
        elif isinstance(keys, str):
            cols = self._columns({keys})
            if one:
                if keys not in cols or not cols[keys][1][0]:
                    raise KeyError(keys)
                result = cols[keys][0][0]
            else:
                result = cols[keys][0] if keys in cols else []
        else:
            try:
                keys = list(iter(keys))
            except TypeError:
                raise TypeError("keys should be either a string or an iterable") from None
            cols = self._columns(set(keys))
            for k in keys:
                if k not in cols or not cols[k][1].all():
                    raise KeyError(k)
            result = {k: (cols[k][0][0] if one else cols[k][0]) for k in keys}
        if output == "pandas":
            import pandas as pd
            index = self.get("source") if len(self) > 1 else (self.get("source"),)
            if isinstance(keys, str):
                result = {keys: result}
            return pd.DataFrame(result, index=index)
        if output == "json":
            return to_json(result)
        return result

    def set(self, params=None, **kwargs):
        """Set connection values: ``set(weight=2.0)``, ``set({"weight": 2.0})``, a list
        or array with one value per connection, or a list of dicts, one per connection. Common
        properties of a synapse model (e.g. ``tau_plus`` of a ``_hom`` model) are refused here, as
        in NEST: set them with SetDefaults.

        Differs from NEST: a value refused for one connection changes none (docs/divergences.md).
        """
        if self._stale():
            return
        if isinstance(params, (list, tuple)) and len(self) != len(params):
            raise TypeError(f"Status dict must be a dict, or a list of dicts of length {len(self)}")
        if kwargs and params is None:
            params = kwargs
        elif kwargs and params:
            raise TypeError("must either provide params or kwargs, but not both.")
        if isinstance(params, dict):
            first = self[0].get()
            split = any(is_iterable(v) and k in first and not is_iterable(first[k])
                        for k, v in params.items())
            if split:
                n = len(self)
                params = {k: (v if not is_iterable(v) else _per_conn(v, n)) for k, v in params.items()}
                per = {k for k, v in params.items() if is_iterable(v)}
                connection_manager.set_synapses(kernel, self._rows, params, per_connection=per)
                return
            connection_manager.set_synapses(kernel, self._rows, params)
            return
        if isinstance(params, (list, tuple)):
            for d in params:
                if not isinstance(d, dict):
                    raise TypeError("params must be a dict or a list of dicts")
            keys = set().union(*[set(d) for d in params])
            # One dict per connection: grouped by key set, applied together.
            groups: dict[tuple, list[int]] = {}
            for i, d in enumerate(params):
                groups.setdefault(tuple(sorted(d)), []).append(i)
            connection_manager.set_synapses(kernel, self._rows, None, groups=[(np.asarray(idx), {
                k: [params[i][k] for i in idx] for k in ks}) for ks, idx in groups.items()],
                keys=keys)
            return
        raise TypeError("params must be a dict or a list of dicts")

    def disconnect(self):
        """Remove these connections from the network."""
        connection_manager.disconnect_rows(kernel, self._rows)

    def __getattr__(self, name):
        """``conns.key`` is ``conns.get("key")``."""
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "distance":  # spatial.cpp: distance of each connection, NaN off layers
            store = kernel.graph.connections
            return connection_distances(kernel.graph.layers, store.col("source")[self._rows],
                                        store.col("target")[self._rows]).tolist()
        return self.get(name)

    def __setattr__(self, name, value):
        """``conns.key = value`` is ``conns.set(key=value)``."""
        if name.startswith("_") or name == "print_full":
            return object.__setattr__(self, name, value)
        self.set({name: value})

    def sources(self):
        """An iterator over the source node id of each connection."""
        s = self.get("source")
        return iter(s if isinstance(s, (list, tuple)) else (s,))

    def targets(self):
        """An iterator over the target node id of each connection."""
        t = self.get("target")
        return iter(t if isinstance(t, (list, tuple)) else (t,))

    # --- printing --------------------------------------------------------------------
    def __str__(self):
        params = self.get()
        if len(params) == 0:
            return "The synapse collection does not contain any connections."
        cols = [params[k] for k in ("source", "target", "synapse_model", "weight", "delay")]
        if not isinstance(cols[0], list):
            cols = [[c] for c in cols]
        src, tgt, model, w, d = cols
        heads = ("source", "target", "synapse model", "weight", "delay")
        widths = [max(len(heads[0]) + 2, math.floor(math.log(max(src), 10))),
                  max(len(heads[1]) + 2, math.floor(math.log(max(tgt), 10))),
                  max(len(heads[2]) + 2, len(max(model, key=len))),
                  len(heads[3]) + 2, len(heads[4]) + 2]
        if len(src) >= _MAX_FULL_PRINT and not self.print_full:
            def cut(c):
                return c[:15] + ["\u22ee "] + c[-15:]
            src, tgt, model, w, d = (cut(c) for c in (src, tgt, model, w, d))
        head = " ".join(f"{h:^{wd}}" for h, wd in zip(heads, widths)) + "\n"
        rule = " ".join("-" * wd for wd in widths) + "\n"
        ws, wt, wm, ww, wdl = widths
        lines = []
        for s, t, m, wt_, dl in zip(src, tgt, model, w, d):
            if isinstance(s, str):
                lines.append(f"{s:>{ws - 1}} {t:>{wt}} {m:>{wm}} {wt_:>{ww}} {dl:>{wdl}}")
            else:
                lines.append(f"{s:>{ws - 1}d} {t:>{wt}d} {m:>{wm}s} {wt_:>#{ww}.4g} "
                             f"{dl:>#{wdl}.4g}")
        return head + rule + "\n".join(lines)


def _plain(v, decl):
    if decl.dtype == "int":
        return int(v)
    if decl.dtype == "bool":
        return bool(v)
    return float(v)


def _per_conn(v, n):
    if isinstance(v, np.ndarray) and v.ndim == 1:
        if len(v) < n:
            raise IndexError(f"index {len(v)} is out of bounds for axis 0 with size {len(v)}")
        return v[:n]
    return [v[i] for i in range(n)]
