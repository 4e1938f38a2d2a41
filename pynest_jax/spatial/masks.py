"""Masks: predicates over arrays of displacements (nestkernel/mask.h, mask.cpp, spatial.cpp).

``Mask`` is the object ``nest.CreateMask`` returns; its ``_m`` is a shape with
``inside(columns) -> bool array`` over D coordinate arrays (of any shapes that broadcast:
a grid's candidates are tested as an outer product of per-axis arrays, with the same
operations, so the same bits, as point by point) and ``bbox() -> (lower_left,
upper_right)``.  Boundaries are NEST's: closed boxes (rotated ones widened by 1e-12),
closed balls, closed ellipses.
"""

from __future__ import annotations

import numpy as np

from ..errors import NESTErrors

__all__ = ["Mask", "create_mask", "mask_from_dict"]


class _Box:
    def __init__(self, lower_left, upper_right, azimuth=0.0, polar=0.0):
        self.ll, self.ur = np.asarray(lower_left, float), np.asarray(upper_right, float)
        self.dim = len(self.ll)
        self.rotated = azimuth != 0.0 or polar != 0.0
        self.az_cos, self.az_sin = np.cos(azimuth * np.pi / 180.), np.sin(azimuth * np.pi / 180.)
        self.pol_cos, self.pol_sin = np.cos(polar * np.pi / 180.), np.sin(polar * np.pi / 180.)
        self.c = (self.ur + self.ll) * 0.5
        if self.rotated:
            corners = np.array(np.meshgrid(*[[a, b] for a, b in zip(self.ll, self.ur)])).reshape(self.dim, -1).T
            r = self._forward(corners)
            self._bb = (r.min(axis=0), r.max(axis=0))
        else:
            self._bb = (self.ll.copy(), self.ur.copy())

    def _forward(self, p):
        """Corners rotated about the centre (calculate_min_max_values_)."""
        q = p - self.c
        x = q[:, 0] * self.az_cos - q[:, 1] * self.az_sin
        y = q[:, 0] * self.az_sin + q[:, 1] * self.az_cos
        if self.dim == 2:
            return np.stack([x + self.c[0], y + self.c[1]], axis=1)
        z = q[:, 2]
        return np.stack([x * self.pol_cos - z * self.pol_sin + self.c[0], y + self.c[1],
                         x * self.pol_sin + z * self.pol_cos + self.c[2]], axis=1)

    def inside(self, q):
        if not self.rotated:
            ok = (self.ll[0] <= q[0]) & (q[0] <= self.ur[0])
            for k in range(1, self.dim):
                ok = ok & (self.ll[k] <= q[k]) & (q[k] <= self.ur[k])
            return ok
        q = [x - c for x, c in zip(q, self.c)]
        if self.dim == 2:
            new = (q[0] * self.az_cos + q[1] * self.az_sin + self.c[0],
                   -q[0] * self.az_sin + q[1] * self.az_cos + self.c[1])
        else:
            a = q[0] * self.az_cos + q[1] * self.az_sin
            new = (a * self.pol_cos - q[2] * self.pol_sin + self.c[0],
                   -q[0] * self.az_sin + q[1] * self.az_cos + self.c[1],
                   a * self.pol_sin + q[2] * self.pol_cos + self.c[2])
        ok = True
        for k in range(self.dim):
            ok = ok & (self.ll[k] - 1e-12 <= new[k]) & (new[k] <= self.ur[k] + 1e-12)
        return ok

    def bbox(self):
        return self._bb


