"""Connect, Disconnect, GetConnections: validate, translate, forward to the graph.

The Python-side checks follow PyNEST (hl_api_connections.py and its helpers:
array shapes, argument types); the kernel-side ones follow NEST's connection
manager and builders (nestkernel/conn_builder.cpp). Unlike NEST, a Connect
that fails creates no connection, draws no random number and moves no delay
extremum.
"""

from __future__ import annotations

import numpy as np

from ._kernel import kernel
from ..errors import NESTErrors
from .nodecollection import NodeCollection
from .synapsecollection import SynapseCollection
from ..connect.parameters import Parameter
from ..connect.rules import RULES, validate_conn_spec
from ..kernel.connections import FROM_DEVICE, NEURON, TO_DEVICE
from ..models._spec import GeneratorModel, NeuronModel, RecorderModel

# Keys a syn_spec may carry besides the synapse model's own parameters.
_SYN_GENERIC = ("weight", "delay", "receptor_type")


# --- PyNEST's argument processing (hl_api_connection_helpers.py) ---------------------

def _process_input_nodes(pre, post, conn_spec):
    one_to_one = (conn_spec if not isinstance(conn_spec, dict)
                  else conn_spec.get("rule", "all_to_all")) == "one_to_one"
    pre_nc = post_nc = True
    if not isinstance(pre, NodeCollection):
        if not one_to_one and len(set(pre)) == len(pre):
            pre = NodeCollection(pre)
        else:
            pre_nc = False
    if not isinstance(post, NodeCollection):
        if not one_to_one and len(set(post)) == len(post):
            post = NodeCollection(post)
        else:
            post_nc = False
    use_arrays = False
    if not pre_nc or not post_nc:
        if len(pre) != len(post):
            raise ValueError("If 'pre' or 'post' contain non-unique IDs, then they must have the "
                             "same length.")
        pre, post = np.asarray(pre), np.asarray(post)
        if not issubclass(pre.dtype.type, (int, np.integer)):
            raise TypeError("'pre' node IDs must be integers.")
        if not issubclass(post.dtype.type, (int, np.integer)):
            raise TypeError("'post' node IDs must be integers.")
        if not (pre.ndim == 1 and post.ndim == 1):
            raise ValueError("Sources and targets must be 1-dimensional arrays")
        use_arrays = True
    if use_arrays and not one_to_one:
        raise ValueError("When connecting two arrays with non-unique IDs, `conn_spec` must be "
                         "'one_to_one'.")
    return use_arrays, pre, post


def _process_conn_spec(conn_spec):
    if conn_spec is None:
        return {"rule": "all_to_all"}
    if isinstance(conn_spec, str):
        return {"rule": conn_spec}
    if isinstance(conn_spec, dict):
        return conn_spec
    raise TypeError("conn_spec must be a string or dict")


def _process_syn_spec(syn_spec, conn_spec, n_pre, n_post, use_arrays):
    """Arrays of the rule's shape are flattened in NEST's order; other shapes refused."""
    if syn_spec is None:
        return {"synapse_model": "static_synapse"} if use_arrays else None
    if isinstance(syn_spec, str):
        return {"synapse_model": syn_spec}
    if not isinstance(syn_spec, dict):
        raise TypeError("syn_spec must be a string, dict or CollocatedSynapses object")
    syn_spec = dict(syn_spec)
    if "synapse_model" in syn_spec and not isinstance(syn_spec["synapse_model"], str):
        raise TypeError("'synapse_model' must be specified by a 'str'.")
    rule = conn_spec.get("rule", "all_to_all")
    for key, value in list(syn_spec.items()):
        if isinstance(value, (list, tuple)):
            value = np.asarray(value)
        if not isinstance(value, (np.ndarray, np.generic)) or value.ndim == 0:
            continue
        if value.ndim == 1:
            if rule == "one_to_one":
                if value.shape[0] != n_pre:
                    tail = "." if use_arrays else ", a scalar or a dictionary."
                    raise ValueError(f"'{key}' has to be an array of dimension {n_pre}{tail}")
            elif rule == "fixed_total_number":
                if "N" in conn_spec and value.shape[0] != conn_spec["N"]:
                    raise ValueError(f"'{key}' has to be an array of dimension {conn_spec['N']}, a "
                                     "scalar or a dictionary")
            else:
                raise TypeError(f"'{key}' has the wrong type. One-dimensional parameter arrays can "
                                "only be used in conjunction with rule 'one_to_one' or "
                                "'fixed_total_number'.")
            syn_spec[key] = value
        elif value.ndim == 2:
            shapes = {"all_to_all": ((n_post, n_pre), "n_target x n_sources"),
                      "fixed_indegree": ((n_post, conn_spec.get("indegree")), "n_target x indegree"),
                      "fixed_outdegree": ((n_pre, conn_spec.get("outdegree")),
                                          "n_sources x outdegree")}
            if rule not in shapes:
                raise TypeError(f"'{key}' has the wrong type. Two-dimensional parameter arrays can "
                                "only be used in conjunction with rules 'all_to_all', "
                                "'fixed_indegree' or fixed_outdegree'.")
            shape, what = shapes[rule]
            if value.shape != shape:
                raise ValueError(f"'{key}' has to be an array of dimension {shape[0]}x{shape[1]} "
                                 f"({what}), a scalar or a dictionary.")
            syn_spec[key] = value.flatten()
    if use_arrays and "synapse_model" not in syn_spec:
        syn_spec["synapse_model"] = "static_synapse"
    return syn_spec


