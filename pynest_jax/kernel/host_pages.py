"""Small pages for a Connect's temporaries.

numpy advises the kernel to back every array of 4 MiB or more with transparent huge
pages (madvise MADV_HUGEPAGE). Where THP is "madvise" with defrag "madvise" (the
default of many distributions, and of the machines the benchmarks ran on) each such
allocation may compact memory synchronously to find 2 MiB pages, in the process's own
system time: a spatial Connect of 4.2 M connections spent 1.6-2.9 s of system time
there against 0.4 s with small pages (benchmarks.spatial, docs/benchmarks.md). A
Connect's large arrays are short-lived temporaries touched once or twice, where huge
pages save little, so while it runs numpy is asked not to give that advice; the
setting is put back afterwards.
"""

from __future__ import annotations

import contextlib

import numpy as np

_core = getattr(np, "_core", None) or getattr(np, "core", None)
_set_advice = getattr(getattr(_core, "multiarray", None), "_set_madvise_hugepage", None)


@contextlib.contextmanager
def small_pages():
    """numpy's huge-page advice off inside the block, as it was afterwards."""
    if _set_advice is None:  # a numpy without the switch gives no advice to turn off
        yield
        return
    before = _set_advice(False)
    try:
        yield
    finally:
        _set_advice(before)
