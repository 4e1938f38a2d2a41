"""Connections made, set and removed: ConnectionManager's operations on the graph.

Each checks everything (NEST's legality rules: legality.py) before it changes
anything: a failed Connect creates no connection, draws no random number and
moves no delay extremum, unlike NEST's. Each then marks what the next run must
rebuild (the structure version) and moves the delay extrema.
"""

from __future__ import annotations

import copy

import numpy as np

from ..connect.rules import RULES, validate_conn_spec
from ..errors import NESTErrors
from ..spatial.connect import connect_layers
from . import archives, legality, ports
from .conn_parameter import ConnParameter, typename as _typename
from .connections import FROM_DEVICE, NEURON, TO_DEVICE

# Keys a syn_spec may carry besides the synapse model's own parameters.
_SYN_GENERIC = ("weight", "delay", "receptor_type")


def _synapse(graph, syn_spec):
    model = syn_spec.get("synapse_model", "static_synapse")
    if model not in graph.synapses:
        raise NESTErrors.UnknownSynapseType(f"Synapse with name {model} does not exist.")
    spec, defaults, _ = graph.synapses[model]
    common = [p.name for p in spec.common] + (["weight"] if spec.weight_common else []) \
        + (["volume_transmitter"] if spec.on_trigger is not None else [])
    for k in syn_spec:
        if k in common:
            raise NESTErrors.NotImplemented(
                f'Synapse parameter "{k}" can only be set via SetDefaults() or CopyModel().')
    own = [p.name for p in spec.params]
    unknown = [k for k in syn_spec if k not in _SYN_GENERIC and k not in own
               and k != "synapse_model"]
    values = {k: ConnParameter(k, syn_spec[k]) for k in syn_spec if k in _SYN_GENERIC or k in own}
    for p in spec.params:  # a long or bool key takes no other scalar (NEST's cast)
        if p.name in values and values[p.name].kind == "scalar":
            _typed(p.name, [values[p.name].value], p.dtype)
    return model, spec, defaults, own, values, unknown




