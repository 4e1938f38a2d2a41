"""Spatial layers: node positions, extent and periodic boundaries, host side.

A layer belongs to the nodes of one Create (NEST's LayerMetadata): node ``k`` of
the layer is global id ``first_gid + k``.  Positions are computed once, as NEST
computes them (nestkernel/grid_layer.h, free_layer.h), so that positions and
distances compare bit for bit; everything downstream works on arrays of them.
"""

from __future__ import annotations

import numpy as np

from ..errors import NESTErrors

__all__ = ["Layer", "grid_layer", "free_layer"]


class Layer:
    """Positions of the nodes of one spatial Create.

    ``lower_left`` and ``extent`` delimit the layer; ``periodic`` is edge_wrap (all
    dimensions or none, as NEST's Python interface sets it); ``shape`` is the grid's
    shape, None for free layers.
    """

    def __init__(self, positions, lower_left, extent, periodic, shape=None):
        self.positions = np.asarray(positions, np.float64)
        self.lower_left = np.asarray(lower_left, np.float64)
        self.extent = np.asarray(extent, np.float64)
        self.periodic = bool(periodic)
        self.shape = None if shape is None else np.asarray(shape, np.int64)
        self.first_gid = 0

    @property
    def dim(self):
        return self.positions.shape[1]

    @property
    def n(self):
        return self.positions.shape[0]

    @property
    def center(self):
        return self.lower_left + self.extent / 2

    def contains(self, gids):
        gids = np.asarray(gids)
        return (gids >= self.first_gid) & (gids < self.first_gid + self.n)

    def positions_of(self, gids):
        """Positions of nodes of this layer by global id."""
        return self.positions[np.asarray(gids, np.int64) - self.first_gid]

    def status(self, gids):
        """``NodeCollection.spatial`` for the nodes ``gids`` of this layer."""
        d = {"center": self.center, "edge_wrap": self.periodic, "extent": self.extent.copy(),
             "network_size": len(gids)}
        if self.shape is not None:
            d["shape"] = self.shape.copy()
        else:
            d["positions"] = self.positions_of(gids)
        return d

    # --- displacements (layer_impl.h): two variants NEST uses in different places ---------
    def displacement(self, from_pos, to_pos):
        """``to - from`` wrapped into [-extent/2, extent/2) by fmod (Layer::compute_displacement
        of positions: Displacement, Distance, masks)."""
        d = np.asarray(to_pos, np.float64) - np.asarray(from_pos, np.float64)
        if self.periodic:
            ext = self.extent
            d = -0.5 * ext + np.fmod(d + 0.5 * ext, ext)
            d = np.where(d < -0.5 * ext, d + ext, d)
        return d

    def displacement_rounded(self, from_pos, to_pos, axes=None):
        """``to - from`` less the nearest multiple of the extent (the per-dimension variant
        that spatial Parameters read); ``axes``: the dimensions the columns are."""
        d = np.asarray(to_pos, np.float64) - np.asarray(from_pos, np.float64)
        if self.periodic:
            ext = self.extent if axes is None else self.extent[axes]
            d = d - ext * _round_half_away(d * (1 / ext))
        return d

    def distance_rounded(self, from_pos, to_pos):
        return self.distance_of_columns([from_pos[..., k] for k in range(from_pos.shape[-1])],
                                        [to_pos[..., k] for k in range(to_pos.shape[-1])])

    def distance_of_columns(self, from_cols, to_cols):
        """distance_rounded of positions given coordinate by coordinate: the same operations
        in the same order as displacement_rounded and np.sum over the last axis, without
        the (n, D) temporaries."""
        total = None
        for k, (a, b) in enumerate(zip(from_cols, to_cols)):
            d = np.asarray(b, np.float64) - np.asarray(a, np.float64)
            if self.periodic:
                e = self.extent[k]
                d -= e * _round_half_away(d * (1 / e))
            total = d * d if total is None else total + d * d
        return np.sqrt(total)


def _round_half_away(x):
    """std::round: numpy's rint, then halves moved away from zero (rint takes them to even)."""
    r = np.rint(x)
    tie = np.abs(x - r) == 0.5
    if tie.any():
        r[tie] = np.trunc(x[tie]) + np.sign(x[tie])
    return r


