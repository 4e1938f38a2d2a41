"""The kernel graph: nodes, connections and model defaults, host side (numpy).

Nodes of one model family (a NEST model and all its ``CopyModel`` copies) live
in one ``Population``: per-node numpy arrays of parameters and state, stored in
NEST's internal form (keys with ``offset`` relative to ``E_L``). Global ids are
assigned as NEST assigns them: 1, 2, 3, ... in order of creation.
"""

from __future__ import annotations

import numpy as np

from ..errors import NESTErrors
from ..models._spec import GeneratorModel, NeuronModel, RecorderModel, Model
from ..models._lazy import LazyMapping
from ..models.ids import synapse_id
from . import values as V
from .connections import ConnectionStore

_DTYPES = {"float": np.float64, "int": np.int64, "bool": np.bool_}


class Population:
    """All nodes whose model derives from one base declaration."""

    def __init__(self, index: int, spec: Model):
        self.index = index
        self.spec = spec
        self.gids = np.zeros(0, np.int64)
        self.model_names = np.zeros(0, object)  # per node: the (copied) model name
        self.arrays: dict[str, np.ndarray] = {}  # device params and state, internal form
        self.host: dict[str, list] = {}  # host-only values: vectors, dicts, strings
        self.frozen = np.zeros(0, bool)
        for decl in spec.params + spec.state:
            if decl.dtype in _DTYPES:
                self.arrays[decl.name] = np.zeros(0, _DTYPES[decl.dtype])
            else:
                self.host[decl.name] = []

    def __len__(self):
        return len(self.gids)

    def append(self, gids, model_name, columns: dict):
        """Append nodes; ``columns`` gives every key's per-node internal values."""
        n = len(gids)
        self.gids = np.concatenate([self.gids, gids])
        self.model_names = np.concatenate([self.model_names, np.full(n, model_name, object)])
        self.frozen = np.concatenate([self.frozen, np.zeros(n, bool)])
        for k, arr in self.arrays.items():
            col = np.asarray(columns[k], dtype=arr.dtype)
            if arr.ndim > col.ndim == 1:  # per-port (per-train) state: the new nodes' value
                col = np.broadcast_to(col.reshape((n,) + (1,) * (arr.ndim - 1)),
                                      (n,) + arr.shape[1:]).copy()
            self.arrays[k] = np.concatenate([arr, col])
        for k, lst in self.host.items():
            lst.extend(columns[k])


class ModelEntry:
    """A node model name: its declaration and its current defaults (NEST values)."""

    def __init__(self, spec: Model, defaults: dict, base: str):
        self.spec = spec
        self.defaults = defaults
        self.base = base  # the built-in model it was copied from


def calibrate_defaults(entry: ModelEntry, grid):
    """NEST's calibrate_time on a model prototype after a change of resolution."""
    hook = getattr(entry.spec, "calibrate", None)
    if hook is not None:
        entry.defaults = hook(dict(entry.defaults), grid)


