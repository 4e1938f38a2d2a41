"""Projections, event delivery into ring buffers, and what a step records.

A ring buffer of a neuron population has shape ``(L, channels, n)`` with
``L = max_delay_steps + 1``; an event from step ``n`` with delay ``d`` steps
is added at slot ``(n + d) mod L`` and read when step ``n + d`` is computed.

* Neuron -> neuron projections are delivered event-driven, once per slice of D
  steps (NEST's min_delay schedule: D is the least delay of these projections, so
  a slice's spikes all land after its end): the (step, source) pairs that spiked
  are found from 32-bit words of flags and their padded rows of outgoing synapses
  (sorted by source at build) are scattered, ``K`` sources at a time. Work is
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
        self._device = None  # (connection table version, device arrays)
        self.max_delay_steps = 1
        conns = graph.connections
        alive = conns.col("alive")
        if alive.all():  # the common case: no copies of whole columns
            rows = np.arange(len(alive), dtype=np.int32 if len(alive) < 2 ** 31 else np.int64)
            src_g, tgt_g, delay = conns.col("source"), conns.col("target"), conns.col("delay")
        else:
            rows = np.nonzero(alive)[0]
            src_g, tgt_g = conns.col("source")[rows], conns.col("target")[rows]
            delay = conns.col("delay")[rows]
        if len(rows) == 0:
            return
        src_p, tgt_p = graph.node_pop[src_g], graph.node_pop[tgt_g]
        self._all_rows = rows if alive.all() else None
        rec = conns.col("receptor")
        self._one_receptor = rec[:1] if rec.min() == rec.max() else None
        # a column the same for every synapse stays one value (0-d): no whole-table copies
        dsteps = grid.delay_to_steps(delay[:1] if delay.min() == delay.max() else delay)
        if dsteps.shape == (1,):
            dsteps = dsteps[0]
        P = len(graph.pop_list)
        pair = src_p.astype(np.int64) * P + tgt_p
        pair_keys = np.flatnonzero(np.bincount(pair, minlength=P * P))
        for k in pair_keys:
            sp, tp = divmod(int(k), P)
            spop, tpop = graph.pop_list[sp], graph.pop_list[tp]
            if spop.spec.name not in plans or tpop.spec.name not in plans:
                continue  # recorder connections: see RecordingPlan
            if not isinstance(tpop.spec, NeuronModel):
                continue
            if len(pair_keys) == 1:  # one projection: every row, no masked copies
                r, ds, sg, tg = rows, dsteps, src_g, tgt_g
            else:
                sel = pair == k
                r, sg, tg = rows[sel], src_g[sel], tgt_g[sel]
                ds = dsteps if dsteps.ndim == 0 else dsteps[sel]
            self.max_delay_steps = max(self.max_delay_steps, int(ds.max()))
            self._add(graph, spop, tpop, r, graph.node_local[sg], graph.node_local[tg], ds)

    def _add(self, graph, spop, tpop, rows, sloc, tloc, dsteps):
        conns = graph.connections
        tspec = tpop.spec
        if self._one_receptor is not None:  # the same receptor everywhere: no gathers
            rec = self._one_receptor
        else:
            rec = conns.col("receptor") if rows is self._all_rows else conns.col("receptor")[rows]
        sspec = spop.spec
        event = "current" if isinstance(sspec, GeneratorModel) and sspec.event == "current" else "spike"
        # channels per distinct receptor, then per connection (no loop over connections)
        if len(rec) and rec.min() == rec.max():  # one port for all: no sort, no gathers
            ports, inv = rec[:1], None
        else:
            ports, inv = np.unique(rec, return_inverse=True)
        if event == "spike":
            pairs = np.array([tspec.spike_channels(int(r)) for r in ports], np.int32).reshape(-1, 2)
            cp, cn = pairs[:, 0], pairs[:, 1]
            # ports whose events are scaled by the event's offset (NeuronModel.offset_receptors)
            uo = np.array([int(r) in tspec.offset_receptors for r in ports], np.int32)
        else:
            cp = np.array([tspec.channel_index(tspec.current_receptors[int(r)]) for r in ports], np.int32)
            cn = cp
            uo = np.zeros(len(ports), np.int32)
        if inv is None:
            cp, cn, uo = cp[0], cn[0], uo[0]  # 0-d: the same for every synapse
        else:
            cp, cn, uo = cp[inv], cn[inv], uo[inv]
        channels = tspec.channels_for(port_width(tpop))  # the model's, then its port channels
        weighted = tuple(c.weighted for c in channels)
        key = f"{spop.spec.name}->{tpop.spec.name}"
        n_t = len(tpop)
        if isinstance(sspec, NeuronModel):
            proj, arrays = _event_projection(key, spop, tpop, rows, sloc, tloc, dsteps, cp, cn, uo)
        else:
            proj = Projection(key, spop.spec.name, tpop.spec.name, "dense",
                              per_target=sspec.per_target, event=event)
            m = len(tloc)
            dsteps, cp, cn, uo = (np.broadcast_to(np.asarray(x, np.int32), (m,))
                                  for x in (dsteps, cp, cn, uo))
            w = conns.col("weight")[rows]
            arrays = dict(src=sloc.astype(np.int32), tgt=tloc.astype(np.int32), w=w,
                          d=dsteps.astype(np.int32), cp=cp.astype(np.int32),
                          cn=cn.astype(np.int32), rows=rows)
            if uo.any():  # generators send offset 0 (on-grid spikes): nothing on those ports
                arrays["uo"] = uo.astype(np.int32)
            # Common case: each target of the population once, in order, one delay, one
            # channel (a generator driving a whole population): a vector add into the ring
            # buffer's slot instead of a scatter.
            if (m == n_t and np.array_equal(tloc, np.arange(n_t)) and m
                    and np.all(dsteps == dsteps[0]) and np.all(cp == cp[0]) and np.all(cn == cp[0])
                    and not uo.any()):
                proj.identity = (int(dsteps[0]), int(cp[0]))
        proj.weighted = weighted
        proj.n_tgt = n_t
        proj.n_chan = len(channels)
        self.projections.append(proj)
        self.host_arrays[key] = arrays

    def device_arrays(self, graph, dtype=jnp.float64):
        """Values of the projections, refreshed from the graph when a weight may have changed.

        Uploading them costs about 20 ns per synapse (0.3 s for 15.6 M synapses), which
        scripts calling Simulate in a loop paid on every call; the arrays are kept while
        the connection table is unchanged (its version counts every change)."""
        conns = graph.connections
        if self._device is not None and self._device[0] == (conns.version, dtype):
            return self._device[1]
        out = {}
        for proj in self.projections:
            a = self.host_arrays[proj.key]
            w = conns.col("weight")[a["rows"]]
            if proj.kind == "event":
                out[proj.key] = _event_device_arrays(proj, a, w, self.max_delay_steps + 1, dtype)
            else:
                out[proj.key] = {k: jnp.asarray(v) if k != "w" else jnp.asarray(w, dtype)
                                 for k, v in a.items() if k != "rows"}
        self._device = ((conns.version, dtype), out)
        return out


def _event_device_arrays(proj, a, w, L, dtype):
    """An event projection's padded tables on the device: for each synapse the place in
    the target's ring-buffer slot that it adds to (channel x targets + target, the
    channel chosen by the weight's sign) and the weight (1 for a channel that counts
    spikes). Padding places lie beyond the whole buffer, so the scatter drops them
    without a select per event."""
    N, C = proj.n_tgt, proj.n_chan
    flat = a["flat"]
    wpad = np.zeros(a["tgt"].shape)
    wpad.reshape(-1)[flat] = w
    const = proj.const

    def column(name):
        return const[name] if name in const else a[name]

    cp, cn = column("cp"), column("cn")
    ch = cp if (np.isscalar(cp) and np.isscalar(cn) and cp == cn) else np.where(wpad >= 0, cp, cn)
    big = L * C * N  # beyond the buffer even after adding the slot offset
    itype = np.int32 if 2 * big < 2 ** 31 else np.int64
    fi = np.where(a["tgt"] < N, np.asarray(ch, itype) * N + a["tgt"], big).astype(itype)
    if not all(proj.weighted):
        wpad = np.where(np.asarray(proj.weighted)[ch], wpad, 1.0)
    out = {"fi": jnp.asarray(fi), "w": jnp.asarray(wpad, dtype)}
    for k in ("d", "uo"):
        if k in a:
            out[k] = jnp.asarray(a[k])
    return out


class StaticLayout:
    """The part of a Layout that compiled code reads: the projections, no arrays."""

    def __init__(self, projections):
        self.projections = projections


BATCH_SYNAPSES = 16384  # synapses scattered per loop iteration of the event delivery


def _bucket(width):
    """The padded row length: the max out-degree rounded up to one of a few sizes (at most
    1/8 more), so that networks rebuilt with other random connections of the same shape
    share one compiled program."""
    if width <= 8:
        return 8
    step = 1 << (width.bit_length() - 4)
    return -(-width // step) * step


def _event_projection(key, spop, tpop, rows, sloc, tloc, dsteps, cp, cn, uo):
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
    arrays = dict(tgt=pad(tloc, len(tpop), np.int32))  # weights: see _event_device_arrays
    # A column that is the same for every synapse (one delay, one receptor: the
    # common case) is a compile-time constant instead of an array: less memory
    # per synapse and fewer gathers per event.
    const = {}
    for name, col in (("d", dsteps), ("cp", cp), ("cn", cn), ("uo", uo)):
        if np.ndim(col) == 0:
            const[name] = int(col)
        elif len(col) and np.all(col == col[0]):
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
    batch = int(max(1, min(n_s, 256, max(4, BATCH_SYNAPSES // width))))
    proj = Projection(key, spop.spec.name, tpop.spec.name, "event", n_src=n_s, width=width,
                      batch=batch)
    proj.const = const
    proj.min_d = int(np.min(dsteps))
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
    """One step's generator deliveries (neuron -> neuron projections are delivered once
    per slice: ``deliver_slice``)."""
    per_target_offset = {}
    for proj in layout.projections:
        if proj.kind == "event":
            continue
        a = conns[proj.key]
        flat = bufs[proj.tgt]  # flat ring buffer (L * channels * targets,)
        weighted = jnp.asarray(proj.weighted)
        N, C = proj.n_tgt, proj.n_chan
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
        v = v.astype(flat.dtype)
        ident = getattr(proj, "identity", None)
        if ident is not None:
            d, c = ident
            amount = a["w"] * amt.astype(flat.dtype) if proj.weighted[c] else v
            start = ((n + d) % L) * (C * N) + c * N
            seg = jax.lax.dynamic_slice_in_dim(flat, start, N)
            flat = jax.lax.dynamic_update_slice_in_dim(flat, seg + amount, start, 0)
        else:
            ch = jnp.where(a["w"] >= 0, a["cp"], a["cn"])
            amount = jnp.where(weighted[ch], a["w"] * amt.astype(flat.dtype), v)
            if "uo" in a:
                amount = jnp.where(a["uo"] != 0, 0.0, amount)
            idx = ((n + a["d"]) % L) * (C * N) + ch * N + a["tgt"]
            flat = flat.at[idx].add(amount)
        bufs[proj.tgt] = flat
    return bufs


def _pack(active):
    """The spiking sources as bits: 32 per word (a float dot with powers of two, exact
    up to 2^32), each word's count and the running count. Finding the sources that
    spiked through these costs a fraction of a compaction of the whole population
    (jnp.nonzero's cumulative sum over every source was 0.1-0.2 ms a step at 12,500)."""
    n = active.shape[0]
    nw = -(-n // 32)
    bits = jnp.pad(active, (0, nw * 32 - n)).reshape(nw, 32).astype(jnp.float64)
    words = (bits @ (2.0 ** jnp.arange(32))).astype(jnp.uint32)
    pc = jax.lax.population_count(words).astype(jnp.int32)
    return words, jnp.cumsum(pc), pc


def _select(packed, ranks, n):
    """The source holding each rank (0-based, ascending sources); n past the last."""
    words, prefix, pc = packed
    nw = words.shape[0]
    w = jnp.searchsorted(prefix, ranks, side="right", method="scan_unrolled").astype(jnp.int32)
    wc = jnp.minimum(w, nw - 1)
    word = words[wc]
    r = ranks - (prefix[wc] - pc[wc])  # rank among the set bits of the word
    pos = jnp.zeros_like(ranks)
    for half in (16, 8, 4, 2, 1):  # binary search on the popcount of the lower half
        low = (word >> pos.astype(jnp.uint32)) & jnp.uint32((1 << half) - 1)
        c = jax.lax.population_count(low).astype(jnp.int32)
        high = r >= c
        r = jnp.where(high, r - c, r)
        pos = jnp.where(high, pos + half, pos)
    return jnp.where(w < nw, wc * 32 + pos, n)


def slice_steps(layout, cap=32, max_flags=1 << 25):
    """Steps per slice: the least delay of the neuron -> neuron projections (NEST's
    min_delay, as far as these projections go), at most ``cap``. Every spike of a slice
    lands after the slice's end, so the slice's spikes are delivered together at its end."""
    ds = [min(p.const["d"], cap) if "d" in p.const else min(p.min_d, cap)
          for p in layout.projections if p.kind == "event"]
    if not ds:
        return 1
    n_max = max(p.n_src for p in layout.projections if p.kind == "event")
    return int(max(1, min(min(ds), max_flags // max(1, n_max))))


def deliver_slice(layout, conns, spikes, offsets, bufs, s, L):
    """The neuron -> neuron events of one slice: ``spikes[src]`` is (steps, sources),
    row j the spikes of step ``s + j``; ``offsets[src]`` the same for per-spike offsets."""
    for proj in layout.projections:
        if proj.kind != "event":
            continue
        bufs[proj.tgt] = _deliver_slice_events(proj, conns[proj.key], spikes[proj.src],
                                               bufs[proj.tgt], s, L, proj.n_tgt, proj.n_chan,
                                               offsets.get(proj.src))
    return bufs


def _deliver_slice_events(proj, a, spk, flat, s, L, N, C, offsets=None):
    """Scatter the padded rows of the slice's spikes into the ring buffer.

    A spike is a set bit of the (steps x sources) flags, taken in ascending (step,
    source) order: each target's slot receives its events in the order a step-by-step
    delivery gives. K sources' rows per loop iteration, found from 32-bit words of the
    flags (a count per word, a search per batch), so the work follows the spikes."""
    D, n_s = spk.shape
    total = D * n_s
    K = proj.batch
    flags = spk.reshape(-1)
    packed = _pack(flags > 0)
    count = packed[1][-1]
    mult = flags.astype(flat.dtype)
    # Ports that scale by the event's offset (NeuronModel.offset_receptors): the
    # source's per-spike offsets, or 0 from a source that is not off-grid.
    uo = proj.const.get("uo")
    if uo != 0:
        off = (jnp.zeros(total, flat.dtype) if offsets is None
               else offsets.reshape(-1).astype(flat.dtype))
        if uo == 1:  # every synapse of the projection: scale the multiplicity
            mult = mult * off
    d = proj.const.get("d")
    s_slot = (s % L).astype(jnp.int32)
    lanes = jnp.arange(K, dtype=jnp.int32)

    def batch(c):
        """Batch c's rows, multiplicities and slots (of their step, before the delay)."""
        v = _select(packed, c * K + lanes, total)
        vc = jnp.minimum(v, total - 1)
        src = jnp.where(v < total, vc % n_s, n_s)  # row n_s: all padding
        slot = s_slot + vc // n_s
        m = mult[vc]
        if uo is None:  # some synapses only: the offset goes along separately
            return src, jnp.where(slot >= L, slot - L, slot), m, off[vc]
        return src, jnp.where(slot >= L, slot - L, slot), m, m

    def body(c, carry):
        # Batch c arrives through the loop carry: computed inside the body, XLA fused
        # the search and the slot arithmetic into the row gathers and redid them for
        # every synapse of the batch. The next batch's are found here.
        buf, (src, slot, m, o) = carry
        m = m[:, None]
        if uo is None:
            m = jnp.where(a["uo"][src] != 0, m * o[:, None], m)
        slot = slot[:, None] + (d if d is not None else a["d"][src])
        slot = jnp.where(slot >= L, slot - L, slot)  # below 2L: no integer division
        idx = slot * (C * N) + a["fi"][src]  # padding: beyond the buffer
        buf = buf.at[idx.reshape(-1)].add((a["w"][src] * m).reshape(-1), mode="drop")
        return buf, batch(c + 1)

    nbatch = (count + K - 1) // K
    # iteration -1 scatters padding only and finds batch 0 (one copy of the search code)
    none = (jnp.full((K,), n_s, jnp.int32), jnp.zeros((K,), jnp.int32),
            jnp.zeros((K,), mult.dtype), jnp.zeros((K,), mult.dtype))
    return jax.lax.fori_loop(-1, nbatch, body, (flat, none))[0]


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
