"""Spatial Connect: NEST's ConnectionCreator (nestkernel/connection_creator*.h), vectorized.

For each *driver* node (a target, or a source for fixed_outdegree) the *pool* is the
nodes of the other collection whose displacement from the driver's anchor lies inside
the mask; on periodic layers the anchor is moved into the layer and repeated one extent
down where the mask crosses the upper edge, as NEST's masked ntree iterator does, so a
node can be found once per anchor image.  Pools are built for blocks of drivers at a
time with numpy (no loop per node or per pair); the kernel ``p`` (a Parameter) is then
evaluated once per (driver, pool member) pair with the pairs' positions.

The result is (source index, target index) into the two collections, in NEST's order
per driver, and the PairContext the syn_spec Parameters are evaluated in.
"""

from __future__ import annotations

import numpy as np

from ..connect.parameters import Parameter
from ..errors import NESTErrors
from .layers import _round_half_away
from .masks import Mask, _Converse, _Grid, mask_from_dict
from .parameters import PairContext

__all__ = ["connect_layers", "MaskedPool", "SPATIAL_CONN_KEYS"]

_BLOCK = 1 << 21  # (driver, candidate) pairs per block of drivers without a mask
_MASKED_DRIVERS = 256  # drivers per block with a mask

SPATIAL_CONN_KEYS = ("mask", "allow_multapses", "allow_autapses", "rule", "indegree", "outdegree", "p",
                     "pairwise_avg_num_conns", "use_on_source", "allow_oversized_mask")


