"""A syn_spec value of a Connect (NEST's ConnParameter, nestkernel/conn_parameter.h)."""

from __future__ import annotations

import numpy as np

from ..connect.parameters import Parameter
from ..errors import NESTErrors


class ConnParameter:
    """A scalar, an array consumed connection by connection, or a Parameter."""

    def __init__(self, key, value):
        self.key = key
        if isinstance(value, Parameter):
            self.kind, self.value = "parameter", value
        elif isinstance(value, (bool, np.bool_, str)) or value is None:
            raise NESTErrors.BadProperty(
                f"Cannot handle parameter type. Received {typename(value)}")
        elif isinstance(value, np.ndarray):
            if value.dtype.kind not in "iuf":
                raise NESTErrors.BadProperty(
                    f"Cannot handle parameter type. Received {typename(value)}")
            self.kind, self.value = "array", value.reshape(-1)
        elif isinstance(value, (int, float, np.integer, np.floating)):
            self.kind, self.value = "scalar", value
        else:
            raise NESTErrors.BadProperty(
                f"Cannot handle parameter type. Received {typename(value)}")

    def draw(self, index, rng, ctx=None):
        """Values for connections that consume array entries ``index`` (for a scalar or a
        Parameter only its length counts: a ``range`` will do); ``ctx``: the
        connections' positions for spatial Parameters."""
        n = len(index)
        if self.kind == "scalar":
            return np.full(n, self.value, dtype=float)
        if self.kind == "parameter":
            if self.value.is_spatial() and ctx is None:
                raise NESTErrors.BadParameterValue("Spatial parameters can only be used when connecting "
                                                   "spatially distributed nodes.")
            return np.asarray(self.value.evaluate(n, rng, ctx), float)
        index = np.asarray(index)
        if n and index.max() >= len(self.value):
            raise NESTErrors.KernelException("Parameter values exhausted.")
        return np.asarray(self.value, float)[index]


def typename(v):
    """A value's type as NEST's messages name it."""
    if isinstance(v, (bool, np.bool_)):
        return "bool"
    if isinstance(v, str):
        return "std::string"
    if isinstance(v, np.ndarray):
        return f"std::vector<{v.dtype}>"
    return type(v).__name__
