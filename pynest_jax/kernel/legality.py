"""NEST's rules on which connections are legal, checked before any connection is made.

What NEST checks in Connectome/ConnBuilder and in the nodes' send_test_event /
handles_test_event (nestkernel/conn_builder.cpp, node.cpp, the models' .h files):
which kinds of node may connect to which, through which receptor port; a device's
single synapse type; a multimeter's connection once per node; the ports a
multisynapse neuron has. A second front end gets them by calling these.
"""

from __future__ import annotations

import numpy as np

from ..errors import NESTErrors
from ..models._spec import GeneratorModel, NeuronModel, RecorderModel


def neuron_pops(graph):
    """Per population: neurons have proxies; devices (generators, recorders) do not."""
    return np.array([isinstance(p.spec, NeuronModel) for p in graph.pop_list] + [False], bool)


def proxy_pops(graph):
    """Per population: has proxies (a volume transmitter has none, but NEST keeps the
    connections to it with the neurons')."""
    return neuron_pops(graph) & np.array([not getattr(p.spec, "neuromodulatory", False)
                                          for p in graph.pop_list] + [True], bool)


# Rules that may connect to nodes without proxies (devices); the others refuse them
# (BipartiteConnBuilder::requires_proxies).
# None: connect_arrays; "spatial_on_source": a spatial Connect that loops over all targets
# (pairwise_bernoulli with use_on_source, pairwise_poisson: connection_creator_impl.h)
RULES_TO_DEVICES = ("one_to_one", "all_to_all", None, "spatial_on_source")


def _stimulator(spec):
    """A StimulationDevice: the generators, and nodes that NEST makes one though they
    are neurons here (spike_dilutor)."""
    return isinstance(spec, GeneratorModel) or spec.element_type == "stimulator"


def single_synapse_type(graph, sources, syn, sp):
    """StimulationDevice::enforce_single_syn_type: a generator's connections share a model."""
    is_gen = np.array([_stimulator(p.spec) for p in graph.pop_list], bool)
    if not len(is_gen) or not is_gen.any():
        return
    from_gen = is_gen[sp]
    if not from_gen.any():
        return
    store = graph.connections
    gens = np.unique(sources[from_gen])
    old = np.isin(store.col("source"), gens) & (store.col("syn") != syn)
    if old.any():
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because:\n"
            "All outgoing connections from a device must use the same synapse type.")


def from_sampler(graph, sp):
    """Whether any source population is a multimeter (its rport: the logger number, >= 1)."""
    return any(isinstance(graph.pop_list[int(i)].spec, RecorderModel)
               and graph.pop_list[int(i)].spec.kind == "sampler" for i in np.unique(sp))


def logger_ports(graph, sources, targets, receptor):
    """multimeter -> node: the node's data logger number becomes the port (UniversalDataLogger).

    A node counts the multimeters connected to it, 1, 2, ...; a multimeter may be
    connected to a node only once.
    """
    is_sampler = np.array([isinstance(p.spec, RecorderModel) and p.spec.kind == "sampler"
                           for p in graph.pop_list], bool)
    if not is_sampler.any():
        return receptor
    new = is_sampler[graph.node_pop[sources]]
    if not new.any():
        return receptor
    receptor = np.broadcast_to(receptor, np.shape(sources))
    bad = receptor[new] != 0
    if bad.any():
        t = int(targets[new][bad][0])
        raise NESTErrors.UnknownReceptorType(
            f"Receptor type {int(receptor[new][bad][0])} is not available in "
            f"{graph.model_name_of([t])[0]}.")
    store = graph.connections
    old = is_sampler[graph.node_pop[store.col("source")]] if len(store) else np.zeros(0, bool)
    old_pairs = set(zip(store.col("source")[old].tolist(), store.col("target")[old].tolist()))
    count = {}
    for t in store.col("target")[old].tolist():
        count[t] = count.get(t, 0) + 1
    receptor = receptor.copy()
    for i in np.nonzero(new)[0]:
        pair = (int(sources[i]), int(targets[i]))
        mm_pop = graph.pop_list[graph.node_pop[pair[0]]]
        wanted = mm_pop.host["record_from"][graph.node_local[pair[0]]]
        tpop = graph.pop_list[graph.node_pop[pair[1]]]
        have = getattr(tpop.spec, "recordables", ())
        if getattr(tpop.spec, "ports", None) is not None:
            have = tpop.spec.recordables_for(
                int(tpop.arrays[tpop.spec.ports][graph.node_local[pair[1]]]))
        for v in wanted:
            if v not in have:
                raise NESTErrors.IllegalConnection(f"Cannot connect with unknown recordable {v}")
        if pair in old_pairs:
            raise NESTErrors.IllegalConnection(
                "Creation of connection is not possible because:\n"
                "Each multimeter can only be connected once to a given node.")
        old_pairs.add(pair)
        count[pair[1]] = count.get(pair[1], 0) + 1
        receptor[i] = count[pair[1]]
    return receptor