class MaskedPool:
    """Candidates (positions, layer whose periodicity and extent wrap them) under a mask."""

    def __init__(self, positions, layer, mask_shape, allow_oversized, converse, lower_left=None):
        """``layer`` gives the periodicity and extent (and is the layer the mask is checked
        against); ``lower_left`` the corner of the candidates' own layer, where it differs
        (NEST builds that ntree from the candidates' corner and the target's extent)."""
        self.pos, self.layer = positions, layer
        self.lower_left = layer.lower_left if lower_left is None else lower_left
        if mask_shape is not None and layer.periodic:
            # Ntree::insert maps positions into the periodic range; NEST then uses these
            # positions for the mask, the kernel and the synapse values
            self.pos = self.lower_left + _fmod_positive(positions - self.lower_left, layer.extent)
        m = mask_shape
        if m is not None:
            if isinstance(m, _Grid):
                if layer.shape is None:
                    raise NESTErrors.BadProperty("Grid masks can only be used with grid layers.")
                if len(m.shape) != layer.dim:
                    raise NESTErrors.BadProperty("Mask is incompatible with layer.")
                if not allow_oversized and layer.periodic and np.any(m.shape > layer.shape):
                    raise _oversized()
                m = m.as_box(layer)
            else:
                if m.dim != layer.dim:
                    raise NESTErrors.BadProperty("Mask is incompatible with layer.")
                lo, hi = m.bbox()
                if not allow_oversized and layer.periodic and np.any(hi - lo > layer.extent):
                    raise _oversized()
            if converse:
                m = _Converse(m)
        self.mask = m
        self._cells = self._axes = None

    def members(self, anchors, distances=None):
        """(driver index, candidate index, distance or None) of every pool member, driver by
        driver: each driver's anchor images one after the other, candidates in layer order.
        ``distances`` (whether the drivers are the targets) asks for the pairs' distances
        where the candidates are a lattice (``distance_of_columns`` per axis, then summed)."""
        n_c = len(self.pos)
        if self.mask is None:
            d = np.repeat(np.arange(len(anchors)), n_c)
            return d, np.tile(np.arange(n_c), len(anchors)), self._all_distances(anchors, distances)
        lo, hi = self.mask.bbox()
        mid, half = (lo + hi) / 2, float(np.max(hi - lo)) / 2 * (1 + 1e-12) + 1e-12
        if self._axes is None:
            self._axes = _lattice_axes(self.pos)
        images = self._images(anchors)
        if self._axes:
            # one row per (driver, anchor image) in NEST's order, drivers first: the members
            # come out in (driver, image, candidate) order, with nothing to merge
            drv, k = np.nonzero(np.stack([valid for _, valid in images], axis=1))
            img = np.stack([im for im, _ in images])[k, drv]
            return self._in_lattice(img, mid, half, anchors[drv], distances, drv)
        parts = []
        for img, valid in images:
            rows = np.flatnonzero(valid)
            # candidates in the mask's bounding cube, then the mask itself
            di, ci = self._in_cube(img[rows] + mid, half)
            di = rows[di]
            keep = self.mask.inside([self.pos[:, k][ci] - img[:, k][di] for k in range(img.shape[1])])
            parts.append((di[keep], ci[keep], None))
        if len(parts) == 1:
            return parts[0]
        # each part is ordered by (driver, candidate), the parts by image: NEST's order is
        # (driver, image, candidate), each part's run of a driver placed after the earlier
        # images' runs (a merge by counts, no sort)
        n = len(anchors)
        count = np.stack([np.bincount(p[0], minlength=n) for p in parts], axis=1)
        at = (np.cumsum(count.ravel()) - count.ravel()).reshape(count.shape)
        ci = np.empty(int(count.sum()), np.int64)
        dist = np.empty(len(ci)) if all(p[2] is not None for p in parts) else None
        for j, (_, c, x) in enumerate(parts):
            # a driver's run moves from its start in the part to its start in the result
            shift = at[:, j] - (np.cumsum(count[:, j]) - count[:, j])
            where = np.repeat(shift, count[:, j]) + np.arange(len(c))
            ci[where] = c
            if dist is not None:
                dist[where] = x
        return np.repeat(np.arange(n), count.sum(axis=1)), ci, dist

    def _all_distances(self, drivers, distances):
        """Without a mask every (driver, candidate) pair is a member: the distances as an
        outer difference per axis (distance_of_columns' operations, no gathered columns)."""
        if distances is None:
            return None
        total = None
        for k in range(self.pos.shape[1]):
            x, y = drivers[:, k:k + 1], self.pos[:, k]
            d = x - y if distances else y - x
            if self.layer.periodic:
                e = self.layer.extent[k]
                d -= e * _round_half_away(d * (1 / e))
            total = d * d if total is None else total + d * d
        return np.sqrt(total).ravel()

    def _in_lattice(self, anchors, mid, half, drivers, distances, row_driver):
        """(driver, candidate index, distance or None) of the mask's members, by row of
        ``anchors`` (``row_driver``: each row's driver), when the candidates are a
        lattice (``_lattice_axes``): per anchor and axis the coordinates within ``half`` of
        the cube's centre are a run of lattice lines, so the cube's candidates are an outer
        product of two short runs, and the mask is tested on it with per-axis displacements
        (the same operations as on gathered pairs, so the same bits), in layer order."""
        runs, disp, sq = [], [], []
        for k, xs in enumerate(self._axes[:2]):
            near = np.abs(xs - (anchors[:, k] + mid[k])[:, None]) <= half
            n, first = near.sum(axis=1), near.argmax(axis=1)
            w = int(n.max()) if len(n) else 0
            run = np.minimum(first[:, None] + np.arange(w), len(xs) - 1)
            runs.append(run.astype(np.int32) if len(self.pos) < 2 ** 31 else run)
            # past a run's end the displacement is NaN, which every mask's tests reject
            disp.append(np.where(np.arange(w) < n[:, None], xs[run] - anchors[:, k:k + 1], np.nan))
            if distances is not None:
                x = xs[run]
                d = drivers[:, k:k + 1] - x if distances else x - drivers[:, k:k + 1]
                if self.layer.periodic:
                    e = self.layer.extent[k]
                    d -= e * _round_half_away(d * (1 / e))
                sq.append(d * d)
        inside = self.mask.inside([disp[0][:, :, None], disp[1][:, None, :]])
        # boolean selections of broadcast sums: cheaper than index arithmetic per pair
        di = np.repeat(row_driver, inside.sum(axis=(1, 2)))
        ci = ((runs[0] * self._axes[2])[:, :, None] + runs[1][:, None, :])[inside]
        dist = (sq[0][:, :, None] + sq[1][:, None, :])[inside] if sq else None
        return di, ci, None if dist is None else np.sqrt(dist, out=dist)

    def _in_cube(self, centres, half):
        """(centre row, candidate index), sorted, of candidates within ``half`` of a centre in
        every coordinate (what a k-d tree's ball query in the max norm finds): candidates
        binned into cells of a quarter of ``half`` or more, so that the cells a cube meets
        hold few more than the cube, each cell's members in layer order."""
        m, dim = centres.shape
        if not len(self.pos) or not m:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        if self._cells is None or self._cells[0] != half:
            self._cells = (half,) + self._bin(half)
        _, sgn, side, org, ncell, order, count, start = self._cells
        q = centres * sgn
        lo = np.maximum(np.floor((q - half - org) / side).astype(np.int64), 0)
        hi = np.minimum(np.floor((q + half - org) / side).astype(np.int64), ncell - 1)
        nk = tuple(int(x) for x in np.ceil(2 * half / side) + 1)  # cells a cube meets
        off = np.indices(nk).reshape(dim, -1)  # row-major: the last dimension varies fastest
        cells = np.zeros((m, off.shape[1]), np.int64)
        ok = np.ones((m, off.shape[1]), bool)
        stride = 1
        for k in reversed(range(dim)):
            c = lo[:, k:k + 1] + off[k]
            ok &= c <= hi[:, k:k + 1]
            cells += c * stride
            stride *= int(ncell[k])
        cells = np.where(ok, cells, 0)
        n = np.where(ok, count[cells], 0).ravel()
        total = int(n.sum())
        di = np.repeat(np.repeat(np.arange(m), off.shape[1]), n)
        first = np.repeat(start[cells.ravel()] - (np.cumsum(n) - n), n)
        ci = order[first + np.arange(total)]
        near = np.abs(self.pos[ci, 0] - centres[di, 0]) <= half
        for k in range(1, dim):
            near &= np.abs(self.pos[ci, k] - centres[di, k]) <= half
        di, ci = di[near], ci[near]
        key = di * len(self.pos) + ci
        if len(key) > 1 and np.any(key[1:] < key[:-1]):
            o = np.argsort(key)
            di, ci = di[o], ci[o]
        return di, ci

    def _bin(self, half):
        """Cells of the candidates for ``_in_cube``; on 2-D grid layers one column per cell,
        rows binned downwards, which keeps a driver's candidates in layer order (nodes are
        numbered column by column, rows from the top), so no sort is needed."""
        dim = self.pos.shape[1]
        span = float(np.max(np.ptp(self.pos, axis=0)))
        side = np.full(dim, max(half / 4, span / 2.0 ** (20 / dim)))  # at most ~2**20 cells
        sgn = np.ones(dim)
        if dim == 2 and self.layer.shape is not None:
            dx = float(self.layer.extent[0]) / int(self.layer.shape[0])
            if 0 < dx < side[0] and span / dx < 4096:
                side[0], sgn[1] = dx, -1.0
        q = self.pos * sgn
        org = q.min(axis=0) - side / 2
        ncell = np.floor((q.max(axis=0) - org) / side).astype(np.int64) + 1
        cid = np.ravel_multi_index(tuple(np.floor((q - org) / side).astype(np.int64).T), ncell)
        order = np.argsort(cid, kind="stable")
        count = np.bincount(cid, minlength=int(np.prod(ncell)))
        return sgn, side, org, ncell, order, count, np.cumsum(count) - count

    def _images(self, anchors):
        layer = self.layer
        if not layer.periodic:
            return [(anchors, np.ones(len(anchors), bool))]
        lo, hi = self.mask.bbox()
        ll, ext = self.lower_left, layer.extent
        base = _fmod_positive(anchors + lo - ll, ext) - lo + ll
        crosses = (base + hi - ll) > ext
        out = []
        for k in range(2 ** layer.dim):
            bits = np.array([(k >> i) & 1 for i in range(layer.dim)], bool)
            valid = np.all(crosses[:, bits], axis=1)
            if k and not valid.any():
                continue
            out.append((base - ext * bits, valid))
        return out