def _connect(kernel, sources, targets, value_index, model, spec, defaults, own, values, rng,
             rule=None, ctx=None, pops=(None, None)):
    """Create connections (source, target) with syn_spec values; all checks before any change.
    ``pops``: the ends' populations where the caller knows them (read-only arrays)."""
    n = len(sources)
    if n == 0:
        return
    graph = kernel.graph
    # node -> population once for both ends (each a gather over all new connections)
    sp, tp = (graph.node_pop[ids] if p is None else p for p, ids in zip(pops, (sources, targets)))
    is_neuron = legality.neuron_pops(graph)
    tgt_px = is_neuron[tp]
    if rule not in legality.RULES_TO_DEVICES and not legality.proxy_pops(graph)[tp].all():
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because:\nCannot use this rule to connect "
            "to nodes without proxies (usually devices).")
    legality.single_synapse_type(graph, sources, graph.synapse_index(model), sp)
    if spec.on_trigger is not None:
        legality.neuromodulated_syn_spec(values, int(kernel.status["local_num_threads"]))
    # A value not given per connection is one value (0-d) for all of them: the connection
    # table's chunk broadcasts it, and no column of millions is built only to be copied.
    weight = values["weight"].draw(value_index, rng, ctx) if "weight" in values else \
        np.float64(defaults["weight"])
    if "delay" in values:
        delay = values["delay"].draw(value_index, rng, ctx)
    else:
        delay = np.full(1, float(defaults["delay"]))
    receptor = values["receptor_type"].draw(value_index, rng, ctx) if "receptor_type" in values else \
        np.asarray(defaults["receptor_type"])
    if np.any(receptor != np.round(receptor)):
        raise NESTErrors.TypeMismatch("Expected datatype: receptor_type must be an integer")
    receptor = receptor.astype(np.int64)
    extra = {k: (values[k].draw(value_index, rng, ctx) if k in values else np.float64(defaults[k]))
             for k in own}
    extra.update({h.name: np.float64(h.initial) for h in spec.hidden})
    # connect_ checks the archive of neuron -> neuron connections only; from a device
    # (connect_from_device_) the source's test event refuses first (plastic_sources)
    if spec.post in archives.KINDS:
        archives.check_targets(graph, spec, tp[is_neuron[sp]])
    # ConnectorModel::add_connection calls the connection's set_status (its checks, and
    # what it writes into hidden state) only with keys beyond weight and delay
    if any(k not in ("weight", "delay") for k in values):
        _check_values(spec, defaults, dict(extra, weight=weight))
        if spec.set_hidden is not None:
            extra.update(spec.set_hidden(dict(extra, weight=weight)))
    elif spec.set_hidden is not None:  # as the model's default connection has it
        extra.update(spec.set_hidden({"weight": np.float64(defaults["weight"])}))
    if spec.on_trigger is not None:
        legality.neuromodulated(graph, defaults, sp, tp)
    if spec.continuous_delay:
        # NEST copies the model's default connection, offset included, and then sets a
        # syn_spec delay in whole steps (cont_delay_synapse_impl.h: check_synapse_params)
        d_steps, d_off = kernel.grid.continuous_delay(float(defaults["delay"]))
        extra["delay_offset"] = np.float64(d_off)
        if "delay" not in values:
            kernel.check_delays(int(d_steps), int(d_steps))
            delay = None
    if spec.has_delay and delay is None:
        steps = np.broadcast_to(np.int64(d_steps), (n,))
        delay_ms = kernel.grid.delay_steps_to_ms(steps[:1])[0]
    elif spec.has_delay:
        if len(delay) == 1 or (delay[0] == delay[-1] and np.all(delay == delay[0])):
            steps = np.broadcast_to(_delay_steps(kernel, delay[:1]), (n,))  # one delay for all
            delay_ms = kernel.grid.delay_steps_to_ms(steps[:1])[0]
        else:  # only the extrema of the steps are kept, for the commit
            delay_ms, lo, hi = kernel.grid.delays_on_grid(np.asarray(delay, float))
            kernel.check_delays(lo, hi)
            steps = np.array([lo, hi], np.int64)
    else:
        steps = None
        delay_ms = delay if len(delay) == n else np.broadcast_to(delay, (n,))
    src_px = is_neuron[sp]
    if src_px.all() and tgt_px.all():
        kind = NEURON  # the common case, for every connection
    else:
        kind = np.where(src_px, np.where(tgt_px, NEURON, TO_DEVICE), FROM_DEVICE).astype(np.int8)
    legality.plastic_sources(graph, spec, sp)
    legality.endpoint_checks(graph, sources, targets, receptor, pops=(sp, tp))
    legality.archive_readers(spec, tgt_px)
    if spec.variant == "hpc" and (np.any(ports.rport_of(graph, sp, tp, receptor) != 0)
                                  or legality.from_sampler(graph, sp)):  # rport: logger no.
        # TargetIdentifierIndex::set_rport
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because:\nOnly rport==0 allowed for HPC "
            "synapses. Use normal synapse models instead. See Kunkel et al, Front Neuroinform "
            "8:78 (2014), Sec 3.3.2.")
    receptor = legality.logger_ports(graph, sources, targets, receptor)
    receptor = legality.connection_ports(graph, sources, targets, receptor)
    tdev = False if tgt_px.all() else ~tgt_px
    return dict(source=sources, target=targets, syn=graph.synapse_index(model), weight=weight,
                delay=delay_ms, receptor=receptor, extra=extra, kind=kind, tdev=tdev), steps



def _check_values(spec, defaults, values):
    """The model's set_status checks on per-connection values (merged with the common
    ones): NEST's BadProperty."""
    if spec.check is None:
        return
    merged = {k: np.asarray(defaults[k], float) for k in spec.default_params()}
    merged.update({k: np.asarray(v, float) for k, v in values.items()})
    merged.setdefault("weight", np.asarray(defaults["weight"], float))
    msg = spec.check(merged)
    if msg:
        raise NESTErrors.BadProperty(msg)


def _first_refused(spec, defaults, values):
    """(index, message) of the first connection whose values the model refuses, or None;
    found by bisection over prefixes, as a refusal of a prefix is one of its rows'."""
    def msg(lo, hi):
        try:
            _check_values(spec, defaults, {k: v[lo:hi] for k, v in values.items()})
        except NESTErrors.BadProperty as e:
            return str(e)
        return None

    n = len(values["weight"])
    if n == 0 or msg(0, n) is None:
        return None
    lo, hi = 0, n  # the prefix [:hi] is refused, [:lo] is not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if msg(0, mid) is None:
            lo = mid
        else:
            hi = mid
    return hi - 1, msg(hi - 1, hi)


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