# --- the kernel side --------------------------------------------------------------------

class _Values:
    """ConnParameter: a scalar, an array consumed connection by connection, or a Parameter."""

    def __init__(self, key, value):
        self.key = key
        if isinstance(value, Parameter):
            self.kind, self.value = "parameter", value
        elif isinstance(value, (bool, np.bool_, str)) or value is None:
            raise NESTErrors.BadProperty(
                f"Cannot handle parameter type. Received {_typename(value)}")
        elif isinstance(value, np.ndarray):
            if value.dtype.kind not in "iuf":
                raise NESTErrors.BadProperty(
                    f"Cannot handle parameter type. Received {_typename(value)}")
            self.kind, self.value = "array", value.reshape(-1)
        elif isinstance(value, (int, float, np.integer, np.floating)):
            self.kind, self.value = "scalar", value
        else:
            raise NESTErrors.BadProperty(
                f"Cannot handle parameter type. Received {_typename(value)}")

    def draw(self, index, rng):
        """Values for connections that consume array entries ``index``."""
        n = len(index)
        if self.kind == "scalar":
            return np.full(n, self.value, dtype=float)
        if self.kind == "parameter":
            return np.asarray(self.value.evaluate(n, rng), float)
        if n and index.max() >= len(self.value):
            raise NESTErrors.KernelException("Parameter values exhausted.")
        return np.asarray(self.value, float)[index]


def _typename(v):
    if isinstance(v, (bool, np.bool_)):
        return "bool"
    if isinstance(v, str):
        return "std::string"
    if isinstance(v, np.ndarray):
        return f"std::vector<{v.dtype}>"
    return type(v).__name__


def _neuron_pops(graph):
    """Per population: neurons have proxies; devices (generators, recorders) do not."""
    return np.array([isinstance(p.spec, NeuronModel) for p in graph.pop_list] + [False], bool)


def _synapse(graph, syn_spec):
    model = syn_spec.get("synapse_model", "static_synapse")
    if model not in graph.synapses:
        raise NESTErrors.UnknownSynapseType(f"Synapse with name {model} does not exist.")
    spec, defaults, _ = graph.synapses[model]
    own = [p.name for p in spec.params]
    unknown = [k for k in syn_spec if k not in _SYN_GENERIC and k not in own
               and k != "synapse_model"]
    values = {k: _Values(k, syn_spec[k]) for k in syn_spec if k in _SYN_GENERIC or k in own}
    return model, spec, defaults, own, values, unknown


# Rules that may connect to nodes without proxies (devices); the others refuse them
# (BipartiteConnBuilder::requires_proxies).
_RULES_TO_DEVICES = ("one_to_one", "all_to_all", None)  # None: connect_arrays