def _lattice_axes(pos):
    """(x values, y values, rows) when the 2-D candidates are a lattice in a grid layer's
    order (x outer, each coordinate a strictly monotone function of its own index), else
    (): then a run of lattice lines per axis is exactly the candidates within a distance
    of a point along that axis (a rounded difference is monotone)."""
    if pos.shape[1] != 2 or len(pos) < 2:
        return ()
    n1 = int(np.argmax(pos[:, 0] != pos[0, 0])) or len(pos)
    if len(pos) % n1:
        return ()
    g = pos.reshape(-1, n1, 2)
    xs, ys = g[:, 0, 0], g[0, :, 1]
    if not (np.array_equal(g[:, :, 0], np.broadcast_to(xs[:, None], g.shape[:2]))
            and np.array_equal(g[:, :, 1], np.broadcast_to(ys, g.shape[:2]))):
        return ()
    for v in (xs, ys):
        dv = np.diff(v)
        if not (np.all(dv > 0) or np.all(dv < 0)):
            return ()
    return xs, ys, n1


def _fmod_positive(x, p):
    """nest::mod and Ntree::insert: fmod, moved up by p where negative."""
    r = np.fmod(x, p)
    return np.where(r < 0, r + p, r)


def _oversized():
    return NESTErrors.BadProperty("Mask size must not exceed layer size; set allow_oversized_mask to override.")


