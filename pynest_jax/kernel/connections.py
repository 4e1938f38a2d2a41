"""Connections as growing numpy columns, one row per synapse (host side).

Rows are kept in creation order. NEST keeps three kinds of connectors
(nestkernel/connection_manager.cpp, target_table_devices.cpp), and the kind
decides where a connection is listed by ``GetConnections`` and what its
``port`` is:

* ``NEURON``: source and target are neurons (nodes with proxies); one
  connector per synapse model, sorted by source before a simulation or a
  listing; ``port`` is the position in it.
* ``TO_DEVICE``: a neuron to a recording device; one connector per source
  neuron and synapse model, in creation order.
* ``FROM_DEVICE``: a device (generator, multimeter) to anything; one connector
  per source device and synapse model, in creation order.

NEST sorts the neuron connector with an unstable sort (boost's pdqsort), so
among connections of one source it keeps creation order only while a
connector holds fewer than 24 connections; we keep creation order always.
"""

from __future__ import annotations

import numpy as np

NEURON, TO_DEVICE, FROM_DEVICE = 0, 1, 2

# Per synapse 31 bytes: node ids as int32 (networks up to 2**31 - 1 nodes), weight and
# delay as NEST reports them (float64), receptor int32, synapse model int16, three flags.
BASE_COLUMNS = {"source": np.int32, "target": np.int32, "weight": np.float64,
                "delay": np.float64, "receptor": np.int32, "syn": np.int16,
                "alive": np.bool_, "kind": np.int8, "tdev": np.bool_}