class Graph:
    """Everything a script has built since the last ResetKernel."""

    def __init__(self, node_specs: dict, synapse_specs: dict, ctx):
        # A model's defaults are made when the model is first named (LazyMapping), as
        # ResetKernel would have made them: from the declaration with the ResetKernel's
        # ctx, then calibrated to each resolution set since, in order (hooks.calibrate).
        self.calibrations = []

        def node_entry(name):
            spec = node_specs[name]
            entry = ModelEntry(spec, V.initial_defaults(spec, ctx), name)
            for grid in self.calibrations:
                calibrate_defaults(entry, grid)
            return entry

        def synapse_entry(name):
            spec = synapse_specs[name]
            return (spec, {"weight": spec.default_weight, "delay": 1.0, "receptor_type": 0,
                           **spec.default_params()}, name)

        self.models: LazyMapping[str, ModelEntry] = LazyMapping(node_specs, node_entry)
        self.synapses = LazyMapping(synapse_specs, synapse_entry)
        self.synapse_names = {synapse_id(name): name for name in synapse_specs}
        self.populations: dict[str, Population] = {}
        self.node_pop = np.zeros(1, np.int32)  # gid -> population index (gid 0 unused)
        self.node_local = np.zeros(1, np.int64)  # gid -> index within its population
        self.pop_list: list[Population] = []
        self.connections = ConnectionStore()
        self.structure_version = 0  # bumped whenever nodes or connections change
        # Nodes get their thread-local id (NEST: NodeManager::update_thread_local_node_data)
        # at the next Connect, Disconnect or Prepare after their creation; -1 until then.
        self.thread_local_upto = 0
        # Recorders present at a Prepare have their backend's value names set up
        # (RecordingBackendMemory): their empty events then show every recorded key.
        self.prepared_upto = 0
        # spatial layers (pynest_jax.spatial.layers.Layer), one per spatial Create, by first id
        self.layers: list = []

    def layer_of(self, gid: int):
        """The layer of a node created with positions (NEST: its creation's metadata), or None."""
        for layer in self.layers:
            if layer.first_gid <= gid < layer.first_gid + layer.n:
                return layer
        return None

    def synapse_index(self, name: str) -> int:
        """The synapse column value of a model: NEST's synapse id, which orders listings."""
        return synapse_id(name)

    def copy_synapse(self, old: str, new: str, params: dict):
        spec, defaults, base = self.synapses[old]
        self.synapses[new] = (spec, {**defaults, **params}, base)
        self.synapse_names[synapse_id(new)] = new

    # --- nodes ---------------------------------------------------------------
    @property
    def network_size(self) -> int:
        return len(self.node_pop) - 1

    def model(self, name: str) -> ModelEntry:
        try:
            return self.models[name]
        except KeyError:
            raise NESTErrors.UnknownModelName(f"{name} is not a known model name.") from None

    def population_for(self, spec: Model) -> Population:
        pop = self.populations.get(spec.name)
        if pop is None:
            pop = Population(len(self.pop_list), spec)
            self.populations[spec.name] = pop
            self.pop_list.append(pop)
        return pop

    def create(self, model_name: str, n: int, columns: dict) -> np.ndarray:
        """Add n nodes; columns are complete internal per-node values."""
        entry = self.model(model_name)
        pop = self.population_for(entry.spec)
        first = self.network_size + 1
        gids = np.arange(first, first + n, dtype=np.int64)
        local0 = len(pop)
        pop.append(gids, model_name, columns)
        self.node_pop = np.concatenate([self.node_pop, np.full(n, pop.index, np.int32)])
        self.node_local = np.concatenate([self.node_local, np.arange(local0, local0 + n)])
        self.structure_version += 1
        return gids

    def mark_thread_local(self):
        self.thread_local_upto = self.network_size

    def thread_local_id(self, gids) -> np.ndarray:
        gids = np.asarray(gids, np.int64)
        return np.where(gids <= self.thread_local_upto, gids - 1, -1)

    def truncate_nodes(self, size: int):
        """Forget every node with a global id above ``size`` (undo of a failed Create)."""
        self.layers = [layer for layer in self.layers if layer.first_gid <= size]
        for pop in self.pop_list:
            keep = pop.gids <= size
            if keep.all():
                continue
            pop.gids = pop.gids[keep]
            pop.model_names = pop.model_names[keep]
            pop.frozen = pop.frozen[keep]
            for k in pop.arrays:
                pop.arrays[k] = pop.arrays[k][keep]
            for k in pop.host:
                pop.host[k] = [v for v, kp in zip(pop.host[k], keep) if kp]
        self.node_pop = self.node_pop[:size + 1]
        self.node_local = self.node_local[:size + 1]
        self.structure_version += 1

    def check_gids(self, gids) -> np.ndarray:
        gids = np.asarray(gids, dtype=np.int64)
        if gids.size and (gids.min() < 1 or gids.max() > self.network_size):
            bad = gids[(gids < 1) | (gids > self.network_size)][0]
            raise NESTErrors.UnknownNode(f"Node with id {bad} does not exist.")
        return gids

    def group_by_population(self, gids):
        """Yield (population, positions in gids, local indices) for each population touched."""
        gids = self.check_gids(gids)
        pops = self.node_pop[gids]
        for pi in np.unique(pops):
            pos = np.nonzero(pops == pi)[0]
            yield self.pop_list[pi], pos, self.node_local[gids[pos]]

    def model_name_of(self, gids) -> np.ndarray:
        out = np.empty(len(gids), object)
        for pop, pos, loc in self.group_by_population(gids):
            out[pos] = pop.model_names[loc]
        return out

    def element_type_of(self, gids) -> np.ndarray:
        out = np.empty(len(gids), object)
        for pop, pos, _ in self.group_by_population(gids):
            out[pos] = pop.spec.element_type
        return out


def kind_of(spec: Model) -> str:
    if isinstance(spec, NeuronModel):
        return "neuron"
    if isinstance(spec, GeneratorModel):
        return "generator"
    if isinstance(spec, RecorderModel):
        return "recorder"
    raise TypeError(spec)