def _connect(graph, sources, targets, value_index, model, spec, defaults, own, values, rng,
             rule=None):
    """Create connections (source, target) with syn_spec values; all checks before any change."""
    n = len(sources)
    if n == 0:
        return
    # node -> population once for both ends (each a gather over all new connections)
    sp, tp = graph.node_pop[sources], graph.node_pop[targets]
    is_neuron = _neuron_pops(graph)
    tgt_px = is_neuron[tp]
    if rule not in _RULES_TO_DEVICES and not tgt_px.all():
        raise NESTErrors.IllegalConnection(
            "Cannot use this rule to connect to nodes without proxies (usually devices).")
    _single_synapse_type(graph, sources, graph.synapse_index(model), sp)
    # A value not given per connection is one value (0-d) for all of them: the connection
    # table's chunk broadcasts it, and no column of millions is built only to be copied.
    weight = values["weight"].draw(value_index, rng) if "weight" in values else \
        np.float64(defaults["weight"])
    if "delay" in values:
        delay = values["delay"].draw(value_index, rng)
    else:
        delay = np.full(1, float(defaults["delay"]))
    receptor = values["receptor_type"].draw(value_index, rng) if "receptor_type" in values else \
        np.asarray(defaults["receptor_type"])
    if np.any(receptor != np.round(receptor)):
        raise NESTErrors.TypeMismatch("Expected datatype: receptor_type must be an integer")
    receptor = receptor.astype(np.int64)
    extra = {k: (values[k].draw(value_index, rng) if k in values else np.float64(defaults[k]))
             for k in own}
    if spec.has_delay:
        if len(delay) == 1 or (delay[0] == delay[-1] and np.all(delay == delay[0])):
            steps = np.broadcast_to(check_delays(delay[:1]), (n,))  # one delay for all
            delay_ms = kernel.grid.delay_steps_to_ms(steps[:1])[0]
        else:
            steps = check_delays(delay)
            delay_ms = kernel.grid.delay_steps_to_ms(steps)
    else:
        steps = None
        delay_ms = delay if len(delay) == n else np.broadcast_to(delay, (n,))
    src_px = is_neuron[sp]
    if src_px.all() and tgt_px.all():
        kind = NEURON  # the common case, for every connection
    else:
        kind = np.where(src_px, np.where(tgt_px, NEURON, TO_DEVICE), FROM_DEVICE).astype(np.int8)
    _endpoint_checks(graph, sources, targets, receptor, pops=(sp, tp))
    receptor = _logger_ports(graph, sources, targets, receptor)
    tdev = False if tgt_px.all() else ~tgt_px
    return dict(source=sources, target=targets, syn=graph.synapse_index(model), weight=weight,
                delay=delay_ms, receptor=receptor, extra=extra, kind=kind, tdev=tdev), steps


def _single_synapse_type(graph, sources, syn, sp):
    """StimulationDevice::enforce_single_syn_type: a generator's connections share a model."""
    is_gen = np.array([isinstance(p.spec, GeneratorModel) for p in graph.pop_list], bool)
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
            "All outgoing connections from a device must use the same synapse type.")


def _logger_ports(graph, sources, targets, receptor):
    """multimeter -> node: the node's data logger number becomes the port (UniversalDataLogger).

    A node counts the multimeters connected to it, 1, 2, ...; a multimeter may be
    connected to a node only once.
    """
    is_sampler = np.array([isinstance(p.spec, RecorderModel) and p.spec.kind == "sampler"
                           for p in graph.pop_list], bool)
    if not len(is_sampler):
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
                "Each multimeter can only be connected once to a given node.")
        old_pairs.add(pair)
        count[pair[1]] = count.get(pair[1], 0) + 1
        receptor[i] = count[pair[1]]
    return receptor


def _commit(graph, created):
    if created is None:
        return
    cols, steps = created
    graph.connections.add(**cols)
    _mark_port_connections(graph, cols["source"], cols["target"])
    if steps is not None and len(steps):
        kernel.delays.commit(*kernel.delays.check(
            int(steps.min()), int(steps.max()), kernel.simulated, kernel._frozen_delays,
            kernel.grid))
    graph.structure_version += 1


def check_delays(delay):
    """Delays in ms -> whole steps (Time::delay_ms_to_steps), checked as NEST's DelayChecker."""
    grid = kernel.grid
    steps = grid.delay_to_steps(np.asarray(delay, float))
    if len(steps):
        kernel.delays.check(int(steps.min()), int(steps.max()), kernel.simulated,
                            kernel._frozen_delays, grid)
    return steps


