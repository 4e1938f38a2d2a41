"""The device copies of host values that a run passes to the compiled program, kept
between Simulate calls while the host values are bit for bit what was uploaded.

Uploading a small network's parameters (a host->device copy per array) cost about half
a millisecond per Simulate call, most of a short call's host time. Values change between
runs through many paths (SetStatus, SetDefaults, hooks, per-port tables), so the check
is on the values themselves, not on a version counter that each path would have to bump:
the host array's bytes, dtype and shape against those uploaded. A host array smaller
than a few thousand elements compares in well under a microsecond.
"""

from __future__ import annotations

import operator

import numpy as np


class Uploads:
    def __init__(self, device):
        self._device = device  # host array -> device array (the program's precision)
        self._held: dict = {}  # key -> (bytes, dtype, shape, device array)

    def get(self, key, x):
        x = np.asarray(x)
        raw = x.tobytes()
        held = self._held.get(key)
        if held is not None and held[0] == raw and held[1] == x.dtype and held[2] == x.shape:
            return held[3]
        # a copy: the graph edits its arrays in place, a device array may alias host memory
        dev = self._device(x.copy())
        self._held[key] = (raw, x.dtype, x.shape, dev)
        return dev

    def get_all(self, group, keys, arrays) -> dict:
        """``{k: get((group, k), a)}`` for a population's parameters, checked together
        first: a Simulate call of a small network asks for a dozen arrays that have not
        changed, and one comparison of all their bytes costs less than a dozen calls.
        While they are unchanged, the same dict comes back (callers do not change it:
        Program.derived knows the parameters by it)."""
        held = self._held.get(group)
        if (held is not None and len(held[2]) == len(arrays)
                and all(map(operator.is_, arrays, held[2]))
                and b"".join(map(np.ndarray.tobytes, arrays)) == held[0][1]):
            # the very arrays compared last time (so of the same dtypes and shapes), and
            # their bytes are still the ones uploaded: a Simulate call after nothing changed
            return held[1]
        given = [a if type(a) is np.ndarray else None for a in arrays]
        arrays = [np.asarray(a) for a in arrays]
        sig = (tuple([(a.dtype, a.shape) for a in arrays]), b"".join([a.tobytes() for a in arrays]))
        if held is not None and held[0] == sig:
            self._held[group] = (sig, held[1], given)
            return held[1]
        out = {k: self.get((group, k), a) for k, a in zip(keys, arrays)}
        # (the given arrays are held, so that an identity is never that of a new object)
        self._held[group] = (sig, out, given)
        return out
