"""Node status: what ``get`` shows and what ``set`` changes, all-or-nothing."""

from __future__ import annotations

import contextlib
import copy

import numpy as np

from ._kernel import kernel
from .errors import NESTErrors
from ..kernel import values as V
from ..models._spec import NeuronModel, RecorderModel
from ..models.ids import model_id


def _generic(pop, gids, loc):
    spec = pop.spec
    n = len(gids)
    out = {
        "global_id": gids, "model": list(pop.model_names[loc]),
        "element_type": [spec.element_type] * n, "frozen": pop.frozen[loc],
        "local": [True] * n, "node_uses_wfr": [False] * n, "thread": [0] * n,
        "thread_local_id": gids - 1, "vp": [0] * n,
        "model_id": [model_id(m) for m in pop.model_names[loc]],
    }
    if isinstance(spec, NeuronModel) and spec.recordables:
        out["recordables"] = [list(spec.recordables) for _ in range(n)]
    for k, v in spec.extra_status.items():
        out[k] = [copy.deepcopy(v) for _ in range(n)]
    if isinstance(spec, RecorderModel):
        out["events"] = [_events(pop, int(g)) for g in gids]
    return out


def _events(pop, gid):
    keys = ("senders", "times")
    if "record_from" in pop.host:
        keys = keys + tuple(pop.host["record_from"][kernel.graph.node_local[gid]])
    ev = kernel.events.get(gid, keys)
    if len(ev.get("senders", ())) == 0:
        ev = {k: np.zeros(0, float) for k in keys}
    return ev


def node_values(gids, keys=None) -> dict:
    """{key: list of per-node values} for the given nodes (NEST form)."""
    gids = np.asarray(gids, np.int64)
    result: dict[str, list] = {}
    for pop, pos, loc in kernel.graph.group_by_population(gids):
        vals = V.get_columns(pop, loc, None if keys is None else set(keys))
        vals.update({k: v for k, v in _generic(pop, gids[pos], loc).items()
                     if keys is None or k in keys})
        for k, v in vals.items():
            col = result.setdefault(k, [None] * len(gids))
            for i, p in enumerate(pos):
                col[p] = v[i]
    if keys is not None:
        for k in keys:
            if k not in result:
                raise NESTErrors.KeyError(f"'{k}' is not a valid key for the requested nodes.")
    return result


@contextlib.contextmanager
def transaction(pops):
    """Restore the touched populations if anything inside raises."""
    saved = [(p, {k: a.copy() for k, a in p.arrays.items()},
              {k: list(h) for k, h in p.host.items()}, p.frozen.copy()) for p in pops]
    try:
        yield
    except BaseException:
        for p, arrays, host, frozen in saved:
            p.arrays, p.host, p.frozen = arrays, host, frozen
        raise


def expand(params, n):
    """PyNEST set() forms -> {key: per-node values (len n) or scalar}."""
    from ..connect.parameters import Parameter
    if isinstance(params, (list, tuple)):
        if len(params) != n:
            raise NESTErrors.BadProperty(
                "List of dictionaries must be the same size as the NodeCollection.")
        keys = set().union(*[set(d) for d in params]) if params else set()
        out = {}
        for k in keys:
            if not all(k in d for d in params):
                raise NESTErrors.BadProperty(f"All dictionaries must contain '{k}'.")
            out[k] = [d[k] for d in params]
        return out
    out = {}
    rng = kernel_rng()
    for k, v in params.items():
        if isinstance(v, Parameter):
            v = v.evaluate(n, rng)
        elif isinstance(v, (list, tuple, np.ndarray)) and not _is_vector_key(k):
            if len(v) != n:
                if n == 1 and len(v) > 0:
                    v = [v[0]] if len(v) == 1 else v
                else:
                    raise NESTErrors.BadProperty(
                        f"The length of the list of values for '{k}' must be the size of the "
                        f"NodeCollection ({n}).")
        out[k] = v
    return out


_VECTOR_KEYS = {"spike_times", "spike_weights", "spike_multiplicities", "amplitude_times",
                "amplitude_values", "record_from", "rate_times", "rate_values",
                "receptor_types", "tau_syn", "E_rev", "tau_rise", "tau_decay"}


def _is_vector_key(k):
    return k in _VECTOR_KEYS


def kernel_rng():
    return kernel.host_rng()


def set_nodes(gids, params):
    gids = np.asarray(gids, np.int64)
    if isinstance(params, dict) and not params:
        return
    groups = list(kernel.graph.group_by_population(gids))
    values = expand(params, len(gids))
    structure_keys = {"record_from"}
    with transaction([g[0] for g in groups]):
        for pop, pos, loc in groups:
            sub = {}
            for k, v in values.items():
                if isinstance(v, (list, tuple, np.ndarray)) and not _is_vector_key(k) \
                        and len(v) == len(gids):
                    sub[k] = np.asarray(v)[pos] if not isinstance(v, list) else [v[i] for i in pos]
                else:
                    sub[k] = v
            if "n_events" in sub:
                for g in gids[pos]:
                    if np.any(np.asarray(sub["n_events"]) != 0):
                        raise NESTErrors.BadProperty("n_events can only be set to 0.")
                    kernel.events.clear(int(g))
            V.set_columns(pop, loc, sub, gids=gids[pos])
    if structure_keys & set(values) or _changes_host_values(groups, values):
        kernel.graph.structure_version += 1
    kernel.state_dirty = True


def _changes_host_values(groups, values):
    """Host-only values (vectors) of updated nodes feed the program's layout."""
    return any(k in pop.host for pop, _, _ in groups for k in values)
