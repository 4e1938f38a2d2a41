"""A sorted list of event steps per device, read through a pointer.

Host vectors (spike or amplitude times) become a padded ``(n, L)`` array of
steps, sorted, and a pointer per device; a step compares one entry, so the
work per step does not grow with the length of the list.
"""

import jax.numpy as jnp
import numpy as np

NEVER = np.iinfo(np.int64).max // 4  # padding: a step that never comes


def pointer_start(steps_rows, now):
    """Index of the first entry with step > now, per device (NEST skips the past)."""
    return np.array([int(np.searchsorted(r, now, side="right")) for r in steps_rows], np.int64)


def at(table, idx):
    """table[i, idx[i]] for each device i."""
    return jnp.take_along_axis(table, idx[:, None].astype(jnp.int32), axis=1)[:, 0]
