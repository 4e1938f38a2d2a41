"""Connections as growing numpy columns, one row per synapse (host side).

Rows are kept in creation order; ``order()`` gives NEST's listing order:
by synapse model id, then by source id, creation order among equals
(NEST sorts each connector by source before a simulation; the listing
``GetConnections`` gives is that order, ``port`` the position within it).
"""

from __future__ import annotations

import numpy as np

BASE_COLUMNS = {"source": np.int64, "target": np.int64, "weight": np.float64,
                "delay": np.float64, "receptor": np.int64, "syn": np.int64,
                "alive": np.bool_}


class ConnectionStore:
    def __init__(self):
        self._chunks: list[dict] = []
        self._cols: dict[str, np.ndarray] = {k: np.zeros(0, t) for k, t in BASE_COLUMNS.items()}
        self.extra: dict[str, np.ndarray] = {}  # per-synapse parameters of some synapse models
        self.version = 0

    def add(self, source, target, syn, weight, delay, receptor, extra=None):
        n = len(source)
        chunk = {"source": source, "target": target, "weight": weight, "delay": delay,
                 "receptor": receptor, "syn": np.full(n, syn), "alive": np.ones(n, bool)}
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
            self._cols[k] = np.concatenate([self._cols[k]] + [c[k] for c in self._chunks])
        assert len(self._cols["source"]) == total
        self._chunks = []

    def __len__(self):
        return len(self._cols["source"]) + sum(len(c["source"]) for c in self._chunks)

    def col(self, key) -> np.ndarray:
        self._flush()
        return self._cols[key] if key in self._cols else self.extra[key]

    def has(self, key) -> bool:
        self._flush()
        return key in self._cols or key in self.extra

    def set_values(self, rows, key, values):
        self._flush()
        target = self._cols if key in self._cols else self.extra
        if key not in target:
            self.extra[key] = np.full(len(self._cols["source"]), np.nan)
            target = self.extra
        target[key][rows] = values
        self.version += 1

    @property
    def n_alive(self) -> int:
        return int(self.col("alive").sum())

    def order(self, rows=None) -> np.ndarray:
        """Row indices of live connections in NEST's listing order."""
        alive = np.nonzero(self.col("alive"))[0] if rows is None else np.asarray(rows)
        keys = (alive, self.col("source")[alive], self.col("syn")[alive])
        return alive[np.lexsort(keys)]

    def remove(self, rows):
        self._flush()
        self._cols["alive"][rows] = False
        self.version += 1

    def ports(self, rows) -> np.ndarray:
        """NEST's 'port': the position of each row within its synapse model's listing."""
        order = self.order()
        syn = self.col("syn")[order]
        pos = np.empty(len(self._cols["source"]), np.int64)
        for s in np.unique(syn):
            sel = order[syn == s]
            pos[sel] = np.arange(len(sel))
        return pos[rows]
