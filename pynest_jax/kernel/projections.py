"""Projections: the connections between updated populations, laid out on the host
for event-driven delivery (built at Prepare, when the graph's structure changed).

* Neuron -> neuron projections ("event"): each source's outgoing synapses together
  (sorted by source, creation order kept), so that a spike scatters them: static
  projections as runs one after another in a flat table, plastic ones as one padded
  row per source (``_event_projection``); columns the same for every synapse (delay,
  channel) are compile-time constants instead of arrays.
* Generator -> neuron projections ("dense"): the generator's own connections as
  flat arrays (NEST also sends a generator's event to each target each step).

kernel/delivery.py scatters these into the ring buffers on the device.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..models._spec import GeneratorModel, NeuronModel
from .plastic_table import _make_plastic, _plastic_device_arrays, _plastic_models
from .ports import width as port_width
from .table_reads import _rows, host_targets, padded

@dataclasses.dataclass
class Projection:
    key: str
    src: str  # source population name
    tgt: str
    kind: str  # event | plastic | dense
    n_src: int = 0
    width: int = 0  # a source's window (event) or padded row (plastic): largest out-degree
    batch: int = 0  # sources handled per scatter (event)
    weighted: tuple = ()  # per target channel: weight multiplies (True) or count only
    per_target: bool = False
    event: str = "spike"
    early: int = 0  # steps an event may arrive before its delay (cont_delay_synapse)
    binary: bool = False  # spikes into a binary neuron: multiplicities decoded (Channel.binary)
    precise: Any = None  # the target's precise channel (kernel/precise.py), if it has one
    distinct: bool = False  # dense: no two connections share a target
    one_delay: bool = False  # dense: all its connections have one delay (its value: a device value)


class ProjectionLayout:
    """Every projection between updated populations, built from the graph."""

    def __init__(self, graph, grid, plans):
        self.projections: list[Projection] = []
        self.host_arrays: dict[str, dict] = {}
        self._device = None  # (connection table version, device arrays)
        self.max_delay_steps = 1
        # the ring buffers' cells per slot (ring_length)
        self._cells = sum(p.n_channels * p.n for p in plans.values() if p.kind == "neuron")
        self.h_ms = float(grid.steps_to_ms(1))  # Time::get_resolution().get_ms()
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
        self._all_rows = rows if alive.all() else None
        rec = conns.col("receptor")
        self._one_receptor = rec[:1] if rec.min() == rec.max() else None
        # a column the same for every synapse stays one value (0-d): no whole-table copies
        dsteps = grid.delay_to_steps(delay[:1] if delay.min() == delay.max() else delay)
        if dsteps.shape == (1,):
            dsteps = dsteps[0]
        P = len(graph.pop_list)
        # Connections of a plastic synapse model (SynapseModel.on_pre) form projections
        # of their own, per model (copies included: their common values differ); every
        # other model shares one projection per pair of populations, as before.
        self.plastic_models = _plastic_models(graph, conns, rows)
        M = len(self.plastic_models) + 1
        # each connection's (source population, target population, plastic model) as
        # one small integer: 2-4 B per connection, no int64 keys (hpc_benchmark: 126 M)
        ktype = np.int16 if P * P * M < 2 ** 15 else np.int32 if P * P * M < 2 ** 31 else np.int64
        pair = graph.node_pop[src_g].astype(ktype)
        pair *= P
        pair += graph.node_pop[tgt_g]
        if self.plastic_models:
            code = np.zeros(int(conns.col("syn").max()) + 1, ktype)
            for i, (sid, _) in enumerate(self.plastic_models):
                code[sid] = i + 1
            pair *= M
            syn = conns.col("syn")
            pair += code[syn if self._all_rows is not None else syn[rows]]
        # node id -> index in its population, narrow: the gathers below make
        # per-connection arrays of it
        loc = graph.node_local.astype(np.int32 if len(graph.node_local) < 2 ** 31 else np.int64)
        pair_keys = np.flatnonzero(np.bincount(pair, minlength=P * P * M))
        for k in pair_keys:
            spt, m = divmod(int(k), M)
            sp, tp = divmod(spt, P)
            spop, tpop = graph.pop_list[sp], graph.pop_list[tp]
            if spop.spec.name not in plans or tpop.spec.name not in plans:
                continue  # recorder connections: see RecordingPlan
            if not isinstance(tpop.spec, NeuronModel):
                continue
            if len(pair_keys) == 1:  # one projection: every row, no masked copies
                r, ds, sl, tl = rows, dsteps, loc[src_g], loc[tgt_g]
            else:
                sel = pair == k
                r, sl, tl = rows[sel], loc[src_g[sel]], loc[tgt_g[sel]]
                ds = dsteps if dsteps.ndim == 0 else dsteps[sel]
                del sel
            self.max_delay_steps = max(self.max_delay_steps, int(ds.max()))
            model = self.plastic_models[m - 1] if m else None
            self._add(graph, spop, tpop, r, sl, tl, ds, model)
            del r, sl, tl, ds
        self._all_rows = None  # (4 B per connection)

    def _add(self, graph, spop, tpop, rows, sloc, tloc, dsteps, model=None):
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
        if model is not None:
            key = f"{key}:{model[1]}"
            proj, arrays = _event_projection(key, spop, tpop, rows, sloc, tloc, dsteps, cp, cn, uo)
            _make_plastic(proj, arrays, graph, model[1], tpop)
        elif isinstance(sspec, NeuronModel):
            proj, arrays = _event_projection(key, spop, tpop, rows, sloc, tloc, dsteps, cp, cn, uo,
                                             runs=True)
            _delay_offsets(proj, arrays, conns, sspec, tspec, self.h_ms)
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
            proj.distinct = len(np.unique(tloc)) == m
            proj.one_delay = bool(m and np.all(dsteps == dsteps[0]))
            if uo.any():  # generators send offset 0 (on-grid spikes): nothing on those ports
                arrays["uo"] = uo.astype(np.int32)
            if tspec.precise_channel is not None and conns.has("delay_offset"):
                doff = np.nan_to_num(conns.col("delay_offset")[rows])
                if np.any(doff > 0):  # cont_delay_synapse: see _delay_offsets
                    arrays["doff"], proj.h_ms = doff, self.h_ms
            # Common case: each target of the population once, in order, one delay, one
            # channel for each sign of the weight (a generator driving a whole population):
            # vector adds into the ring buffer's slot instead of a scatter.
            if (m == n_t and np.array_equal(tloc, np.arange(n_t)) and m
                    and tspec.precise_channel is None and proj.one_delay
                    and np.all(cp == cp[0]) and np.all(cn == cn[0]) and not uo.any()):
                proj.identity = (int(cp[0]), int(cn[0]))
        proj.weighted = weighted
        proj.binary = event == "spike" and any(c.binary for c in channels)
        if tspec.precise_channel is not None and event == "spike":
            proj.precise = [c.name for c in channels].index(tspec.precise_channel)
        proj.n_tgt = n_t
        proj.n_chan = len(channels)
        self.projections.append(proj)
        self.host_arrays[key] = arrays

    def plastic_rows_of(self, key):
        """The connection rows whose ``key`` the plastic projections hold on the device."""
        parts = [_rows(self.host_arrays[p.key]) for p in self.projections
                 if p.kind == "plastic" and key in p.keys]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    @property
    def ring_length(self):
        """The ring buffers' slots: max_delay + 1, or, in a network with plastic
        connections whose buffers are small, the next power of two, so that networks
        whose longest delay differs within it share one compilation (a plastic chunk
        costs seconds to compile). A slot holds the input of one step; any length above
        the longest delay keeps the steps in flight apart, and each slot receives its
        events in the same order, so the results do not depend on it."""
        L = self.max_delay_steps + 1
        c = 1 << (L - 1).bit_length()
        small = c * self._cells * 8 <= RING_CLASS_BYTES
        return c if small and any(p.kind == "plastic" for p in self.projections) else L

    def device_arrays(self, graph, dtype=jnp.float64):
        """Values of the projections, refreshed from the graph when a weight may have changed.

        Uploading them costs about 20 ns per synapse (0.3 s for 15.6 M synapses), which
        scripts calling Simulate in a loop paid on every call; the arrays are kept while
        the connection table is unchanged (its version counts every change)."""
        conns = graph.connections
        if self._device is not None and self._device[0] == (conns.version, dtype):
            return self._device[1]
        out = {}
        weight = conns.col("weight")
        for proj in self.projections:
            a = self.host_arrays[proj.key]
            if proj.kind == "plastic":
                out[proj.key] = _plastic_device_arrays(proj, a, weight, self.ring_length)
                # the host reads the device's table (a view on CPU): one copy of it
                a["tgt"] = np.asarray(out[proj.key]["tgt"])
            elif proj.kind == "event":
                out[proj.key] = _event_device_arrays(proj, a, weight, self.ring_length,
                                                     dtype, graph)
            else:
                w = weight[a["rows"]]
                out[proj.key] = {k: jnp.asarray(v) if k != "w" else jnp.asarray(w, dtype)
                                 for k, v in a.items() if k != "rows"}
        self._device = ((conns.version, dtype), out)
        return out


def _event_device_arrays(proj, a, weight, L, dtype, graph):
    """An event projection's tables on the device (runs: see _event_projection): for
    each synapse the place in
    the target's ring-buffer slot that it adds to (channel x targets + target, the
    channel chosen by the weight's sign) and the weight (1 for a channel that counts
    spikes). Padding places lie beyond the whole buffer, so the scatter drops them
    without a select per event."""
    N, C = proj.n_tgt, proj.n_chan
    wpad = padded(a, weight)
    const = proj.const

    def column(name):
        return const[name] if name in const else a[name]

    cp, cn = column("cp"), column("cn")
    big = L * C * N  # beyond the buffer even after adding the slot offset
    itype = np.int32 if 2 * big < 2 ** 31 else np.int64
    # the host's target table: the one built at Prepare, used once (4 B per place);
    # a later refresh (weights set) makes it again from the connection table
    tgt = host_targets(graph, a, N)
    a.pop("tgt", None)
    # fi = channel x N + target, big on padding places; built in place in the index
    # type (no int64 temporaries of the padded table's size)
    fi = tgt.astype(itype)
    if np.isscalar(cp) and np.isscalar(cn) and cp == cn:
        ch = cp
        if ch:
            fi += itype(ch * N)
    else:
        ch = np.where(wpad >= 0, np.asarray(cp, itype), np.asarray(cn, itype))
        fi += ch * itype(N)
    fi[tgt >= N] = big
    if not all(proj.weighted):
        wpad = np.where(np.asarray(proj.weighted)[ch], wpad, 1.0)
    out = {"fi": jnp.asarray(fi), "w": jnp.asarray(wpad, dtype), "start": jnp.asarray(a["start"])}
    if proj.precise is not None:  # ranks of a run's events in their lists (precise.append_rows)
        out["dup"] = jnp.asarray(_duplicate_ranks(fi, a["d"] if "d" in a else 0, a["start"]))
    for k in ("d", "uo", "doff"):
        if k in a:
            out[k] = jnp.asarray(a[k])
    return out


def _duplicate_ranks(fi, d, start):
    """Each synapse's count of the synapses before it in its run (its source's) with the
    same place and delay: multapses, whose events of one spike go into the same list."""
    n = fi.size
    run = np.repeat(np.arange(len(start) - 1, dtype=np.int64),
                    np.diff(np.r_[start[:-1], n].astype(np.int64)))  # padding: the last
    key = (run * (int(np.max(d)) + 1) + d) * (int(fi.max()) + 1) + fi
    order = np.argsort(key, kind="stable")
    ks, i = key[order], np.arange(key.size)
    start = np.maximum.accumulate(np.where(np.r_[True, ks[1:] != ks[:-1]], i, 0))
    rank = np.empty(key.size, np.int64)
    rank[order] = i - start
    return rank.astype(np.int8 if rank.max() < 128 else np.int32)


BATCH_SYNAPSES = 16384  # synapses scattered per loop iteration of the event delivery


def _bucket(width):
    """The padded row length: the max out-degree rounded up to one of a few sizes (at most
    1/8 more), so that networks rebuilt with other random connections of the same shape
    share one compiled program."""
    if width <= 8:
        return 8
    step = 1 << (width.bit_length() - 4)
    return -(-width // step) * step


PLACE_CHUNK = 1 << 22  # connections placed per step of _places (bounds its temporaries)


def _places(sloc, counts, first, itype):
    """Each connection's place in its projection's table: its source's first place
    (``first``) plus its rank among the source's connections in creation order. The
    same as a stable sort by source, done a chunk at a time: the temporaries (the
    chunk's sort order) are those of a chunk, not of millions of connections."""
    n_s = len(counts)
    out = np.empty(len(sloc), itype)
    fill = np.zeros(n_s, itype)  # connections of each source placed so far
    first = first.astype(itype, copy=False)
    small = n_s <= 1 << 16  # numpy radix-sorts 16-bit keys, twice as fast
    for a in range(0, len(sloc), PLACE_CHUNK):
        s = sloc[a:a + PLACE_CHUNK]
        order = np.argsort(s.astype(np.uint16) if small else s, kind="stable")
        ss = s[order]
        c = np.bincount(s, minlength=n_s).astype(itype)
        start = np.cumsum(c, dtype=itype)
        start -= c  # the chunk's first sorted position of each source
        rank = np.arange(len(s), dtype=itype)
        rank -= start[ss]
        rank += fill[ss]
        rank += first[ss]
        out[a + order] = rank
        fill += c
    return out


def _event_projection(key, spop, tpop, rows, sloc, tloc, dsteps, cp, cn, uo, runs=False):
    """The host layout of a neuron -> neuron projection. Each source's synapses are
    together, creation order kept, in one of two tables:

    * ``runs`` (static projections): one flat table, each source's synapses one run
      after the previous source's (``start[s]`` to ``start[s + 1]``), then padding.
      Delivery gathers a window of ``width`` places from a source's start and drops
      the places past its run, so a table has about one place per synapse whatever
      the spread of out-degrees (brunel_stdp's static E -> I and I -> all, 1:5:
      3.6 padded places per synapse as rows) and a spike's work stays its window.
    * rows (plastic projections, whose rows the plasticity reads and writes back):
      one padded row per source with synapses, then an all-padding row
      (``row_of``: a source's row, where some sources have none).

    ``width``: the largest out-degree, bucketed (``_bucket``); the flat table's length
    is bucketed too, so that networks rebuilt with other random connections of the same
    shape share one compiled program."""
    n_s = len(spop)
    # synapses grouped by source, creation order kept within a source: each one's place
    # in the table, in the connections' order (no permutation kept)
    counts = np.bincount(sloc, minlength=n_s)
    width = _bucket(int(counts.max()))
    if runs:
        # at least a window of padding after the last run: the last sources' windows
        # (and row n_s, all padding) stay inside the table
        shape = (_bucket(len(sloc)) + width,)
    else:
        # a row for each source with synapses (brunel_stdp's E -> E: not the inhibitory
        # fifth of the population), then one all-padding row: ``row_of`` a source's row,
        # the padding row for the others (their spikes keep their places in the batches)
        row_of = None
        has = counts > 0
        n_r = int(np.count_nonzero(has))
        if n_r < n_s:
            row_of = np.full(n_s + 1, n_r, np.int32)
            row_of[np.flatnonzero(has)] = np.arange(n_r, dtype=np.int32)
        shape = (n_r + 1, width)
    size = int(np.prod(shape))
    # connection rows and their places, int32 where they fit (half the memory)
    idx = np.int32 if max(len(rows) and int(rows.max()), size) < 2 ** 31 else np.int64
    if runs:
        start = np.zeros(n_s + 2, idx)  # start[n_s] = start[n_s + 1]: row n_s is empty
        np.cumsum(counts, out=start[1:n_s + 1])
        start[n_s + 1] = start[n_s]
        flat = _places(sloc, counts, start[:n_s], idx)
    else:
        first = np.arange(n_s, dtype=idx) if row_of is None else row_of[:n_s].astype(idx)
        first *= idx(width)
        flat = _places(sloc, counts, first, idx)

    def pad(values, fill, dtype):
        t = np.full(shape, fill, dtype)
        t.reshape(-1)[flat] = values
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
    # each place's connection row (-1: padding), for weight refresh and reads: one
    # map of the table's size (4 B per place) instead of rows and places per
    # connection (8 B); a static projection's host target table goes once uploaded
    rop = np.full(shape, -1, idx)
    rop.reshape(-1)[flat] = rows
    arrays["row_of_place"] = rop
    if runs:
        arrays["start"] = start
    elif row_of is not None:
        arrays["row_of"] = row_of
    # Sources scattered per loop iteration: about 16k synapses at a time, so that a step
    # with few spikes does little more work than they need (a batch is padded up to K
    # sources) while the loop's per-iteration cost stays small against the work.
    batch = int(max(1, min(n_s, 256, max(4, BATCH_SYNAPSES // width))))
    proj = Projection(key, spop.spec.name, tpop.spec.name, "event", n_src=n_s, width=width,
                      batch=batch)
    proj.const = const
    proj.min_d = int(np.min(dsteps))
    return proj, arrays


def _delay_offsets(proj, arrays, conns, sspec, tspec, h_ms):
    """Connections whose delay lies between steps (cont_delay_synapse): the event's
    offset grows by the connection's, and it arrives a step early when the two reach
    a step (cont_delay_synapse.h: send), so from a sender with spike offsets the slice
    is one step shorter. Kept for precise targets (they see the offset) and off-grid
    senders; a grid sender into a grid target changes nothing."""
    off_grid = getattr(sspec, "off_grid", False)
    if not (off_grid or tspec.precise_channel is not None) or not conns.has("delay_offset"):
        return
    doff = conns.col("delay_offset")
    if not np.any(np.nan_to_num(doff[_rows(arrays)]) > 0):
        return
    arrays["doff"] = np.nan_to_num(padded(arrays, doff))
    proj.early = int(bool(off_grid))
    proj.h_ms = h_ms


def slice_steps(projections, cap=32, max_flags=1 << 25):
    """Steps per slice: the least delay of the neuron -> neuron projections (NEST's
    min_delay, as far as these projections go), at most ``cap``. Every spike of a slice
    lands after the slice's end, so the slice's spikes are delivered together at its end."""
    ds = [min(p.const["d"] if "d" in p.const else p.min_d, cap + p.early) - p.early
          for p in projections if p.kind in ("event", "plastic")]
    if not ds:
        return 1
    n_max = max(p.n_src for p in projections if p.kind in ("event", "plastic"))
    return int(max(1, min(min(ds), max_flags // max(1, n_max))))


RING_CLASS_BYTES = 1 << 20  # ring buffers up to this size get a power-of-two length
SLICE_CLASS = 32  # the static slice length of small networks' chunks (slice_shape)
SLICE_CLASS_SOURCES = 64  # at most this many neurons in each population that sends events


def slice_shape(D, projections):
    """The static length of a slice's arrays in the compiled chunk, for slices of D steps
    (D itself is an argument of the chunk). A network with plastic connections whose
    event senders are small gets SLICE_CLASS for any D up to it, so that a change of
    min_delay compiles nothing (NEST's tests run one network under several, and a
    plastic chunk costs seconds to compile); the rows past D stay empty, and cost
    little at this size. Other networks get D: a larger one's slice work grows with it."""
    n = [p.n_src for p in projections if p.kind in ("event", "plastic")]
    plastic = any(p.kind == "plastic" for p in projections)
    if plastic and max(n) <= SLICE_CLASS_SOURCES and D <= SLICE_CLASS:
        return SLICE_CLASS
    return int(D)


# --- plastic projections ------------------------------------------------------------
