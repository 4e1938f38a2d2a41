"""``nest.spatial``: layer specifications and spatial Parameters (PyNEST's nest/spatial).

The host-side machinery lives in this package's modules: ``layers`` (positions,
extent, periodic displacements), ``parameters`` (distance and position Parameters,
the spatial distributions), ``masks``, ``connect`` (NEST's ConnectionCreator) and
``queries`` (nearest elements, dumps).
"""

import numpy as np

from ..connect.parameters import Parameter as _Parameter
from .parameters import DimensionParameter as _DimensionParameter
from .parameters import NodePosition as _NodePosition
from .parameters import SpatialDistance as _SpatialDistance

__all__ = ["grid", "free", "pos", "source_pos", "target_pos", "distance"]


class _DistanceParameter(_SpatialDistance):
    """The distance between source and target (``.x``, ``.y``, ``.z``: along one axis)."""

    def __init__(self):
        super().__init__(0)

    @property
    def x(self):
        return _SpatialDistance(1)

    @property
    def y(self):
        return _SpatialDistance(2)

    @property
    def z(self):
        return _SpatialDistance(3)

    @staticmethod
    def n(dimension):
        return _SpatialDistance(dimension)


distance = _DistanceParameter()


def _endpoint_class(name, endpoint, doc):
    ns = {"x": _NodePosition(0, endpoint), "y": _NodePosition(1, endpoint), "z": _NodePosition(2, endpoint),
          "n": staticmethod(lambda dimension: _NodePosition(dimension, endpoint)), "__doc__": doc}
    return type(name, (), ns)


pos = _endpoint_class("pos", 0, "A node's position along x, y or z (setting node values).")
source_pos = _endpoint_class("source_pos", 1, "The source's position along x, y or z (connecting).")
target_pos = _endpoint_class("target_pos", 2, "The target's position along x, y or z (connecting).")


class grid:
    """Grid positions: ``shape`` (columns, rows[, depth]), optional ``center``, ``extent``,
    ``edge_wrap`` (periodic boundaries)."""

    def __init__(self, shape, center=None, extent=None, edge_wrap=False):
        self.shape = shape
        self.center = center
        self.extent = extent
        self.edge_wrap = edge_wrap


class free:
    """Free positions: a list of 2- or 3-element positions, a list of Parameters (one per
    dimension), or one Parameter (with ``num_dimensions`` or ``extent``)."""

    def __init__(self, pos, extent=None, edge_wrap=False, num_dimensions=None):
        if extent and num_dimensions:
            raise TypeError("extent and number of dimensions cannot be specified at the same time")
        if isinstance(pos, (list, tuple, np.ndarray)):
            if num_dimensions:
                raise TypeError("number of dimensions cannot be specified when using an array of positions")
            if len(pos) == sum(isinstance(d, _Parameter) for d in pos):
                self.pos = _DimensionParameter(list(pos))
            else:
                self.pos = pos
        elif isinstance(pos, _Parameter):
            if extent:
                num_dimensions = len(extent)
            if not num_dimensions:
                raise TypeError("could not infer number of dimensions. Set num_dimensions or extent when "
                                "using Parameter as pos")
            self.pos = _DimensionParameter([pos] * num_dimensions)
        else:
            raise TypeError("pos must be either an array of positions, or a Parameter")
        self.extent = extent
        self.edge_wrap = edge_wrap
