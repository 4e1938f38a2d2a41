"""Projections, event delivery into ring buffers, and what a step records.

A ring buffer of a neuron population has shape ``(L, channels, n)`` with
``L = max_delay_steps + 1``; an event from step ``n`` with delay ``d`` steps
is added at slot ``(n + d) mod L`` and read when step ``n + d`` is computed.

* Neuron -> neuron projections are delivered event-driven: the sources that
  spiked are compacted and their padded rows of outgoing synapses (sorted by
  source at build) are scattered, ``K`` sources at a time. Work per step is
  proportional to the spikes, not to the synapses.
* Generator -> neuron projections are dense over the generator's own
  connections (NEST also sends a generator's event to each target each step).
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from ..models._spec import GeneratorModel, NeuronModel, RecorderModel
from .ports import width as port_width


@dataclasses.dataclass
class Projection:
    key: str
    src: str  # source population name
    tgt: str
    kind: str  # event | dense
    n_src: int = 0
    width: int = 0  # padded row length (event)
    batch: int = 0  # sources handled per scatter (event)
    weighted: tuple = ()  # per target channel: weight multiplies (True) or count only
    per_target: bool = False
    event: str = "spike"


class Layout:
    """Every projection between updated populations, built from the graph."""

    def __init__(self, graph, grid, plans):
        self.projections: list[Projection] = []
        self.host_arrays: dict[str, dict] = {}
        self.max_delay_steps = 1
        conns = graph.connections
        rows = np.nonzero(conns.col("alive"))[0]
        if len(rows) == 0:
            return
        src_g, tgt_g = conns.col("source")[rows], conns.col("target")[rows]
        src_p, tgt_p = graph.node_pop[src_g], graph.node_pop[tgt_g]
        dsteps = grid.delay_to_steps(conns.col("delay")[rows])
        P = len(graph.pop_list)
        pair_keys = np.flatnonzero(np.bincount(src_p.astype(np.int64) * P + tgt_p, minlength=P * P))
        for sp, tp in (divmod(int(k), P) for k in pair_keys):
            spop, tpop = graph.pop_list[sp], graph.pop_list[tp]
            if spop.spec.name not in plans or tpop.spec.name not in plans:
                continue  # recorder connections: see RecordingPlan
            if not isinstance(tpop.spec, NeuronModel):
                continue
            sel = (src_p == sp) & (tp == tgt_p)
            r = rows[sel]
            self.max_delay_steps = max(self.max_delay_steps, int(dsteps[sel].max()))
            self._add(graph, spop, tpop, r, graph.node_local[src_g[sel]],
                      graph.node_local[tgt_g[sel]], dsteps[sel])

    def _add(self, graph, spop, tpop, rows, sloc, tloc, dsteps):
        conns = graph.connections
        tspec = tpop.spec
        w = conns.col("weight")[rows]
        rec = conns.col("receptor")[rows]
        sspec = spop.spec
        event = "current" if isinstance(sspec, GeneratorModel) and sspec.event == "current" else "spike"
        # channels per distinct receptor, then per connection (no loop over connections)
        if len(rec) and rec.min() == rec.max():  # one port for all: no sort
            ports, inv = rec[:1], np.zeros(len(rec), np.intp)
        else:
            ports, inv = np.unique(rec, return_inverse=True)
        if event == "spike":
            pairs = np.array([tspec.spike_channels(int(r)) for r in ports], np.int32).reshape(-1, 2)
            cp, cn = pairs[inv, 0], pairs[inv, 1]
        else:
            cp = np.array([tspec.channel_index(tspec.current_receptors[int(r)]) for r in ports], np.int32)[inv]
            cn = cp
        channels = tspec.channels_for(port_width(tpop))  # the model's, then its port channels
        weighted = tuple(c.weighted for c in channels)
        key = f"{spop.spec.name}->{tpop.spec.name}"
        n_t = len(tpop)
        if isinstance(sspec, NeuronModel):
            proj, arrays = _event_projection(key, spop, tpop, rows, sloc, tloc, w, dsteps, cp, cn)
        else:
            proj = Projection(key, spop.spec.name, tpop.spec.name, "dense",
                              per_target=sspec.per_target, event=event)
            arrays = dict(src=sloc.astype(np.int32), tgt=tloc.astype(np.int32), w=w,
                          d=dsteps.astype(np.int32), cp=cp, cn=cn, rows=rows)
            # Common case: each target of the population once, in order, one delay, one
            # channel (a generator driving a whole population): a vector add into the ring
            # buffer's slot instead of a scatter.
            if (len(tloc) == n_t and np.array_equal(tloc, np.arange(n_t)) and len(dsteps)
                    and np.all(dsteps == dsteps[0]) and np.all(cp == cp[0]) and np.all(cn == cp[0])):
                proj.identity = (int(dsteps[0]), int(cp[0]))
        proj.weighted = weighted
        proj.n_tgt = n_t
        proj.n_chan = len(channels)
        self.projections.append(proj)
        self.host_arrays[key] = arrays

    def device_arrays(self, graph):
        """Values of the projections, refreshed from the graph (weights may have changed)."""
        conns = graph.connections
        out = {}
        for proj in self.projections:
            a = self.host_arrays[proj.key]
            rows = a["rows"]
            w = conns.col("weight")[rows]
            if proj.kind == "event":
                wpad = np.zeros(a["tgt"].shape)
                wpad.reshape(-1)[a["flat"]] = w
                w = wpad
            out[proj.key] = {k: jnp.asarray(v if k != "w" else w) for k, v in a.items()
                             if k not in ("rows", "flat")}
        return out


class StaticLayout:
    """The part of a Layout that compiled code reads: the projections, no arrays."""

    def __init__(self, projections):
        self.projections = projections


def _bucket(width):
    """The padded row length: the max out-degree rounded up to one of a few sizes (at most
    1/8 more), so that networks rebuilt with other random connections of the same shape
    share one compiled program."""
    if width <= 8:
        return 8
    step = 1 << (width.bit_length() - 4)
    return -(-width // step) * step


def _event_projection(key, spop, tpop, rows, sloc, tloc, w, dsteps, cp, cn):
    n_s = len(spop)
    # synapses grouped by source, creation order kept within a source (a stable sort;
    # numpy radix-sorts 16-bit keys, twice as fast as a comparison sort of millions)
    order = np.argsort(sloc.astype(np.uint16) if n_s <= 1 << 16 else sloc, kind="stable")
    counts = np.bincount(sloc, minlength=n_s)
    width = _bucket(int(counts.max()))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    srt = sloc[order]
    col = np.arange(len(sloc)) - starts[srt]
    flat = srt * width + col  # position of each (sorted) synapse in the padded table
    shape = (n_s + 1, width)  # one extra all-padding row for compaction fill

    def pad(values, fill, dtype):
        t = np.full(shape, fill, dtype)
        t.reshape(-1)[flat] = values[order]
        return t

    # Padding entries target node n_t: out of range, dropped by the scatter.
    arrays = dict(tgt=pad(tloc, len(tpop), np.int32), w=pad(w, 0.0, np.float64))
    # A column that is the same for every synapse (one delay, one receptor: the
    # common case) is a compile-time constant instead of an array: less memory
    # per synapse and fewer gathers per event.
    const = {}
    for name, col in (("d", dsteps), ("cp", cp), ("cn", cn)):
        if len(col) and np.all(col == col[0]):
            const[name] = int(col[0])
        else:
            arrays[name] = pad(col, 0, np.int32)
    # connection rows in the table's order and their places in it, for weight refresh
    # (int32 where they fit: half the memory of these two maps)
    idx = np.int32 if max(len(rows) and int(rows.max()), shape[0] * shape[1]) < 2 ** 31 else np.int64
    arrays["rows"] = rows[order].astype(idx)
    arrays["flat"] = flat.astype(idx)
    # Sources scattered per loop iteration: about 16k synapses at a time, so that a step
    # with few spikes does little more work than they need (a batch is padded up to K
    # sources) while the loop's per-iteration cost stays small against the work.
    batch = int(max(1, min(n_s, 256, max(4, 16384 // width))))
    proj = Projection(key, spop.spec.name, tpop.spec.name, "event", n_src=n_s, width=width,
                      batch=batch)
    proj.const = const
    return proj, arrays


def emit(plan, p, d, s, ctx, conns, rec_loc=None):
    """Call a generator's emit; return its state and what it sends, by key.

    ``emitted[name]`` is the spike count (or current) per device, or per
    outgoing connection for ``per_target`` generators; ``name + "#amount"``,
    when the model returns ``(count, amount)``, is what weighted channels
    receive instead (spike_generator's spike_weights times multiplicities);
    ``name + "#rec"`` is a per-device count for spike recorders.
    """
    spec = plan.spec
    name = plan.name
    out = {}
    if spec.per_target:
        # One draw per outgoing connection (the projections' sources), then one
        # per recorded device: in NEST a spike recorder is one more target.
        sources = [c["src"] for k, c in conns.items() if k.startswith(name + "->")]
        m = sum(int(x.shape[0]) for x in sources)
        if rec_loc is not None:
            sources.append(jnp.asarray(rec_loc, jnp.int32))
        src = jnp.concatenate(sources) if sources else jnp.zeros(0, jnp.int32)
        s, values = spec.emit(p, d, s, ctx, src)
        count, amount = values if isinstance(values, tuple) else (values, None)
        out[name] = count[:m]
        if amount is not None:
            out[name + "#amount"] = amount[:m]
        if rec_loc is not None:
            out[name + "#rec"] = jnp.zeros(plan.n, count.dtype).at[rec_loc].set(count[m:])
        return s, out
    s, values = spec.emit(p, d, s, ctx)
    count, amount = values if isinstance(values, tuple) else (values, None)
    out[name] = count
    if amount is not None:
        out[name + "#amount"] = amount
    return s, out


def deliver(layout, conns, emitted, bufs, n, L):
    per_target_offset = {}
    for proj in layout.projections:
        a = conns[proj.key]
        flat = bufs[proj.tgt]  # flat ring buffer (L * channels * targets,)
        weighted = jnp.asarray(proj.weighted)
        N, C = proj.n_tgt, proj.n_chan
        if proj.kind == "event":
            flat = _deliver_events(proj, a, emitted[proj.src], flat, weighted, n, L, N, C)
        else:
            vals = emitted[proj.src]
            if proj.per_target:
                off = per_target_offset.get(proj.src, 0)
                m = a["src"].shape[0]
                v = jax.lax.dynamic_slice_in_dim(vals, off, m) if m else vals[:0]
                per_target_offset[proj.src] = off + m
            else:
                v = vals[a["src"]]
            amt = emitted.get(proj.src + "#amount")
            if amt is None:
                amt = v
            elif not proj.per_target:
                amt = amt[a["src"]]
            else:
                amt = jax.lax.dynamic_slice_in_dim(amt, off, m) if m else amt[:0]
            v = v.astype(jnp.float64)
            ident = getattr(proj, "identity", None)
            if ident is not None:
                d, c = ident
                amount = a["w"] * amt.astype(jnp.float64) if proj.weighted[c] else v
                start = ((n + d) % L) * (C * N) + c * N
                seg = jax.lax.dynamic_slice_in_dim(flat, start, N)
                flat = jax.lax.dynamic_update_slice_in_dim(flat, seg + amount, start, 0)
            else:
                ch = jnp.where(a["w"] >= 0, a["cp"], a["cn"])
                amount = jnp.where(weighted[ch], a["w"] * amt.astype(jnp.float64), v)
                idx = ((n + a["d"]) % L) * (C * N) + ch * N + a["tgt"]
                flat = flat.at[idx].add(amount)
        bufs[proj.tgt] = flat
    return bufs


def _deliver_events(proj, a, spikes, flat, weighted, n, L, N, C):
    n_s, K = proj.n_src, proj.batch
    active = spikes > 0
    count = active.sum()
    order = jnp.nonzero(active, size=n_s, fill_value=n_s)[0]
    order = jnp.concatenate([order, jnp.full((K,), n_s, order.dtype)])
    mult = jnp.concatenate([spikes, jnp.zeros((1,), spikes.dtype)]).astype(jnp.float64)

    const = proj.const

    def column(name, ids):
        return const[name] if name in const else a[name][ids]

    # One delay for the whole projection (the common case): every event of this step
    # lands in one slot, so the loop accumulates into a fresh (channels x targets) array
    # that is added into that slot afterwards. Carrying the whole ring buffer through
    # the loop instead made XLA copy it before and after the loop, every step.
    one_slot = "d" in const
    size = C * N if one_slot else flat.shape[0]

    def body(c, acc):
        ids = jax.lax.dynamic_slice_in_dim(order, c * K, K)
        w = a["w"][ids]
        tgt = a["tgt"][ids]
        m = mult[ids][:, None]
        cp, cn = column("cp", ids), column("cn", ids)
        ch = cp if ("cp" in const and "cn" in const and cp == cn) else jnp.where(w >= 0, cp, cn)
        amount = jnp.where(weighted[ch], w * m, m) if not all(proj.weighted) else w * m
        idx = ch * N + tgt
        if not one_slot:
            idx = ((n + column("d", ids)) % L) * (C * N) + idx
        idx = jnp.where(tgt < N, idx, size)  # padding: dropped
        return acc.at[idx.reshape(-1)].add(amount.reshape(-1), mode="drop")

    nbatch = (count + K - 1) // K
    if not one_slot:
        return jax.lax.fori_loop(0, nbatch, body, flat)
    acc = jax.lax.fori_loop(0, nbatch, body, jnp.zeros(size, flat.dtype))
    start = ((n + const["d"]) % L) * size
    seg = jax.lax.dynamic_slice_in_dim(flat, start, size)
    return jax.lax.dynamic_update_slice_in_dim(flat, seg + acc, start, 0)


class RecordingPlan:
    """Which spikes and recordables leave each step, for which recorders."""

    def __init__(self, graph, plans):
        self.spiking: dict[str, np.ndarray] = {}  # pop -> recorded local indices
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
            spk.setdefault(int(t), set()).add(int(s))
        for s, t in zip(src_g[is_rec_s], tgt_g[is_rec_s]):  # multimeter -> x
            smp.setdefault(int(s), {})[int(t)] = None  # in connection order, as NEST replies
        for rec, sources in spk.items():
            self._add_spiking(graph, plans, rec, np.array(sorted(sources)))
        for rec, targets in smp.items():
            self._add_sampler(graph, plans, rec, np.array(list(targets), np.int64))
        self.width = sum(len(v) for v in self.spiking.values()) + sum(
            len(v["vars"]) * len(v["local"]) for v in self.sampled.values())

    def _add_spiking(self, graph, plans, rec, sources):
        for pop, pos, loc in graph.group_by_population(sources):
            if pop.spec.name not in plans:
                continue
            prev = self.spiking.get(pop.spec.name, np.zeros(0, np.int64))
            self.spiking[pop.spec.name] = np.union1d(prev, loc)
        self.recorders.append({"gid": rec, "kind": "spike", "sources": sources})

    def _add_sampler(self, graph, plans, rec, targets):
        rpop = graph.pop_list[graph.node_pop[rec]]
        record_from = list(rpop.host["record_from"][graph.node_local[rec]])
        for pop, pos, loc in graph.group_by_population(targets):
            if pop.spec.name not in plans or not record_from:  # nothing to sample
                continue
            cur = self.sampled.setdefault(pop.spec.name, {"vars": [], "local": np.zeros(0, np.int64)})
            for v in record_from:
                if v not in cur["vars"]:
                    cur["vars"].append(v)
            cur["local"] = np.union1d(cur["local"], loc)
        self.recorders.append({"gid": rec, "kind": "sampler", "targets": targets,
                               "record_from": record_from})

    def empty(self, T):
        out = {}
        for name, loc in self.spiking.items():
            out["spk:" + name] = jnp.zeros((T, len(loc)), jnp.int32)
        for name, v in self.sampled.items():
            out["smp:" + name] = jnp.zeros((T, len(v["vars"]), len(v["local"])))
        return out

    def write(self, out, i, emitted, samples):
        out = dict(out)
        for name, loc in self.spiking.items():
            counts = emitted.get(name + "#rec", emitted[name])
            out["spk:" + name] = out["spk:" + name].at[i].set(counts[loc].astype(jnp.int32))
        for name in self.sampled:
            out["smp:" + name] = out["smp:" + name].at[i].set(samples[name])
        return out