def set_synapses(kernel, rows, params, per_connection=(), groups=None, keys=None):
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
    dtypes = {}  # key -> its declared type (long and bool keys take no other values)
    for s_ in np.unique(syn):
        spec = graph.synapses[names[int(s_)]][0]
        dtypes.update({q.name: q.dtype for q in spec.params})
        own = {q.name for q in spec.params} | {"delay"} | (set() if spec.weight_common
                                                           else {"weight"})
        for k in {k for _, vals in groups for k in vals}:
            accepts.setdefault(k, np.zeros(len(rows), bool))[syn == s_] = k in own
    updates: dict[str, tuple[list, list]] = {}
    for pos, vals in groups:
        for k, col in vals.items():
            values = _numbers(k, _typed(k, col, dtypes.get(k)))
            ok = accepts[k][pos]
            r, v = updates.setdefault(k, ([], []))
            r.append(rows[pos][ok])
            v.append(values[ok])
    unread = sorted(k for k, (r, _) in updates.items() if not sum(len(x) for x in r))
    if unread:
        raise NESTErrors.UnaccessedDictionaryEntry(
            f"Unaccessed elements in params, in function connection.set():  {' '.join(unread)}")
    updates = {k: (np.concatenate(r), np.concatenate(v)) for k, (r, v) in updates.items()}
    refused = []  # (position in rows, model, message) of each model's first refused row
    for s_ in np.unique(syn):
        spec = graph.synapses[names[int(s_)]][0]
        if spec.check is None:
            continue
        pos = np.nonzero(syn == s_)[0]
        sel = rows[pos]
        vals = {k: store.col(k)[sel].astype(float).copy()
                for k in ("weight",) + tuple(p.name for p in spec.params)}
        for k, (r, v) in updates.items():
            if k in vals:
                hit = np.isin(sel, r)
                order = np.argsort(r, kind="stable")
                vals[k][hit] = v[order][np.searchsorted(r[order], sel[hit])]
        first = _first_refused(spec, graph.synapses[names[int(s_)]][1], vals)
        if first is not None:
            refused.append((pos[first[0]], names[int(s_)], first[1]))
    if refused:
        # NEST sets connection by connection and names the first it refuses
        # (ConnectionManager::set_synapse_status); here nothing has been set
        at, model, msg = min(refused)
        r = rows[at:at + 1]
        raise NESTErrors.BadProperty(
            f"Setting status of '{model}' connecting from node ID {int(store.col('source')[r][0])}"
            f" to node ID {int(store.col('target')[r][0])} via port {int(store.ports(r)[0])}: {msg}")
    new_extrema = None
    if "delay" in updates:
        r, v = updates["delay"]
        cont = np.isin(store.col("syn")[r], [graph.synapse_index(m) for m in names.values()
                                             if graph.synapses[m][0].continuous_delay])
        if cont.any():
            steps, lowest, offset = continuous_steps(kernel, v, cont)
            updates["delay_offset"] = (r[cont], offset[cont])
        else:
            steps = lowest = _delay_steps(kernel, v)
        new_extrema = kernel.check_delays(int(lowest.min()), int(steps.max()))
        updates["delay"] = (r, kernel.grid.delay_steps_to_ms(steps))
    for k, (r, v) in updates.items():
        store.set_values(r, k, v)
    for s_ in np.unique(syn):
        spec = graph.synapses[names[int(s_)]][0]
        if spec.set_hidden is not None:  # every set_status of such a connection writes it
            sel = rows[syn == s_]
            for k, v in spec.set_hidden({"weight": store.col("weight")[sel]}).items():
                store.set_values(sel, k, np.asarray(v, float))
    if new_extrema is not None:
        kernel.delays.commit(*new_extrema)
        graph.structure_version += 1  # delays decide the ring buffers' length


def _repeat(v, n):
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return np.full(n, v)  # in its own type: a long key refuses a double
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


def _typed(key, values, dtype):
    """Values of a long or bool key as NEST's dictionary casts them: a long takes
    integers only, a bool only bools; else NEST's TypeMismatch."""
    if dtype not in ("int", "bool"):
        return values
    for v in np.asarray(values, dtype=object).reshape(-1):
        is_bool = isinstance(v, (bool, np.bool_))
        if dtype == "int" and (is_bool or not isinstance(v, (int, np.integer))):
            given = "bool" if is_bool else "double" if isinstance(v, (float, np.floating)) \
                else _typename(v)
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{key}' from {given} to type long")
        if dtype == "bool" and not is_bool:
            given = "long" if isinstance(v, (int, np.integer)) else \
                "double" if isinstance(v, (float, np.floating)) else _typename(v)
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{key}' from {given} to type bool")
    return values


