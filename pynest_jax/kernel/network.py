"""Changes to nodes and models, each one operation that keeps its own bookkeeping.

Every edit of the graph goes through here, connection_manager.py (connections
made, set and removed) or the Graph's own methods: nodes made and set, model
defaults set and copied. Each operation checks everything before it writes anything, so that a
refused call leaves the kernel as it was (NEST may leave part of a change
behind; we do not), and then marks what the next run must rebuild: the
structure version (a new program), the dirty state (new values in the old
program), the delay extrema.
"""

from __future__ import annotations

import contextlib
import copy

import numpy as np

from ..connect.parameters import Parameter
from ..errors import NESTErrors
from ..models._spec import RecorderModel
from ..models.ids import model_id, synapse_id
from ..spatial import layers as spatial_layers
from ..spatial.parameters import DimensionParameter, NodeContext
from . import connection_manager, hooks, values as V
from .graph import ModelEntry

MAX_NUM_SYN_MODELS = 511  # NEST's synindex limit (kernel status max_num_syn_models)


# --- nodes -----------------------------------------------------------------------------

def create(kernel, model, n) -> np.ndarray:
    """NodeManager::add_node: n nodes of a model with its current defaults; their ids."""
    if n == 0:
        raise NESTErrors.BadParameterValue("n_nodes > 0 expected")
    entry = kernel.graph.model(model)
    columns = V.new_columns(entry.spec, entry.defaults, n, {}, kernel.host_ctx())
    return kernel.graph.create(model, n, columns)


def create_layer(kernel, model, kind, spec, n=None):
    """AbstractLayer::create_layer: nodes with positions. ``kind`` "grid" (``spec``: shape,
    center, extent, edge_wrap) or "free" (``spec``: positions, an array or a
    DimensionParameter drawn for ``n`` nodes, extent, edge_wrap). The layer is checked
    before any node exists."""
    kernel.graph.model(model)
    if kind == "grid":
        layer = spatial_layers.grid_layer(spec["shape"], spec.get("center"), spec.get("extent"),
                                          spec.get("edge_wrap", False))
    else:
        pos = spec["positions"]
        rng = kernel.host_rng()
        state = rng.bit_generator.state
        try:
            if isinstance(pos, DimensionParameter):
                if n is None or n <= 0:
                    raise NESTErrors.BadProperty("Empty positions array.")
                pos = pos.draw(n, rng)
            elif len(pos) == 0:
                raise NESTErrors.BadProperty("Empty positions array.")
            layer = spatial_layers.free_layer(pos, spec.get("extent"), spec.get("edge_wrap", False))
        except BaseException:
            rng.bit_generator.state = state  # a refused Create draws nothing
            raise
    gids = create(kernel, model, layer.n)
    layer.first_gid = int(gids[0])
    kernel.graph.layers.append(layer)
    return gids, layer


def _node_context(graph, gids):
    """Positions of nodes for spatial Parameters of node values (NodePosParameter)."""
    gids = np.asarray(gids, np.int64)
    pos = None
    for layer in graph.layers:
        inside = layer.contains(gids)
        if inside.any():
            if pos is None:
                pos = np.full((len(gids), layer.dim), np.nan)
            if pos.shape[1] != layer.dim:
                raise NESTErrors.KernelException("NodePosParameter: nodes of layers of different dimensions")
            pos[inside] = layer.positions_of(gids[inside])
    if pos is None or np.isnan(pos).any():
        raise NESTErrors.KernelException("NodePosParameter: not meta")
    return NodeContext(pos)


@contextlib.contextmanager
def _transaction(pops):
    """Restore the touched populations if anything inside raises."""
    saved = [(p, {k: a.copy() for k, a in p.arrays.items()},
              {k: list(h) for k, h in p.host.items()}, p.frozen.copy()) for p in pops]
    try:
        yield
    except BaseException:
        for p, arrays, host, frozen in saved:
            p.arrays, p.host, p.frozen = arrays, host, frozen
        raise


