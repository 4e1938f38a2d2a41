"""The declaration of a model: tables of parameters and state, plus pure functions.

A model is data. From its tables come ``GetDefaults``, validation with NEST's
errors, unit attachment, the docs page, the recordables list and the test that
our keys equal NEST's keys. The kernel never special-cases a model family: it
reads these declarations.

Conventions every model function follows
----------------------------------------
* Inside ``derive``/``update``/``emit`` every parameter and state value is a
  brainunit quantity in NEST's unit for that key (``mV``, ``ms``, ``pA`` ...),
  shaped ``(n,)`` for the ``n`` nodes of the population. Dimensionless and
  integer values are plain arrays.
* A ``Param``/``State`` with ``offset="E_L"`` is stored *relative* to ``E_L``
  as NEST stores it (``iaf_psc_delta.cpp``: ``V_th_ -= E_L_``). ``GetStatus``
  adds ``E_L`` back; setting ``E_L`` alone keeps the absolute value of the
  others (NEST 3.10: ``V_th_ -= delta_EL``). In ``update`` these values are
  the relative ones.
* ``update(p, d, s, x, ctx) -> (s, spikes)``: ``p`` parameters, ``d`` what
  ``derive(p, ctx)`` computed once per run (propagators), ``s`` state, ``x`` the
  input channels read from the ring buffer for this step. ``spikes`` is a
  count per node (0, 1, or a multiplicity) emitted in this step.
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple, Optional

from .._brainunit import u
import numpy as np


@dataclasses.dataclass(frozen=True)
class Param:
    """One NEST parameter: key, default, unit (NEST's), meaning."""

    name: str
    default: Any
    unit: Any = None  # brainunit unit of NEST's unit for this key; None: dimensionless
    doc: str = ""
    dtype: str = "float"  # float | int | bool | str | vector (of doubles, host only) | strings
    # (a vector of strings, host only) | dict (host only)
    # | ints (a vector of longs: a synapse model's common look-up tables, on device)
    offset: Optional[str] = None  # stored relative to this key (NEST's E_L convention)
    readonly: bool = False
    # one value per receptor port (a multisynapse model's tau_syn, E_rev): a host
    # vector per node, handed to the model as an (n, ports) array padded with the
    # first entry of the default (a harmless value: padded ports receive nothing)
    per_port: bool = False

    @property
    def on_device(self) -> bool:
        return self.dtype in ("float", "int", "bool")


@dataclasses.dataclass(frozen=True)
class State:
    """One state variable. Hidden ones are internal (refractory counters, buffers)."""

    name: str
    # a value, or initial(params, ctx) -> value(s): params a dict of numpy arrays, ctx the
    # HostCtx of the nodes being made (the grid, for values counted in steps)
    initial: Any
    unit: Any = None
    doc: str = ""
    dtype: str = "float"
    offset: Optional[str] = None
    hidden: bool = False
    # one value per receptor port (multisynapse models): an (n, ports) array, resized
    # at Prepare as NEST resizes its state vectors in pre_run_hook (new ports start at
    # 0, ports beyond a node's own count are cleared). Not settable; a visible one
    # shows each node's own ports as a vector (aeif_cond_*_multisynapse's g, dg).
    per_port: bool = False
    # shown by GetStatus but not read by NEST's State_::set (gif_pop_psc_exp's mean,
    # n_events): setting it is refused as an unknown key
    readonly: bool = False


@dataclasses.dataclass(frozen=True)
class Channel:
    """An input channel of a node: a ring-buffer row that connections add into.

    ``weighted=False`` channels receive the spike multiplicity instead of
    weight × multiplicity (parrot_neuron repeats spikes, whatever the weight).
    """

    name: str
    unit: Any = None
    weighted: bool = True
    # NEST's binary_neuron::handle: a spike of multiplicity 2 adds +w (a sender's
    # up-transition), of multiplicity 1 -w (down), of any other nothing
    binary: bool = False


class Vars(dict):
    """Named values handed to model functions: ``p.tau_m``, ``s.replace(V_m=...)``."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def replace(self, **changes):
        out = Vars(self)
        out.update(changes)
        return out


def _frozen(d):
    return MappingProxyType(dict(d or {}))


@dataclasses.dataclass(frozen=True)
class Model:
    """Fields shared by every node model."""

    name: str
    params: tuple = ()
    state: tuple = ()
    doc: str = ""
    element_type: str = "neuron"  # neuron | stimulator | recorder
    extra_status: Mapping = dataclasses.field(default_factory=dict)
    # check(p: dict of absolute parameter values as numpy arrays) -> NEST's message or None
    check: Optional[Callable] = None
    # on_set(old, new, ctx) -> new: NEST's set_status logic that needs more than a
    # constraint (the old values, the grid, the clock): rounding times to the grid,
    # keys that must change together. ``old``/``new`` hold per-node NEST-form
    # values (arrays, or lists for host keys); ``ctx`` is a HostCtx. May raise.
    on_set: Optional[Callable] = None
    # calibrate(defaults, grid) -> defaults, when the resolution changes
    # (NEST's calibrate_time on model prototypes).
    calibrate: Optional[Callable] = None
    # NEST's per-compartment sub-dictionaries (iaf_cond_alpha_mc's "soma", ...): status
    # key -> {key inside the sub-dictionary: the flat key declared in the tables}.
    # GetStatus/GetDefaults show the sub-dictionaries instead of the flat keys, and
    # SetStatus/Create/SetDefaults take them (kernel/values.py: nest_groups, flatten_groups).
    groups: Mapping = dataclasses.field(default_factory=dict)
    # NEST's SignalType (nestkernel/nest_types.h): what a node's spikes mean ("spike";
    # "binary": state transitions; "all": either). A connection needs the source's and
    # the target's to share one (Connection::check_connection_).
    sends_signal: str = "spike"
    receives_signal: str = "spike"

    def __post_init__(self):
        object.__setattr__(self, "extra_status", _frozen(self.extra_status))
        object.__setattr__(self, "groups", _frozen({g: _frozen(m) for g, m in self.groups.items()}))
        names = [p.name for p in self.params] + [s.name for s in self.state]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.name}: duplicate keys in declaration")

    # Tables by name -------------------------------------------------------
    @property
    def param_table(self) -> Mapping[str, Param]:
        return {p.name: p for p in self.params}

    @property
    def state_table(self) -> Mapping[str, State]:
        return {s.name: s for s in self.state}

    def default_params(self) -> dict:
        return {p.name: p.default for p in self.params}


class Events(NamedTuple):
    """A precise model's spike input of one step (``ctx.events``): for each neuron its
    events in order of arrival (offsets, ms before the step's end, descending), padded
    beyond ``count`` with offset -1 and weight 0."""

    offset: Any  # (K, n)
    weight: Any  # (K, n): weight x multiplicity
    count: Any  # (n,)


@dataclasses.dataclass(frozen=True)
class NeuronModel(Model):
    """A neuron (or any node that is updated each step and may emit spikes)."""

    channels: tuple = ()  # Channel, ring-buffer rows of this model
    spike_receptors: Mapping = dataclasses.field(default_factory=lambda: {0: ("spikes", "spikes")})
    current_receptors: Mapping = dataclasses.field(default_factory=lambda: {0: "currents"})
    # Spike receptor ports on which an event adds weight x multiplicity x the event's
    # offset (iaf_tum_2000's port 1: the sender's released fraction u * x travels in
    # the offset field). Senders that are not off-grid send offset 0.
    offset_receptors: frozenset = frozenset()
    # the parameter that thins each outgoing event per target (spike_dilutor's p_copy:
    # NEST's DSSpikeEvent, whose event hook draws a binomial count for every receiver)
    copy_probability: Optional[str] = None
    receptor_types: Mapping = dataclasses.field(default_factory=dict)  # GetStatus 'receptor_types'
    # what NEST's handles_test_event subtracts from a spike receptor to give the rport
    # (GetConnections' "receptor"); None: the least receptor of the table
    rport_base: Optional[int] = None
    recordables: tuple = ()
    record: Optional[Callable] = None  # record(p, s) -> {name: value}; default reads state
    derive: Callable = lambda p, ctx: {}
    update: Optional[Callable] = None
    emits_spikes: bool = True
    uses_rng: bool = False
    # pre_run(v, ctx) -> updates: NEST's pre_run_hook checks that need the grid
    # (a refractory time shorter than a step); may raise. As GeneratorModel.pre_run.
    pre_run: Optional[Callable] = None
    # is_off_grid(): update returns (s, (spikes, offsets)), the offset (ms) of each
    # spike before the end of its step; spike recorders write precise times. A string
    # names the bool parameter that decides it per node (NEST: is_off_grid()).
    off_grid: object = False
    # Precise spike input (NEST's _ps models, SliceRingBuffer): spikes on this channel
    # arrive as events (offset, weight x multiplicity) kept per ring slot, handed to
    # update sorted by time within the step as ``ctx.events`` (kernel/precise.py);
    # other channels are summed as on the grid.
    precise_channel: Optional[str] = None
    # check_connection(source_spec, target_spec, receptor): NEST's send_test_event /
    # handles_test_event rules beyond the receptor tables; raises NEST's error. Called
    # for the source's model and for the target's model of each new connection.
    check_connection: Optional[Callable] = None
    # Receptor ports set per node (NEST's *_multisynapse models): ``ports`` names the
    # read-only int parameter holding a node's number of ports (n_synapses,
    # n_receptors). Spike receptor r = 1..count adds into channel ``port_<r>``, after
    # the declared channels; a population has as many port channels as its largest
    # count (fixed at Prepare). ``port_recordables`` are name patterns, one recordable
    # per port and node ("I_syn_{}" -> I_syn_1, I_syn_2, ...).
    ports: Optional[str] = None
    # the per-node vector whose length is the number of ports, for a model whose count
    # is hidden (the glif models show only tau_syn); ``ports`` then names hidden state
    port_list: Optional[str] = None
    port_unit: Any = None
    # False: port channels receive the spike multiplicity, not weight x multiplicity
    port_weighted: bool = True
    # A spike receptor on which each new connection gets a port of its own (NEST's
    # iaf_bw_2001_exact NMDA): the k-th such connection to a node (k = 0, 1, ...) has
    # rport ``port_per_connection + k`` and adds into channel ``port_<k+1>``; ``ports``
    # names the hidden count, raised at Connect. Other receptors follow the tables.
    port_per_connection: Optional[int] = None
    port_recordables: tuple = ()
    # port_host_derive(per-port params as (n, ports) numpy arrays) -> {name: (n, ports)}:
    # per-port constants NEST computes with libm (log, exp) in pre_run_hook, computed on
    # the host so that they are NEST's to the last bit; handed to derive/update as params
    port_host_derive: Optional[Callable] = None
    # after_run(v, ctx) -> updates, after every Run, once the device state is read back:
    # host values that mirror device state (a vector state of its own width, such as
    # the glif models' ASCurrents, kept on the device as a padded hidden array)
    after_run: Optional[Callable] = None
    # NEST's message when a spike of negative weight reaches the node (BadProperty)
    positive_spike_weights: Optional[str] = None
    # How update advances the dynamics (models/integrators.py: Exact(), RKF45(control),
    # ...); handed to update as ctx.integrator.
    integrator: Any = None
    # What NEST's ArchivingNode keeps (neurons/_common.Archiving), or None for a node
    # that is not one; the kernel updates it at the node's spikes.
    archiving: Any = None
    # A volume transmitter: keeps the history of the spikes its inputs bring, which
    # neuromodulated synapses read (kernel/dopamine.py).
    neuromodulatory: bool = False

    def __post_init__(self):
        super().__post_init__()
        arch = self.archiving
        if arch is not None:  # an ArchivingNode: its set_status rules follow the model's
            missing = arch.required_keys() - set(self.param_table) - set(self.state_table)
            if missing:
                raise ValueError(f"{self.name}: archiving declared without {sorted(missing)}")
            object.__setattr__(self, "check", _then(self.check, arch.check))
            if arch.ignore_and_spike:
                object.__setattr__(self, "on_set", _then_set(self.on_set, arch.on_set))
        for f in ("spike_receptors", "current_receptors", "receptor_types"):
            object.__setattr__(self, f, _frozen(getattr(self, f)))
        chans = {c.name for c in self.channels}
        for pos, neg in self.spike_receptors.values():
            assert pos in chans and neg in chans, (self.name, pos, neg)
        for c in self.current_receptors.values():
            assert c in chans, (self.name, c)

    def channel_index(self, name: str) -> int:
        return [c.name for c in self.channels].index(name)

    def channels_for(self, n_ports: int) -> tuple:
        """The ring-buffer rows of a population whose nodes have at most n_ports ports."""
        return self.channels + tuple(Channel(f"port_{r}", self.port_unit, self.port_weighted)
                                     for r in range(1, n_ports + 1))

    def spike_channels(self, receptor: int) -> tuple:
        """(channel of positive, channel of negative weights) of a spike receptor."""
        first = self.port_per_connection
        if first is not None and receptor >= first:
            c = len(self.channels) + receptor - first
            return c, c
        if self.ports is not None and first is None:
            c = len(self.channels) + receptor - 1
            return c, c
        pos, neg = self.spike_receptors[receptor]
        return self.channel_index(pos), self.channel_index(neg)

    def port_count(self, values) -> int:
        """The number of ports of NEST-form ``values`` (one node's, or the defaults)."""
        if self.ports in values:
            return int(np.asarray(values[self.ports]).reshape(-1)[0])
        return len(np.asarray(values[self.port_list]).reshape(-1))

    def recordables_for(self, n_ports: int) -> list:
        """A node's recordables, NEST's order (its recordables map is sorted by name)."""
        if not self.port_recordables:
            return list(self.recordables)
        names = list(self.recordables) + [f.format(r) for f in self.port_recordables
                                          for r in range(1, n_ports + 1)]
        return sorted(names)


def _then(first, second):
    """A check: `first`'s message, else `second`'s (either may be None)."""
    if first is None:
        return second
    return lambda p: first(p) or second(p)


def _then_set(first, second):
    """An on_set hook: `first`'s, then `second`'s on its result."""
    if first is None:
        return second
    return lambda old, new, ctx: second(old, first(old, new, ctx), ctx)


@dataclasses.dataclass(frozen=True)
class GeneratorModel(Model):
    """A stimulation device: emits spikes or currents towards its targets.

    ``emit(p, d, s, ctx) -> (s, values)`` gives one value per device (sent to
    all its targets alike), or with ``per_target`` one value per outgoing
    connection (``emit(p, d, s, ctx, conn_source) -> (s, values)``; NEST draws
    poisson_generator and noise_generator output independently per target).
    ``values`` may be a pair ``(count, amount)``: spike counts for recorders and
    unweighted channels, and what weighted channels multiply by the weight
    (spike_generator's spike_weights times multiplicities).
    """

    element_type: str = "stimulator"
    event: str = "spike"  # spike | current
    per_target: bool = False
    derive: Callable = lambda p, ctx: {}
    emit: Optional[Callable] = None
    uses_rng: bool = False
    recordables: tuple = ()  # what a multimeter may sample (state keys)
    # record(p, s) -> {name: value}: recordables that are not state keys (the
    # sinusoidal generators' ``rate``, whose status key is the parameter)
    record: Optional[Callable] = None
    # pre_run(v, ctx) -> updates: NEST's pre_run_hook, at every Prepare. ``v`` holds
    # the population's NEST-form values; updates of declared keys are written back.
    pre_run: Optional[Callable] = None
    # host_prepare(v, ctx) -> dict, at every Run: updates of declared keys, and
    # extra device arrays (host vectors made into padded arrays, first axis the
    # nodes) handed to derive/emit as parameters. Pad to few shapes so that a
    # changed vector rarely changes a shape, which would recompile.
    host_prepare: Optional[Callable] = None
    # is_off_grid(): a per_target generator whose emit returns lanes of (count, amount,
    # offset), several spikes per target and step (poisson_generator_ps)
    off_grid: bool = False
    # spike_offsets(v, i, ctx, stamps) -> offsets (ms) of node i's spikes sent with
    # these stamps, one per spike and multiplicity (precise times, for recorders)
    spike_offsets: Optional[Callable] = None
    # the spikes of one step leave as that many events of multiplicity 1 (spike_generator's
    # repeated spike times): what devices that read multiplicities see (RecorderModel.handle)
    repeats: bool = False
    # The event it tests a synapse model that keeps per-connection state with (NEST's
    # send_test_event on a dummy target): a DS event, which the dummy refuses, so such a
    # synapse cannot leave the device; pulsepacket_generator tests with a plain spike,
    # which passes.
    ds_test_event: bool = True


@dataclasses.dataclass(frozen=True)
class HostCtx:
    """What a host-side hook may know: the grid, the clock, the run ahead."""

    grid: Any
    now: int = 0  # steps simulated so far
    until: int = 0  # end of the run ahead (steps); == now outside a run
    min_delay: int = 1  # steps
    max_delay: int = 1  # steps
    threads: int = 1  # local_num_threads
    seed: int = 0
    gids: Any = None  # global ids of the nodes the values belong to
    graph: Any = None  # the kernel graph, for rules that depend on connections
    dict_miss_is_error: bool = True  # the kernel's: unknown keys raise, else a warning
    keep_source_table: bool = True  # the kernel's: senders of events can be looked up


@dataclasses.dataclass(frozen=True)
class RecorderModel(Model):
    """A recording device: the kernel gathers; the model filters on the host."""

    element_type: str = "recorder"
    kind: str = "spike"  # spike (receives spikes) | sampler (samples recordables)
    receives_signal: str = "all"  # spike_recorder's: spikes and binary transitions
    # its spike receptor ports: a number, or the parameter that holds each node's
    # (correlomatrix_detector's N_channels)
    receptor_count: Any = 1
    # handle(v, events, ctx) -> updates: NEST's handle(SpikeEvent&) of a device that
    # computes from the events it receives (spin_detector, the correlation detectors),
    # on the host, per node: ``events`` hold stamps, senders, rports, weights and
    # multiplicities in NEST's delivery order, ``v`` the node's NEST-form values
    # (kernel/recording.py: handled_events)
    handle: Optional[Callable] = None
    pre_run: Optional[Callable] = None  # as NeuronModel.pre_run (init_buffers_ at the first)
    local_receiver: bool = True  # NEST's: receives its events as they are sent (see handle)
    # after_run(v, ctx) -> updates, after every Run: what handle left pending goes into
    # the statistics (correlospinmatrix_detector's overlaps, computed in batches)
    after_run: Optional[Callable] = None
    event_keys: tuple = ()  # what its events hold besides senders and times, once prepared


@dataclasses.dataclass(frozen=True)
class SynapseModel:
    """A synapse model: its keys and, for a model with state, ``on_pre``.

    ``params``: per-connection keys besides weight, delay and receptor (settable per
    connection; a model's visible state such as ``Kplus`` or ``u`` is one of them);
    ``common``: NEST's CommonSynapseProperties, one value per synapse model (set by
    SetDefaults or CopyModel, refused per connection); ``hidden``: per-connection
    state that NEST does not show (``t_lastspike``). A ``_hom`` model is the same
    declaration as its heterogeneous one with keys moved from ``params`` to
    ``common``; ``weight_common``: the weight too (static_synapse_hom_w).

    ``on_pre(c, post, t, ctx) -> (changes, weight)`` runs when a presynaptic spike
    passes through a connection (NEST's ``Connection::send``), vectorized over the
    connections that a slice's spikes pass through: ``c`` every per-connection and
    common value (quantities in NEST's units; ``delay`` in ms), ``post`` the target's
    archive (kernel/plasticity.py: ``PostHistory``) when ``post`` names one, ``t``
    the spike's stamp in ms. It returns the per-connection values it changed and the
    weight the event carries, and optionally whether each event is sent at all (a
    model that transmits at random; false: no event, not even to a target that counts
    spikes). Without ``on_pre`` a connection sends its weight.

    ``check(v) -> message``: NEST's set_status checks on per-connection values merged
    with the common ones (numpy arrays); a message is NEST's BadProperty.
    ``variant``: "" | "hpc" | "lbl" (``variants()`` makes them from one declaration).
    """

    name: str
    params: tuple = ()
    doc: str = ""
    has_delay: bool = True
    common: tuple = ()
    hidden: tuple = ()
    weight_common: bool = False
    default_weight: float = 1.0  # NEST's default is 1 but for a few (vogels_sprekeler: 0.5)
    on_pre: Optional[Callable] = None
    post: Optional[str] = None  # the post-synaptic archive read: "stdp" | "clopath" | "urbanczik"
    # the per-connection time from which (minus the delay) its next archive read starts
    reads_from: str = "t_lastspike"
    # set_hidden(values) -> {hidden key: values}: what NEST's set_status writes into
    # hidden state from the values set, at Connect and at every set (urbanczik_synapse:
    # init_weight = weight)
    set_hidden: Optional[Callable] = None
    check: Optional[Callable] = None
    uses_rng: bool = False
    # the delay may lie between steps (cont_delay_synapse): a hidden per-connection
    # delay_offset (ms back from the delay's step) that only the reported delay shows
    continuous_delay: bool = False
    # NEST's trigger_update_weight: a neuromodulated model names a volume transmitter
    # (common property ``volume_transmitter``); at every deliver interval the kernel
    # advances all its connections to that time (kernel/dopamine.py).
    # ``on_trigger(c, post, dopa, t) -> changes``; ``on_pre`` then reads ``ctx.dopa``.
    on_trigger: Optional[Callable] = None
    # Common keys that ``on_pre`` changes (NEST's send writes into the model's
    # CommonSynapseProperties: stdp_facetshw_synapse_hom counts its synapses). The kernel
    # carries them through the run and writes them back into the model's defaults;
    # ``on_pre`` returns each one's value after its batch among its ``changes`` (a
    # scalar), counting in NEST's order the rows of the batch that are connections
    # (``ctx.real``).
    common_state: tuple = ()
    # Per-connection keys that ``on_pre`` updates from the source's spikes and common
    # values alone (a _hom pair rule's Kplus and t_lastspike): connections of one source
    # that hold equal values keep them equal, so a projection keeps one per source
    # while they are (kernel/projections.py: plastic_rows).
    per_source: tuple = ()
    # report_common(before, after): what NEST's send writes on stdout as it changes the
    # common state (the model's defaults before the run and its common state after it)
    report_common: Optional[Callable] = None
    # set_common(values, given) -> values: NEST's CommonProperties::set_status beyond
    # checks, on SetDefaults/CopyModel (``values``: the model's defaults with ``given``
    # taken; values derived from others, checks in NEST's order); raises NEST's error.
    set_common: Optional[Callable] = None
    sizeof: int = 32
    variant: str = ""
    base: str = ""  # the model a variant was made from

    def default_params(self) -> dict:
        """Defaults of the per-connection and common keys (what GetDefaults adds); a
        vector of longs (declared as a tuple, so that the declaration hashes) as NEST
        shows it, an array."""
        return {p.name: np.array(p.default, np.int64) if p.dtype == "ints" else p.default
                for p in self.params + self.common}

    @property
    def plastic(self) -> bool:
        """Has per-connection state that events change: delivered with on_pre."""
        return self.on_pre is not None

    @property
    def connection_keys(self) -> tuple:
        """Per-connection columns beyond weight/delay/receptor: visible, then hidden."""
        return tuple(p.name for p in self.params) + tuple(p.name for p in self.hidden)


def variants(model: SynapseModel, sizeof_lbl: int = None):
    """A model and its ``_hpc`` and ``_lbl`` variants (NEST registers all three).

    ``_lbl`` adds the per-connection ``synapse_label``; ``_hpc`` keeps a target index
    instead of a pointer in NEST, which changes only what it reports (``sizeof``: 16
    bytes less; a model that reports none keeps none, and its ``_lbl`` gives
    ``sizeof_lbl``)."""
    label = Param("synapse_label", -1, None, "label of the connection", dtype="int")
    hpc = dataclasses.replace(model, name=model.name + "_hpc", variant="hpc", base=model.name,
                              sizeof=None if model.sizeof is None else model.sizeof - 16)
    lbl = dataclasses.replace(model, name=model.name + "_lbl", variant="lbl", base=model.name,
                              params=model.params + (label,),
                              sizeof=sizeof_lbl if model.sizeof is None else model.sizeof + 8)
    return model, hpc, lbl


# --- helpers used by model declarations ------------------------------------

def positive(*keys, msg=None):
    """A check that each key is > 0, NEST's wording by default."""

    def _check(p):
        for k in keys:
            if np.any(np.asarray(p[k]) <= 0):
                return msg or f"{k} must be > 0."
        return None

    return _check


def quantity(value, unit):
    """Attach a unit; dimensionless values stay arrays."""
    return value if unit is None else u.Quantity(value, unit=unit)