def connect(kernel, pre, post, conn_spec, syn_spec, valid=True):
    """ConnectionManager::connect: pre and post node ids (NodeCollections' order);
    ``valid``: both collections belong to this kernel (not made before a ResetKernel).

    ``syn_spec``: one dict, or a list of dicts (CollocatedSynapses): then each pair the
    rule draws gets one connection per dict, one after the other, as NEST makes them.
    """
    graph = kernel.graph
    graph.mark_thread_local()
    if len(pre) == 0:
        raise NESTErrors.IllegalConnection("Presynaptic nodes cannot be an empty NodeCollection")
    if len(post) == 0:
        raise NESTErrors.IllegalConnection("Postsynaptic nodes cannot be an empty NodeCollection")
    if not isinstance(conn_spec["rule"], str) or conn_spec["rule"] not in RULES:
        raise NESTErrors.BadProperty(f"Unknown connectivity rule: {conn_spec['rule']}")
    synapses = [_synapse(graph, s) for s in (syn_spec if isinstance(syn_spec, list) else [syn_spec])]
    rule_spec = validate_conn_spec(conn_spec, len(pre), len(post))
    for *_, unknown in synapses:
        if unknown:
            raise NESTErrors.UnaccessedDictionaryEntry(
                f"Unaccessed elements in syn_spec, in function Connect:  {' '.join(unknown)}")
    if not valid:
        raise NESTErrors.KernelException(
            "InvalidNodeCollection: sources and targets must be valid NodeCollections.")
    if not synapses:
        return  # an empty CollocatedSynapses: NEST makes nothing
    rng = kernel.host_rng()
    state = rng.bit_generator.state
    # One synapse: every check comes before the commit. Several: each is checked against
    # the ones committed before it (a device's single synapse type, a multimeter once per
    # node), so a refusal must take those back.
    undo = _undo_point(kernel) if len(synapses) > 1 else None
    try:
        res = RULES[rule_spec["rule"]](pre, post, rule_spec, rng)
        sources, targets = res.node_ids(pre, post)
        index = _value_index(rule_spec["rule"], res, len(pre))
        first_row = len(graph.connections)
        for model, spec, defaults, own, values, _ in synapses:
            _commit(kernel, _connect(kernel, sources, targets, index, model, spec, defaults, own,
                                     values, rng, rule=rule_spec["rule"]))
        if len(synapses) > 1:
            graph.connections.interleave(first_row, len(synapses))
    except BaseException:
        rng.bit_generator.state = state  # a failed Connect draws nothing
        if undo is not None:
            undo()
        raise


def connect_spatial(kernel, pre, post, pre_layer, post_layer, conn_spec, syn_spec):
    """ConnectionCreator (connect_layers): a spatial rule between two layers' nodes; values
    of the syn_spec drawn with each connection's positions. All or nothing, as connect."""
    graph = kernel.graph
    graph.mark_thread_local()
    synapses = [_synapse(graph, s) for s in (syn_spec if isinstance(syn_spec, list) else [syn_spec])]
    for *_, unknown in synapses:
        if unknown:
            raise NESTErrors.UnaccessedDictionaryEntry(
                f"Unaccessed elements in synapse_specs, in function ConnectionCreator:  {' '.join(unknown)}")
    rng = kernel.host_rng()
    state = rng.bit_generator.state
    undo = _undo_point(kernel) if len(synapses) > 1 else None
    try:
        sources, targets, ctx = connect_layers(np.asarray(pre, np.int64), np.asarray(post, np.int64),
                                               pre_layer, post_layer, conn_spec, rng)
        index = range(len(sources))  # values take entries one by one: only arrays read it
        # a layer of one model: its population without a gather over the connections
        pops = [np.broadcast_to(p[0], (len(sources),)) if len(p) and np.all(p == p[0]) else None
                for p in (graph.node_pop[np.asarray(pre)], graph.node_pop[np.asarray(post)])]
        first_row = len(graph.connections)
        rule = conn_spec["rule"]
        if rule == "pairwise_poisson" or (rule == "pairwise_bernoulli" and conn_spec.get("use_on_source")):
            rule = "spatial_on_source"
        for model, spec, defaults, own, values, _ in synapses:
            _commit(kernel, _connect(kernel, sources, targets, index, model, spec, defaults, own,
                                     values, rng, rule=rule, ctx=ctx, pops=pops))
        if len(synapses) > 1:
            graph.connections.interleave(first_row, len(synapses))
    except BaseException:
        rng.bit_generator.state = state
        if undo is not None:
            undo()
        raise


