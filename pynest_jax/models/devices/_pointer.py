"""A sorted list of event steps per device, read through a pointer.

Host vectors (spike or amplitude times) become a padded ``(n, L)`` array of
steps, sorted, and a pointer per device; a step compares one entry, so the
work per step does not grow with the length of the list.
"""

import jax.numpy as jnp
import numpy as np

from . import _common as C

NEVER = np.iinfo(np.int64).max // 4  # padding: a step that never comes


def pointer_start(steps_rows, now):
    """Index of the first entry with step > now, per device (NEST skips the past)."""
    return np.array([int(np.searchsorted(r, now, side="right")) for r in steps_rows], np.int64)


def table(steps_rows, columns, pad, now, pointer="idx"):
    """The padded step table, its columns (name -> (rows, fill, dtype)) at the same
    width, each node's pointer past ``now`` and the new high-water mark ``pad``."""
    steps = C.padded(steps_rows, NEVER, np.int64, min_len=int(np.max(pad)))
    L = steps.shape[1]
    out = {name: C.padded(rows, fill, dtype, L) for name, (rows, fill, dtype) in columns.items()}
    out.update({pointer: pointer_start(steps_rows, now), "pad": np.full(len(steps_rows), L)})
    return steps, out


def at(table, idx):
    """table[i, idx[i]] for each device i."""
    return jnp.take_along_axis(table, idx[:, None].astype(jnp.int32), axis=1)[:, 0]
