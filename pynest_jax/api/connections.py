"""Connect, Disconnect, GetConnections: validate, translate, forward to the graph."""

from __future__ import annotations

import numpy as np

from ._kernel import kernel
from .errors import NESTErrors
from .nodecollection import NodeCollection
from .synapsecollection import SynapseCollection
from ..connect.parameters import Parameter
from ..connect.rules import RULES, validate_conn_spec
from ..models._spec import GeneratorModel, NeuronModel, RecorderModel

_SYN_RESERVED = ("synapse_model", "weight", "delay", "receptor_type")


def _as_nc(x, what):
    if isinstance(x, NodeCollection):
        return x
    raise TypeError(f"{what} must be a NodeCollection")


def _syn_spec(syn_spec):
    if syn_spec is None:
        return {"synapse_model": "static_synapse"}
    if isinstance(syn_spec, str):
        return {"synapse_model": syn_spec}
    if isinstance(syn_spec, dict):
        return dict(syn_spec)
    raise NESTErrors.BadProperty("syn_spec must be a string or a dictionary")


def _values(value, n, shape, rng, key):
    """A syn_spec value for n connections: scalar, array of the rule's shape, Parameter."""
    if isinstance(value, Parameter):
        return np.asarray(value.evaluate(n, rng), float)
    arr = np.asarray(value)
    if arr.ndim == 0:
        return np.full(n, arr.item(), dtype=float if arr.dtype.kind in "fiu" else object)
    if shape is None:
        raise NESTErrors.BadProperty(f"'{key}' cannot be given as an array for this rule")
    if arr.shape != shape and arr.size != n:
        raise NESTErrors.BadProperty(
            f"'{key}' array has shape {arr.shape}, but the rule needs {shape}")
    return arr.reshape(-1).astype(float)


def _array_shape(spec, n_pre, n_post, n):
    rule = spec["rule"]
    if rule == "one_to_one":
        return (n_post,)
    if rule == "all_to_all":
        return (n_post, n_pre)
    if rule == "fixed_indegree":
        return (n_post, int(spec["indegree"]))
    if rule == "fixed_outdegree":
        return (n_pre, int(spec["outdegree"]))
    if rule == "fixed_total_number":
        return (int(spec["N"]),)
    return None


def _endpoint_checks(graph, sources, targets, receptor, syn_name):
    """NEST's compatibility checks between source, target and receptor (all pairs)."""
    spops = np.unique(graph.node_pop[sources])
    tpops = np.unique(graph.node_pop[targets])
    for tp in tpops:
        tspec = graph.pop_list[tp].spec
        for sp in spops:
            sspec = graph.pop_list[sp].spec
            if isinstance(sspec, RecorderModel) and sspec.kind == "spike":
                raise NESTErrors.IllegalConnection(
                    f"Creation of connection is not possible because: {sspec.name} "
                    "cannot send events.")
            if isinstance(tspec, GeneratorModel):
                raise NESTErrors.IllegalConnection(
                    f"Creation of connection is not possible because: {tspec.name} "
                    "does not accept incoming connections.")
            if isinstance(tspec, RecorderModel):
                if tspec.kind == "sampler" or (isinstance(sspec, RecorderModel)):
                    raise NESTErrors.IllegalConnection(
                        f"Creation of connection is not possible because: {tspec.name} "
                        "cannot receive spikes.")
                if isinstance(sspec, GeneratorModel) and sspec.event != "spike":
                    raise NESTErrors.IllegalConnection(
                        "Creation of connection is not possible because: the recorder does not "
                        "handle current events.")
                continue
            if isinstance(sspec, RecorderModel):  # multimeter -> node
                if not isinstance(tspec, NeuronModel) or not tspec.recordables:
                    raise NESTErrors.IllegalConnection(
                        f"Creation of connection is not possible because: {tspec.name} "
                        "has no recordables.")
                continue
            if isinstance(sspec, NeuronModel) and not sspec.emits_spikes:
                raise NESTErrors.IllegalConnection(f"{sspec.name} does not send spikes.")
            current = isinstance(sspec, GeneratorModel) and sspec.event == "current"
            table = tspec.current_receptors if current else tspec.spike_receptors
            for r in np.unique(receptor):
                if int(r) not in table:
                    if not table:
                        raise NESTErrors.IllegalConnection(
                            f"Creation of connection is not possible because: {tspec.name} "
                            f"does not handle {'current' if current else 'spike'} events.")
                    raise NESTErrors.UnknownReceptorType(
                        f"Receptor type {int(r)} is not available in {tspec.name}.")


def Connect(pre, post, conn_spec=None, syn_spec=None, return_synapsecollection=False):
    pre, post = _as_nc(pre, "pre"), _as_nc(post, "post")
    graph = kernel.graph
    spec = validate_conn_spec(conn_spec, len(pre), len(post))
    syn = _syn_spec(syn_spec)
    model = syn.pop("synapse_model", "static_synapse")
    if model not in graph.synapses:
        raise NESTErrors.UnknownSynapseType(f"Synapse model {model} does not exist.")
    sspec, sdefaults, _ = graph.synapses[model]
    extra_keys = [k for k in syn if k not in _SYN_RESERVED]
    allowed = {p.name for p in sspec.params}
    unknown = [k for k in extra_keys if k not in allowed]
    if unknown:
        raise NESTErrors.UnaccessedDictionaryEntry(
            f"Unaccessed elements in syn_spec, in function Connect:  {' '.join(unknown)}")

    rng = kernel.host_rng()
    state = rng.bit_generator.state
    try:
        res = RULES[spec["rule"]](pre._gids, post._gids, spec, rng)
        sources, targets = res.node_ids(pre._gids, post._gids)
        n = len(sources)
        shape = _array_shape(spec, len(pre), len(post), n)
        weight = _values(syn.get("weight", sdefaults["weight"]), n, shape, rng, "weight")
        delay = _values(syn.get("delay", sdefaults["delay"]), n, shape, rng, "delay")
        receptor = _values(syn.get("receptor_type", sdefaults["receptor_type"]), n, shape, rng,
                           "receptor_type").astype(np.int64)
        extra = {k: _values(syn.get(k, sdefaults[k]), n, shape, rng, k) for k in allowed}
        delay = _check_delays(delay, graph, sources, targets)
        _endpoint_checks(graph, sources, targets, receptor, model)
    except BaseException:
        rng.bit_generator.state = state  # a failed Connect draws nothing
        raise
    first = len(graph.connections)
    graph.connections.add(sources, targets, graph.synapse_index(model), weight, delay, receptor,
                          extra)
    graph.structure_version += 1
    if return_synapsecollection:
        rows = np.arange(first, first + n)
        return SynapseCollection(graph.connections.order(rows))
    return None


