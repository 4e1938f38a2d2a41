"""Spatial Parameters: leaves that read node positions (nestkernel/parameter.h).

They are leaves and inner nodes of the same expression trees as ``nest.random`` and
``nest.math`` (``connect/parameters.py``), so one expression mixes them freely.  A tree
is evaluated for ``n`` values at once with a context that carries, per value, the
positions it needs:

- ``PairContext``: source and target positions of ``n`` (source, target) pairs and the
  layer whose extent and periodicity give displacements (Connect);
- ``NodeContext``: positions of ``n`` nodes (setting node values).
"""

from __future__ import annotations

import math

import numpy as np

from ..connect import parameters as P
from ..errors import NESTErrors

__all__ = ["PairContext", "NodeContext", "SpatialDistance", "NodePosition", "DimensionParameter",
           "exponential", "gaussian", "gaussian2D", "gamma", "gabor", "apply"]


class PairContext:
    def __init__(self, source_pos, target_pos, layer, distance=None):
        self._pos = (source_pos, target_pos)
        self.layer, self._distance, self._rows = layer, distance, None

    @classmethod
    def of_rows(cls, source_pos, src, target_pos, tgt, layer, distance=None, offsets=(0, 0)):
        """Pairs given as rows of two position arrays (``src - offsets[0]``, ``tgt -
        offsets[1]``: node ids of collections that are ranges); the pairs' (n, D)
        positions are made only if a Parameter reads them (the distance reads the rows'
        coordinates)."""
        ctx = cls(None, None, layer, distance)
        ctx._rows = (source_pos, src, target_pos, tgt, offsets)
        return ctx

    def _row_indices(self):
        sp, src, tp, tgt, (a, b) = self._rows
        return sp, (src - a if a else src), tp, (tgt - b if b else tgt)

    @property
    def source_pos(self):
        return self._materialize()[0]

    @property
    def target_pos(self):
        return self._materialize()[1]

    def _materialize(self):
        if self._rows is not None:
            sp, src, tp, tgt = self._row_indices()
            self._pos, self._rows = (sp[src], tp[tgt]), None
        return self._pos

    def distance(self):
        """The pairs' distances, computed once: a Connect's kernel and its synapse values
        read the same ones."""
        if self._distance is None and self._rows is not None:
            sp, src, tp, tgt = self._row_indices()
            self._distance = self.layer.distance_of_columns(
                [sp[:, k][src] for k in range(sp.shape[1])], [tp[:, k][tgt] for k in range(tp.shape[1])])
        elif self._distance is None:
            self._distance = self.layer.distance_rounded(*self._pos)
        return self._distance

    def subset(self, index):
        d = None if self._distance is None else self._distance[index]
        return PairContext(self.source_pos[index], self.target_pos[index], self.layer, d)


class NodeContext:
    def __init__(self, positions):
        self.positions = positions

    def subset(self, index):
        return NodeContext(self.positions[index])


class _SpatialLeaf(P.Parameter):
    def is_spatial(self):
        return True


class SpatialDistance(_SpatialLeaf):
    """SpatialDistanceParameter: the distance (dimension 0) or the absolute displacement
    along one axis (1, 2, 3), periodic boundaries of the displacement's layer included."""

    def __init__(self, dimension=0):
        if dimension < 0:
            raise NESTErrors.BadParameterValue("Spatial distance parameter dimension cannot be negative.")
        self.dimension = int(dimension)

    def evaluate(self, n, rng, ctx=None):
        if not isinstance(ctx, PairContext):
            raise NESTErrors.BadParameterValue("Spatial distance parameter can only be used when connecting.")
        layer = ctx.layer
        if self.dimension == 0:
            return ctx.distance().copy()  # the caller may change what it gets
        if self.dimension > 3:
            raise NESTErrors.KernelException(
                "SpatialDistanceParameter dimension must be either 0 for unspecified, or 1-3 for x-z. "
                f"Got {self.dimension}")
        if self.dimension > layer.dim:
            raise NESTErrors.KernelException("Spatial distance dimension must be within the defined "
                                             "number of dimensions for the nodes.")
        d = self.dimension - 1
        return np.abs(layer.displacement_rounded(ctx.source_pos[:, d:d + 1], ctx.target_pos[:, d:d + 1],
                                                 axes=[d])[:, 0])

    def operand(self, n, rng, ctx=None):
        if self.dimension == 0 and isinstance(ctx, PairContext):
            return ctx.distance(), False  # read only: no copy
        return self.evaluate(n, rng, ctx), False

    def __str__(self):
        return "distance" if self.dimension == 0 else f"distance.{'xyz'[self.dimension - 1]}"


