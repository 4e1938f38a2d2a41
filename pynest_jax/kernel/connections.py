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

# Per synapse 31 bytes at most: node ids as int32 (networks up to 2**31 - 1 nodes), weight
# and delay as NEST reports them (float64), receptor int32, synapse model int16 (int8 while
# the table holds models below 128 only), three flags. A column of one value costs nothing
# (_flush); kind and tdev keep only the rows that are not 0 (_sparse); while a run's
# plastic values live on the device, the weight keeps only the other rows (_kept).
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
        # base columns (the weight) of which the device holds some rows meanwhile: only
        # the other rows' values stay, as ranges of rows ({key: (ranges, values)})
        self._kept = {}
        self._ranges = (None, {})  # (what they were found for, {key: ranges or None})
        # columns of SPARSE whose values are mostly 0 (NEURON, False): the rows that
        # differ and their values ({key: (rows, values)}); read as a whole column made
        # for the reader (1 B per connection each, of which a network of neurons keeps
        # almost nothing)
        self._sparse = {}

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
        self._keep_others(keys, rows_of, at)

    def _keep_others(self, keys, rows_of, at):
        """Free a base column (the weight: 8 B per connection) whose rows the device
        holds in part, keeping the other rows' values; the deferred read writes the
        rest. Only where those rows are a few ranges (connections of one Connect call
        are consecutive): no index per kept row."""
        if self._ranges[0] != at:
            found = {}
            for k in keys:
                if k not in BASE_COLUMNS or k in ("source", "target"):
                    continue
                held = np.zeros(len(self._cols["source"]), bool)
                held[rows_of(k)] = True
                if not held.any():
                    found[k] = None
                    continue
                edges = np.flatnonzero(np.diff(held.view(np.int8))) + 1
                bounds = np.r_[0, edges, len(held)]
                ranges = [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if not held[a]]
                found[k] = ranges if len(ranges) <= MAX_RANGES else None
            self._ranges = (at, found)
        for k, ranges in self._ranges[1].items():
            col = self._cols.get(k)
            if ranges is None or col is None or not col.strides[0]:
                continue  # (a column of one value costs nothing)
            values = np.concatenate([col[a:b] for a, b in ranges] + [col[:0]])
            self._kept[k] = (ranges, values)
            del self._cols[k]

    def settle(self, key=None):
        """Fetch deferred values (those of ``key`` only if given)."""
        if self._pending is not None and (key is None or key in self._pending[0]):
            read, self._pending = self._pending[1], None
            for k, (ranges, values) in self._kept.items():
                col = np.empty(len(self._cols["source"]), BASE_COLUMNS[k])
                i = 0
                for a, b in ranges:
                    col[a:b] = values[i:i + b - a]
                    i += b - a
                self._cols[k] = col
            self._kept = {}
            self._flush()
            for k in self._dropped:  # the rows read does not write hold no value
                if k not in self.extra:
                    self.extra[k] = np.full(len(self._cols["source"]), np.nan)
            self._dropped = ()
            read()

    def add(self, source, target, syn, weight, delay, receptor, extra=None, kind=NEURON,
            tdev=False):
        """Append connections; ``kind`` and ``tdev`` (target is a device) per row or for all."""
        if self._kept:  # (the kept ranges are those of the table as it is)
            self.settle()
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
        self._dense()
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
            if k == "syn" and one is None and self._cols[k].max() < 128:
                self._cols[k] = self._cols[k].astype(np.int8)  # (the first 128 models: 1 B)
        assert len(self._cols["source"]) == total
        self._chunks = []
        self._sparsify()

    def _sparsify(self):
        for k in SPARSE:
            col = self._cols[k]
            if not col.strides[0]:
                continue  # (one value: no memory)
            rows = np.flatnonzero(col)
            if len(rows) * 16 < len(col):  # (an index of 4-8 B per row that differs)
                rtype = np.int32 if len(col) < 2 ** 31 else np.int64
                self._sparse[k] = (rows.astype(rtype), col[rows])
                del self._cols[k]

    def _column(self, k):
        if k not in self._sparse:
            return self._cols[k]
        rows, values = self._sparse[k]
        col = np.zeros(len(self._cols["source"]), BASE_COLUMNS[k])
        col[rows] = values
        col.flags.writeable = False  # (made for the reader: writing it would change nothing)
        return col

    def _dense(self):
        for k in list(self._sparse):
            col = self._column(k)
            col.flags.writeable = True
            self._cols[k] = col
            del self._sparse[k]

    def truncate(self, n: int):
        """Forget rows from ``n`` on (undo of a failed Connect)."""
        self.settle()
        self._flush()
        self._dense()
        for k in self._cols:
            self._cols[k] = self._cols[k][:n]
        for k in self.extra:
            self.extra[k] = self.extra[k][:n]
        self._sparsify()
        self.version += 1

    def interleave(self, start: int, k: int):
        """Rows from ``start`` on are k blocks of n (one block per collocated synapse);
        reorder them pair by pair (first pair's k rows, then the next pair's), the order
        in which NEST creates collocated synapses."""
        self.settle()
        self._flush()
        self._dense()
        n = (len(self._cols["source"]) - start) // k
        order = start + (np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel()
        for cols in (self._cols, self.extra):
            for key in cols:
                if cols[key].strides[0]:  # (one value: nothing moves)
                    cols[key][start:] = cols[key][order]
        self._sparsify()
        self.version += 1

    def __len__(self):
        return len(self._cols["source"]) + sum(len(c["source"]) for c in self._chunks)

    def col(self, key) -> np.ndarray:
        self._flush()
        self.settle(key)
        if key in self._sparse:
            return self._column(key)
        return self._cols[key] if key in self._cols else self.extra[key]

    def has(self, key) -> bool:
        self._flush()
        return (key in self._cols or key in self.extra or key in self._dropped
                or key in self._kept or key in self._sparse)

    def set_values(self, rows, key, values):
        self._flush()
        self.settle(key)
        if key in self._sparse:
            self._dense()
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
        if key in self._sparse:
            self._dense()
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
        src, syn, kind = (self._column(k)[alive] for k in ("source", "syn", "kind"))
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


MAX_RANGES = 4096  # (ConnectionStore._keep_others)
SPARSE = ("kind", "tdev")  # (ConnectionStore._sparse)


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