class ConnectionStore:
    def __init__(self):
        self._chunks: list[dict] = []
        self._cols: dict[str, np.ndarray] = {k: np.zeros(0, t) for k, t in BASE_COLUMNS.items()}
        self.extra: dict[str, np.ndarray] = {}  # per-synapse parameters of some synapse models
        self.version = 0
        # Values a run changed that still live on the device (plastic weights and state):
        # (keys, read) -- ``read()`` writes them here. Reading them back after every run
        # cost about 1 s per 10 M plastic connections per Simulate call; they are fetched
        # only when one of their columns is read, or the rows move.
        self._pending = None
        # extra columns whose every value lives on the device meanwhile (freed: NEST
        # keeps one copy of a connection); the deferred read writes them again
        self._dropped = ()
        self._owned = (None, ())  # (what it was found for, extra keys the device holds in full)

    def defer(self, keys, read, rows_of=None):
        """Columns ``keys`` are out of date until ``read()`` (which calls write_state)
        has run; it runs at the first read of one of them. ``rows_of(key)``: the rows
        ``read`` writes of ``key``; an extra column with values in no others is freed
        until then."""
        if self._pending is None or not (self._pending[0] <= frozenset(keys)
                                         and self._pending[2] == self.version):
            self.settle()  # (a read of the same rows and columns or more replaces it)
        self._flush()
        self._pending = (frozenset(keys), read, self.version)
        if rows_of is None:
            return
        at = (self.version, frozenset(keys), id(getattr(rows_of, "__self__", rows_of)))
        if self._owned[0] != at:
            owned = []
            for k in keys:
                if k in self.extra:
                    held = np.isnan(self.extra[k])
                    held[rows_of(k)] = True
                    if held.all():
                        owned.append(k)
            self._owned = (at, tuple(owned))
        self._dropped = tuple(k for k in self._owned[1] if k in self.extra or k in self._dropped)
        for k in self._dropped:
            self.extra.pop(k, None)

    def settle(self, key=None):
        """Fetch deferred values (those of ``key`` only if given)."""
        if self._pending is not None and (key is None or key in self._pending[0]):
            read, self._pending = self._pending[1], None
            self._flush()
            for k in self._dropped:  # the rows read does not write hold no value
                if k not in self.extra:
                    self.extra[k] = np.full(len(self._cols["source"]), np.nan)
            self._dropped = ()
            read()

    def add(self, source, target, syn, weight, delay, receptor, extra=None, kind=NEURON,
            tdev=False):
        """Append connections; ``kind`` and ``tdev`` (target is a device) per row or for all."""
        n = len(source)
        chunk = {"source": source, "target": target, "weight": weight, "delay": delay,
                 "receptor": receptor, "syn": syn, "alive": True,
                 "kind": kind, "tdev": tdev}
        chunk = {k: np.broadcast_to(np.asarray(v, BASE_COLUMNS[k]), (n,)) for k, v in chunk.items()}
        for k, v in (extra or {}).items():
            chunk[k] = np.broadcast_to(np.asarray(v, np.float64), (n,))
        self._chunks.append(chunk)
        self.version += 1

    def _flush(self):
        if not self._chunks:
            return
        n0 = len(self._cols["source"])
        total = n0 + sum(len(c["source"]) for c in self._chunks)
        keys = set(self.extra) | {k for c in self._chunks for k in c if k not in BASE_COLUMNS}
        for k in keys:
            parts = [self.extra.get(k, np.full(n0, np.nan))]
            parts += [c.get(k, np.full(len(c["source"]), np.nan)) for c in self._chunks]
            self.extra[k] = np.concatenate(parts)
        for k in BASE_COLUMNS:
            parts = [self._cols[k]] + [c[k] for c in self._chunks]
            one = None if k in ("source", "target") else _one_value(parts)
            # a column of one value (one delay, one receptor, ...) is that value seen
            # n times (no memory); it becomes an array when a row is written
            self._cols[k] = (np.concatenate(parts) if one is None
                             else np.broadcast_to(one, (total,)))
        assert len(self._cols["source"]) == total
        self._chunks = []

    def truncate(self, n: int):
        """Forget rows from ``n`` on (undo of a failed Connect)."""
        self.settle()
        self._flush()
        for k in self._cols:
            self._cols[k] = self._cols[k][:n]
        for k in self.extra:
            self.extra[k] = self.extra[k][:n]
        self.version += 1

    def interleave(self, start: int, k: int):
        """Rows from ``start`` on are k blocks of n (one block per collocated synapse);
        reorder them pair by pair (first pair's k rows, then the next pair's), the order
        in which NEST creates collocated synapses."""
        self.settle()
        self._flush()
        n = (len(self._cols["source"]) - start) // k
        order = start + (np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel()
        for cols in (self._cols, self.extra):
            for key in cols:
                if cols[key].strides[0]:  # (one value: nothing moves)
                    cols[key][start:] = cols[key][order]
        self.version += 1

    def __len__(self):
        return len(self._cols["source"]) + sum(len(c["source"]) for c in self._chunks)

    def col(self, key) -> np.ndarray:
        self._flush()
        self.settle(key)
        return self._cols[key] if key in self._cols else self.extra[key]

    def has(self, key) -> bool:
        self._flush()
        return key in self._cols or key in self.extra or key in self._dropped

    def set_values(self, rows, key, values):
        self._flush()
        self.settle(key)
        target = self._cols if key in self._cols else self.extra
        if key not in target:
            self.extra[key] = np.full(len(self._cols["source"]), np.nan)
            target = self.extra
        _writable(target, key)[rows] = values
        self.version += 1

    def write_state(self, rows, key, values):
        """Values that a run changed (plastic weights and state): no structural change,
        so the version stays and nothing is rebuilt."""
        self._flush()
        self.settle(key)
        target = self._cols if key in self._cols else self.extra
        _writable(target, key)[rows] = values

    @property
    def n_alive(self) -> int:
        return int(self.col("alive").sum())

    # --- NEST's listing ----------------------------------------------------------------
    def listing(self, rows=None, by_source=False, by_target=False) -> np.ndarray:
        """Rows in the order NEST's GetConnections lists them (connection_manager.cpp).

        ``rows``: the candidate rows (alive, matching the filters); ``by_source``/
        ``by_target``: whether GetConnections was given sources/targets, which
        changes how device connections are visited.
        """
        rows = np.nonzero(self.col("alive"))[0] if rows is None else np.asarray(rows, np.int64)
        if len(rows) == 0:
            return rows
        src, tgt = self.col("source")[rows], self.col("target")[rows]
        syn, kind = self.col("syn")[rows], self.col("kind")[rows]
        tdev = self.col("tdev")[rows]
        neuron = kind == NEURON
        dev = ~neuron
        n_src = np.where(neuron, src, 0)  # the neuron connector, sorted by source

        def d(x):
            return np.where(neuron, 0, x)

        if not by_target:
            if not by_source:
                # all connections to devices (by source), then all from devices (by device)
                keys = (rows, d(src), d(kind), n_src, dev, syn)
            else:
                # per requested source: its connections to devices, or from it
                keys = (rows, d(src), n_src, dev, syn)
        else:
            # Targets given: per neuron target the connections from devices, then per
            # device target the connections to it. A device-to-device connection is
            # visited by neither, so NEST does not list it.
            keep = neuron | ((kind == FROM_DEVICE) & ~tdev) | (kind == TO_DEVICE)
            if not by_source:
                keys = (rows, d(src), d(tgt), d(tdev), n_src, dev, syn)
            else:
                keys = (rows, d(tgt), d(tdev), d(src), n_src, dev, syn)
            rows = rows[keep]
            keys = tuple(k[keep] for k in keys[1:])
            keys = (rows,) + keys
        return rows[np.lexsort(keys)]

    def order(self, rows=None) -> np.ndarray:
        """Live rows in NEST's listing order without filters."""
        return self.listing(rows)


    def remove(self, rows):
        self._flush()
        _writable(self._cols, "alive")[rows] = False
        self.version += 1

    def ports(self, rows) -> np.ndarray:
        """NEST's 'port': the position of each row within its connector.

        A disconnected row keeps its place: NEST disables it and lists around it.
        """
        self._flush()
        alive = np.arange(len(self._cols["source"]))
        src, syn, kind = (self._cols[k][alive] for k in ("source", "syn", "kind"))
        neuron = kind == NEURON
        # connector identity: the synapse model (neurons) or (model, source) for devices
        owner = np.where(neuron, -1, src)
        order = np.lexsort((alive, np.where(neuron, src, 0), owner, syn))
        key_syn, key_owner = syn[order], owner[order]
        start = np.ones(len(order), bool)
        start[1:] = (key_syn[1:] != key_syn[:-1]) | (key_owner[1:] != key_owner[:-1])
        first = np.maximum.accumulate(np.where(start, np.arange(len(order)), 0))
        pos = np.full(len(self._cols["source"]), -1, np.int64)
        pos[alive[order]] = np.arange(len(order)) - first
        return pos[np.asarray(rows, np.int64)]


def _one_value(parts):
    """The one value (a 0-d array) that every part holds, bit for bit, or None."""
    one = None
    for p in parts:
        if len(p) == 0:
            continue
        bits = p.view(f"u{p.itemsize}")
        if one is None:
            one = p[0].copy()
            first = bits[0]
        elif bits[0] != first:
            return None
        if p.strides[0] and not (bits == first).all():
            return None
    return one


def _writable(cols, key):
    """The column ``key``, an array of its own (a column of one value is a view)."""
    if not cols[key].flags.writeable:
        cols[key] = np.array(cols[key])
    return cols[key]