class NodePosition(_SpatialLeaf):
    """NodePosParameter: a node's coordinate (endpoint 0) or a connection's source (1) or
    target (2) coordinate."""

    def __init__(self, dimension, endpoint=0):
        if dimension < 0:
            raise NESTErrors.BadParameterValue("Node position parameter dimension cannot be negative.")
        if endpoint not in (0, 1, 2):
            raise NESTErrors.BadParameterValue(
                "Synaptic endpoint must either be unspecified (0), source (1) or target (2).")
        self.dimension, self.endpoint = int(dimension), int(endpoint)

    def evaluate(self, n, rng, ctx=None):
        if isinstance(ctx, PairContext):
            if self.endpoint == 0:
                raise NESTErrors.BadParameterValue("Node position parameter cannot be used when connecting.")
            pos = ctx.source_pos if self.endpoint == 1 else ctx.target_pos
        elif self.endpoint != 0:
            raise NESTErrors.BadParameterValue(
                "Source or target position parameter can only be used when connecting.")
        elif not isinstance(ctx, NodeContext):
            raise NESTErrors.KernelException(
                "Node position parameter can only be used when connecting spatially distributed nodes.")
        else:
            pos = ctx.positions
        if self.dimension >= pos.shape[1]:
            raise NESTErrors.KernelException("Node position dimension must be within the defined number "
                                             "of dimensions for the node.")
        return pos[:, self.dimension].copy()

    def __str__(self):
        who = ("pos", "source_pos", "target_pos")[self.endpoint]
        return f"{who}.{'xyz'[self.dimension] if self.dimension < 3 else self.dimension}"


class _Distribution(P.Parameter):
    """A function of one or two spatial expressions (spatial_distributions)."""

    def __init__(self, name, args, fn, *children):
        self.name, self.args, self.fn, self.children = name, args, fn, children

    def _children(self):
        return self.children

    def is_spatial(self):
        return True

    def evaluate(self, n, rng, ctx=None):
        return self.operand(n, rng, ctx)[0]

    def operand(self, n, rng, ctx=None):
        # every fn only reads its arguments and returns a new array
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = self.fn(*(c.operand(n, rng, ctx)[0] for c in self.children))
        return r, isinstance(r, np.ndarray)

    def __str__(self):
        inner = ", ".join([str(c) for c in self.children] + [f"{k}={v!r}" for k, v in self.args.items()])
        return f"{self.name}({inner})"


def _param(x):
    return P.as_parameter(x)


def exponential(x, beta=1.0):
    """ExpDistParameter: exp(-x / beta)."""
    beta = float(beta)
    if not beta > 0:
        raise NESTErrors.BadProperty(f"beta > 0 required for exponential distribution parameter, got beta={beta}")
    inv = 1.0 / beta

    def fn(v):
        e = np.negative(v)  # -v * inv, in place
        e *= inv
        return _exp_in_place(e)
    return _Distribution("exponential", {"beta": beta}, fn, _param(x))


def _exp_in_place(e):
    return np.exp(e, out=e) if isinstance(e, np.ndarray) and e.dtype == np.float64 else np.exp(e)


