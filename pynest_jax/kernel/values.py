"""Node values between NEST's form (what GetStatus shows) and the kernel's form.

The one place where ``offset`` keys (stored relative to ``E_L``, as NEST
stores them) are translated, where per-node values are checked against a
model's constraints, and where a SetStatus is applied all-or-nothing.
"""

from __future__ import annotations

import copy

import numpy as np

from ..errors import NESTErrors, unaccessed
from ..models._spec import State
from .ports import counts

_CAST = {"float": np.float64, "int": np.int64, "bool": np.bool_}
# Keys that the kernel, not the user, writes (NEST: unaccessed if set).
# y_0, y_1: the oscillator state of ac_generator, noise_generator and
# sinusoidal_poisson_generator, shown by NEST but never read by its set_status; g:
# gif_cond_exp_multisynapse's host mirror of its per-port conductances
READONLY_STATE = {"t_spike", "archiver_length", "y_0", "y_1", "g", "is_refractory",
                  "refractory_input", "I_AMPA", "I_GABA", "I_NMDA"}


def declared(spec):
    return {d.name: d for d in spec.params + spec.state}


def initial_defaults(spec, ctx) -> dict:
    """NEST-form defaults of a declaration: parameters and initial state."""
    out = {p.name: p.default for p in spec.params}
    for s in spec.state:
        if s.hidden:
            continue
        out[s.name] = s.initial(out, ctx) if callable(s.initial) else s.initial
        if s.per_port:  # a vector, one value per port of the prototype
            out[s.name] = np.full(spec.port_count(out), out[s.name], float)
    return out


class Each:
    """Values given one per node (a list of dicts, or a list split by PyNEST's set())."""

    def __init__(self, values):
        self.values = values

    def __len__(self):
        return len(self.values)


_NEST_TYPE = (("bool", (bool, np.bool_)), ("long", (int, np.integer)),
              ("double", (float, np.floating)), ("std::string", (str,)))


def nest_type(v) -> str:
    """The type a Python value has once PyNEST hands it to the kernel (pydict_to_Dictionary)."""
    for name, types in _NEST_TYPE:
        if isinstance(v, types):
            return name
    if isinstance(v, (list, tuple, np.ndarray)):
        return "std::vector"
    return type(v).__name__


# NEST's casts (libnestutil/dictionary.h): a double key takes any number, a
# long key only integers, a bool key only bools, a string key only strings.
_ACCEPTS = {"float": ("long", "double", "bool"), "int": ("long",), "bool": ("bool",),
            "str": ("std::string",)}
_TARGET = {"float": "double.", "int": "long", "bool": "bool", "str": "std::string"}
_KINDS = {"float": "biuf", "int": "iu", "bool": "b"}
_VECTOR = {"vector": "std::vector<double>", "strings": "std::vector<string>"}


def _type_error(decl, v):
    return NESTErrors.TypeMismatch(
        f"Expected datatype: Failed to cast '{decl.name}' from {nest_type(v)} to type "
        f"{_TARGET[decl.dtype]}")


def _typed(decl, values) -> np.ndarray:
    """Per-node values as an array of the declared dtype, refused as NEST refuses them."""
    arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if arr.dtype != object:
        if arr.dtype.kind not in _KINDS[decl.dtype]:
            raise _type_error(decl, arr.reshape(-1)[0] if arr.size else arr)
        return arr.astype(_CAST[decl.dtype])
    for v in arr.reshape(-1):
        if isinstance(v, int) and not -2 ** 63 <= v < 2 ** 63:  # pydict_to_Dictionary
            raise OverflowError(f"Integer {v} out of range for C++ long "
                                f"[{-2 ** 63}, {2 ** 63 - 1}]")
        if nest_type(v) not in _ACCEPTS[decl.dtype]:
            raise _type_error(decl, v)
    return arr.astype(_CAST[decl.dtype])


