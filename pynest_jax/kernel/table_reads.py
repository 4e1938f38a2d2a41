"""Reading a projection's padded table back through its map of places to connection
rows (``row_of_place``, -1 for padding), a chunk of places at a time, so that no
per-connection temporary of the whole projection exists at once
(kernel/projections.py builds the tables; plastic_table.py reads and writes plastic rows)."""

import numpy as np

READ_CHUNK = 1 << 16  # places per step of _chunks (its temporaries: 13 B per place)


def _chunks(a):
    """(places, connection rows) of a projection's table, a chunk of places at a time:
    its real places (not padding) and the connection each holds."""
    rop = a["row_of_place"].reshape(-1)
    for i in range(0, rop.size, READ_CHUNK):
        r = rop[i:i + READ_CHUNK]
        real = np.flatnonzero(r >= 0)
        yield real + i, r[real]


def _rows(a):
    """The connection rows of a projection (in the order of its places)."""
    rop = a["row_of_place"].reshape(-1)
    return rop[rop >= 0]


def padded(a, col, fill=0.0, dtype=np.float64):
    """A connection column (of the whole table) on a projection's padded table, a chunk
    of places at a time (no per-connection temporaries of the whole projection)."""
    t = np.full(a["row_of_place"].shape, fill, dtype)
    tf = t.reshape(-1)
    for places, rows in _chunks(a):
        tf[places] = col[rows]
    return t


def host_targets(graph, a, n_t):
    """A projection's target table (each place's target's index in its population;
    padding: ``n_t``, the population's size), from the connection table and the rows
    of the places."""
    if "tgt" in a:
        return a["tgt"]
    t = np.full(a["row_of_place"].shape, n_t, np.int32)
    tf, target = t.reshape(-1), graph.connections.col("target")
    for places, rows in _chunks(a):
        tf[places] = graph.node_local[target[rows]]
    return t


def _signs(a, col):
    """(any, all) of the projection's connections' values of ``col`` being >= 0."""
    any_ge, all_ge = False, True
    for _, rows in _chunks(a):
        ge = col[rows] >= 0
        any_ge = any_ge or bool(ge.any())
        all_ge = all_ge and bool(ge.all())
    return any_ge, all_ge


def connection_rows(arrays):
    """Connection row of each place in a projection's padded table, flat (-1: padding)."""
    return arrays["row_of_place"].reshape(-1)