class _Ball:
    def __init__(self, center, radius):
        self.c, self.r = np.asarray(center, float), float(radius)
        self.dim = len(self.c)
        # the largest square whose sqrt is at most r (sqrt is monotone and correctly
        # rounded): sqrt(l2) <= r exactly when l2 <= _r2, without the sqrt
        r2 = self.r * self.r
        while np.sqrt(r2) > self.r:
            r2 = np.nextafter(r2, -np.inf)
        while np.isfinite(r2) and np.sqrt(np.nextafter(r2, np.inf)) <= self.r:
            r2 = np.nextafter(r2, np.inf)
        self._r2 = float(r2)

    def inside(self, p):
        q = [p[k] - self.c[k] for k in range(self.dim)]
        # outside the bounding box a coordinate becomes NaN, for which both tests below
        # are false: the box test is made on the (small, when they broadcast) columns
        q = [np.where(np.abs(x) <= self.r, x, np.nan) for x in q]
        l1 = np.abs(q[0])
        for k in range(1, self.dim):  # not in place: the columns may broadcast
            l1 = l1 + np.abs(q[k])
        inside = l1 <= self.r
        del l1  # the temporaries one after the other: less memory at a time
        l2 = q[0] * q[0]
        for k in range(1, self.dim):
            l2 = l2 + q[k] * q[k]
        inside |= l2 <= self._r2
        return inside

    def bbox(self):
        return self.c - self.r, self.c + self.r


class _Ellipse:
    def __init__(self, center, major, minor, polar_axis, azimuth, polar):
        self.c = np.asarray(center, float)
        self.dim = len(self.c)
        self.xs, self.ys = 4.0 / (major * major), 4.0 / (minor * minor)
        self.zs = 4.0 / (polar_axis * polar_axis) if polar_axis else 0.0
        self.az_cos, self.az_sin = np.cos(azimuth * np.pi / 180.), np.sin(azimuth * np.pi / 180.)
        self.pol_cos, self.pol_sin = np.cos(polar * np.pi / 180.), np.sin(polar * np.pi / 180.)
        if azimuth == 0.0 and polar == 0.0:
            radii = np.array([major, minor, polar_axis]) / 2.0
        else:  # NEST makes the box of a tilted ellipse a cube on its longest axis
            radii = np.full(3, max(major, polar_axis) / 2.0)
        self._bb = (self.c - radii[:self.dim], self.c + radii[:self.dim])

    def inside(self, p):
        q = [x - c for x, c in zip(p, self.c)]
        a = q[0] * self.az_cos + q[1] * self.az_sin
        ny = q[0] * self.az_sin - q[1] * self.az_cos
        if self.dim == 2:
            return a ** 2 * self.xs + ny ** 2 * self.ys <= 1
        nx = a * self.pol_cos - q[2] * self.pol_sin
        nz = a * self.pol_sin + q[2] * self.pol_cos
        return nx ** 2 * self.xs + ny ** 2 * self.ys + nz ** 2 * self.zs <= 1

    def bbox(self):
        return self._bb


class _Combined:
    def __init__(self, op, a, b):
        self.op, self.a, self.b, self.dim = op, a, b, a.dim

    def inside(self, p):
        x, y = self.a.inside(p), self.b.inside(p)
        return {"and": x & y, "or": x | y, "minus": x & ~y}[self.op]

    def bbox(self):
        (al, au), (bl, bu) = self.a.bbox(), self.b.bbox()
        if self.op == "and":
            return np.maximum(al, bl), np.minimum(au, bu)
        if self.op == "or":
            return np.minimum(al, bl), np.maximum(au, bu)
        return al, au


class _Anchored:
    def __init__(self, m, anchor):
        self.m, self.anchor, self.dim = m, np.asarray(anchor, float), m.dim

    def inside(self, p):
        return self.m.inside([x - a for x, a in zip(p, self.anchor)])

    def bbox(self):
        lo, hi = self.m.bbox()
        return lo + self.anchor, hi + self.anchor


class _Converse:
    def __init__(self, m):
        self.m, self.dim = m, m.dim

    def inside(self, p):
        return self.m.inside([-x for x in p])

    def bbox(self):
        lo, hi = self.m.bbox()
        return -hi, -lo