def _cast(decl, value, n):
    """value (one for all, or Each: one per node) -> n values in the declared dtype."""
    each = isinstance(value, Each)
    if decl.dtype in _CAST:
        arr = _typed(decl, value.values if each else [value])
        return np.broadcast_to(arr, (n,)).copy()
    if decl.dtype == "str":
        for v in (value.values if each else [value]):
            if not isinstance(v, str):
                raise _type_error(decl, v)
    if decl.dtype in _VECTOR:  # a string or a number is not a vector (NEST's cast)
        for v in (value.values if each else [value]):
            if not isinstance(v, (list, tuple, np.ndarray)) or (
                    decl.dtype == "strings" and not all(isinstance(e, str) for e in v)):
                raise NESTErrors.TypeMismatch(
                    f"Expected datatype: Failed to cast '{decl.name}' from {nest_type(v)} to "
                    f"type {_VECTOR[decl.dtype]}")
    if each:
        return list(value.values)
    # One copy shared by the n nodes: a node's value is replaced by SetStatus, never edited
    # in place, and GetStatus hands out copies (see node_values). No per-node objects: with
    # JAX's large heap, allocating millions of containers costs more in GC than anything.
    return [copy.deepcopy(value)] * n


def settable_keys(spec) -> set:
    flat = {d.name for d in spec.params if not d.readonly} | {
        s.name for s in spec.state
        if not s.hidden and not s.per_port and not s.readonly and s.name not in READONLY_STATE}
    groups = getattr(spec, "groups", None)
    if groups:  # sub-dictionaries replace their flat keys
        flat = (flat - {k for m in groups.values() for k in m.values()}) | set(groups)
    return flat


def group_keys(spec, keys):
    """Requested status keys -> the flat keys behind them (a sub-dictionary: all of its)."""
    groups = getattr(spec, "groups", None)
    if not groups or keys is None:
        return keys
    out = set(keys)
    for g in set(keys) & set(groups):
        out |= set(groups[g].values())
    return out


def nest_groups(spec, values: dict, per_node=True) -> dict:
    """Flat values -> NEST's form with sub-dictionaries (keys sorted, as NEST's dicts).

    ``values`` holds per-node arrays/lists (``per_node``) or one value per key
    (model defaults). Flat keys of a group are replaced by the group; a group is
    shown only when all of its keys are present.
    """
    groups = getattr(spec, "groups", None)
    if not groups:
        return values
    out = dict(values)
    for g, m in groups.items():
        if not all(flat in out for flat in m.values()):
            for flat in m.values():  # flat keys are never shown on their own
                out.pop(flat, None)
            continue
        cols = {k: out.pop(flat) for k, flat in sorted(m.items())}
        if per_node:
            n = len(next(iter(cols.values())))
            out[g] = [{k: _plain_value(v[i]) for k, v in cols.items()} for i in range(n)]
        else:
            out[g] = {k: _plain_value(v) for k, v in cols.items()}
    return out


def _plain_value(v):
    return v.item() if isinstance(v, np.generic) else v


def flatten_groups(spec, updates: dict, current=None) -> dict:
    """NEST-form updates with sub-dictionaries -> flat keys.

    A sub-dictionary must be a dict (one for all nodes) or an Each of dicts; keys
    it does not know are ignored, as NEST's Parameters_::set reads only its own.
    Where some nodes' dicts lack a key that others give, ``current(flat_key)``
    supplies those nodes' present values.
    """
    groups = getattr(spec, "groups", None)
    if not groups or not set(updates) & set(groups):
        return updates
    out = {k: v for k, v in updates.items() if k not in groups}
    for g in [k for k in updates if k in groups]:
        v, m = updates[g], groups[g]
        dicts = v.values if isinstance(v, Each) else [v]
        for d in dicts:
            if not isinstance(d, dict):
                raise NESTErrors.TypeMismatch(
                    f"Expected datatype: Failed to cast '{g}' from {nest_type(d)} to type "
                    "Dictionary")
        if not isinstance(v, Each):
            out.update({m[k]: x for k, x in v.items() if k in m})
            continue
        for k in sorted(set().union(*dicts) & set(m)):
            if all(k in d for d in dicts):
                out[m[k]] = Each([d[k] for d in dicts])
            else:
                now = current(m[k])
                out[m[k]] = Each([d[k] if k in d else now[i] for i, d in enumerate(dicts)])
    return out