def _endpoint_checks(graph, sources, targets, receptor, pops=None):
    """NEST's check_connection between source, target and receptor (per pair of models)."""
    sp, tp = pops if pops is not None else (graph.node_pop[sources], graph.node_pop[targets])
    r = np.broadcast_to(np.asarray(receptor, np.int64), sp.shape)
    if len(r) == 0:
        return
    # The distinct (source model, target model, receptor) triples, as one integer key
    # (a sort of 2-D columns is far slower for millions of connections).
    P, rmin = len(graph.pop_list), int(r.min())
    span = int(r.max()) - rmin + 1
    key = (sp.astype(np.int64) * P + tp) * span + (r - rmin)
    size = P * P * span
    present = np.flatnonzero(np.bincount(key, minlength=size)) if size <= 1 << 22 else np.unique(key)
    for k in present.tolist():
        pair, rr = divmod(k, span)
        spi, tpi = divmod(pair, P)
        _check_pair(graph.pop_list[spi].spec, graph.pop_list[tpi].spec, rr + rmin)
    _port_checks(graph, targets, r, sp, tp)


def _incompatible_port(r, name):
    return NESTErrors.IncompatibleReceptorType(
        f"Receptor type {r} in {name} does not accept SpikeEvent.")


def _port_spikes(graph, sp, tp):
    """Connections that bring spikes to a node with per-node receptor ports, by
    target population: {population index: mask}."""
    out = {}
    for pop in graph.pop_list:
        if getattr(pop.spec, "ports", None) is None:
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
    for pi, sel in _port_spikes(graph, sp, tp).items():
        pop = graph.pop_list[pi]
        counts = pop.arrays[pop.spec.ports][graph.node_local[targets[sel]]]
        bad = r[sel] > counts
        if bad.any():
            t = int(targets[sel][bad][0])
            raise _incompatible_port(int(r[sel][bad][0]), graph.model_name_of([t])[0])


def _mark_port_connections(graph, sources, targets):
    """handles_test_event(SpikeEvent&): a node with ports remembers that it has
    connections (has_connections; its number of ports can then not change)."""
    sp, tp = graph.node_pop[sources], graph.node_pop[targets]
    for pi, sel in _port_spikes(graph, sp, tp).items():
        pop = graph.pop_list[pi]
        pop.arrays["has_connections"][graph.node_local[targets[sel]]] = True


def _check_pair(sspec, tspec, r):
    if isinstance(sspec, RecorderModel) and sspec.kind == "spike":
        raise NESTErrors.IllegalConnection(
            f"Creation of connection is not possible because: {sspec.name} cannot send events.")
    sampler = isinstance(sspec, RecorderModel) and sspec.kind == "sampler"
    if isinstance(tspec, GeneratorModel) and not sampler:  # multimeter -> generator is fine
        raise NESTErrors.IllegalConnection(
            f"Creation of connection is not possible because: {tspec.name} does not accept "
            "incoming connections.")
    if isinstance(tspec, RecorderModel):
        if tspec.kind == "sampler" or isinstance(sspec, RecorderModel):
            raise NESTErrors.IllegalConnection(
                f"Creation of connection is not possible because: {tspec.name} cannot receive "
                "spikes.")
        if isinstance(sspec, GeneratorModel) and sspec.event != "spike":
            raise NESTErrors.IllegalConnection(
                "Creation of connection is not possible because: the recorder does not handle "
                "current events.")
        if r != 0:
            raise NESTErrors.UnknownReceptorType(
                f"Receptor type {r} is not available in {tspec.name}.")
        return
    if getattr(tspec, "check_connection", None) is not None:  # the target's handles_test_event
        tspec.check_connection(sspec, tspec, r)
    if isinstance(sspec, RecorderModel):  # multimeter -> node
        if not getattr(tspec, "recordables", ()):  # neurons, current generators
            raise NESTErrors.IllegalConnection(
                f"Creation of connection is not possible because: {tspec.name} has no "
                "recordables.")
        return
    if isinstance(sspec, NeuronModel) and not sspec.emits_spikes:
        raise NESTErrors.IllegalConnection(f"{sspec.name} does not send spikes.")
    if getattr(sspec, "check_connection", None) is not None:  # the sender's send_test_event
        sspec.check_connection(sspec, tspec, r)
    current = isinstance(sspec, GeneratorModel) and sspec.event == "current"
    if tspec.ports is not None and not current:
        # handles_test_event(SpikeEvent&) of the multisynapse models: ports 1..count;
        # the upper bound is each node's own (_port_checks)
        if r < 1:
            raise _incompatible_port(r, tspec.name)
        return
    table = tspec.current_receptors if current else tspec.spike_receptors
    if r not in table:
        if not table:
            raise NESTErrors.IllegalConnection(
                f"Creation of connection is not possible because: {tspec.name} does not handle "
                f"{'current' if current else 'spike'} events.")
        # handles_test_event of NEST's single-port models: any other port is unknown,
        # even one that exists for the other kind of event (iaf_psc_exp, receptor 1).
        raise NESTErrors.UnknownReceptorType(
            f"Receptor type {r} is not available in {tspec.name}.")


