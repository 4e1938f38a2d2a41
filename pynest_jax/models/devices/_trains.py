"""Generators that keep a spike train per outgoing connection (NEST counts its
targets in send_test_event and sizes a per-port vector at pre_run_hook).

A train is a row of its device's state, one column per outgoing connection
(spike recorders included); the column is the connection's rank among its device's
connections. Columns are padded to a power of two so that adding a connection
rarely changes a shape.
"""

import jax.numpy as jnp
import numpy as np


def outgoing(ctx):
    """Outgoing connections of each device (NEST's num_targets_)."""
    gids = np.asarray(ctx.gids)
    n = np.zeros(len(gids), np.int64)
    if ctx.graph is not None and len(ctx.graph.connections):
        conns = ctx.graph.connections
        src = conns.col("source")[conns.col("alive")].astype(np.int64)
        n = np.bincount(src, minlength=int(gids.max()) + 1)[gids]
    return n


def width(old_width, trains):
    return max(old_width, 1 << int(max(1, int(np.max(trains, initial=1))) - 1).bit_length())


def ranks(src, n_dev):
    """Each connection's rank among the connections of its device, in src order."""
    m = src.shape[0]
    order = jnp.argsort(src, stable=True)
    sorted_src = src[order]
    first = jnp.searchsorted(sorted_src, jnp.arange(n_dev), side="left")
    rank_sorted = jnp.arange(m) - first[sorted_src]
    return jnp.zeros(m, jnp.int32).at[order].set(rank_sorted.astype(jnp.int32))


def resized(old, n_old, n_new, fresh, w):
    """Per-device rows of trains (n_dev, width, ...): the first min(n_old, n_new)
    trains of each device kept, the others set to ``fresh`` (n_dev, ...), NEST's
    vector::resize with the initial distribution."""
    n_dev = fresh.shape[0]
    out = np.broadcast_to(fresh[:, None], (n_dev, w) + fresh.shape[1:]).copy()
    if old is not None and old.ndim == fresh.ndim + 1:
        wo = min(old.shape[1], w)
        k = tuple(slice(0, min(a, b)) for a, b in zip(old.shape[2:], fresh.shape[1:]))
        keep = np.arange(wo)[None, :] < np.minimum(n_old, n_new)[:, None]
        keep = keep.reshape(keep.shape + (1,) * (fresh.ndim - 1))
        sl = (slice(None), slice(0, wo)) + k
        out[sl] = np.where(keep, old[sl], out[sl])
    return out