def _check_delays(delay, graph, sources, targets):
    """Delays snap to the grid (Time::delay_ms_to_steps) and must be >= resolution.

    Connections of recording devices carry a delay too, and it counts towards
    min_delay/max_delay as in NEST.
    """
    grid = kernel.grid
    steps = grid.delay_to_steps(delay)
    if np.any(steps < 1):
        bad = float(np.asarray(delay)[steps < 1][0])
        raise NESTErrors.BadDelay(
            f"Delay must be greater than or equal to resolution ({grid.h} ms), got {bad} ms.")
    d = steps * grid.h
    if kernel.user_delay_extrema is not None:
        lo, hi = kernel.user_delay_extrema
        if np.any((d < lo - 1e-12) | (d > hi + 1e-12)):
            raise NESTErrors.BadDelay("Delay is outside the range [min_delay, max_delay].")
    return d


def set_synapses(rows, params):
    graph = kernel.graph
    store = graph.connections
    n = len(rows)
    rng = kernel.host_rng()
    updates = {}
    for k, v in params.items():
        if k in ("source", "target", "port", "synapse_model", "synapse_id", "sizeof",
                 "target_thread", "receptor"):
            raise NESTErrors.BadProperty(f"'{k}' cannot be changed on existing connections.")
        if k not in ("weight", "delay") and not store.has(k):
            raise NESTErrors.UnaccessedDictionaryEntry(
                f"Unaccessed elements in params, in function set_status:  {k}")
        if isinstance(v, Parameter):
            v = v.evaluate(n, rng)
        v = np.asarray(v, float)
        if v.ndim and len(v) != n:
            raise NESTErrors.BadProperty(f"'{k}' needs one value per connection ({n}).")
        updates[k] = np.broadcast_to(v, (n,))
    if "delay" in updates:
        updates["delay"] = _check_delays(updates["delay"], graph, store.col("source")[rows],
                                         store.col("target")[rows])
    for k, v in updates.items():
        store.set_values(rows, k, v)
    if "delay" in updates:
        graph.structure_version += 1


def GetConnections(source=None, target=None, synapse_model=None, synapse_label=None):
    graph = kernel.graph
    store = graph.connections
    alive = store.col("alive")
    mask = alive.copy()
    if source is not None:
        mask &= np.isin(store.col("source"), _as_nc(source, "source")._gids)
    if target is not None:
        mask &= np.isin(store.col("target"), _as_nc(target, "target")._gids)
    if synapse_model is not None:
        if synapse_model not in graph.synapses:
            raise NESTErrors.UnknownSynapseType(f"Synapse model {synapse_model} does not exist.")
        mask &= store.col("syn") == graph.synapse_index(synapse_model)
    if synapse_label is not None:
        mask &= store.col("synapse_label") == synapse_label if store.has("synapse_label") \
            else np.zeros_like(mask)
    return SynapseCollection(store.order(np.nonzero(mask)[0]))


def Disconnect(*args, conn_spec="one_to_one", syn_spec="static_synapse"):
    graph = kernel.graph
    store = graph.connections
    if len(args) == 1 and isinstance(args[0], SynapseCollection):
        rows = args[0]._rows
    else:
        pre, post = _as_nc(args[0], "pre"), _as_nc(args[1], "post")
        if len(args) > 2:
            conn_spec = args[2]
        if len(args) > 3:
            syn_spec = args[3]
        rule = conn_spec if isinstance(conn_spec, str) else conn_spec.get("rule")
        model = syn_spec if isinstance(syn_spec, str) else syn_spec.get(
            "synapse_model", "static_synapse")
        if rule == "one_to_one":
            if len(pre) != len(post):
                raise NESTErrors.DimensionMismatch(
                    "Source and target population must be of the same size.")
            pairs = set(zip(pre._gids.tolist(), post._gids.tolist()))
        elif rule == "all_to_all":
            pairs = {(s, t) for s in pre._gids.tolist() for t in post._gids.tolist()}
        else:
            raise NESTErrors.BadProperty(f"Disconnect does not support the rule '{rule}'.")
        alive = np.nonzero(store.col("alive") & (store.col("syn") == graph.synapse_index(model)))[0]
        src, tgt = store.col("source")[alive], store.col("target")[alive]
        rows = []
        for s, t in sorted(pairs):
            hit = alive[(src == s) & (tgt == t)]
            if len(hit) == 0:
                if rule == "one_to_one":
                    raise NESTErrors.InexistentConnection(
                        f"Deletion of connection is not possible because it does not exist: "
                        f"source {s}, target {t}.")
                continue
            rows.append(hit[0])
    store.remove(np.asarray(rows, np.int64))
    graph.structure_version += 1