def set_nodes(kernel, gids, groups):
    """set_nc_status: groups [(positions in gids, {key: value}, keys given per position)];
    nothing changes if any value is refused."""
    gids = np.asarray(gids, np.int64)
    graph = kernel.graph
    pops = {}
    cleared = []
    touched_keys = set()
    rng = kernel.host_rng()
    rng_state = rng.bit_generator.state
    backend_opts = copy.deepcopy(kernel.backend_opts)
    try:
        plan = []
        for positions, values, per_node in groups:
            if not values:
                continue
            sub_gids = gids[positions]
            for k, v in list(values.items()):
                if isinstance(v, Parameter):  # one draw per node, in node order
                    ctx = _node_context(graph, sub_gids) if v.is_spatial() else None
                    values[k] = v.evaluate(len(sub_gids), rng, ctx)
                    per_node.add(k)
            for pop, pos, loc in graph.group_by_population(sub_gids):
                sub = {k: (_take(v, pos) if k in per_node else v) for k, v in values.items()}
                plan.append((pop, loc, sub, sub_gids[pos]))
                pops[id(pop)] = pop
                touched_keys |= set(values)
        with _transaction(list(pops.values())):
            for pop, loc, sub, sub_gids in plan:
                _backend_options(kernel, pop, sub, sub_gids)
                if "frozen" in sub and isinstance(pop.spec, RecorderModel) \
                        and pop.spec.kind == "sampler" and np.any(_values_of(sub["frozen"])):
                    raise NESTErrors.BadProperty(  # models/multimeter.h
                        f"Setting status of a '{pop.model_names[loc[0]]}' with node ID "
                        f"{int(sub_gids[0])}: multimeter cannot be frozen.")
                if "n_events" in sub and "n_events" in pop.arrays \
                        and isinstance(pop.spec, RecorderModel):  # a recording device's
                    if np.any(_values_of(sub["n_events"]) != 0):
                        raise NESTErrors.BadProperty(
                            f"Setting status of a '{pop.model_names[loc[0]]}' with node ID "
                            f"{int(sub_gids[0])}: Property n_events can only be set to 0 (which "
                            "clears all stored events).")
                    cleared.extend(int(g) for g in sub_gids)
                V.set_columns(pop, loc, sub, kernel.host_ctx(sub_gids))
    except BaseException:
        rng.bit_generator.state = rng_state
        kernel.backend_opts = backend_opts
        raise
    for g in cleared:
        kernel.events.clear(g)
    if touched_keys & {"record_from"} or any(
            k in pop.host and hooks.feeds_structure(pop.spec, k)
            for pop in pops.values() for k in touched_keys):
        graph.structure_version += 1
    kernel.state_dirty = True


def _backend_options(kernel, pop, sub, gids):
    """precision/file_extension belong to the recorder's backend, not its model table."""
    for k in ("precision", "file_extension"):
        if k in sub and isinstance(pop.spec, RecorderModel):
            v = sub.pop(k)
            vals = v.values if isinstance(v, V.Each) else [v] * len(gids)
            for g, x in zip(gids, vals):
                kernel.backend_opts.setdefault(int(g), {})[k] = x


def _values_of(v):
    return np.asarray(v.values if isinstance(v, V.Each) else v)


def _take(v, pos):
    if isinstance(v, np.ndarray):
        return V.Each(v[pos])
    return V.Each([v[i] for i in pos])


# --- model defaults --------------------------------------------------------------------

def set_defaults(kernel, model, params):
    """ModelManager::set_model_defaults; a refused value changes no default."""
    graph = kernel.graph
    if model in graph.synapses:
        spec, defaults, base = graph.synapses[model]
        allowed = {"weight", "delay", "receptor_type", "weight_recorder"} | set(spec.default_params())
        if spec.on_trigger is not None:  # a neuromodulated model names its volume transmitter
            allowed.add("volume_transmitter")
        bad = [k for k in params if k not in allowed]
        if bad:
            raise NESTErrors.UnaccessedDictionaryEntry(
                "Unaccessed elements in params, in function ModelManager::set_synapse_defaults_:  "
                + " ".join(bad))
        new = dict(defaults)
        decl = {p.name: p for p in spec.params + spec.common}
        for k, v in params.items():
            if k == "weight_recorder":
                new[k] = _recorder_id(graph, v)
                continue
            if k == "volume_transmitter":
                new[k] = _transmitter_id(graph, v)
                continue
            new[k] = _synapse_value(k, v, defaults[k], decl.get(k))
        if spec.set_common is not None:
            new = spec.set_common(new, {k: new[k] for k in params})
        if "delay" in params and spec.continuous_delay:
            connection_manager.continuous_steps(kernel, np.atleast_1d(float(new["delay"])),
                                                np.ones(1, bool), freeze=True)
        elif "delay" in params:
            # ConnectorModel::set_status checks the delay but freezes the extrema.
            steps = int(kernel.grid.delay_to_steps(new["delay"]))
            kernel.check_delays(steps, steps, freeze=True)
        if spec.check is not None:
            msg = spec.check({k: np.asarray(v, float) for k, v in new.items()
                              if k in spec.default_params() or k == "weight"})
            if msg:
                raise NESTErrors.BadProperty(msg)
        graph.synapses[model] = (spec, new, base)
        if any(new.get(k) != defaults.get(k) for k in ("weight_recorder", "volume_transmitter")):
            graph.structure_version += 1  # its connections' events are now recorded one by one
        if spec.weight_common and "weight" in params:
            # one weight for all of the model's connections: their column follows it
            store = graph.connections
            rows = np.nonzero(store.col("syn") == graph.synapse_index(model))[0]
            if len(rows):
                store.set_values(rows, "weight", np.full(len(rows), new["weight"]))
    elif model in graph.models:
        entry = graph.models[model]
        entry.defaults = V.updated_defaults(entry.spec, entry.defaults, params, model,
                                            kernel.host_ctx())
    else:
        raise NESTErrors.UnknownComponent(f"{model} is not a known component.")
    kernel.model_defaults_modified = True


