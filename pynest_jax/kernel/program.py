"""Graph -> Program: grouped device arrays and one jitted step.

Built at Prepare/Simulate only when the graph's structure changed. Values
(parameters, weights, delays of existing connections, state) are arguments of
the compiled function, so SetStatus between runs compiles nothing.

The step is a named list of phases, ``chunk.Core.PHASES``, run in NEST's update order
within one step of ``resolution``:
  update   every neuron population reads its input for this step (its ring-buffer
           slot) and advances with its declared integrator (``NeuronModel.update``),
           giving spike counts; every generator computes what it sends
           (``GeneratorModel.emit``);
  emit     the step's events; ArchivingNode bookkeeping at the spikes of neurons
           that declare it (kernel/archiving.py);
  deliver  spikes and currents are added into the targets' ring buffers at slot
           ``(n + delay) mod L`` — a spike emitted in step ``n`` carries NEST's
           stamp ``n + 1`` and acts in the target's update of step ``n + delay``
           (nestkernel/event.h: get_rel_delivery_steps). Generators deliver every
           step; neurons' spikes are queued and delivered at the end of each slice
           of D steps (``_deliver_slice``; D: the least neuron -> neuron delay), as
           NEST delivers once per min_delay slice — they land after the slice, so
           nothing is read early;
  record   spikes of recorded nodes and sampled recordables leave the step as
           outputs (kernel/recording.py).
The kernel dispatches on model declarations (integrator, archiving), never on the
names of state keys.
"""

from __future__ import annotations

import dataclasses
import operator

import jax
import jax.numpy as jnp
import numpy as np

from ..errors import NESTErrors
from ..models._spec import NeuronModel, RecorderModel
from .. import units as U
from . import (archives, common_state, cores, dopamine, packed, plasticity, ports, precise,
               plastic_table, projections, recording, sharding, uploads)
from .chunk import Core


@dataclasses.dataclass
class PopPlan:
    name: str
    spec: object
    n: int
    kind: str  # neuron | generator
    units: dict
    device_keys: tuple
    n_channels: int = 0
    channels: tuple = ()  # ring-buffer rows (neurons): the model's, then its port channels
    n_ports: int = 0  # port channels (multisynapse models: the largest count of ports)
    integrator: object = None  # the neuron model's declaration (models/integrators.py)
    archiving: object = None  # its ArchivingNode needs (neurons/_common.Archiving), or None
    packed: tuple = ()  # the state kept stacked in the carry (kernel/packed.py)