def refuse_unknown(keys, ctx, where="NodeManager::set_status"):
    """Keys a model does not have: NEST's error, or with the kernel's dict_miss_is_error
    False nothing (NEST 3.10 prints nothing either, at any verbosity), the caller then
    ignoring them."""
    keys = sorted(keys)
    if ctx.dict_miss_is_error:
        raise unaccessed(keys, where)


def new_columns(spec, defaults: dict, n: int, params: dict, ctx) -> dict:
    """Internal per-node columns for n new nodes: defaults, then params (NEST form)."""
    bad = set(params) - settable_keys(spec)
    if bad:
        refuse_unknown(bad, ctx)
        params = {k: v for k, v in params.items() if k not in bad}
    params = flatten_groups(spec, params, lambda k: [defaults[k]] * n)
    nest_vals = dict(defaults)
    nest_vals.update(params)
    table = declared(spec)
    cols = {}
    for name, decl in table.items():
        if getattr(decl, "hidden", False) or _port_state(decl):
            continue
        cols[name] = _cast(decl, nest_vals[name], n)
    if spec.on_set is not None and params:
        # NEST creates from the prototype, then sets the given values on it.
        base = {k: _cast(table[k], defaults[k], n) for k in cols}
        cols.update(_on_set(spec, base, {k: cols[k] for k in params},
                            f"Creating a '{spec.name}'", ctx))
    _check(spec, cols, "Creating")
    for s in spec.state:  # hidden (and per-port) state starts at its declared value
        if (s.hidden or s.per_port) and s.name not in cols:
            init = s.initial(cols, ctx) if callable(s.initial) else s.initial
            if isinstance(init, np.ndarray) and init.shape == (n,):
                init = Each(init)  # one value per node
            cols[s.name] = _cast(s, init, n)
    for name, decl in table.items():
        if decl.offset:
            cols[name] = cols[name] - cols[decl.offset]
    return cols


def _on_set(spec, old: dict, new: dict, prefix, ctx) -> dict:
    """Model.on_set, with NEST's message prefix on BadProperty."""
    try:
        return spec.on_set(old, new, ctx)
    except NESTErrors.BadProperty as e:
        if ctx.gids is not None and len(ctx.gids):
            prefix += f" with node ID {int(ctx.gids[0])}"
        raise NESTErrors.BadProperty(f"{prefix}: {e}") from None


def _check(spec, absolute: dict, action, gid=None):
    if spec.check is None:
        return
    msg = spec.check(absolute)
    if msg:
        where = f" with node ID {gid}" if gid is not None else ""
        raise NESTErrors.BadProperty(f"{action} a '{spec.name}'{where}: {msg}")


def _port_state(decl) -> bool:
    return isinstance(decl, State) and decl.per_port


def _port_vectors(pop, name, local):
    """Per-port state as NEST shows it: each node's own ports, a vector."""
    arr = pop.arrays[name]
    c = counts(pop, local)
    if arr.ndim == 1:  # not yet prepared: the initial value on every port
        return [np.full(int(k), arr[i]) for i, k in zip(local, c)]
    return [np.pad(arr[i, :k], (0, max(0, int(k) - arr.shape[1]))) for i, k in zip(local, c)]


