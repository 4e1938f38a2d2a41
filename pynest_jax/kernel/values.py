"""Node values between NEST's form (what GetStatus shows) and the kernel's form.

The one place where ``offset`` keys (stored relative to ``E_L``, as NEST
stores them) are translated, where per-node values are checked against a
model's constraints, and where a SetStatus is applied all-or-nothing.
"""

from __future__ import annotations

import numpy as np

from ..api.errors import NESTErrors

_CAST = {"float": np.float64, "int": np.int64, "bool": np.bool_}
# Keys that the kernel, not the user, writes (NEST: unaccessed if set).
READONLY_STATE = {"t_spike", "archiver_length"}


def declared(spec):
    return {d.name: d for d in spec.params + spec.state}


def initial_defaults(spec) -> dict:
    """NEST-form defaults of a declaration: parameters and initial state."""
    out = {p.name: p.default for p in spec.params}
    for s in spec.state:
        if s.hidden:
            continue
        out[s.name] = s.initial(out) if callable(s.initial) else s.initial
    return out


def _cast(decl, value, n):
    """Broadcast value to n nodes in the declared dtype, raising NEST's TypeMismatch."""
    if decl.dtype in _CAST:
        arr = np.asarray(value)
        if decl.dtype == "bool" and arr.dtype.kind not in "b":
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{decl.name}' to type bool")
        if decl.dtype in ("float", "int") and arr.dtype.kind not in "biuf":
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{decl.name}' to a number")
        if decl.dtype == "int" and arr.dtype.kind == "f":
            if np.any(arr != np.round(arr)):
                raise NESTErrors.TypeMismatch(f"'{decl.name}' must be an integer")
        return np.broadcast_to(arr.astype(_CAST[decl.dtype]), (n,)).copy()
    if isinstance(value, list) and len(value) == n and decl.dtype != "vector":
        return list(value)
    return [value] * n


def settable_keys(spec) -> set:
    return {d.name for d in spec.params if not d.readonly} | {
        s.name for s in spec.state if not s.hidden and s.name not in READONLY_STATE}


def unaccessed(keys, where="NodeManager::set_status"):
    return NESTErrors.UnaccessedDictionaryEntry(
        f"Unaccessed elements in params, in function {where}:  {' '.join(keys)}")


def new_columns(spec, defaults: dict, n: int, params: dict) -> dict:
    """Internal per-node columns for n new nodes: defaults, then params (NEST form)."""
    bad = set(params) - settable_keys(spec)
    if bad:
        raise unaccessed(sorted(bad))
    nest_vals = dict(defaults)
    nest_vals.update(params)
    table = declared(spec)
    cols = {}
    for name, decl in table.items():
        if getattr(decl, "hidden", False):
            continue
        cols[name] = _cast(decl, nest_vals[name], n)
    _check(spec, cols, "Creating")
    for s in spec.state:  # hidden state starts at its declared value
        if s.hidden:
            init = s.initial(cols) if callable(s.initial) else s.initial
            cols[s.name] = _cast(s, init, n)
    for name, decl in table.items():
        if decl.offset:
            cols[name] = cols[name] - cols[decl.offset]
    return cols


def _check(spec, absolute: dict, action, gid=None):
    if spec.check is None:
        return
    msg = spec.check(absolute)
    if msg:
        where = f" with node ID {gid}" if gid is not None else ""
        raise NESTErrors.BadProperty(f"{action} a '{spec.name}'{where}: {msg}")


def get_columns(pop, local, keys=None) -> dict:
    """NEST-form values of the given nodes: {key: array or list}."""
    spec = pop.spec
    table = declared(spec)
    out = {}
    for name, decl in table.items():
        if getattr(decl, "hidden", False) or (keys is not None and name not in keys):
            continue
        if name in pop.arrays:
            v = pop.arrays[name][local]
            if decl.offset:
                v = v + pop.arrays[decl.offset][local]
            out[name] = v
        else:
            lst = pop.host[name]
            out[name] = [lst[i] for i in local]
    return out


def set_columns(pop, local, updates: dict, gids=None):
    """Apply NEST-form updates (each a per-node array/list or a scalar) atomically."""
    spec = pop.spec
    n = len(local)
    bad = set(updates) - settable_keys(spec) - {"frozen"}
    if bad:
        raise unaccessed(sorted(bad))
    table = declared(spec)
    cast = {k: _cast(table[k], v, n) for k, v in updates.items() if k != "frozen"}
    # Absolute values after the update, for the constraint check. Offset keys
    # not given keep their relative value, so they move with E_L (NEST).
    absolute = get_columns(pop, local, {p.name for p in spec.params})
    for k, v in cast.items():
        if k in absolute:
            absolute[k] = v
    for name, decl in table.items():
        if decl.offset and name in absolute and name not in cast:
            absolute[name] = pop.arrays[name][local] + absolute[decl.offset]
    if spec.check is not None:
        msg = spec.check(absolute)
        if msg:
            # NEST names the first node that fails; find it for the message.
            gid = None
            if gids is not None:
                for i in range(n):
                    if spec.check({k: (v[i:i + 1] if isinstance(v, np.ndarray) else v[i:i + 1])
                                   for k, v in absolute.items()}):
                        gid = int(gids[i])
                        break
            where = f" with node ID {gid}" if gid is not None else ""
            raise NESTErrors.BadProperty(f"Setting status of a '{spec.name}'{where}: {msg}")
    # All checks passed: write.
    if "frozen" in updates:
        pop.frozen[local] = np.broadcast_to(np.asarray(updates["frozen"], bool), (n,))
    offsets = {decl.offset for decl in table.values() if decl.offset}
    for k, v in cast.items():
        decl = table[k]
        if k in pop.arrays:
            if decl.offset:
                base = cast[decl.offset] if decl.offset in cast else pop.arrays[decl.offset][local]
                v = v - base
            if k not in offsets:
                pop.arrays[k][local] = v
        else:
            for i, li in enumerate(local):
                pop.host[k][li] = v[i]
    for k in offsets & set(cast):  # the offset key itself last, after the relative ones used it
        pop.arrays[k][local] = cast[k]


def updated_defaults(spec, current: dict, updates: dict, name: str) -> dict:
    """New NEST-form defaults after SetDefaults, validated; current is not modified.

    NEST keeps a model's defaults in a prototype node, in internal form, so
    setting only ``E_L`` moves the defaults of keys stored relative to it.
    """
    bad = set(updates) - settable_keys(spec)
    if bad:
        raise NESTErrors.UnaccessedDictionaryEntry(
            f"Unaccessed elements in params, in function ModelManager::set_node_defaults_:  "
            f"{' '.join(sorted(bad))}")
    table = declared(spec)
    new = dict(current)
    for k, v in updates.items():
        _cast(table[k], v, 1)  # type check
        new[k] = v
    for k, decl in table.items():
        if decl.offset and k not in updates and decl.offset in updates and k in new:
            new[k] = current[k] + (float(updates[decl.offset]) - float(current[decl.offset]))
    cols = {k: _cast(table[k], new[k], 1) for k in new if k in table}
    if spec.check is not None:
        msg = spec.check(cols)
        if msg:
            raise NESTErrors.BadProperty(f"Setting status of model '{name}': {msg}")
    return new