class _Grid:
    """GridMask: ``shape`` grid cells with the anchor cell at the node; only on grid layers,
    where it becomes a box in positions (MaskedLayer::check_mask_)."""

    def __init__(self, shape, anchor=None):
        self.shape = np.asarray(shape, np.int64)
        self.dim = len(self.shape)
        self.anchor = np.zeros(self.dim, np.int64) if anchor is None else np.asarray(anchor, np.int64)

    def as_box(self, layer):
        step = layer.extent / layer.shape
        upper_left, lower_right = -self.anchor, self.shape - self.anchor
        ll = step * upper_left - step * 0.5
        ur = step * lower_right - step * 0.5
        ll[1], ur[1] = -ur[1], -ll[1]
        return _Box(ll, ur)

    def inside(self, p):
        raise NESTErrors.KernelException("Grid mask must be applied to a grid layer.")

    def bbox(self):
        return -self.anchor.astype(float), (self.shape - self.anchor).astype(float)


class Mask:
    """A spatial mask (``nest.CreateMask``); ``&``, ``|`` and ``-`` combine masks of one
    dimension, ``Inside(point)`` tests one point."""

    def __init__(self, shape):
        self._m = shape

    def _combine(self, op, rhs, sym):
        if not isinstance(rhs, Mask):
            raise NotImplementedError(f"Both operands of {sym} must be masks.")
        if self._m.dim != rhs._m.dim:
            raise NESTErrors.BadProperty("Masks must have the same number of dimensions.")
        return Mask(_Combined(op, self._m, rhs._m))

    def __or__(self, rhs):
        return self._combine("or", rhs, "|")

    def __and__(self, rhs):
        return self._combine("and", rhs, "&")

    def __sub__(self, rhs):
        return self._combine("minus", rhs, "-")

    def Inside(self, point):
        """Whether ``point`` (a sequence of D numbers) is inside the mask."""
        p = np.asarray(point, float).reshape(1, -1)
        if p.shape[1] != self._m.dim:
            raise NESTErrors.BadProperty(f"Expected a {self._m.dim}-dimensional position.")
        return bool(np.all(self._m.inside(list(p.T))))

    def __repr__(self):
        return f"<Mask {type(self._m).__name__.strip('_').lower()} ({self._m.dim}-D)>"


def _floats(d, key, n=None):
    try:
        v = [float(x) for x in d[key]]
    except TypeError:
        raise NESTErrors.TypeMismatch(f"Expected datatype: '{key}' must be a list of numbers") from None
    if n is not None and len(v) != n:
        raise NESTErrors.BadProperty(f"'{key}' must have {n} entries.")
    return v


_KEYS = {
    "circular": {"radius", "anchor"}, "spherical": {"radius", "anchor"},
    "rectangular": {"lower_left", "upper_right", "azimuth_angle"},
    "box": {"lower_left", "upper_right", "azimuth_angle", "polar_angle"},
    "elliptical": {"major_axis", "minor_axis", "anchor", "azimuth_angle"},
    "ellipsoidal": {"major_axis", "minor_axis", "polar_axis", "anchor", "azimuth_angle", "polar_angle"},
    "doughnut": {"inner_radius", "outer_radius", "anchor"},
    "grid": {"shape"},
}
_DIM = {"circular": 2, "spherical": 3, "rectangular": 2, "box": 3, "elliptical": 2, "ellipsoidal": 3,
        "doughnut": 2, "grid": None}


class _Spec(dict):
    def __missing__(self, key):
        raise IndexError("map::at")  # NEST reads a required key that is not there