def get_columns(pop, local, keys=None) -> dict:
    """NEST-form values of the given nodes: {key: array or list}."""
    spec = pop.spec
    table = declared(spec)
    out = {}
    for name, decl in table.items():
        if getattr(decl, "hidden", False) or (keys is not None and name not in keys):
            continue
        if _port_state(decl):
            out[name] = _port_vectors(pop, name, local)
        elif name in pop.arrays:
            v = pop.arrays[name][local]
            if decl.offset:
                v = v + pop.arrays[decl.offset][local]
            out[name] = v
        else:
            lst = pop.host[name]
            out[name] = [copy.deepcopy(lst[i]) if isinstance(lst[i], (dict, list)) else lst[i]
                         for i in local]
    return out


def set_columns(pop, local, updates: dict, ctx):
    """Apply NEST-form updates (each a per-node array/list or a scalar) atomically;
    ctx.gids: the nodes' global ids."""
    spec = pop.spec
    n = len(local)
    gids = ctx.gids
    bad = set(updates) - settable_keys(spec) - {"frozen"}
    if bad:
        refuse_unknown(bad, ctx)
        updates = {k: v for k, v in updates.items() if k not in bad}
    updates = flatten_groups(spec, updates, lambda k: get_columns(pop, local, {k})[k])
    table = declared(spec)
    cast = {k: _cast(table[k], v, n) for k, v in updates.items() if k != "frozen"}
    if spec.on_set is not None and cast:
        cast = _on_set(spec, get_columns(pop, local), cast,
                       f"Setting status of a '{spec.name}'", ctx)
    # Absolute values after the update, for the constraint check. Offset keys
    # not given keep their absolute value when E_L changes (NEST 3.10,
    # models/iaf_psc_*.cpp Parameters_::set / State_::set: ``V_th_ -= delta_EL``).
    absolute = get_columns(pop, local, {p.name for p in spec.params})
    absolute.update(cast)  # states too: a check may read them (ArchivingNode's Ca)
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
        delta = cast[k] - pop.arrays[k][local]
        for name, decl in table.items():
            if decl.offset == k and name not in cast and name in pop.arrays:
                pop.arrays[name][local] = pop.arrays[name][local] - delta
        pop.arrays[k][local] = cast[k]


def updated_defaults(spec, current: dict, updates: dict, name: str, ctx, always=False) -> dict:
    """New NEST-form defaults after SetDefaults, validated; current is not modified.

    Defaults are kept in NEST form (absolute): setting only ``E_L`` leaves the
    keys stored relative to it where they are, as NEST's prototype node does.
    ``always``: the model's on_set runs even with no updates (CopyModel).
    """
    bad = set(updates) - settable_keys(spec)
    if bad:
        refuse_unknown(bad, ctx, "ModelManager::set_node_defaults_")
        updates = {k: v for k, v in updates.items() if k not in bad}
    updates = flatten_groups(spec, updates)
    table = declared(spec)
    new = dict(current)
    for k, v in updates.items():
        _cast(table[k], v, 1)  # type check
        new[k] = v
    if spec.on_set is not None and (updates or always):
        old = {k: _cast(table[k], current[k], 1) for k in current
               if k in table and not _port_state(table[k])}
        got = _on_set(spec, old, {k: _cast(table[k], v, 1) for k, v in updates.items()},
                      f"Setting status of model '{name}'", ctx)
        for k, v in got.items():
            if not getattr(table[k], "hidden", False):
                new[k] = v[0] if isinstance(v, list) else v[0].item()
    cols = {k: _cast(table[k], new[k], 1) for k in new if k in table and not _port_state(table[k])}
    if spec.check is not None:
        msg = spec.check(cols)
        if msg:
            raise NESTErrors.BadProperty(f"Setting status of model '{name}': {msg}")
    return new


def check_pydict(d):
    """PyNEST's conversion of a dictionary for the kernel (pydict_to_Dictionary): a value
    of a type it does not know fails there with an AttributeError."""
    for k, v in d.items():
        if v is None or isinstance(v, (set, frozenset, complex)):
            raise AttributeError(f"when converting Python Dictionary: value of key ({k}) is not "
                                 f"a known type, got {type(v)}")
    return d
