"""A sorted list of event steps per device, read through a pointer.

Host vectors (spike or amplitude times) of all devices of a model become one flat
array (each device's entries from its ``base`` on, sorted, then one padding slot)
and a pointer per device; a step compares one entry, so the work per step does not
grow with the length of the list. Flat, not an (n, longest) table: one long vector
does not pad the others (urbanczik_synapse_example: 2 of 201 generators with 24,000
spike times made a (201, 32,768) table, rebuilt and sent at every Simulate).
"""

import jax.numpy as jnp
import numpy as np


NEVER = np.iinfo(np.int64).max // 4  # padding: a step that never comes


def pointer_start(steps_rows, now):
    """Index of the first entry with step > now, per device (NEST skips the past)."""
    return np.array([int(np.searchsorted(r, now, side="right")) for r in steps_rows], np.int64)


def ragged(rows, fill, dtype, min_len=16):
    """Per-device vectors -> (flat, base): device i's entries at flat[base[i]:], each
    list followed by one ``fill`` slot, so that a pointer that ran past the last entry
    reads the fill value. The length is a power of two, at least ``min_len``: a changed
    vector changes the array's shape (and so compiles) only when the total outgrows
    its bucket; callers pass their last length (a high-water mark kept in a hidden
    state ``pad``) so that shorter vectors do not shrink it either."""
    lens = np.array([len(r) for r in rows], np.int64)
    base = (np.cumsum(lens + 1) - (lens + 1)).astype(np.int64)
    total = int((lens + 1).sum())
    flat = np.full(max(min_len, 1 << max(total - 1, 0).bit_length()), fill, dtype)
    if lens.sum():
        at_ = np.repeat(base, lens) + np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
        flat[at_] = np.concatenate([np.asarray(r, dtype) for r in rows])
    return flat, base


def at(flat, base, idx):
    """flat[base[i] + idx[i]] for each device i."""
    return flat[(base + idx).astype(jnp.int32)]


def padded(rows, fill, dtype, min_len=16):
    """Per-node vectors -> one (n, L) array, L a power of two above the longest (one
    slot always padding: a pointer past the last entry reads the fill value); the
    length only grows, as ``ragged``'s (callers pass their high-water mark)."""
    longest = max([len(r) for r in rows] + [0])
    L = max(min_len, 1 << int(longest).bit_length())
    out = np.full((len(rows), L), fill, dtype)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    return out


def table(steps_rows, columns, pad, now, pointer="idx"):
    """The padded step table, its columns (name -> (rows, fill, dtype)) at the same
    width, each node's pointer past ``now`` and the new high-water mark ``pad``."""
    steps = padded(steps_rows, NEVER, np.int64, min_len=int(np.max(pad)))
    L = steps.shape[1]
    out = {name: padded(rows, fill, dtype, L) for name, (rows, fill, dtype) in columns.items()}
    out.update({pointer: pointer_start(steps_rows, now), "pad": np.full(len(steps_rows), L)})
    return steps, out


def at_row(table, idx):
    """table[i, idx[i]] for each device i (a padded table, one row per device)."""
    return jnp.take_along_axis(table, idx[:, None].astype(jnp.int32), axis=1)[:, 0]