def _recorder_id(graph, v):
    """A synapse model's weight_recorder: one weight_recorder node (its id), or none (0)."""
    ids = list(v) if isinstance(v, (list, tuple, np.ndarray)) else [v]
    if not ids:
        return 0
    if len(ids) != 1:
        raise NESTErrors.BadProperty("weight_recorder must be a single weight recorder.")
    gid = int(ids[0])
    if gid <= 0 or gid > graph.network_size:
        raise NESTErrors.UnknownNode(f"Node with id {gid} does not exist.")
    if graph.pop_list[graph.node_pop[gid]].spec.name != "weight_recorder":
        raise NESTErrors.BadProperty("weight_recorder must be a weight recorder.")
    return gid


def _transmitter_id(graph, v):
    """STDPDopaCommonProperties::set_status: one volume_transmitter node (its id)."""
    ids = list(v) if isinstance(v, (list, tuple, np.ndarray)) else [v]
    if len(ids) != 1:
        raise NESTErrors.BadProperty(
            "Property volume_transmitter must be a single element NodeCollection")
    gid = int(ids[0])
    if gid <= 0 or gid > graph.network_size:
        raise NESTErrors.UnknownNode(f"Node with id {gid} does not exist.")
    if not getattr(graph.pop_list[graph.node_pop[gid]].spec, "neuromodulatory", False):
        raise NESTErrors.BadProperty(
            "Property volume_transmitter must be set to a node of type volume_transmitter")
    return gid


def _synapse_value(key, v, current, decl=None):
    if decl is not None and decl.dtype in ("bool", "ints"):
        return _typed_value(key, v, decl.dtype)
    kind = "long" if isinstance(current, (int, np.integer)) and not isinstance(current, bool) \
        else "double"
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast '{key}' from {type(v).__name__} to type "
            f"{'long' if kind == 'long' else 'double.'}")
    if kind == "long":
        if not isinstance(v, (int, np.integer)):
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{key}' from double to type long")
        return int(v)
    return float(v)


def copy_model(kernel, existing, new, params):
    """ModelManager::copy_model; refused parameters leave no new model behind."""
    graph = kernel.graph
    if new in graph.models or new in graph.synapses:
        raise NESTErrors.NewModelNameExists(
            f"Model {new} is the name of an existing model and cannot be re-used.")
    if existing in graph.models:
        entry = graph.models[existing]
        # NEST sets the copy's prototype's status with params, even none: a model's
        # State_::set may change what it shows (gif_cond_exp_multisynapse's g)
        defaults = V.updated_defaults(entry.spec, copy.deepcopy(entry.defaults), params or {},
                                      new, kernel.host_ctx(), always=True)
        graph.models[new] = ModelEntry(entry.spec, defaults, entry.base)
        model_id(new)
    elif existing in graph.synapses:
        if len(graph.synapses) >= MAX_NUM_SYN_MODELS:
            raise NESTErrors.KernelException("Synapse model count exceeded")
        graph.copy_synapse(existing, new, {})
        if params:
            try:
                set_defaults(kernel, new, params)
            except BaseException:
                del graph.synapses[new]
                graph.synapse_names.pop(synapse_id(new), None)
                raise
    else:
        raise NESTErrors.UnknownModelName(f"{existing} is not a known model name.")
    kernel.model_defaults_modified = True  # ModelManager sets the new model's defaults


def print_nodes(kernel) -> str:
    """NodeManager::print: one line per run of consecutive ids of one model, ids
    right-aligned to the width of the largest."""
    graph = kernel.graph
    size = graph.network_size
    if size == 0:
        return ""
    names = graph.model_name_of(np.arange(1, size + 1))
    starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])
    ends = np.r_[starts[1:], size] - 1
    w = len(str(size))
    lines = []
    for a, b in zip(starts.tolist(), ends.tolist()):
        ids = f"{a + 1:>{w}} .. {b + 1:>{w}}" if b > a else f"{a + 1:>{w}}{' ' * (w + 4)}"
        lines.append(f"{ids} {names[a]}")
    return "\n".join(lines)


_LONGS = "std::vector<long, std::allocator<long> >"


def _typed_value(key, v, dtype):
    """A bool, or a vector of longs (bools count as 0 and 1 there), else NEST's
    TypeMismatch naming what was given."""
    if dtype == "bool":
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        given = "long" if isinstance(v, (int, np.integer)) else \
            "double" if isinstance(v, (float, np.floating)) else type(v).__name__
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast '{key}' from {given} to type bool")
    if isinstance(v, (list, tuple, np.ndarray)):
        arr = np.asarray(v)
        if arr.ndim == 1 and (arr.dtype.kind in "biu" or arr.size == 0):
            return arr.astype(np.int64)
        given = "std::vector<double, std::allocator<double> >" if arr.dtype.kind == "f" \
            else type(v).__name__
    else:
        given = "long" if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else \
            "double" if isinstance(v, (float, np.floating)) else type(v).__name__
    raise NESTErrors.TypeMismatch(
        f"Expected datatype: Failed to cast '{key}' from {given} to type {_LONGS}")