def Connect(pre, post, conn_spec=None, syn_spec=None, return_synapsecollection=False):
    use_arrays, pre, post = _process_input_nodes(pre, post, conn_spec)
    cspec = _process_conn_spec(conn_spec)
    sspec = _process_syn_spec(syn_spec, cspec, len(pre), len(post), use_arrays)
    if use_arrays:
        if return_synapsecollection:
            raise ValueError("SynapseCollection cannot be returned when connecting two arrays of "
                             "node IDs")
        _connect_arrays(pre, post, sspec)
        return None
    if not isinstance(pre, NodeCollection):
        raise TypeError("Not implemented, presynaptic nodes must be a NodeCollection")
    if not isinstance(post, NodeCollection):
        raise TypeError("Not implemented, postsynaptic nodes must be a NodeCollection")
    graph = kernel.graph
    graph.mark_thread_local()
    if len(pre) == 0:
        raise NESTErrors.IllegalConnection("Presynaptic nodes cannot be an empty NodeCollection")
    if len(post) == 0:
        raise NESTErrors.IllegalConnection("Postsynaptic nodes cannot be an empty NodeCollection")
    cspec = dict(cspec)
    cspec.setdefault("rule", "all_to_all")  # PyNEST fills in the rule the dict lacks
    if not isinstance(cspec["rule"], str) or cspec["rule"] not in RULES:
        raise NESTErrors.BadProperty(f"Unknown connectivity rule: {cspec['rule']}")
    sspec = {} if sspec is None else sspec
    model, spec, defaults, own, values, unknown = _synapse(graph, sspec)
    rule_spec = validate_conn_spec(cspec, len(pre), len(post))
    if unknown:
        raise NESTErrors.UnaccessedDictionaryEntry(
            f"Unaccessed elements in syn_spec, in function Connect:  {' '.join(unknown)}")
    if pre._generation != kernel.generation or post._generation != kernel.generation:
        raise NESTErrors.KernelException(
            "InvalidNodeCollection: sources and targets must be valid NodeCollections.")
    rng = kernel.host_rng()
    state = rng.bit_generator.state
    try:
        res = RULES[rule_spec["rule"]](pre._gids, post._gids, rule_spec, rng)
        sources, targets = res.node_ids(pre._gids, post._gids)
        created = _connect(graph, sources, targets, _value_index(rule_spec["rule"], res, len(pre)),
                           model, spec, defaults, own, values, rng, rule=rule_spec["rule"])
        _commit(graph, created)
    except BaseException:
        rng.bit_generator.state = state  # a failed Connect draws nothing
        raise
    if return_synapsecollection:
        return GetConnections(pre, post)
    return None


def _value_index(rule, res, n_pre):
    """Which array entry each connection takes (ArrayDoubleParameter in conn_parameter.h).

    Entries are consumed connection by connection; all_to_all skips the entry
    of a refused autapse, the other rules do not skip. A mirrored connection
    (make_symmetric) takes the entry of the one it mirrors, as NEST resets the
    arrays before connecting the mirror images.
    """
    pre_idx, post_idx = res[0], res[1]
    if rule == "all_to_all":
        return post_idx * n_pre + pre_idx
    n = len(pre_idx)
    if res.reverse is None:
        return np.arange(n)
    forward = ~np.asarray(res.reverse, bool)
    index = np.cumsum(forward) - 1
    if rule == "one_to_one":
        # mirrors follow all originals, in the same order
        mirror = np.nonzero(~forward)[0]
        index[mirror] = np.arange(len(mirror))
    else:
        index[~forward] = index[np.nonzero(~forward)[0] - 1]
    return index