def plastic_sources(graph, spec, sp):
    """A synapse model that keeps per-connection state tests its source's event on a dummy
    target that refuses devices' events (Connection::check_connection_): a plastic
    connection needs a neuron as its source."""
    if not spec.plastic:
        return
    for i in np.unique(sp):
        src = graph.pop_list[i].spec
        if isinstance(src, NeuronModel):
            continue
        if isinstance(src, RecorderModel):  # a multimeter's DataLoggingRequest, or nothing
            why = ("The target node or synapse model does not support data logging requests."
                   if src.kind == "sampler" else "Source node does not send output.")
        elif not src.ds_test_event:
            continue
        else:  # a generator's event; drawn per target: a DS event
            ds = "DS " if getattr(src, "per_target", False) else ""
            kind = f"{ds}current" if getattr(src, "event", "spike") == "current" else "spike"
            why = f"The target node or synapse model does not support {kind} input."
        raise NESTErrors.IllegalConnection(f"Creation of connection is not possible because:\n{why}")


def archive_readers(spec, tgt_px):
    """Node::register_stdp_connection: a synapse that reads the target's spike archive
    needs a target that keeps one (ArchivingNode: every neuron, no device). Checked after
    the endpoints accept spikes, as NEST checks it."""
    if spec.post == "stdp" and not np.all(tgt_px):
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because:\n"
            "The target node does not support STDP synapses.")


def endpoint_checks(graph, sources, targets, receptor, pops=None):
    """NEST's check_connection between source, target and receptor (per pair of models)."""
    sp, tp = pops if pops is not None else (graph.node_pop[sources], graph.node_pop[targets])
    r = np.broadcast_to(np.asarray(receptor, np.int64), sp.shape)
    if len(r) == 0:
        return
    # The distinct (source model, target model, receptor) triples, as one integer key
    # (a sort of 2-D columns is far slower for millions of connections).
    P, rmin = len(graph.pop_list), int(r.min())
    span = int(r.max()) - rmin + 1
    size = P * P * span
    if span == 1 and sp.min() == sp.max() and tp.min() == tp.max():
        # one triple (one population each side, one receptor): no key per connection
        present = [(int(sp[0]) * P + int(tp[0])) * span]
    else:
        key = (sp.astype(np.int64) * P + tp) * span + (r - rmin)
        present = np.flatnonzero(np.bincount(key, minlength=size)) if size <= 1 << 22 else np.unique(key)
    for k in np.asarray(present).tolist():
        pair, rr = divmod(k, span)
        spi, tpi = divmod(pair, P)
        check_pair(graph.pop_list[spi].spec, graph.pop_list[tpi].spec, rr + rmin)
    _port_checks(graph, targets, r, sp, tp)


def _incompatible_port(r, name):
    return NESTErrors.IncompatibleReceptorType(
        f"Receptor type {r} in {name} does not accept SpikeEvent.")


def _port_spikes(graph, sp, tp):
    """Connections that bring spikes to a node with per-node receptor ports, by
    target population: {population index: mask}."""
    out = {}
    for pop in graph.pop_list:
        if getattr(pop.spec, "ports", None) is None or pop.spec.port_per_connection is not None:
            continue
        to_pop = tp == pop.index
        if not to_pop.any():
            continue
        spiking = np.array([isinstance(q.spec, NeuronModel) or (
            isinstance(q.spec, GeneratorModel) and q.spec.event == "spike")
            for q in graph.pop_list], bool)
        out[pop.index] = to_pop & spiking[sp]
    return out


def _port_checks(graph, targets, r, sp, tp):
    """A spike receptor beyond the target's own number of ports is refused."""
    for pop in graph.pop_list:  # recorders whose ports are a parameter (N_channels)
        key = getattr(pop.spec, "receptor_count", None)
        if isinstance(key, str):
            sel = tp == pop.index
            bad = sel & (r >= pop.arrays[key][graph.node_local[np.where(sel, targets, 0)]])
            if bad.any():
                raise NESTErrors.UnknownReceptorType(
                    f"Receptor type {int(r[bad][0])} is not available in {pop.spec.name}.")
            for spi in np.unique(sp[sel]).tolist():  # after the port, as NEST checks
                _signals(graph.pop_list[spi].spec, pop.spec)
    for pi, sel in _port_spikes(graph, sp, tp).items():
        pop = graph.pop_list[pi]
        counts = pop.arrays[pop.spec.ports][graph.node_local[targets[sel]]]
        bad = r[sel] > counts
        if bad.any():
            t = int(targets[sel][bad][0])
            raise _incompatible_port(int(r[sel][bad][0]), graph.model_name_of([t])[0])