def _edge_wrap(value):
    if not isinstance(value, (bool, np.bool_)):
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast 'edge_wrap' from {type(value).__name__} to type bool")
    return bool(value)


def _vector(values, what):
    try:
        return np.asarray([float(v) for v in values], np.float64)
    except (TypeError, ValueError):
        raise NESTErrors.TypeMismatch(f"Expected datatype: '{what}' must be a list of numbers") from None


def grid_layer(shape, center=None, extent=None, edge_wrap=False):
    """GridLayer: nodes column by column (x outer), rows from the top (matrix convention)."""
    shape = [int(s) for s in shape]
    if not all(s > 0 for s in shape):
        raise NESTErrors.BadProperty("All shape entries must be positive.")
    if len(shape) not in (2, 3):
        raise NESTErrors.BadProperty("Shape must be of length 2 or 3.")
    edge_wrap = _edge_wrap(edge_wrap)
    dim = len(shape)
    ext = np.ones(dim)
    lower_left = np.full(dim, -0.5)
    if extent is not None:
        ext_new = _vector(extent, "extent")
        if len(ext_new) != dim:
            raise NESTErrors.BadProperty(f"Expected a {dim}-dimensional position.")
        c = lower_left + ext / 2
        ext = ext_new
        lower_left = c - ext / 2
    if center is not None:
        c = _vector(center, "center")
        if len(c) != dim:
            raise NESTErrors.BadProperty(f"Expected a {dim}-dimensional position.")
        lower_left = c - ext / 2
    dims = np.asarray(shape, np.float64)
    # lid -> grid position: the last dimension varies fastest (GridLayer::lid_to_position)
    grid = np.indices(shape).reshape(dim, -1).T.astype(np.float64)
    e = ext.copy()
    upper_left = lower_left.copy()
    upper_left[1] += e[1]
    e[1] = -e[1]
    step = e / dims
    positions = upper_left + step * grid + step * 0.5
    return Layer(positions, lower_left, ext, edge_wrap, shape)


def free_layer(positions, extent=None, edge_wrap=False):
    """FreeLayer from an (n, D) array of positions; without an extent, the bounding box
    of the positions rounded up per dimension, centred on the positions."""
    if not isinstance(positions, np.ndarray) and len(positions) and \
            len({len(p) for p in positions}) > 1:
        raise NESTErrors.BadProperty(f"Expected a {len(positions[0])}-dimensional position.")
    pos = np.asarray(positions, np.float64)
    if pos.ndim != 2 or pos.shape[0] == 0:
        raise NESTErrors.BadProperty("Empty positions array.")
    if pos.shape[1] not in (2, 3):
        raise NESTErrors.BadProperty("Positions must have 2 or 3 coordinates.")
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    center = (hi + lo) / 2
    if extent is not None:
        ext = _vector(extent, "extent")
        if len(ext) != pos.shape[1]:
            raise NESTErrors.BadProperty(f"Expected a {pos.shape[1]}-dimensional position.")
        lower_left = center - ext / 2
        if np.any(lo < lower_left) or np.any(hi > center + ext / 2):
            raise NESTErrors.BadProperty("Node position outside of layer")
    else:
        if len(pos) <= 1:
            raise NESTErrors.KernelException("If only one node is created, 'extent' must be specified.")
        ext = np.ceil(hi - lo)
        lower_left = center - ext / 2
    return Layer(pos, lower_left, ext, _edge_wrap(edge_wrap))


def connection_distances(layers, sources, targets):
    """SynapseCollection.distance: per connection the distance from the source's position
    to the target in the target's layer; NaN where either has no position."""
    sources, targets = np.asarray(sources, np.int64), np.asarray(targets, np.int64)
    out = np.full(len(sources), np.nan)
    for layer in layers:
        here = np.flatnonzero(layer.contains(targets))
        if not here.size:
            continue
        src_pos = np.full((here.size, layer.dim), np.nan)
        for other in layers:
            inside = other.contains(sources[here])
            if inside.any() and other.dim == layer.dim:
                src_pos[inside] = other.positions_of(sources[here][inside])
        d = layer.displacement(src_pos, layer.positions_of(targets[here]))
        out[here] = np.sqrt(np.sum(d * d, axis=1))
    return out