def _mask_shape(spec):
    if "mask" not in spec:
        return None
    m = spec["mask"]
    return (m if isinstance(m, Mask) else mask_from_dict(m))._m


def connect_layers(pre, post, pre_layer, post_layer, spec, rng):
    """Spatial Connect of node ids ``pre`` and ``post`` (their layers given).

    ``spec`` is the conn_spec (PyNEST's keys).  Returns ``(sources, targets, ctx)``: node ids.
    """
    rule = spec["rule"]
    if pre_layer.dim != post_layer.dim:
        raise NESTErrors.BadProperty("Source and target layers must have the same number of dimensions.")
    autapses = bool(spec.get("allow_autapses", True))
    multapses = bool(spec.get("allow_multapses", True))
    oversized = bool(spec.get("allow_oversized_mask", False))
    kernel = spec.get("p", spec.get("pairwise_avg_num_conns"))
    if kernel is not None and not isinstance(kernel, Parameter):
        kernel = float(kernel)
    mask = _mask_shape(spec)
    pre_pos, post_pos = pre_layer.positions_of(pre), post_layer.positions_of(post)
    if rule == "pairwise_bernoulli" and spec.get("use_on_source", False):
        pool = MaskedPool(pre_pos, pre_layer, mask, oversized, converse=False)
        value_layer = pre_layer
    elif rule == "pairwise_bernoulli":
        # the mask is applied to source -> target displacements: the target layer's
        # periodicity, and the mask's converse around each target
        pool = MaskedPool(pre_pos, post_layer, mask, oversized, converse=True,
                          lower_left=pre_layer.lower_left)
        value_layer = post_layer
    elif rule in ("fixed_indegree", "pairwise_poisson"):
        pool = MaskedPool(pre_pos, pre_layer, mask, oversized, converse=False)
        value_layer = pre_layer
    elif rule == "fixed_outdegree":
        pool = MaskedPool(post_pos, post_layer, mask, oversized, converse=False)
        value_layer = post_layer
    else:
        raise ValueError("When using kernel or mask, the only possible connection rules are "
                         "'pairwise_bernoulli', 'fixed_indegree', or 'fixed_outdegree'")
    if rule == "fixed_outdegree":
        post_pos = pool.pos
    else:
        pre_pos = pool.pos
    outdegree = rule == "fixed_outdegree"
    fixed = outdegree or rule == "fixed_indegree"
    drivers, driver_pos = (pre, pre_pos) if outdegree else (post, post_pos)
    if fixed:
        degrees = _degrees(spec["outdegree" if outdegree else "indegree"], len(drivers), rng)
    step = _MASKED_DRIVERS if pool.mask is not None else max(1, _BLOCK // max(len(pool.pos), 1))
    # pool.layer is value_layer: the kernel's distances can come with the pool's members
    want = (not outdegree) if isinstance(kernel, Parameter) and kernel.is_spatial() else None
    found = _Pairs(-(-len(drivers) // step), np.int32 if max(len(pre), len(post)) < 2 ** 31 else np.int64)
    for d0 in range(0, len(drivers), step):  # drivers are independent: blocks bound the memory
        d, c, dist = pool.members(driver_pos[d0:d0 + step], want)
        src, tgt = (d + d0, c) if outdegree else (c, d + d0)
        if fixed:
            take = _fixed_degree(d, src, tgt, pre, post, pre_pos, post_pos, value_layer, kernel, mask,
                                 degrees[d0:d0 + step], drivers[d0:d0 + step], autapses, multapses,
                                 not outdegree, rng, dist)
            found.add(src, tgt, None, take)
            continue
        if not autapses:
            keep = pre[src] != post[tgt]
            src, tgt = src[keep], tgt[keep]
            dist = None if dist is None else dist[keep]
        if kernel is not None:
            v, ctx = _kernel_values(kernel, src, tgt, pre_pos, post_pos, value_layer, rng, dist)
            dist = None if ctx is None else ctx._distance
            if rule == "pairwise_bernoulli":
                found.add(src, tgt, dist, rng.random(len(v)) < v)
                continue
            n = rng.poisson(np.where(v > 0, v, 0.0))
            src, tgt = np.repeat(src, n), np.repeat(tgt, n)
            dist = None if dist is None else np.repeat(dist, n)
        found.add(src, tgt, dist)
    src, tgt, dist = found.columns()
    (sources, s_rows, s_off), (targets, t_rows, t_off) = _node_ids(pre, src), _node_ids(post, tgt)
    # the distances the kernel computed serve the synapse values too
    return sources, targets, PairContext.of_rows(pre_pos, s_rows, post_pos, t_rows, value_layer, dist,
                                                 (s_off, t_off))


def _node_ids(ids, rows):
    """(node ids of ``rows`` of the collection ``ids``, in the connection table's int32
    while they fit; what gives the rows back; its offset): a collection that is a range
    (one Create) adds its first id in place, and its rows are the ids less it."""
    fits = not len(ids) or ids[-1] < 2 ** 31
    if rows.dtype == np.int32 and fits and len(ids) and ids[-1] - ids[0] == len(ids) - 1 \
            and np.all(np.diff(ids) == 1):
        rows += np.int32(ids[0])
        return rows, rows, int(ids[0])
    return np.asarray(ids, np.int32 if fits and np.all(ids < 2 ** 31) else np.int64)[rows], rows, 0


class _Pairs:
    """(source index, target index, distance) of the pairs a Connect makes, block by block,
    written once, straight into columns (no parts joined at the end) that are sized from
    the first block's count for all blocks and grow by half where that falls short."""

    def __init__(self, n_blocks, index_type):
        self.left, self.itype, self.n, self.cols, self.dist = n_blocks, index_type, 0, None, True

    def add(self, src, tgt, dist, take=None):
        """The rows ``take`` (a mask or indices; all if None) of a block's pairs."""
        k = len(src) if take is None else int(np.count_nonzero(take)) if take.dtype == bool else len(take)
        self.dist = self.dist and dist is not None  # distances only if every block has them
        self.left -= 1
        if self.cols is None or self.n + k > len(self.cols[0]):
            cap = max(self.n + k * (self.left + 1) + (self.n + k) // 8,
                      0 if self.cols is None else len(self.cols[0]) * 3 // 2)
            old, self.cols = self.cols, [np.empty(cap, self.itype), np.empty(cap, self.itype),
                                         np.empty(cap) if self.dist else None]
            for col, was in zip(self.cols, old or ()):
                if col is not None and was is not None:
                    col[:self.n] = was[:self.n]
        at = slice(self.n, self.n + k)
        for col, x in zip(self.cols, (src, tgt, dist if self.dist else None)):
            if x is None or col is None:
                continue
            if take is None:
                col[at] = x
            elif take.dtype == bool:
                np.compress(take, x, out=col[at])
            else:
                np.take(x, take, out=col[at])
        self.n += k

    def columns(self):
        if self.cols is None:
            return np.empty(0, self.itype), np.empty(0, self.itype), None
        src, tgt, dist = (None if c is None else c[:self.n] for c in self.cols)
        return src, tgt, dist if self.dist else None


def _fixed_degree(d, src, tgt, pre, post, pre_pos, post_pos, layer, kernel, mask, degrees, drivers,
                  autapses, multapses, indegree, rng, dist=None):
    """Rows of (src, tgt) each driver of a block draws from its pool."""
    n = len(drivers)
    # w None: every member weighs 1 (no kernel), which _draw needs no column for
    w = None if kernel is None else _kernel_values(kernel, src, tgt, pre_pos, post_pos, layer, rng,
                                                   dist)[0]
    self_pair = None if autapses else pre[src] == post[tgt]
    _check_pools(d, self_pair, degrees, n, autapses, multapses, indegree, mask, drivers)
    # NEST rejects autapse draws except for fixed_indegree with a mask and no kernel
    if not autapses and not (indegree and mask is not None and kernel is None):
        w = np.where(self_pair, 0.0, 1.0 if w is None else w)
    return _draw(d, w, degrees, n, multapses, rng)[0]


def _kernel_values(kernel, src, tgt, pre_pos, post_pos, layer, rng, dist=None):
    """The kernel per pair, and the PairContext it read (None for a constant)."""
    if not isinstance(kernel, Parameter):
        return np.full(len(src), kernel), None
    ctx = PairContext.of_rows(pre_pos, src, post_pos, tgt, layer, dist)
    return np.asarray(kernel.evaluate(len(src), rng, ctx), float), ctx


def _degrees(value, n, rng):
    if isinstance(value, Parameter):
        v = np.asarray(value.evaluate(n, rng), float)
    else:
        if isinstance(value, (bool, np.bool_)) or int(value) != value:
            raise NESTErrors.TypeMismatch("Expected datatype: number_of_connections must be an integer")
        if value < 0:
            raise NESTErrors.BadProperty("Number of connections cannot be less than zero.")
        v = np.full(n, float(value))
    r = np.trunc(v) + np.sign(v) * (np.abs(v - np.trunc(v)) >= 0.5)  # std::round
    return np.maximum(r, 0).astype(np.int64)


def _check_pools(d, self_pair, degrees, n_drivers, autapses, multapses, indegree, mask, drivers):
    size = np.bincount(d, minlength=n_drivers)
    bad = (size == 0) | (~multapses & (size < degrees))
    if not autapses:
        bad |= (size == 1) & (np.bincount(d, weights=self_pair, minlength=n_drivers) == 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        who = "target" if indegree else "source"
        what = "sources" if indegree else "targets"
        inside = " inside mask" if (indegree and mask is not None) else ""
        raise NESTErrors.KernelException(
            f"Global {who} ID {int(drivers[i])}: Not enough {what} found{inside}")


def _draw(d, w, degrees, n_drivers, multapses, rng):
    """For each driver, ``degrees`` pool members with probability proportional to ``w``:
    with replacement, or (no multapses) one after the other among those not yet drawn,
    which is ordering by exponential keys E/w (Efraimidis-Spirakis). ``w`` None: all 1,
    where the cumulative weights are the members' ranks, so a draw's rank is its floor."""
    if w is not None and (np.any(w < 0) or not np.all(np.isfinite(w))):
        raise NESTErrors.BadProperty("Connection probabilities must be finite and non-negative.")
    total = np.bincount(d, weights=w, minlength=n_drivers).astype(float)
    need = degrees > 0
    if np.any(need & (total <= 0)):
        raise NESTErrors.BadProperty("No pool member has a positive connection probability.")
    if multapses:
        drivers = np.repeat(np.arange(n_drivers), degrees)
        at = np.searchsorted(d, np.arange(n_drivers))
        if w is None:  # cum would be 1, 2, ..., len(d), exact
            start = at.astype(float)
            u = start[drivers] + rng.random(len(drivers)) * total[drivers]
            pick = np.minimum(np.floor(u), len(d)).astype(np.int64)
        else:
            cum = np.cumsum(w)
            start = np.concatenate([[0.0], cum])[at]
            u = start[drivers] + rng.random(len(drivers)) * total[drivers]
            pick = np.searchsorted(cum, u, side="right")
        # guard rounding at a segment's end: stay within the driver's members
        first = np.searchsorted(d, drivers)
        last = np.searchsorted(d, drivers, side="right") - 1
        pick = np.clip(pick, first, last)
        while w is not None:  # a zero-weight member is never drawn
            zero = w[pick] <= 0
            if not zero.any():
                break
            pick[zero] = np.minimum(pick[zero] + 1, last[zero])
        return pick, drivers
    with np.errstate(divide="ignore"):
        key = rng.standard_exponential(len(d)) / (1.0 if w is None else w)
    order = np.lexsort((key, d))
    rank = np.arange(len(d)) - np.searchsorted(d[order], d[order])
    keep = (rank < degrees[d[order]]) & np.isfinite(key[order])
    pick = order[keep]
    short = np.bincount(d[pick], minlength=n_drivers) < degrees
    if short.any():
        raise NESTErrors.BadProperty("Not enough pool members with a positive connection probability.")
    return pick, d[pick]