def create_mask(masktype, specs):
    """One of NEST's registered mask types from its parameter dictionary."""
    if masktype not in _KEYS:
        raise NESTErrors.UndefinedName(f"The name {masktype} is not defined.")
    d = _Spec(specs)
    dim = _DIM[masktype]
    if masktype in ("rectangular", "box"):
        if dim == 2 and "polar_angle" in d:
            raise NESTErrors.BadProperty("nest::BoxMask<D>: polar_angle not defined in 2D.")
        ll, ur = _floats(d, "lower_left", dim), _floats(d, "upper_right", dim)
        if not all(a < b for a, b in zip(ll, ur)):
            raise NESTErrors.BadProperty("nest::BoxMask<D>: Upper right must be strictly to the right "
                                         "and above lower left.")
        shape = _Box(ll, ur, float(d.get("azimuth_angle", 0.0)), float(d.get("polar_angle", 0.0)))
    elif masktype in ("circular", "spherical"):
        r = float(d["radius"])
        if r <= 0:
            raise NESTErrors.BadProperty("nest::BallMask<D>: radius > 0 required.")
        shape = _Ball(_floats(d, "anchor", dim) if "anchor" in d else np.zeros(dim), r)
    elif masktype in ("elliptical", "ellipsoidal"):
        for k in ("polar_axis", "polar_angle"):
            if dim == 2 and k in d:
                raise NESTErrors.BadProperty(f"nest::EllipseMask<D>: {k} not defined in 2D.")
        major, minor = float(d["major_axis"]), float(d["minor_axis"])
        polar_axis = float(d.get("polar_axis", 0.0))
        if major <= 0 or minor <= 0 or ("polar_axis" in d and polar_axis <= 0):
            raise NESTErrors.BadProperty("nest::EllipseMask<D>: All axis > 0 required.")
        if major < minor:
            raise NESTErrors.BadProperty("nest::EllipseMask<D>: major_axis greater than minor_axis required.")
        shape = _Ellipse(_floats(d, "anchor", dim) if "anchor" in d else np.zeros(dim), major, minor,
                         polar_axis, float(d.get("azimuth_angle", 0.0)), float(d.get("polar_angle", 0.0)))
    elif masktype == "doughnut":
        outer, inner = float(d["outer_radius"]), float(d["inner_radius"])
        if inner >= outer:
            raise NESTErrors.BadProperty("nest::create_doughnut: inner_radius < outer_radius required.")
        c = _floats(d, "anchor", 2) if "anchor" in d else np.zeros(2)
        shape = _Combined("minus", _Ball(c, outer), _Ball(c, inner))
    else:
        s = [int(x) for x in d["shape"]]
        if len(s) not in (2, 3):
            raise NESTErrors.BadProperty("Grid mask shape must be 2- or 3-dimensional.")
        shape = _Grid(s)
    unread = [k for k in d if k not in _KEYS[masktype]]
    if unread:
        raise NESTErrors.UnaccessedDictionaryEntry(
            "Unaccessed elements in mask_dict, in function CreateMask:  " + " ".join(unread))
    return Mask(shape)


def mask_from_dict(mask_dict):
    """A conn_spec's ``mask`` dict: one mask type and optionally an ``anchor``
    (create_mask in spatial.cpp); a Mask passes through."""
    if isinstance(mask_dict, Mask):
        return mask_dict
    if not isinstance(mask_dict, dict):
        raise TypeError("mask must be a dict or a Mask")
    types = [k for k in mask_dict if k != "anchor"]
    mask = None
    for k in types:
        mask = create_mask(k, mask_dict[k])
    if mask is None:
        raise NESTErrors.BadProperty("Mask dictionary names no mask type.")
    if "anchor" in mask_dict:
        anchor = list(mask_dict["anchor"])
        if len(anchor) not in (2, 3):
            raise NESTErrors.BadProperty("Anchor must be 2- or 3-dimensional.")
        if all(isinstance(a, (int, np.integer)) for a in anchor) and isinstance(mask._m, _Grid):
            mask._m.anchor = np.asarray(anchor, np.int64)
        elif isinstance(mask._m, _Grid):
            raise NESTErrors.BadProperty(f"Mask must be {len(anchor)}-dimensional grid mask.")
        else:
            mask = Mask(_Anchored(mask._m, [float(a) for a in anchor]))
    return mask