def _connect_arrays(pre, post, sspec):
    """ConnectionManager::connect_arrays: explicit pairs, one value per pair."""
    graph = kernel.graph
    graph.mark_thread_local()
    for gid in np.concatenate([pre, post]):
        if gid <= 0 or gid > graph.network_size:
            raise NESTErrors.UnknownNode(f"Node with id {int(gid)} does not exist.")
    if "weights" in sspec:
        raise ValueError("To specify weights, use 'weight' in syn_spec.")
    if "delays" in sspec:
        raise ValueError("To specify delays, use 'delay' in syn_spec.")
    model = sspec["synapse_model"]
    if model not in graph.synapses:
        raise NESTErrors.UnknownSynapseType(f"Synapse with name {model} does not exist.")
    spec, defaults, _ = graph.synapses[model]
    own = [p.name for p in spec.params]
    for k in sspec:
        if k not in ("weight", "delay", "synapse_model", "receptor_type") and k not in own:
            raise NESTErrors.BadParameter(f"{model} does not have parameter {k}")
    values = {k: _Values(k, np.asarray(v, float).reshape(-1) if np.ndim(v) else v)
              for k, v in sspec.items() if k != "synapse_model"}
    rng = kernel.host_rng()
    state = rng.bit_generator.state
    try:
        created = _connect(graph, np.asarray(pre, np.int64), np.asarray(post, np.int64),
                           np.arange(len(pre)), model, spec, defaults, own, values, rng)
        _commit(graph, created)
    except BaseException:
        rng.bit_generator.state = state
        raise


def set_synapses(rows, params, per_connection=(), groups=None, keys=None):
    """SynapseCollection.set: weights, delays and model parameters, all-or-nothing.

    ``params``: one dict for all rows (keys in ``per_connection`` hold one value
    per row), or ``groups``: [(positions, {key: values per position})]. A key that
    no connection's model has is refused (NEST: unaccessed); a key some models lack
    is set where it exists, as NEST does.
    """
    graph = kernel.graph
    store = graph.connections
    rows = np.asarray(rows, np.int64)
    if groups is None:
        groups = [(np.arange(len(rows)), {k: (v if k in per_connection else _repeat(v, len(rows)))
                                          for k, v in params.items()})]
    syn = store.col("syn")[rows]
    names = graph.synapse_names
    accepts = {}  # key -> bool per position: does this connection's model have the key
    for s_ in np.unique(syn):
        own = {q.name for q in graph.synapses[names[int(s_)]][0].params} | {"weight", "delay"}
        for k in {k for _, vals in groups for k in vals}:
            accepts.setdefault(k, np.zeros(len(rows), bool))[syn == s_] = k in own
    updates: dict[str, tuple[list, list]] = {}
    for pos, vals in groups:
        for k, col in vals.items():
            values = _numbers(k, col)
            ok = accepts[k][pos]
            r, v = updates.setdefault(k, ([], []))
            r.append(rows[pos][ok])
            v.append(values[ok])
    unread = sorted(k for k, (r, _) in updates.items() if not sum(len(x) for x in r))
    if unread:
        raise NESTErrors.UnaccessedDictionaryEntry(
            f"Unaccessed elements in params, in function connection.set():  {' '.join(unread)}")
    updates = {k: (np.concatenate(r), np.concatenate(v)) for k, (r, v) in updates.items()}
    new_extrema = None
    if "delay" in updates:
        steps = check_delays(updates["delay"][1])
        new_extrema = kernel.delays.check(int(steps.min()), int(steps.max()), kernel.simulated,
                                          kernel._frozen_delays, kernel.grid)
        updates["delay"] = (updates["delay"][0], kernel.grid.delay_steps_to_ms(steps))
    for k, (r, v) in updates.items():
        store.set_values(r, k, v)
    if new_extrema is not None:
        kernel.delays.commit(*new_extrema)
        graph.structure_version += 1


def _repeat(v, n):
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return np.full(n, v, dtype=float)
    return [v] * n


def _numbers(key, values):
    """Per-connection values as floats; a double key takes any number (bool included, as
    NEST's dictionary cast does), anything else is NEST's TypeMismatch."""
    arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if arr.dtype != object:
        if arr.dtype.kind in "biuf":
            return arr.astype(float)
        bad = arr.reshape(-1)[0] if arr.size else arr
    else:
        bad = next((v for v in arr if not isinstance(
            v, (bool, int, float, np.bool_, np.integer, np.floating))), None)
        if bad is None:
            return arr.astype(float)
    raise NESTErrors.TypeMismatch(
        f"Expected datatype: Failed to cast '{key}' from {_typename(bad)} to type double.")


