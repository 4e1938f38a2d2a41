"""What a step records, and from the program's per-step outputs to each recorder's events.

``RecordingPlan`` (built at Prepare) says which spikes and recordables leave the
compiled step, for which recorders; ``collect`` turns a chunk's outputs into events.

RecordingDevice::is_active (nestkernel/recording_device.cpp): an event with
stamp ``s`` (steps) is recorded when ``t_min < s <= t_max``, where
``t_min = steps(origin + start)`` and ``t_max = steps(origin + stop)``.
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
import numpy as np

from .._brainunit import u
from ..models._spec import NeuronModel, RecorderModel
from . import ports


class RecordingPlan:
    """Which spikes and recordables leave each step, for which recorders."""

    def __init__(self, graph, plans):
        self.spiking: dict[str, np.ndarray] = {}  # pop -> recorded local indices
        # per_target generators: one train per recorder connection, so their entries in
        # `spiking` are a device's local index per connection (repeats allowed), and
        # trains[pop][recorder gid] the columns of that recorder's connections
        self.trains: dict[str, dict[int, np.ndarray]] = {}
        self.sampled: dict[str, dict] = {}  # pop -> {"vars": [...], "local": array}
        self.recorders: list[dict] = []
        conns = graph.connections
        rows = np.nonzero(conns.col("alive"))[0]
        src_g, tgt_g = conns.col("source")[rows], conns.col("target")[rows]
        is_rec_pop = np.array([isinstance(p.spec, RecorderModel) for p in graph.pop_list] + [False], bool)
        is_rec_t = is_rec_pop[graph.node_pop[tgt_g]]
        is_rec_s = is_rec_pop[graph.node_pop[src_g]]
        spk = {}
        smp = {}
        for s, t in zip(src_g[is_rec_t], tgt_g[is_rec_t]):  # x -> spike_recorder
            links = spk.setdefault(int(t), {})
            links[int(s)] = links.get(int(s), 0) + 1  # each connection delivers the spike
        for s, t in zip(src_g[is_rec_s], tgt_g[is_rec_s]):  # multimeter -> x
            smp.setdefault(int(s), {})[int(t)] = None  # in connection order, as NEST replies
        rows_in = rows[is_rec_t]
        for rec, links in spk.items():
            sources = np.array(sorted(links))
            self._add_spiking(graph, plans, rec, sources, np.array([links[s] for s in sources.tolist()]))
            if graph.pop_list[graph.node_pop[rec]].spec.handle is not None:
                self.recorders[-1].update(kind="handled", rows=rows_in[tgt_g[is_rec_t] == rec])
        for rec, targets in smp.items():
            self._add_sampler(graph, plans, rec, np.array(list(targets), np.int64))
        self.width = sum(len(v) for v in self.spiking.values()) + sum(
            len(v["vars"]) * len(v["local"]) for v in self.sampled.values())

    def _add_spiking(self, graph, plans, rec, sources, copies):
        # the grouping by population, kept for every chunk (it holds while the program does)
        groups = list(graph.group_by_population(sources))
        for pop, pos, loc in groups:
            if pop.spec.name not in plans:
                continue
            prev = self.spiking.get(pop.spec.name, np.zeros(0, np.int64))
            if getattr(pop.spec, "per_target", False):  # a recorder is one more target
                entries = np.repeat(loc, copies[pos])
                self.trains.setdefault(pop.spec.name, {})[int(rec)] = len(prev) + np.arange(len(entries))
                self.spiking[pop.spec.name] = np.concatenate([prev, entries])
            else:
                self.spiking[pop.spec.name] = np.union1d(prev, loc)
        self.recorders.append({"gid": rec, "kind": "spike", "sources": sources, "copies": copies,
                               "groups": groups})

    def _add_sampler(self, graph, plans, rec, targets):
        rpop = graph.pop_list[graph.node_pop[rec]]
        record_from = list(rpop.host["record_from"][graph.node_local[rec]])
        groups = list(graph.group_by_population(targets))
        for pop, pos, loc in groups:
            if pop.spec.name not in plans or not record_from:  # nothing to sample
                continue
            cur = self.sampled.setdefault(pop.spec.name, {"vars": [], "local": np.zeros(0, np.int64)})
            for v in record_from:
                if v not in cur["vars"]:
                    cur["vars"].append(v)
            cur["local"] = np.union1d(cur["local"], loc)
        self.recorders.append({"gid": rec, "kind": "sampler", "targets": targets,
                               "record_from": record_from, "groups": groups})

    def empty(self, T, plans, params, zeros=jnp.zeros):
        """The chunk's outputs, zeroed; offsets for the recorded populations whose spikes
        carry them (NEST's is_off_grid): per node and step one, or a generator's lanes.
        ``zeros(shape, dtype)``: jnp.zeros in a trace, device_put numpy zeros on the host."""
        specs = {plan.name: plan.spec for plan in plans}
        off_grid = {name: params[name]["lanes"].shape[1:] if "lanes" in params[name] else ()
                    for name in self.spiking if getattr(specs.get(name), "off_grid", False)}
        return StepOutputs(
            spikes={name: zeros((T, len(loc)), jnp.int32) for name, loc in self.spiking.items()},
            samples={name: zeros((T, len(v["vars"]), len(v["local"])), jnp.float64)
                     for name, v in self.sampled.items()},
            offsets={name: zeros((T,) + tuple(lanes) + (len(self.spiking[name]),), jnp.float64)
                     for name, lanes in off_grid.items()})

    def write(self, out, i, emitted, samples):
        """Row i of the outputs: ``emitted`` (kernel/delivery.Emitted by population),
        ``samples`` (``sample``'s by population)."""
        spikes, offsets, sampled = dict(out.spikes), dict(out.offsets), dict(out.samples)
        for name, loc in self.spiking.items():
            e = emitted[name]  # a per_target generator's `recorded`: by train already
            counts = e.count[loc] if e.recorded is None else e.recorded
            spikes[name] = spikes[name].at[i].set(counts.astype(jnp.int32))
        for name in offsets:
            off = emitted[name].offset
            offsets[name] = offsets[name].at[i].set(
                off if name in self.trains else off[..., self.spiking[name]])
        for name in self.sampled:
            sampled[name] = sampled[name].at[i].set(samples[name])
        return StepOutputs(spikes, sampled, offsets)

    def sample(self, plan, p, s):
        """The recordables of a population's sampled nodes after the step, (vars, nodes)."""
        need = self.sampled.get(plan.name)
        if not need:
            return None
        record = getattr(plan.spec, "record", None)
        vals = record(p, s) if record else {}
        cols = []
        for var in need["vars"]:
            v = vals.get(var, s.get(var))
            decl = {d.name: d for d in plan.spec.state}.get(var)
            if decl is not None and decl.offset and var not in vals:
                v = v + p[decl.offset]
            if isinstance(v, u.Quantity):
                v = v.to_decimal(v.unit)
            cols.append(jnp.asarray(v, jnp.float64)[need["local"]])
        return jnp.stack(cols)


class StepOutputs(NamedTuple):
    """What leaves the compiled chunk, one row per step, by population: spike counts
    of recorded nodes, samples (steps, vars, nodes), off-grid senders' spike offsets."""

    spikes: dict
    samples: dict
    offsets: dict


class EventStore:
    """Events per recorder gid, appended chunk by chunk."""

    def __init__(self):
        self._parts: dict[int, list[dict]] = {}
        self._pending: dict[int, list[dict]] = {}  # samples not yet handed to their recorder
        self._written: dict[int, int] = {}  # events a file/screen backend took
        self._held: dict[int, int] = {}  # events in _parts (counted once, not per Simulate)
        # events on their way to a device that receives them a slice later (_handled_events)
        self.deferred: dict[int, list] = {}
        self.sink = None  # sink(gid, events) -> True to keep them in memory

    def hold(self, gid: int, events: dict, slices: np.ndarray):
        self._pending.setdefault(gid, []).append({**events, "_slice": slices})

    def release(self, before_slice: int, finish=None):
        """Hand samples of slices < before_slice to their recorders.

        NEST's multimeter receives a slice's samples in the following slice
        (DataLoggingRequest/Reply), sorted by sender within the slice;
        ``finish(gid, events)`` then filters and converts them as the recorder
        does when it handles them (multimeter::handle).
        """
        for gid, parts in list(self._pending.items()):
            if not parts:
                continue
            ev = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
            now = ev["_slice"] < before_slice
            if np.any(now):
                sel = {k: v[now] for k, v in ev.items()}
                order = np.lexsort((sel["_stamps"], sel["_rank"], sel["_slice"]))
                sel = {k: v[order] for k, v in sel.items() if k not in ("_slice", "_rank")}
                self.append(gid, finish(gid, sel) if finish else sel)
            rest = {k: v[~now] for k, v in ev.items()}
            self._pending[gid] = [rest] if len(rest["_slice"]) else []

    def append(self, gid: int, events: dict):
        n = len(next(iter(events.values())))
        if not n:
            return
        if self.sink is None or self.sink(gid, events):
            self._parts.setdefault(gid, []).append(events)
            self._held[gid] = self._held.get(gid, 0) + n
        else:
            self._written[gid] = self._written.get(gid, 0) + n

    def get(self, gid: int, keys=("senders", "times")) -> dict:
        parts = self._parts.get(gid, [])
        if not parts:
            return {k: np.zeros(0, np.int64 if k == "senders" else float) for k in keys}
        names = parts[0].keys()
        whole = (parts[0] if len(parts) == 1
                 else {k: np.concatenate([p[k] for p in parts]) for k in names})
        # one part from now on: a script reading events after each of many short
        # Simulate calls would otherwise join every earlier part again each time
        self._parts[gid] = [whole]
        return {k: v.copy() for k, v in whole.items()}

    def count(self, gid: int) -> int:
        return self._held.get(gid, 0) + self._written.get(gid, 0)

    def clear(self, gid: int):
        self._parts.pop(gid, None)
        self._held.pop(gid, None)
        self._pending.pop(gid, None)
        self._written.pop(gid, None)


def _recorder_window(graph, grid, gid):
    pop = graph.pop_list[graph.node_pop[gid]]
    li = graph.node_local[gid]
    a = pop.arrays

    def steps(ms):
        return grid.steps_scalar(min(float(ms), 1e15))
    t_min = steps(a["origin"][li] + a["start"][li])
    t_max = steps(a["origin"][li] + a["stop"][li])
    return pop, li, t_min, t_max


def _times(pop, li, grid, stamps, offsets=None):
    """RecordingBackendMemory: steps and offsets, or ms (stamp minus offset)."""
    off = np.zeros(len(stamps)) if offsets is None else offsets
    if pop.arrays["time_in_steps"][li]:
        return {"times": stamps.astype(np.int64), "offsets": off}
    return {"times": grid.steps_to_ms(stamps).astype(float) - off}


def host_view(x):
    """A device array's memory as a numpy array (read-only), without a copy on the CPU.
    np.asarray keeps no reference in the device array (jaxlib caches only a copy), so once
    the view is gone the next call writes into the same buffer (Program.run donates it);
    a view still held makes that call copy the buffer, never change the view. DLPack
    (np.from_dlpack) gives the same view at 15-20 us more per array."""
    return np.asarray(x)


def collect(kernel, prog, out, n0: int, k: int):
    graph, grid = kernel.graph, kernel.grid
    plan = prog.recording
    # to the host first, then cut: slicing the device array by a new length compiles.
    # Views (host_view): once they are gone, the next call can write into these buffers
    # (Program.run donates them); a view kept longer only makes that call copy them.
    host = StepOutputs(*({name: host_view(v)[:k] for name, v in part.items()} for part in out))
    stamps_all = None
    md = kernel.min_delay_steps()
    for rec in plan.recorders:
        gid = rec["gid"]
        pop = graph.pop_list[graph.node_pop[gid]]
        li = graph.node_local[gid]
        if pop.frozen[li]:
            continue
        if rec["kind"] == "handled":
            _handled_events(kernel, plan, host, rec, n0, k, md, pop, li,
                            *_recorder_window(graph, grid, gid)[2:])
            continue
        if rec["kind"] == "spike":
            ev = _spike_events(kernel, plan, host, rec, n0, graph, grid, gid, md)
            if ev is None:
                continue
            stamps, senders, offsets = ev
            events = {"senders": senders, **_times(pop, li, grid, stamps, offsets)}
        else:
            if stamps_all is None:
                stamps_all = np.arange(n0 + 1, n0 + k + 1)
            events = _samples(graph, grid, plan, host, rec, pop, li, stamps_all)
            if events is not None:
                kernel.events.hold(gid, events, (events["_stamps"] - 1) // md)
            continue
        kernel.events.append(gid, events)


def weight_events(kernel, prog, weights):
    """A chunk's events through connections of models with a weight recorder
    (weight_recorder::handle): sender, target, stamp, weight, receptor and port of each
    event sent, in NEST's order (by stamp, then sender, then synapse model and
    connection), filtered by the recorder's window and its senders/targets."""
    from . import table_reads
    graph, grid = kernel.graph, kernel.grid
    store = graph.connections
    by_rec: dict = {}
    for key, (stamps, places, w) in weights.items():
        proj = next(p for p in prog.plastic if p.key == key)
        rows = table_reads.connection_rows(prog.layout.host_arrays[key])[places]
        by_rec.setdefault(proj.recorder, []).append((stamps, rows, w))
    for gid, parts in by_rec.items():
        stamps, rows, w = (np.concatenate(x) for x in zip(*parts))
        src = store.col("source")[rows]
        order = np.lexsort((np.arange(len(rows)), store.col("syn")[rows], src, stamps))
        stamps, rows, w, src = stamps[order], rows[order], w[order], src[order]
        pop, li, t_min, t_max = _recorder_window(graph, grid, gid)
        tgt = store.col("target")[rows]
        keep = (stamps > t_min) & (stamps <= t_max)
        for key_, ids in (("senders", src), ("targets", tgt)):
            allowed = pop.host[key_][li] if key_ in pop.host else None
            if allowed is not None and len(allowed):
                keep &= np.isin(ids, np.asarray(allowed, np.int64))
        if not keep.any():
            continue
        rows = rows[keep]
        # in the order of NEST's ASCII columns: the double value, then the long ones
        events = {"senders": src[keep].astype(np.int64), **_times(pop, li, grid, stamps[keep]),
                  "weights": w[keep], "targets": tgt[keep].astype(np.int64),
                  "receptors": ports.rports(graph, rows),
                  "ports": store.ports(rows).astype(np.int64)}
        kernel.events.append(gid, events)


def _columns(plan, pop, loc, gid):
    """The recorded columns of `loc` (sorted, unique) for recorder `gid`, and how many
    events each column's spike makes (None: the recorder's connections per source);
    a per_target generator's columns are the recorder's trains, one per connection."""
    trains = plan.trains.get(pop.spec.name)
    if trains is not None:
        cols = trains[int(gid)]
        return cols, plan.spiking[pop.spec.name][cols]
    return np.searchsorted(plan.spiking[pop.spec.name], loc), None


def _spike_events(kernel, plan, host, rec, n0, graph, grid, gid, md):
    """Spikes of the sources with stamps in the window of recorder ``gid``, (t_min, t_max],
    in NEST's order; None when none was sent (the window is then not looked at).

    A spike recorder receives each spike when its sender sends it, and NEST
    updates node after node through a min_delay slice: events come by slice,
    then by sender, then by time; a multiplicity repeats the event, and so does
    each further connection from the sender (``copies``: connections per source).
    """
    copies = rec["copies"]
    steps, senders, offsets = [], [], []
    columns = rec.get("columns")
    if columns is None:  # kept with the recording plan: it holds while the program does
        columns = rec["columns"] = [
            (pop, pos, loc, *_columns(plan, pop, loc, rec["gid"])) for pop, pos, loc in rec["groups"]
            if pop.spec.name in plan.spiking]
    for pop, pos, loc, cols, trains in columns:
        spikes = host.spikes[pop.spec.name]
        if not spikes.any():  # most chunks of a short run: nothing to order or append
            continue
        n_copies = copies[pos] if trains is None else np.ones(len(cols), np.int64)
        loc = loc if trains is None else trains
        counts = spikes[:, cols]
        if not counts.any():
            continue
        ci, ti = np.nonzero(counts.T)  # by sender, then time
        mult = counts[ti, ci] * n_copies[ci]
        pc = getattr(pop.spec, "copy_probability", None)
        if pc is not None:  # each recorder connection a target of its own (spike_dilutor)
            mult = kernel.host_rng().binomial(mult, np.asarray(pop.arrays[pc])[loc[ci]])
        st = np.repeat(ti, mult) + n0 + 1
        snd = np.repeat(pop.gids[loc[ci]], mult)
        off = np.zeros(len(st))
        recorded_off = host.offsets.get(pop.spec.name)
        if recorded_off is not None and recorded_off.ndim == 3:  # a generator's lanes
            lanes = recorded_off[:, :, cols][ti, :, ci]
            off = np.concatenate([np.tile(o[~np.isnan(o)], c) for o, c in
                                  zip(lanes, n_copies[ci])] + [np.zeros(0)])
        elif recorded_off is not None:  # an off-grid neuron's offsets, one per spike
            off = np.repeat(recorded_off[:, cols][ti, ci], mult)
        hook = getattr(pop.spec, "spike_offsets", None)
        if hook is not None and len(st):
            from . import hooks
            off = hooks.spike_offsets(kernel, pop, loc, snd, st, off)
        steps.append(st)
        senders.append(snd)
        offsets.append(off)
    if not steps:
        return None
    t_min, t_max = _recorder_window(graph, grid, gid)[2:]
    stamps, senders, offsets = map(np.concatenate, (steps, senders, offsets))
    order = np.lexsort((stamps, senders, (stamps - 1) // md))  # stable: keeps multiplicity runs
    stamps, senders, offsets = stamps[order], senders[order], offsets[order]
    keep = (stamps > t_min) & (stamps <= t_max)
    return stamps[keep], senders[keep], offsets[keep]


def _handled_events(kernel, plan, host, rec, n0, k, md, pop, li, t_min, t_max):
    """The chunk's events to a device that computes from them (RecorderModel.handle),
    each connection's event with its rport, weight and multiplicity, in NEST's order,
    within the device's window (is_active). The handler's updates of the node's values
    are written back; the events it writes go to the device's backend.

    A device that collects from its own thread (``local_receiver``: spin_detector)
    receives each event as its sender sends it: by slice, sender, time, connection. The
    others (the correlation detectors) receive a neuron's events through the spike
    buffers, at the start of the next slice, each spike of multiplicity m as m events
    (NEST 3.10's send_remote); those of the chunk's last slice wait for the next chunk,
    or run (never delivered when none follows, as in NEST)."""
    graph = kernel.graph
    rows = rec["rows"]
    weight = graph.connections.col("weight")[rows]
    src, rport, groups = _handled_plan(graph, plan, rec, pop.gids[li], pop.spec.local_receiver)
    parts = list(kernel.events.deferred.pop(int(pop.gids[li]), []))
    for name, cols, gids, remote, repeats, conn_of, conns in groups:
        counts = host.spikes[name][:, cols]
        ti, ci = np.nonzero(counts)
        if not len(ti):
            continue
        mult = counts[ti, ci]
        if remote or repeats:  # spike_generator's repeated times
            ti, ci, mult = np.repeat(ti, mult), np.repeat(ci, mult), np.ones(mult.sum(), mult.dtype)
        gid = gids[ci]
        st = ti + n0 + 1
        arrival = (st - 1) // md + int(remote)  # the slice in which it is handled
        for c in conns:  # its source's events in creation order, or its own train's
            m = gid == src[c] if conn_of is None else conn_of[ci] == c
            n = int(np.count_nonzero(m))
            if n:
                parts.append((st[m], gid[m], np.full(n, c), mult[m], arrival[m],
                              np.full(n, int(not remote)), np.full(n, weight[c]),
                              np.full(n, rport[c])))
    if not parts:
        return
    stamps, senders, conn, mult, arrival, own, w, rp = map(np.concatenate, zip(*parts))
    due = arrival <= (n0 + k - 1) // md
    if not due.all():
        kernel.events.deferred[int(pop.gids[li])] = [tuple(x[~due] for x in (
            stamps, senders, conn, mult, arrival, own, w, rp))]
    order = np.lexsort((conn, stamps, senders, own, arrival))
    keep = order[due[order] & (stamps[order] > t_min) & (stamps[order] <= t_max)]
    events = {"stamps": stamps[keep], "senders": senders[keep], "rports": rp[keep],
              "weights": w[keep], "multiplicities": mult[keep],
              "slices": arrival[keep]}
    values = {k: v[li] for k, v in {**pop.arrays, **pop.host}.items()}
    updates, written = pop.spec.handle(values, events, kernel.host_ctx(pop.gids[li:li + 1]))
    for k, v in updates.items():
        (pop.arrays if k in pop.arrays else pop.host)[k][li] = v
    if written is not None and len(written["senders"]):
        st = written.pop("stamps")
        kernel.events.append(int(pop.gids[li]), {**written, **_times(pop, li, kernel.grid, st)})


def _handled_plan(graph, plan, rec, gid, local):
    """What _handled_events needs of device ``gid``'s connections that holds while the
    recording plan does (kept with it, as _spike_events keeps its columns): their
    sources and rports, and per source population its name, recorded columns, the
    sender of each column, whether its events come a slice later (remote), whether
    repeated times come as separate events, the connection of each column (a train
    per connection; None: a connection gets its source's events) and the connections
    (in creation order)."""
    made = rec.get("handled_plan")
    if made is not None:
        return made
    rows = rec["rows"]
    src = graph.connections.col("source")[rows]
    groups = []
    for spop, pos, loc in graph.group_by_population(np.unique(src)):
        if spop.spec.name not in plan.spiking:
            continue
        cols, trains = _columns(plan, spop, loc, gid)
        remote = isinstance(spop.spec, NeuronModel) and not local
        repeats = bool(getattr(spop.spec, "repeats", False))
        if trains is None:  # column j: loc[j]
            gids, conn_of = spop.gids[loc], None
            conns = np.nonzero(np.isin(src, gids))[0].tolist()
        else:  # column j is the k-th connection from its source
            gids = spop.gids[trains]
            conn_of = np.zeros(len(cols), np.int64)
            for g in np.unique(gids):
                conn_of[gids == g] = np.nonzero(src == g)[0]
            conns = np.unique(conn_of).tolist()
        groups.append((spop.spec.name, cols, gids, remote, repeats, conn_of, conns))
    made = rec["handled_plan"] = (src, ports.rports(graph, rows), groups)
    return made


def finish_samples(kernel):
    """multimeter::handle, when a slice's samples arrive one slice later: the window
    is the one in force then (a sample from the last slice of one Simulate is
    judged by the window of the next), times as the recorder writes them then."""
    def finish(gid, ev):
        pop, li, t_min, t_max = _recorder_window(kernel.graph, kernel.grid, gid)
        st = ev.pop("_stamps")
        keep = (st > t_min) & (st <= t_max)
        out = {k: v[keep] for k, v in ev.items()}
        out.update(_times(pop, li, kernel.grid, st[keep]))
        return out
    return finish


def _samples(graph, grid, plan, host, rec, pop, li, stamps):
    """The samples due in this chunk (UniversalDataLogger: interval and offset)."""
    interval = grid.steps_scalar(pop.arrays["interval"][li])
    offset = grid.steps_scalar(pop.arrays["offset"][li])
    if offset == 0:
        due = stamps % interval == 0
    else:
        due = (stamps >= offset) & ((stamps - offset) % interval == 0)
    ti = np.nonzero(due)[0]
    if len(ti) == 0:
        return None
    cols = {v: [] for v in rec["record_from"]}
    senders = []
    times = []
    for tpop, _, loc in rec["groups"]:
        s = plan.sampled.get(tpop.spec.name)
        if s is None:
            continue
        c = np.searchsorted(s["local"], loc)
        data = host.samples[tpop.spec.name][ti][:, :, c]  # (t, vars, nodes)
        for v in rec["record_from"]:
            cols[v].append(data[:, s["vars"].index(v), :].reshape(-1))
        senders.append(np.tile(tpop.gids[loc], len(ti)))
        times.append(np.repeat(stamps[ti], len(loc)))
    if not senders:
        return None
    senders = np.concatenate(senders)
    st = np.concatenate(times)
    order = np.lexsort((senders, st))
    # NEST's replies come in the order the multimeter was connected to its targets
    tg = np.asarray(rec["targets"])
    by_gid = np.argsort(tg)
    rank = by_gid[np.searchsorted(tg[by_gid], senders[order])]
    ev = {"senders": senders[order], "_stamps": st[order], "_rank": rank}
    for v, parts in cols.items():
        ev[v] = np.concatenate(parts)[order]
    return ev


def update_counts(kernel):
    graph = kernel.graph
    for pop in graph.pop_list:
        if isinstance(pop.spec, RecorderModel) and "n_events" in pop.arrays:
            count = kernel.events.count
            pop.arrays["n_events"][:] = [count(g) for g in pop.gids.tolist()]


def carry_buffers(old_prog, old_carry, new_prog, new_carry, clock):
    """Move input pending in the old ring buffers into the rebuilt program's."""
    for name, buf in old_carry["buf"].items():
        if name not in new_carry["buf"]:
            continue
        # flat ring buffers (L * channels * n,): reshape with each program's L, channels
        # and n. Channels are kept by index: a model's own come first, then its receptor
        # ports; ports a population no longer has lose their pending input (as NEST's
        # pre_run_hook resizing a node's spike buffers).
        C_old, C_new = old_prog.plan_by_name[name].n_channels, new_prog.plan_by_name[name].n_channels
        C = min(C_old, C_new)
        old = np.asarray(buf).reshape(old_prog.L, C_old, old_prog.plan_by_name[name].n)
        new = np.array(new_carry["buf"][name]).reshape(new_prog.L, C_new,
                                                       new_prog.plan_by_name[name].n)
        n_old = old.shape[2]
        # slot `clock` is in the old input already (and is cleared in the buffer when
        # the step at `clock` starts): the later slots only
        for k in range(clock + 1, clock + old.shape[0]):
            new[k % new.shape[0], :C, :n_old] += old[k % old.shape[0], :C]
        # the slot of the step at `clock` holds what its input was taken from: the last
        # slice's spikes, delivered when the next run starts, take that input again
        new[clock % new.shape[0], :C, :n_old] += np.asarray(old_carry["inp"][name])[:C]
        new_carry["buf"][name] = jnp.asarray(new.reshape(-1))
        # the input of the step at `clock`, already out of the old buffer
        inp = np.array(new_carry["inp"][name])
        inp[:C, :n_old] += np.asarray(old_carry["inp"][name])[:C]
        new_carry["inp"][name] = jnp.asarray(inp)
    return new_carry