def mark_port_connections(graph, sources, targets):
    """handles_test_event(SpikeEvent&): a node with ports remembers that it has
    connections (has_connections; its number of ports can then not change)."""
    if not any(getattr(p.spec, "ports", None) is not None and p.spec.port_per_connection is None
               for p in graph.pop_list):
        return  # no node with ports: no gather over the connections
    sp, tp = graph.node_pop[sources], graph.node_pop[targets]
    for pi, sel in _port_spikes(graph, sp, tp).items():
        pop = graph.pop_list[pi]
        pop.arrays["has_connections"][graph.node_local[targets[sel]]] = True


def connection_ports(graph, sources, targets, receptor):
    """NeuronModel.port_per_connection: each new spike connection on that receptor gets
    the target's next port as its rport (NEST's handles_test_event counts them), and only
    before the node has been simulated (its ring buffers are sized then)."""
    pops = [p for p in graph.pop_list if getattr(p.spec, "port_per_connection", None) is not None]
    tp = graph.node_pop[targets] if pops else None  # no gather where no model has them
    pops = [p for p in pops if (tp == p.index).any()]
    if not pops:
        return receptor
    receptor = np.array(np.broadcast_to(receptor, np.shape(targets)), np.int64)
    sp = graph.node_pop[sources]
    spiking = np.array([isinstance(q.spec, NeuronModel) or (
        isinstance(q.spec, GeneratorModel) and q.spec.event == "spike")
        for q in graph.pop_list], bool)
    for pop in pops:
        first = pop.spec.port_per_connection
        sel = np.nonzero((tp == pop.index) & spiking[sp] & (receptor == first))[0]
        if not len(sel):
            continue
        local = graph.node_local[targets[sel]]
        if np.any(pop.arrays["h_int"][local] > 0):
            raise NESTErrors.IllegalConnection(
                f"{_CANNOT}NMDA connections to this model can only be made before the first "
                "call to nest.Simulate()")
        count = pop.arrays[pop.spec.ports]
        seen = {}
        for i, li in zip(sel.tolist(), local.tolist()):
            k = seen.get(li, int(count[li]))
            receptor[i] = first + k
            seen[li] = k + 1
    return receptor


def count_connection_ports(graph, targets, receptor):
    """After the connections are made: each node's count of its own ports."""
    tp = None
    for pop in graph.pop_list:
        first = getattr(pop.spec, "port_per_connection", None)
        if first is None:
            continue
        tp = graph.node_pop[targets] if tp is None else tp
        sel = (tp == pop.index) & (np.broadcast_to(receptor, np.shape(targets)) >= first)
        if sel.any():
            local = graph.node_local[targets[sel]]
            r = np.broadcast_to(receptor, np.shape(targets))[sel]
            np.maximum.at(pop.arrays[pop.spec.ports], local, r - first + 1)


_CANNOT = "Creation of connection is not possible because:\n"


def _unsupported(what, note=""):
    return NESTErrors.IllegalConnection(
        f"{_CANNOT}The target node or synapse model does not support {what}.{note}")


def _no_spike_input():  # NEST's default handles_test_event(SpikeEvent&)
    return _unsupported("spike input", "\n  Note that volt/multimeters must be connected as "
                        "Connect(meter, neuron).")


def _sends(spec):
    """The event a node sends (send_test_event), or None for nodes that send nothing
    (recorders, the volume transmitter)."""
    if isinstance(spec, NeuronModel):
        return "spike" if spec.emits_spikes else None
    if isinstance(spec, GeneratorModel):
        return spec.event
    return "data" if isinstance(spec, RecorderModel) and spec.kind == "sampler" else None


def _local_receiver(spec):
    """Devices that collect from nodes of their own thread (NEST's local_receiver):
    spike and weight recorders, and generators a multimeter may sample."""
    if isinstance(spec, RecorderModel):
        return spec.kind != "sampler"
    return isinstance(spec, GeneratorModel) and bool(getattr(spec, "recordables", ()))