def gaussian(x, mean=0.0, std=1.0):
    """GaussianParameter: exp(-(x - mean)^2 / (2 std^2))."""
    mean, std = float(mean), float(std)
    if not std > 0:
        raise NESTErrors.BadProperty(f"std > 0 required for gaussian distribution parameter, got std={std}")
    c = 1.0 / (2 * std * std)

    def fn(v):
        dx = v - mean
        e = np.negative(dx)  # -dx * dx * c, in place: the same operations in the same order
        e *= dx
        e *= c
        return _exp_in_place(e)
    return _Distribution("gaussian", {"mean": mean, "std": std}, fn, _param(x))


def gaussian2D(x, y, mean_x=0.0, mean_y=0.0, std_x=1.0, std_y=1.0, rho=0.0):
    """Gaussian2DParameter: a bivariate normal shape with correlation rho."""
    mean_x, mean_y, std_x, std_y, rho = map(float, (mean_x, mean_y, std_x, std_y, rho))
    if rho >= 1 or rho <= -1:
        raise NESTErrors.BadProperty(
            f"-1 < rho < 1 required for gaussian2d distribution parameter, got rho={rho:f}")
    if std_x <= 0:
        raise NESTErrors.BadProperty(
            f"std_x > 0 required for gaussian2d distribution parameter, got std_x={std_x:f}")
    if std_y <= 0:
        raise NESTErrors.BadProperty(
            f"std_y > 0 required for gaussian2d distribution parameter, got std_y={std_y:f}")
    cx = 1.0 / (2.0 * (1.0 - rho * rho) * std_x * std_x)
    cy = 1.0 / (2.0 * (1.0 - rho * rho) * std_y * std_y)
    cxy = rho / ((1.0 - rho * rho) * std_x * std_y)

    def fn(vx, vy):
        dx, dy = vx - mean_x, vy - mean_y
        return np.exp(-dx * dx * cx - dy * dy * cy + dx * dy * cxy)
    args = {"mean_x": mean_x, "mean_y": mean_y, "std_x": std_x, "std_y": std_y, "rho": rho}
    return _Distribution("gaussian2D", args, fn, _param(x), _param(y))


def gamma(x, kappa=1.0, theta=1.0):
    """GammaParameter: the gamma density of shape kappa and scale theta at x."""
    kappa, theta = float(kappa), float(theta)
    if kappa <= 0:
        raise NESTErrors.BadProperty(f"kappa > 0 required for gamma distribution parameter, got kappa={kappa:f}")
    if theta <= 0:
        raise NESTErrors.BadProperty(f"theta > 0 required for gamma distribution parameter, got theta={theta:f}")
    inv_theta = 1.0 / theta
    delta = inv_theta ** kappa / math.gamma(kappa)
    return _Distribution("gamma", {"kappa": kappa, "theta": theta},
                         lambda v: np.power(v, kappa - 1.0) * np.exp(-1.0 * inv_theta * v) * delta,
                         _param(x))


def gabor(x, y, theta=0.0, gamma=1.0, std=1.0, lam=1.0, psi=0.0):
    """GaborParameter: a Gabor profile rotated by theta (degrees), its cosine clipped at 0."""
    theta, gamma, std, lam, psi = map(float, (theta, gamma, std, lam, psi))
    if std <= 0:
        raise NESTErrors.BadProperty(f"std > 0 required for gabor function parameter, got std={std:g}")
    if gamma <= 0:
        raise NESTErrors.BadProperty(f"gamma > 0 required for gabor function parameter, got gamma={gamma:g}")
    c, s = math.cos(theta * math.pi / 180.), math.sin(theta * math.pi / 180.)
    inv = 1.0 / (2 * std * std)

    def fn(dx, dy):
        xp, yp = dx * c + dy * s, -dx * s + dy * c
        env = np.exp(-gamma * gamma * xp * xp * inv - yp * yp * inv)
        return env * np.maximum(np.cos(2 * math.pi * yp / lam + psi * math.pi / 180.), 0.)
    args = {"theta": theta, "gamma": gamma, "std": std, "lam": lam, "psi": psi}
    return _Distribution("gabor", args, fn, _param(x), _param(y))