def GetConnections(source=None, target=None, synapse_model=None, synapse_label=None):
    if source is not None and not isinstance(source, NodeCollection):
        raise TypeError("source must be NodeCollection.")
    if target is not None and not isinstance(target, NodeCollection):
        raise TypeError("target must be NodeCollection.")
    graph = kernel.graph
    store = graph.connections
    for nc, what in ((source, "source"), (target, "target")):
        if nc is not None and nc._generation != kernel.generation:
            raise NESTErrors.KernelException(f"GetConnection requires valid {what} NodeCollection.")
    mask = store.col("alive").copy()
    if synapse_model is not None:
        if synapse_model not in graph.synapses:
            raise NESTErrors.UnknownSynapseType(
                f"Synapse with name {synapse_model} does not exist.")
        mask &= store.col("syn") == graph.synapse_index(synapse_model)
    if source is not None:
        mask &= np.isin(store.col("source"), source._gids)
    if target is not None:
        mask &= np.isin(store.col("target"), target._gids)
    if synapse_label is not None:
        mask &= (store.col("synapse_label") == synapse_label) if store.has("synapse_label") \
            else np.zeros_like(mask)
    rows = store.listing(np.nonzero(mask)[0], by_source=source is not None,
                         by_target=target is not None)
    return SynapseCollection(rows)


def Disconnect(*args, conn_spec=None, syn_spec=None):
    graph = kernel.graph
    store = graph.connections
    if len(args) == 1:
        sc = args[0]
        if not isinstance(sc, SynapseCollection):
            raise TypeError("Arguments must be either a SynapseCollection or two NodeCollections")
        if conn_spec is not None or syn_spec is not None:
            raise ValueError("When disconnecting with a SynapseCollection, conn_spec and syn_spec "
                             "cannot be specified")
        rows = sc._rows
        graph.mark_thread_local()
        if len(rows) and not np.all(store.col("alive")[rows]):
            raise NESTErrors.InexistentConnection(
                "Deletion of connection is not possible because it does not exist.")
        store.remove(rows)
        graph.structure_version += 1
        return
    if len(args) != 2:
        raise TypeError("Arguments must be either a SynapseCollection or two NodeCollections")
    conn_spec = "one_to_one" if conn_spec is None else conn_spec
    syn_spec = "static_synapse" if syn_spec is None else syn_spec
    if isinstance(conn_spec, str):
        conn_spec = {"rule": conn_spec}
    if isinstance(syn_spec, str):
        syn_spec = {"synapse_model": syn_spec}
    pre, post = args
    if not isinstance(pre, NodeCollection) or not isinstance(post, NodeCollection):
        raise TypeError("Arguments must be either a SynapseCollection or two NodeCollections")
    graph.mark_thread_local()
    conn_spec = dict(conn_spec)
    conn_spec.setdefault("rule", "all_to_all")
    rule = conn_spec["rule"]
    if rule not in RULES:
        raise NESTErrors.BadProperty(f"Unknown connectivity rule: {rule}")
    model = syn_spec.get("synapse_model", "static_synapse")
    if model not in graph.synapses:
        raise NESTErrors.UnknownSynapseType(f"Synapse with name {model} does not exist.")
    extra = [k for k in syn_spec if k != "synapse_model"]
    if extra:
        raise NESTErrors.UnaccessedDictionaryEntry(
            f"Unaccessed elements in syn_spec, in function Disconnect:  {' '.join(extra)}")
    validate_conn_spec(conn_spec, len(pre), len(post))
    if rule == "one_to_one":
        pairs = list(zip(pre._gids.tolist(), post._gids.tolist()))
    elif rule == "all_to_all":
        pairs = [(s, t) for t in post._gids.tolist() for s in pre._gids.tolist()]
    else:
        raise NESTErrors.NotImplemented("This disconnection rule is not implemented.")
    syn_index = graph.synapse_index(model)
    # find_connection: the first live connection s -> t of the model, in listing order
    cand = store.listing(np.nonzero(store.col("alive") & (store.col("syn") == syn_index)
                                    & (store.col("kind") == NEURON))[0])
    first = {}
    for r, s, t in zip(cand, store.col("source")[cand], store.col("target")[cand]):
        first.setdefault((int(s), int(t)), []).append(int(r))
    rows = []
    for s, t in pairs:
        hits = first.get((s, t))
        if not hits:
            raise NESTErrors.InexistentConnection(
                "Deletion of connection is not possible because it does not exist.")
        rows.append(hits.pop(0))
    store.remove(np.asarray(rows, np.int64))
    graph.structure_version += 1
