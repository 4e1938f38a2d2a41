"""The shape of a NodeCollection as NEST's kernel holds it (nestkernel/node_collection.cpp).

A NodeCollection is either a *primitive* (one contiguous run of ids of one
model) or a *composite* (sorted primitives, possibly *sliced* with a start,
an end and a stride). The shape decides what NEST prints, which joins and
slices it refuses, and how equality is judged, so it is kept exactly as NEST
builds it. This module is pure: it knows ids and model names, not the kernel.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..errors import NESTErrors

_INDENT = " " * len("NodeCollection(")


@dataclasses.dataclass(frozen=True)
class Layout:
    parts: tuple = ()  # ((first, last, model), ...) sorted by first
    composite: bool = False
    sliced: bool = False
    start: int = 0  # absolute position (over all parts) of the first element
    end: int = 0  # one past the absolute position of the last element taken
    stride: int = 1
    # a spatial layer (pynest_jax.spatial.layers.Layer) that the nodes carry, as NEST's
    # NodeCollection metadata: kept by slicing and by joins of one layer's collections
    metadata: object = dataclasses.field(default=None, compare=False)

    # --- construction ---------------------------------------------------------
    @staticmethod
    def primitive(first, last, model) -> "Layout":
        return Layout(((int(first), int(last), model),), False, False, 0, int(last) - int(first) + 1)

    @staticmethod
    def from_parts(parts) -> "Layout":
        """NodeCollectionComposite(parts): sorted, not merged."""
        parts = tuple(sorted(parts, key=lambda p: p[0]))
        if len(parts) == 1:
            return Layout.primitive(*parts[0])
        size = sum(p[1] - p[0] + 1 for p in parts)
        return Layout(parts, True, False, 0, size)

    @staticmethod
    def from_ids(gids, models) -> "Layout":
        """NodeCollection::create(vector): runs of consecutive ids of one model."""
        gids = np.asarray(gids, np.int64)
        if len(gids) == 0:
            return Layout()
        if np.any(np.diff(gids) < 0):
            raise NESTErrors.BadProperty("Indices must be sorted in ascending order")
        if np.any(np.diff(gids) == 0):
            raise NESTErrors.BadProperty("All node IDs in a NodeCollection have to be unique")
        models = np.asarray(models, object)
        breaks = np.nonzero((np.diff(gids) != 1) | (models[1:] != models[:-1]))[0] + 1
        starts = np.concatenate([[0], breaks])
        stops = np.concatenate([breaks, [len(gids)]])
        parts = [(int(gids[a]), int(gids[b - 1]), models[a]) for a, b in zip(starts, stops)]
        return Layout.from_parts(parts)

    # --- contents -----------------------------------------------------------------
    @property
    def empty(self) -> bool:
        return not self.parts

    def flat(self) -> np.ndarray:
        if not self.parts:
            return np.zeros(0, np.int64)
        return np.concatenate([np.arange(f, l + 1, dtype=np.int64) for f, l, _ in self.parts])

    def ids(self) -> np.ndarray:
        return self.flat()[self.start:self.end:self.stride]

    def positions(self) -> np.ndarray:
        """Absolute positions of the elements (over all parts)."""
        return np.arange(self.start, self.end, self.stride)

    def part_of(self, positions) -> np.ndarray:
        sizes = np.array([l - f + 1 for f, l, _ in self.parts])
        return np.searchsorted(np.cumsum(sizes), positions, side="right")

    def __len__(self):
        if not self.parts:
            return 0
        return 1 + (self.end - self.start - 1) // self.stride

    # --- NEST's operations ----------------------------------------------------------
    def slice(self, start: int, end: int, stride: int) -> "Layout":
        """NodeCollection{Primitive,Composite}::slice with 0-based start, exclusive end."""
        n = len(self)
        if not start < end:
            raise NESTErrors.BadParameter("start < stop required.")
        if not end <= n:
            raise NESTErrors.BadParameter(
                "stop <= size() required." if not self.composite else "end <= size() required.")
        if not self.composite:
            first, _, model = self.parts[0]
            if stride == 1:
                return Layout.primitive(first + start, first + end - 1, model)
            return Layout(self.parts, True, True, start, end, stride)
        new_size = 1 + (end - start - 1) // stride
        if self.sliced:
            if new_size > 1:
                raise NESTErrors.BadProperty("Cannot slice a sliced composite NodeCollection.")
            pos = int(self.positions()[start])
            out = Layout(self.parts, True, True, pos, pos + 1, stride)
        else:
            out = Layout(self.parts, True, True, start, end, stride)
        if stride == 1:
            first_part, last_part = out.part_of([out.start, out.end - 1])
            if first_part == last_part:
                f, _, model = self.parts[first_part]
                offset = sum(p[1] - p[0] + 1 for p in self.parts[:first_part])
                return Layout.primitive(f + out.start - offset, f + out.end - 1 - offset, model)
        return out

    def with_metadata(self, metadata) -> "Layout":
        return dataclasses.replace(self, metadata=metadata)

    def slice_keeping_metadata(self, start: int, end: int, stride: int) -> "Layout":
        """slice(); a collection with metadata is always sliced as a composite (NEST makes a
        primitive only without metadata)."""
        out = self.slice(start, end, stride)
        if self.metadata is None:
            return out
        if not out.composite:
            f, l, _ = out.parts[0]
            first = int(np.searchsorted(self.flat(), f))
            out = Layout(self.parts, True, True, first, first + (l - f) + 1, 1)
        return out.with_metadata(self.metadata)

    def join(self, other: "Layout") -> "Layout":
        """operator+ of NEST's NodeCollections, which must carry the same metadata."""
        if (self.metadata is not None or other.metadata is not None) and \
                self.metadata is not other.metadata:
            raise NESTErrors.BadProperty("Can only join NodeCollections with same metadata.")
        out = self._join(other)
        return out if self.metadata is None else out.with_metadata(self.metadata)

    def _join(self, other: "Layout") -> "Layout":
        if not self.composite:
            if other.empty:
                return self
            if self.empty:
                return other
            if not other.composite:
                (f1, l1, m1), (f2, l2, m2) = self.parts[0], other.parts[0]
                if _overlap((f1, l1), (f2, l2)):
                    raise NESTErrors.BadProperty("Cannot join overlapping NodeCollections.")
                if l1 + 1 == f2 and m1 == m2:
                    return Layout.primitive(f1, l2, m1)
                if l2 + 1 == f1 and m1 == m2:
                    return Layout.primitive(f2, l1, m1)
                return Layout.from_parts([self.parts[0], other.parts[0]])
            # NEST hands this to the composite's join with a primitive, which
            # takes all of the composite's parts, whether it is sliced or not.
            return other._join_primitive(self.parts[0])
        if other.empty:
            return self
        if self.sliced:
            raise NESTErrors.BadProperty("Cannot add NodeCollection to a sliced composite.")
        if not other.composite:
            return self._join_primitive(other.parts[0])
        if other.sliced:
            raise NESTErrors.BadProperty("Cannot add NodeCollection to a sliced composite.")
        if np.intersect1d(self.ids(), other.ids()).size:
            raise NESTErrors.BadProperty("Cannot join overlapping NodeCollections.")
        return _merged(list(self.parts) + list(other.parts))

    def _join_primitive(self, prim) -> "Layout":
        for p in self.parts:
            if _overlap(p, prim):
                raise NESTErrors.BadProperty("Cannot join overlapping NodeCollections.")
        return _merged(list(self.parts) + [prim])

    def equals(self, other: "Layout") -> bool:
        """operator==: primitives by range and model; composites by size and parts."""
        if self.composite != other.composite:
            return False
        if not self.composite:
            return self.parts == other.parts
        return len(self) == len(other) and self.parts == other.parts

    # --- printing (print_me) --------------------------------------------------------------
    def describe(self) -> str:
        if self.empty:
            return "NodeCollection(<empty>)"
        meta = "None" if self.metadata is None else "spatial"
        if not self.composite:
            return f"NodeCollection(metadata={meta}, " + _primitive_text(self.parts[0]) + ")"
        if not self.sliced:
            body = ";".join("\n" + _INDENT + _primitive_text(p) for p in self.parts)
            return f"NodeCollection(metadata={meta}," + body + ")"
        pos = self.positions()
        ids = self.ids()
        owner = self.part_of(pos)
        groups = []
        for k in range(len(ids)):
            if k == 0 or owner[k] != owner[k - 1]:
                groups.append([k, k])
            else:
                groups[-1][1] = k
        out = f"NodeCollection(metadata={meta},"
        for gi, (a, b) in enumerate(groups):
            last_group = gi == len(groups) - 1
            model = self.parts[owner[a]][2]
            size = b - a + 1
            out += "\n" + _INDENT + f"model={model}, size={size}, "
            if size == 1:
                out += f"first={ids[a]}, last={ids[a]}" + ("" if last_group else ";")
            else:
                out += f"first={ids[a]}, last={ids[b]}"
                # NEST ends a multi-node group with ';' only when it prints a step.
                if self.stride > 1:
                    out += f", step={self.stride}" + ("" if last_group else ";")
        return out + ")"


def _overlap(a, b) -> bool:
    return (a[0] <= b[0] <= a[1]) or (a[0] <= b[1] <= a[1])


def _merged(parts) -> Layout:
    """Sort, then merge contiguous primitives of one model (merge_parts_)."""
    parts = sorted(parts, key=lambda p: p[0])
    merged = [parts[0]]
    for f, l, m in parts[1:]:
        pf, pl, pm = merged[-1]
        if pl + 1 == f and pm == m:
            merged[-1] = (pf, l, m)
        else:
            merged.append((f, l, m))
    return Layout.from_parts(merged)


def _primitive_text(part) -> str:
    f, l, m = part
    if f == l:
        return f"model={m}, size=1, first={f}"
    return f"model={m}, size={l - f + 1}, first={f}, last={l}"