def apply(parameter, spatial_nc, positions=None):
    """``Parameter.apply``: values at the nodes of a spatial NodeCollection, or, with
    ``positions``, from its one node to each of those positions (in its layer)."""
    if positions is not None:
        if len(spatial_nc) != 1:
            raise ValueError("The NodeCollection must contain a single node ID only")
        if not isinstance(positions, (list, tuple)):
            raise TypeError("Positions must be a list or tuple of positions")
        for p in positions:
            if not isinstance(p, (list, tuple, np.ndarray)):
                raise TypeError("Each position must be a list or tuple")
            if len(p) != len(positions[0]):
                raise ValueError("All positions must have the same number of dimensions")
    layer = spatial_nc._layout.metadata
    if layer is None:
        raise NESTErrors.LayerExpected("LayerExpected")
    pos = layer.positions_of(spatial_nc._gids)
    rng = P._default_rng
    if positions is None:
        return tuple(float(v) for v in parameter.evaluate(len(pos), rng, NodeContext(pos)))
    targets = np.asarray(positions, np.float64)
    if targets.shape[1] != layer.dim:
        raise NESTErrors.BadProperty("Target position dimensions must match the layer's.")
    ctx = PairContext(np.repeat(pos, len(targets), axis=0), targets, layer)
    return tuple(float(v) for v in parameter.evaluate(len(targets), rng, ctx))


class DimensionParameter:
    """Positions drawn per node from one Parameter per dimension (free layers)."""

    def __init__(self, params):
        if len(params) not in (2, 3):
            raise ValueError("Number of dimensions must be 2 or 3")
        self.params = list(params)

    @property
    def num_dimensions(self):
        return len(self.params)

    def draw(self, n, rng):
        # NEST draws x, y(, z) for one node, then the next node: the same joint law per node
        return np.stack([p.evaluate(n, rng) for p in self.params], axis=1)


def _spatial_factory(parametertype, specs):
    specs = dict(specs or {})

    def take(key, default=None, required=False):
        if key in specs:
            return specs.pop(key)
        if required:
            raise IndexError(f"parameter specification lacks required key '{key}'")
        return default
    if parametertype == "distance":
        p = SpatialDistance(int(take("dimension", 0)))
    elif parametertype == "position":
        if "dimension" not in specs:
            raise NESTErrors.BadParameterValue(
                "Dimension must be specified when creating a node position parameter.")
        p = NodePosition(int(take("dimension")), int(take("synaptic_endpoint", 0)))
    elif parametertype == "exp_distribution":
        p = exponential(take("x", required=True), take("beta", 1.0))
    elif parametertype == "gaussian":
        p = gaussian(take("x", required=True), take("mean", 0.0), take("std", 1.0))
    elif parametertype == "gaussian2d":
        p = gaussian2D(take("x", required=True), take("y", required=True), take("mean_x", 0.0),
                       take("mean_y", 0.0), take("std_x", 1.0), take("std_y", 1.0), take("rho", 0.0))
    elif parametertype == "gabor":
        p = gabor(take("x", required=True), take("y", required=True), take("theta", 0.0),
                  take("gamma", 1.0), take("std", 1.0), take("lam", 1.0), take("psi", 0.0))
    elif parametertype == "gamma":
        p = gamma(take("x", required=True), take("kappa", 1.0), take("theta", 1.0))
    else:
        raise NESTErrors.NotImplemented(f"spatial parameter '{parametertype}' is not implemented yet")
    if specs:
        raise NESTErrors.UnaccessedDictionaryEntry(
            "Unaccessed elements in param, in function create_parameter:  " + " ".join(specs))
    return p


P.SPATIAL_FACTORY = _spatial_factory
# PyNEST's Parameter.apply reads a NodeCollection's layer, which only this package knows
P.Parameter.apply = apply