def check_pair(sspec, tspec, r):
    """Connect's checks for one (source model, target model, receptor), in NEST's
    order: which connections a device may have (connection_required), what the source
    sends (send_test_event), whether the target takes it (handles_test_event)."""
    s_device = not (isinstance(sspec, NeuronModel) and sspec.emits_spikes) or _stimulator(sspec)
    t_device = not (isinstance(tspec, NeuronModel) and tspec.emits_spikes)
    if t_device and s_device and not _local_receiver(tspec) and (
            isinstance(sspec, RecorderModel) or _stimulator(sspec)):
        raise NESTErrors.IllegalConnection(
            f"{_CANNOT}We do not allow connection of a device to a global receiver at the "
            "moment.")
    event = _sends(sspec)
    if event is None:
        raise NESTErrors.IllegalConnection(
            f"{_CANNOT}Source node does not send output.\n  Note that recorders must be "
            "connected as Connect(neuron, recorder).")
    if event == "spike" and (isinstance(tspec, GeneratorModel) or (
            isinstance(tspec, RecorderModel) and tspec.kind != "spike")):
        raise _no_spike_input()
    if event == "current" and isinstance(tspec, (RecorderModel, GeneratorModel)):
        raise _unsupported("current input")
    if event == "data" and (isinstance(tspec, RecorderModel) or not getattr(
            tspec, "recordables", ())):
        raise _unsupported("data logging requests")
    if isinstance(tspec, RecorderModel):
        count = tspec.receptor_count
        if r < 0 or (isinstance(count, int) and r >= count):  # else: per node, _port_checks
            raise NESTErrors.UnknownReceptorType(
                f"Receptor type {r} is not available in {tspec.name}.")
        if isinstance(count, int):
            _signals(sspec, tspec)
        return
    if getattr(tspec, "check_connection", None) is not None:  # the target's handles_test_event
        tspec.check_connection(sspec, tspec, r)
    if event == "data":  # multimeter -> node with recordables
        return
    if getattr(sspec, "check_connection", None) is not None:  # the sender's send_test_event
        sspec.check_connection(sspec, tspec, r)
    current = isinstance(sspec, GeneratorModel) and sspec.event == "current"
    if tspec.ports is not None and not current and tspec.port_per_connection is None:
        # handles_test_event(SpikeEvent&) of the multisynapse models: ports 1..count;
        # the upper bound is each node's own (_port_checks)
        if r < 1:
            raise _incompatible_port(r, tspec.name)
        _signals(sspec, tspec)
        return
    table = tspec.current_receptors if current else tspec.spike_receptors
    if r not in table and (current or r != tspec.port_per_connection):
        if not table:
            raise _unsupported("current input") if current else _no_spike_input()
        # handles_test_event of NEST's single-port models: any other port is unknown,
        # even one that exists for the other kind of event (iaf_psc_exp, receptor 1).
        raise NESTErrors.UnknownReceptorType(
            f"Receptor type {r} is not available in {tspec.name}.")
    _signals(sspec, tspec)


def _signals(sspec, tspec):
    """Connection::check_connection_: what the source's events mean must be what the
    target reads them as (spiking vs binary neurons)."""
    sends, receives = sspec.sends_signal, tspec.receives_signal
    if sends != receives and "all" not in (sends, receives):
        raise NESTErrors.IllegalConnection(
            f"{_CANNOT}Source and target neuron are not compatible (e.g., spiking vs binary "
            "neuron).")



def neuromodulated_syn_spec(given, threads):
    """stdp_dopamine_synapse::check_synapse_params: c and n per connection are not
    thread safe in NEST."""
    for k in ("c", "n"):
        if k in given and threads > 1:
            raise NESTErrors.NotImplemented(
                f"For multi-threading Connect doesn't support the setting of parameter {k} in "
                "stdp_dopamine_synapse. Use SetDefaults() or CopyModel().")


def neuromodulated(graph, defaults, sp, tp):
    """stdp_dopamine_synapse::check_connection: a volume transmitter assigned; a
    neuron as the source (its dummy target refuses devices' spikes); an archiving
    node as the target (register_stdp_connection)."""
    if not defaults.get("volume_transmitter"):
        raise NESTErrors.BadProperty(
            "No volume transmitter has been assigned to the dopamine synapse.")
    pops = graph.pop_list
    if not all(isinstance(pops[i].spec, NeuronModel) for i in np.unique(sp)):
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because:\nThe target node or synapse model "
            "does not support spike input.")
    if not all(getattr(pops[i].spec, "archiving", None) is not None for i in np.unique(tp)):
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because:\nThe target node does not support "
            "STDP synapses.")