class Program:
    def __init__(self, graph, grid, chunk_steps: int = 1000, precision: str = "float64",
                 min_delay: int = 1):
        self.grid = grid
        # float64 by default (exact integration equals NEST's); "float32" (the kernel's
        # `precision`) stores float state, parameters, ring buffers and weights in single
        # precision: compiled code computes in the type of its inputs.
        self.precision = precision
        self.fdtype = jnp.float32 if precision == "float32" else jnp.float64
        self.version = graph.structure_version
        self.uploads = uploads.Uploads(self.device)  # parameters kept on device between runs
        self._pkeys = {}  # population -> the device keys that are parameters, not state
        self._derived = None  # (the parameters' device arrays, the derived arrays of them)
        self.plans: list[PopPlan] = []
        for pop in graph.pop_list:
            spec = pop.spec
            if isinstance(spec, RecorderModel) or len(pop) == 0:
                continue
            kind = "neuron" if isinstance(spec, NeuronModel) else "generator"
            keys = tuple(k for k in pop.arrays)
            units = U.unit_table(spec.params + spec.state)
            n_ports = ports.width(pop)
            channels = spec.channels_for(n_ports) if kind == "neuron" else ()
            plan = PopPlan(spec.name, spec, len(pop), kind, units, keys, len(channels),
                           channels, n_ports)
            if kind == "neuron":
                plan.integrator, plan.archiving = spec.integrator, spec.archiving
            plan.packed = packed.layout(spec, len(pop), pop.arrays)
            self.plans.append(plan)
        self.plan_by_name = {p.name: p for p in self.plans}
        self.layout = projections.ProjectionLayout(graph, grid, self.plan_by_name)
        self.max_delay_steps = self.layout.max_delay_steps
        self.L = self.layout.ring_length  # max_delay_steps + 1, or a size class above
        self.D = projections.slice_steps(self.layout.projections)
        self.recording = recording.RecordingPlan(graph, self.plan_by_name)
        self.precise, self.precise_capacity = precise.channels(self.plans), precise.CAPACITY
        self.plastic = [p for p in self.layout.projections if p.kind == "plastic"]
        self.dopamine = dopamine.Plan(graph, self.plastic, min_delay)  # volume transmitters
        self.D = self.dopamine.slice_steps(self.D)
        # the targets of STDP-reading projections keep an archive; which of their
        # neurons have such an input (NEST's n_incoming_ > 0)
        self.archives = {}
        for proj in self.plastic:
            if proj.spec.post == "stdp":
                flags = self.archives.setdefault(proj.tgt, np.zeros(proj.n_tgt, bool))
                tgt = self.layout.host_arrays[proj.key]["tgt"]
                flags[tgt[tgt < proj.n_tgt]] = True
        self.history = plasticity.HISTORY
        # the Clopath/Urbanczik archives (kernel/archives.py): {population: (kind, flags)}
        self.histories = archives.populations(self)
        self.D = archives.slice_steps(self, min_delay)
        # the slice's static length in the compiled chunk: D itself is an argument
        self.D_shape = projections.slice_shape(self.D, self.layout.projections)
        self.hist_capacity = dict(archives.CAPACITY)
        self.record_capacity = plasticity.RECORD  # weight recorder events per chunk
        self.syn_version = None  # the connection table's version the carry's rows came from
        self._out = None  # the last call's output buffers, which the next call writes into
        self._placer = None  # kernel/sharding.py's, made at the first run (False: none)
        self._keep_out = None  # whether they are small enough to be kept (known at the first)
        self.chunk = int(max(1, min(chunk_steps, 2 ** 24 // max(1, self.recording.width))))
        self.core = cores.core_for(self, Core)
        # the event lists start as long as a program of this shape grew them before
        # (kernel/precise.py: a growth re-runs its chunk; the compiled chunk of that
        # length is the core's already)
        self.precise_capacity = max(self.precise_capacity, self.core.precise_capacity)

    @property
    def compiles(self):
        return self.core.compiles

    # --- device values ---------------------------------------------------------
    def initial_carry(self, graph):
        carry = {"pop": {}, "buf": {}, "inp": {}}
        for plan in self.plans:
            pop = graph.populations[plan.name]
            carry["pop"][plan.name] = self._state_arrays(plan, pop)
            if plan.kind == "neuron":
                # The ring buffer, flat (L * channels * n,), and the input of the step
                # about to be computed (channels, n), taken out of the buffer at the end
                # of the step before. Neurons never read the buffer itself: with readers
                # and in-place delivery on one array, XLA copied the whole buffer (two or
                # three times per step).
                carry["buf"][plan.name] = _zeros((self.L * plan.n_channels * plan.n,), self.fdtype)
                carry["inp"][plan.name] = _zeros((plan.n_channels, plan.n), self.fdtype)
        sources = sorted({p.src for p in self.layout.projections if p.kind in ("event", "plastic")})
        off_grid = [n for n in sources if getattr(self.plan_by_name[n].spec, "off_grid", False)]
        if sources:  # a slice's spikes, delivered at the start of the next slice
            carry["pending"] = {
                "spk": {n: _zeros((self.D_shape, self.plan_by_name[n].n), np.int32) for n in sources},
                "off": {n: _zeros((self.D_shape, self.plan_by_name[n].n), np.float64)
                        for n in off_grid},
                "s": _zeros((), np.int64), "r": _zeros((), np.int64)}
        carry["syn"] = self.plastic_rows(graph)
        carry["wrec"] = {proj.key: plasticity.empty_record(self.record_capacity)
                         for proj in self.plastic if proj.recorder is not None}
        # per-connection values and archives in double whatever the precision: they hold times
        carry["arch"] = {name: plasticity.empty_archive(self.plan_by_name[name].n, self.history,
                                                        flags, jnp.float64)
                         for name, flags in self.archives.items()}
        carry["dopa"] = self.dopamine.empty_carry(self.plan_by_name)
        carry["hist"] = archives.initial(self, graph)
        if self.precise:  # the precise models' event lists (kernel/precise.py)
            carry["pev"] = precise.initial(self)
        return self.common_state(graph, carry)

    def plastic_rows(self, graph):
        """Plastic projections' per-connection values from the graph (the carry's "syn")."""
        self.syn_version = graph.connections.version
        return {proj.key: plastic_table.plastic_rows(graph, proj, self.layout.host_arrays[proj.key],
                                                   np.float64) for proj in self.plastic}

    def carry_archives(self, old_prog, old_carry, carry):
        """Archives of populations kept by a rebuilt program (new neurons, new inputs),
        and the spikes of the last slice not yet delivered (through the new connections,
        as NEST delivers them after a Connect between runs)."""
        if "pending" in old_carry and "pending" in carry:
            old, new = old_carry["pending"], carry["pending"]
            pend = {"s": old["s"], "r": old["r"], "spk": dict(new["spk"]), "off": dict(new["off"])}
            for part in ("spk", "off"):
                for name, a in old[part].items():
                    if name in new[part]:
                        b = np.array(new[part][name])
                        a = np.asarray(a)
                        d, n = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
                        b[:d, :n] = a[:d, :n]
                        pend[part][name] = jnp.asarray(b)
            carry = dict(carry, pending=pend)
        arch = dict(carry["arch"])
        for name, a in old_carry.get("arch", {}).items():
            if name in arch:
                self.history = max(self.history, old_prog.history)
                arch[name] = plasticity.resize_archive(a, self.plan_by_name[name].n, self.history,
                                                       self.archives[name])
        return archives.carry_over(self, old_prog, old_carry,
                                   self.dopamine.carry_over(old_carry, dict(carry, arch=arch)))

    def overflowed(self, carry):
        """Whether a plastic connection needed an archive entry the ring had dropped,
        or a weight recorder's events did not fit its buffer."""
        return (any(bool(a["overflow"]) for a in carry["arch"].values()) or archives.overflowed(carry)
                or any(int(r["n"]) > self.record_capacity for r in carry["wrec"].values())
                or self.dopamine.overflowed(carry) or precise.overflowed(carry))

    def grow(self, saved, after):
        """The carry to run an overflowed chunk again from: larger archives or weight
        recorder buffers, whichever ``after`` (the carry the chunk left) outgrew."""
        if any(bool(a["overflow"]) for a in after["arch"].values()):
            saved = self.grow_history(saved)
        saved = precise.grow(self, archives.grow(self, saved, after), after)
        if any(int(r["n"]) > self.record_capacity for r in after["wrec"].values()):
            need = max(int(r["n"]) for r in after["wrec"].values())
            while self.record_capacity < need:
                self.record_capacity *= 2
            saved = dict(saved, wrec={k: plasticity.empty_record(self.record_capacity)
                                      for k in saved["wrec"]})
        return self.dopamine.grow(saved, after)

    def take_weight_events(self, carry):
        """The weight recorder events of the chunk, per projection, and the carry with
        empty buffers: {projection key: (stamps, places, weights)}."""
        out = {}
        for k, r in carry["wrec"].items():
            n = int(r["n"])
            if n:
                out[k] = tuple(np.asarray(r[f])[:n] for f in ("stamp", "place", "w"))
        if carry["wrec"]:
            carry = dict(carry, wrec={k: dict(r, n=jnp.zeros((), jnp.int64))
                                      for k, r in carry["wrec"].items()})
        return out, carry

    def grow_history(self, carry):
        """Double the archives' ring (the next trace compiles for the new shape)."""
        if self.history >= 1 << 16:
            raise NESTErrors.KernelException(
                "The post-synaptic spike history of plastic synapses exceeds 65,536 spikes "
                "per neuron.")
        self.history *= 2
        arch = {name: plasticity.resize_archive(a, self.plan_by_name[name].n, self.history,
                                                self.archives[name])
                for name, a in carry["arch"].items()}
        return dict(carry, arch=arch)

    def common_values(self, graph):
        """Each plastic projection's common properties (SetDefaults changes them between
        runs without a rebuild)."""
        out = {}
        for proj in self.plastic:
            defaults = graph.synapses[proj.model][1]
            out["syn:" + proj.key] = {c.name: self.uploads.get(
                (proj.key, c.name), np.asarray(defaults[c.name], float)) for c in proj.spec.common}
        return out

    def common_state(self, graph, carry):
        return common_state.initial(self, graph, carry)

    def _state_keys(self, plan):
        return tuple(s.name for s in plan.spec.state if s.dtype in ("float", "int", "bool"))

    def _param_keys(self, plan):
        keys = self._pkeys.get(plan.name)
        if keys is None:
            skeys = set(self._state_keys(plan))
            keys = self._pkeys[plan.name] = tuple(k for k in plan.device_keys if k not in skeys)
        return keys

    def params(self, graph):
        """The parameters' device arrays by population (and plastic projections' common
        values); a population's dict is the same object while its values are the same
        (callers make new dicts rather than change these)."""
        out = {}
        up = self.uploads.get
        for plan in self.plans:
            pop = graph.populations[plan.name]
            keys = self._param_keys(plan)
            arrays = pop.arrays
            out[plan.name] = self.uploads.get_all(("all", plan.name), keys,
                                                  [arrays[k] for k in keys])
            if ports.has_ports(plan.spec):
                out[plan.name] = {**out[plan.name], **{
                    k: up((plan.name, k), v)
                    for k, v in ports.device_params(pop, plan.n_ports).items()}}
        if self.plastic:
            out.update(self.common_values(graph))
        return out

    def read_plastic(self, graph, carry):
        for proj in self.plastic:
            plastic_table.read_plastic_rows(graph, proj, self.layout.host_arrays[proj.key],
                                          carry["syn"][proj.key])

    def defer_plastic(self, graph, carry_of):
        """The plastic values live on the device: fetched when a column is read
        (ConnectionStore.defer), from the rows of the carry the kernel holds then (which
        a later run replaces); the host's copies of the columns the device holds in
        full are dropped meanwhile."""
        if self.plastic:
            graph.connections.defer(
                {k for proj in self.plastic for k in proj.keys if k != "delay"},
                lambda: self.read_plastic(graph, carry_of()), self.layout.plastic_rows_of)

    def read_state(self, graph, carry, carry_of):
        """Copy device state back into the graph's arrays (after a run); plastic rows
        when first read, from ``carry_of()`` (the carry the kernel holds then)."""
        common_state.read_back(graph, carry)
        self.defer_plastic(graph, carry_of)
        for plan in self.plans:
            pop = graph.populations[plan.name]
            # one copy per array the device holds (the graph keeps float64 whatever the
            # precision); a stacked one's rows are views of its copy, which nothing else holds
            # (recording.host_view: the next call then updates these buffers in place
            # rather than copying them)
            host = {k: v.astype(np.float64) if v.dtype == np.float32 else v.copy()
                    for k, v in ((k, recording.host_view(v))
                                 for k, v in carry["pop"][plan.name].items())}
            pop.arrays.update(packed.unpack(host, plan.packed))

    def write_state(self, graph, carry):
        for plan in self.plans:
            carry["pop"][plan.name] = self._state_arrays(plan, graph.populations[plan.name])
        return carry

    def _state_arrays(self, plan, pop):
        """A population's state on the device, as the carry holds it (kernel/packed.py)."""
        state = packed.pack({k: pop.arrays[k] for k in self._state_keys(plan)}, plan.packed,
                            np.stack)
        return {k: self.device(v) for k, v in state.items()}

    def device(self, x):
        """A host array on the device, floats in the program's precision."""
        x = np.asarray(x)
        if x.dtype.kind == "f" and x.dtype != self.fdtype:
            with np.errstate(over="ignore"):  # beyond float32's range (NEST's -DBL_MAX): inf
                return jax.device_put(x.astype(self.fdtype))
        return jax.device_put(x)

    # --- host driver ---------------------------------------------------------------
    def run(self, carry, params, conns, n0: int, nsteps: int, base_key, last=True):
        """`nsteps` steps from step n0; `last`: the run ends with this chunk."""
        out = self._out
        if out is None:
            out = self.recording.empty(self.chunk, self.plans, params, _zeros)
        self._out = None  # donated: the call's own outputs come back in their place
        if self._placer is not False:  # large populations split over devices (opt-in)
            carry, params, conns, out = self._place(carry, params, conns, out)
        # the step counts as device scalars, kept by value: a numpy scalar argument is
        # copied to the device at every call (~2 us each). The first step, new at every
        # call, stays a numpy scalar (the same abstract value, nothing to keep)
        carry, out = self.core.run(carry, params, conns, np.int64(n0), _scalar(nsteps),
                                   base_key, _scalar(bool(last)), self.derived(params),
                                   _scalar(self.D), out)
        # kept for the next call to write into (no zeroing of a (chunk, ...) array per call)
        # while they are small; large ones are made anew, not held between runs
        if self._keep_out is None:
            self._keep_out = sum(x.nbytes for x in jax.tree_util.tree_leaves(out)) <= _KEEP_OUTPUTS
        if self._keep_out:
            self._out = out
        return carry, out

    def _place(self, carry, params, conns, out):
        """The arguments on the host's devices (kernel/sharding.py), where asked for."""
        if self._placer is None:
            self._placer = sharding.placer(self.plans) or False
            if self._placer is False:
                return carry, params, conns, out
        pl = self._placer
        return pl.carry(carry), pl.params(params), pl.conns(conns), pl.tree(out)

    def derived(self, params):
        """The populations' derived arrays (Core.derive), kept while ``params`` holds the
        same device arrays (kernel/uploads.py keeps them while the values are the same)."""
        params = {name: params[name] for name in self.core.derive_once}
        held = self._derived
        dicts = list(params.values())
        if held is not None and all(map(operator.is_, held[2], dicts)):
            return held[1]  # the same dicts (Uploads.get_all): the same arrays
        leaves = jax.tree_util.tree_leaves(params)
        if held is not None and len(held[0]) == len(leaves) and all(
                map(operator.is_, held[0], leaves)):
            self._derived = (held[0], held[1], dicts)
            return held[1]
        values = self.core.derive(params) if params else {}  # (nothing to compile for none)
        derived, self.core.derived_tree = jax.tree_util.tree_flatten(values)
        self._derived = (leaves, derived, dicts)
        return derived


_KEEP_OUTPUTS = 16 << 20  # bytes: output buffers kept between calls up to this size


_SCALARS: dict = {}  # (type, value) -> a device scalar (int64 or bool)


def _scalar(v):
    """A step count or flag as a device scalar, made once per value (int64 for an int,
    bool for a bool: the abstract values np.int64 and np.bool_ give)."""
    key = (type(v), v)
    x = _SCALARS.get(key)
    if x is None:
        if len(_SCALARS) > 4096:  # (step counts of many different lengths)
            _SCALARS.clear()
        x = _SCALARS[key] = jax.device_put(np.bool_(v) if type(v) is bool else np.int64(v))
    return x


def _zeros(shape, dtype):
    """Zeros on the device. jnp.zeros (and jnp.asarray) compile a small program for each
    new shape and dtype, 10-30 ms of CPU each: most of a small network's Prepare."""
    return jax.device_put(np.zeros(shape, dtype))


# The compiled core of a program: kernel/cores.py keeps one per structure.
_CORES = cores.CORES  # (tests clear it)