def _undo_point(kernel):
    """What committing connections changes besides the new rows; the function that puts
    it back."""
    graph = kernel.graph
    rows, delays, version = len(graph.connections), copy.copy(kernel.delays), graph.structure_version
    flags = [(pop, pop.arrays["has_connections"].copy()) for pop in graph.pop_list
             if "has_connections" in pop.arrays]

    def undo():
        graph.connections.truncate(rows)
        kernel.delays = delays
        graph.structure_version = version
        for pop, saved in flags:
            pop.arrays["has_connections"][:] = saved

    return undo


def connect_arrays(kernel, pre, post, syn_spec):
    """ConnectionManager::connect_arrays: explicit pairs, one value per pair."""
    graph = kernel.graph
    graph.mark_thread_local()
    ids = np.concatenate([pre, post])
    bad = (ids <= 0) | (ids > graph.network_size)  # one test per pair was 1.2 s per 3.75 M
    if bad.any():
        raise NESTErrors.UnknownNode(f"Node with id {int(ids[np.argmax(bad)])} does not exist.")
    if "weights" in syn_spec:
        raise ValueError("To specify weights, use 'weight' in syn_spec.")
    if "delays" in syn_spec:
        raise ValueError("To specify delays, use 'delay' in syn_spec.")
    model = syn_spec["synapse_model"]
    if model not in graph.synapses:
        raise NESTErrors.UnknownSynapseType(f"Synapse with name {model} does not exist.")
    spec, defaults, _ = graph.synapses[model]
    own = [p.name for p in spec.params]
    for k in syn_spec:
        if k not in ("weight", "delay", "synapse_model", "receptor_type") and k not in own:
            raise NESTErrors.BadParameter(f"{model} does not have parameter {k}")
    values = {k: ConnParameter(k, np.asarray(v, float).reshape(-1) if np.ndim(v) else v)
              for k, v in syn_spec.items() if k != "synapse_model"}
    rng = kernel.host_rng()
    state = rng.bit_generator.state
    try:
        created = _connect(kernel, np.asarray(pre, np.int64), np.asarray(post, np.int64),
                           np.arange(len(pre)), model, spec, defaults, own, values, rng)
        _commit(kernel, created)
    except BaseException:
        rng.bit_generator.state = state
        raise


def _commit(kernel, created):
    if created is None:
        return
    graph = kernel.graph
    cols, steps = created
    graph.connections.add(**cols)
    legality.mark_port_connections(graph, cols["source"], cols["target"])
    legality.count_connection_ports(graph, cols["target"], cols["receptor"])
    if steps is not None and len(steps):
        kernel.delays.commit(*kernel.check_delays(int(steps.min()), int(steps.max())))
    graph.structure_version += 1


def continuous_steps(kernel, delay, cont, freeze=False):
    """Delays of which those at ``cont`` may lie between steps: (steps, lowest step each
    makes valid, offset). An off-grid delay checks the step below it too, as NEST's
    DelayChecker::assert_two_valid_delays_steps."""
    grid = kernel.grid
    c_steps, c_off = grid.continuous_delay(delay)
    steps = np.where(cont, c_steps, grid.delay_to_steps(delay))
    offset = np.where(cont, c_off, 0.0)
    lowest = np.where(offset > 0, steps - 1, steps)
    if len(steps):
        kernel.check_delays(int(lowest.min()), int(steps.max()), freeze=freeze)
    return steps, lowest, offset


def _delay_steps(kernel, delay):
    """Delays in ms -> whole steps (Time::delay_ms_to_steps), checked as NEST's DelayChecker."""
    steps = kernel.grid.delay_to_steps(np.asarray(delay, float))
    if len(steps):
        kernel.check_delays(int(steps.min()), int(steps.max()))
    return steps


def disconnect_rows(kernel, rows):
    """Disconnect(SynapseCollection): remove these connections, all of them alive."""
    graph = kernel.graph
    store = graph.connections
    graph.mark_thread_local()
    if len(rows) and not np.all(store.col("alive")[rows]):
        raise NESTErrors.InexistentConnection(
            "Deletion of connection is not possible because it does not exist.")
    store.remove(rows)
    graph.structure_version += 1


def disconnect(kernel, pre, post, conn_spec, syn_spec):
    """ConnectionManager::disconnect: for each pair of the rule, the first live connection
    of the synapse model, in listing order; all of them found before any is removed."""
    graph = kernel.graph
    store = graph.connections
    graph.mark_thread_local()
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
        pairs = list(zip(pre.tolist(), post.tolist()))
    elif rule == "all_to_all":
        pairs = [(s, t) for t in post.tolist() for s in pre.tolist()]
    else:
        raise NESTErrors.NotImplemented("This disconnection rule is not implemented.")
    syn_index = graph.synapse_index(model)
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
