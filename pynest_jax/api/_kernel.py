"""The one hidden kernel behind the module-level PyNEST functions."""

from ..kernel.kernel import Kernel

kernel = Kernel()


def plain(v):
    """numpy scalars -> Python scalars, as PyNEST returns them."""
    import numpy as np
    if isinstance(v, np.generic):
        return v.item()
    return v
