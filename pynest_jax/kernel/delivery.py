"""Event delivery into ring buffers, on the device (inside the compiled step).

A ring buffer of a neuron population has shape ``(L, channels, n)`` with
``L = max_delay_steps + 1``; an event from step ``n`` with delay ``d`` steps
is added at slot ``(n + d) mod L`` and read when step ``n + d`` is computed.

* Neuron -> neuron projections are delivered event-driven, once per slice of D
  steps (NEST's min_delay schedule: D is the least delay of these projections, so
  a slice's spikes all land after its end): the (step, source) pairs that spiked
  are found from 32-bit words of flags and their outgoing synapses (a run of a flat
  table, read as a window of the projection's width: kernel/projections.py) are
  scattered, ``K`` sources at a time. Work is proportional to the spikes, not to the
  synapses.
* Generator -> neuron projections are dense over the generator's own
  connections, every step.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from . import precise

class Emitted(NamedTuple):
    """What one population sends in one step.

    ``count``: spikes per node (or a current per device), or per outgoing
    connection for ``per_target`` generators. ``offset``: off-grid senders' offset
    of each spike (ms before the step's end). ``amount``: what weighted channels
    receive instead of the count, when a generator returns ``(count, amount)``
    (spike_generator's spike_weights times multiplicities). ``recorded``: a
    per_target generator's count per recorder connection (its own train, as NEST's
    recorder is one more target), for the recorders.
    """

    count: Any
    offset: Any = None
    amount: Any = None
    recorded: Any = None
    # a generator's spikes as events for precise targets: (count, amount, offset), each
    # (lanes, devices): a device may send spikes at several offsets in one step
    lanes: Any = None


def emit(plan, p, d, s, ctx, projections, conns, rec_loc=None):
    """Call a generator's emit; return its state and what it sends (``Emitted``)."""
    spec = plan.spec
    name = plan.name
    if spec.per_target:
        # One draw per outgoing connection (the projections' sources), then one
        # per recorder connection: in NEST a spike recorder is one more target.
        # (in the projections' order, which ``deliver`` follows to slice the draws)
        sources = [conns[proj.key]["src"] for proj in projections if proj.src == name]
        m = sum(int(x.shape[0]) for x in sources)
        if rec_loc is not None:
            sources.append(jnp.asarray(rec_loc, jnp.int32))
        src = jnp.concatenate(sources) if sources else jnp.zeros(0, jnp.int32)
        s, values = spec.emit(p, d, s, ctx, src)
        values = values if isinstance(values, tuple) else (values,)
        count, amount, lanes = (values + (None, None))[:3]
        recorded = offset = None
        if rec_loc is not None:  # by train: each recorder connection has its own
            recorded = count[m:]
            if lanes is not None:  # the recorded trains' offsets by lane, NaN where none
                offset = jnp.where(lanes[0][:, m:] > 0, lanes[2][:, m:], jnp.nan)
        return s, Emitted(count[:m], amount=None if amount is None else amount[:m],
                          recorded=recorded, offset=offset,
                          lanes=None if lanes is None else tuple(x[:, :m] for x in lanes))
    s, values = spec.emit(p, d, s, ctx)
    values = values if isinstance(values, tuple) else (values,)
    count, amount, lanes = (values + (None, None))[:3]
    return s, Emitted(count, amount=amount, lanes=lanes)


def deliver(projections, conns, emitted, bufs, n, L, pev=None):
    """One step's generator deliveries (neuron -> neuron projections are delivered once
    per slice: ``deliver_slice``); events for precise targets go into ``pev``'s lists
    (updated in place)."""
    per_target_offset = {}
    for proj in projections:
        if proj.kind != "dense":
            continue
        a = conns[proj.key]
        if proj.precise is not None:
            if not proj.per_target:
                pev[proj.tgt] = _dense_events(proj, a, emitted[proj.src], pev[proj.tgt], n, L)
            else:  # one draw per connection: poisson_generator's multiplicities, or
                # poisson_generator_ps's spikes in lanes, each with its offset
                off = per_target_offset.get(proj.src, 0)
                m = a["src"].shape[0]
                em = emitted[proj.src]
                lanes = em.lanes
                if lanes is None:
                    lanes = (em.count[None], em.count[None], jnp.zeros((1,) + em.count.shape))
                lanes = tuple(jax.lax.dynamic_slice_in_dim(x, off, m, axis=1) if m
                              else x[:, :0] for x in lanes)
                pev[proj.tgt] = _dense_events(proj, dict(a, src=None), None,
                                              pev[proj.tgt], n, L, lanes)
            # the rest of the projection (currents, ports summed on the grid) as usual
        flat = bufs[proj.tgt]  # flat ring buffer (L * channels * targets,)
        weighted = jnp.asarray(proj.weighted)
        N, C = proj.n_tgt, proj.n_chan
        vals = emitted[proj.src].count
        if proj.per_target:
            off = per_target_offset.get(proj.src, 0)
            m = a["src"].shape[0]
            v = jax.lax.dynamic_slice_in_dim(vals, off, m) if m else vals[:0]
            per_target_offset[proj.src] = off + m
        else:
            v = vals[a["src"]]
        amt = emitted[proj.src].amount
        if proj.binary:  # the spike count decides (spike_generator's weights not kept)
            amt = binary_code(v)
        elif amt is None:
            amt = v
        elif not proj.per_target:
            amt = amt[a["src"]]
        else:
            amt = jax.lax.dynamic_slice_in_dim(amt, off, m) if m else amt[:0]
        v = v.astype(flat.dtype)
        delivered = a["w"] * amt.astype(flat.dtype)
        # NEST's channel: the sign of the weight the event arrives with (the
        # connection's times the spike's own weight, spike_generator's spike_weights)
        sign = a["w"] if emitted[proj.src].amount is None else delivered
        ident = getattr(proj, "identity", None)
        if ident is not None:
            cp, cn = ident
            d = a["d"][0]  # (a value: a new delay compiles nothing)
            for c, on in (((cp, None),) if cp == cn else ((cp, sign >= 0), (cn, sign < 0))):
                amount = delivered if proj.weighted[c] else v
                if on is not None:  # + 0.0 where the other channel takes the event: exact
                    amount = jnp.where(on, amount, 0.0)
                start = ((n + d) % L) * (C * N) + c * N
                seg = jax.lax.dynamic_slice_in_dim(flat, start, N)
                flat = jax.lax.dynamic_update_slice_in_dim(flat, seg + amount, start, 0)
        else:
            ch = jnp.where(sign >= 0, a["cp"], a["cn"])
            amount = jnp.where(weighted[ch], delivered, v)
            if "uo" in a:
                amount = jnp.where(a["uo"] != 0, 0.0, amount)
            if proj.precise is not None:  # those events are in the lists
                amount = jnp.where(ch == proj.precise, 0.0, amount)
            if proj.one_delay and small_add(amount.shape[0], C * N):
                # every event into one slot: selects over that slot's (channel, target)
                start = ((n + a["d"][0]) % L) * (C * N)
                seg = jax.lax.dynamic_slice_in_dim(flat, start, C * N)
                seg = add_at(seg, ch * N + a["tgt"], amount)
                flat = jax.lax.dynamic_update_slice_in_dim(flat, seg, start, 0)
            else:
                flat = add_at(flat, ((n + a["d"]) % L) * (C * N) + ch * N + a["tgt"], amount)
        bufs[proj.tgt] = flat
    return bufs


SMALL_ADD = 8192  # updates x entries up to which add_at selects instead of scattering


def small_add(updates, entries):
    return updates * entries <= SMALL_ADD


def add_at(x, idx, amount):
    """``x.at[idx].add(amount)`` (indices within ``x``). A few updates into a small
    buffer are applied one after the other as selects over the whole buffer: the same
    additions in the same order as the scatter's, the other entries untouched. XLA's CPU
    compiler (jaxlib 0.10.2) runs a loop with a scatter in it operation by operation,
    without one as a single function (its small-loop hoisting): a small network's step
    loop costs several times less without (docs/benchmarks.md, issue 14)."""
    if not small_add(idx.shape[0], x.shape[0]):
        return x.at[idx].add(amount)
    pos = jnp.arange(x.shape[0], dtype=idx.dtype)
    # the amounts rounded on their own, as the scatter takes them: a precaution against
    # XLA fusing a product (weight x count) into the addition as a fused multiply-add
    # (not seen: tests/test_add_at.py gives the scatter's bits without it too)
    amount = jax.lax.optimization_barrier(amount)
    for k in range(idx.shape[0]):
        x = jnp.where(pos == idx[k], x + amount[k], x)
    return x


def binary_code(m):
    """binary_neuron::handle: an event of multiplicity 2 (a sender's up-transition)
    counts +1, of multiplicity 1 (down) -1, any other 0."""
    return jnp.where(m == 2, 1, jnp.where(m == 1, -1, 0)).astype(m.dtype)
def _dense_events(proj, a, em, ev, n, L, lanes=None):
    """A generator's spikes of this step into a precise target's event lists: one
    event per connection and lane that sends (SpikeEvent with its offset, weight x
    multiplicity; spike_generator's spike_weights in the amount)."""
    if lanes is None:
        lanes = em.lanes
        if lanes is None:
            amt = em.count if em.amount is None else em.amount
            lanes = (em.count[None], amt[None], jnp.zeros((1,) + em.count.shape))
    # (src None: the lanes are the connections' own already)
    count, amount, offset = (x if a["src"] is None else x[:, a["src"]] for x in lanes)
    w = a["w"][None, :] * amount.astype(a["w"].dtype)
    ch = jnp.where((w >= 0) if em is None or em.amount is not None else
                   (a["w"][None, :] >= 0), a["cp"], a["cn"])
    weighted = jnp.asarray(proj.weighted)
    w = jnp.where(weighted[ch], w, count.astype(w.dtype))
    valid = (count > 0) & (ch == proj.precise)
    if "uo" in a:
        valid = valid & (a["uo"] == 0)
    lanes_n = count.shape[0]
    slot = jnp.broadcast_to(n + a["d"], (lanes_n,) + a["d"].shape)
    if "doff" in a:  # cont_delay_synapse
        offset, sooner = delay_offset(offset, a["doff"][None, :], proj.h_ms)
        slot = slot - sooner.astype(slot.dtype)
    slot = slot % L
    tgt = jnp.broadcast_to(a["tgt"], slot.shape)
    if proj.distinct:  # one list per connection: no sort to rank the events
        return precise.append_rows(ev, slot, tgt, offset, w, valid)
    return precise.append(ev, slot.reshape(-1), tgt.reshape(-1), offset.reshape(-1),
                          w.reshape(-1), valid.reshape(-1))


def delay_offset(offset, doff, h):
    """cont_delay_synapse::send: the event's offset plus the connection's; a sum of a
    step or more arrives one step sooner with a step less. (offset, sooner)."""
    total = offset + doff
    sooner = total >= h
    return jnp.where(sooner, total - h, total), sooner


SMALL_PACK = 64  # flags up to this many: a running count instead of words of bits
SMALL_WORDS = 4096  # flags up to this many: words by shifts and a sum rather than a dot


def _pack(active):
    """The spiking sources as bits: 32 per word (a float dot with powers of two, exact
    up to 2^32), each word's count and the running count. Finding the sources that
    spiked through these costs a fraction of a compaction of the whole population
    (jnp.nonzero's cumulative sum over every source was 0.1-0.2 ms a step at 12,500).
    Up to SMALL_PACK flags, the running count of the flags themselves (``words`` None):
    a search by counting compiles to a few operations, where the words' search is
    some fifty, which XLA copies into every kernel that reads its result."""
    n = active.shape[0]
    if n <= SMALL_PACK:
        return None, jnp.cumsum(active.astype(jnp.int32)), None
    nw = -(-n // 32)
    if n <= SMALL_WORDS:  # shifted and summed: no dot, which keeps a loop from hoisting
        bits = jnp.pad(active, (0, nw * 32 - n)).reshape(nw, 32).astype(jnp.uint32)
        words = jnp.sum(bits << jnp.arange(32, dtype=jnp.uint32), axis=1, dtype=jnp.uint32)
    else:
        bits = jnp.pad(active, (0, nw * 32 - n)).reshape(nw, 32).astype(jnp.float64)
        words = (bits @ (2.0 ** jnp.arange(32))).astype(jnp.uint32)
    pc = jax.lax.population_count(words).astype(jnp.int32)
    return words, jnp.cumsum(pc), pc


def _select(packed, ranks, n):
    """The source holding each rank (0-based, ascending sources); n past the last."""
    words, prefix, pc = packed
    if words is None:  # the number of flags up to a place that hold at most rank
        return jnp.sum(prefix[None, :] <= ranks[:, None], axis=1, dtype=ranks.dtype)
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


def deliver_slice(projections, conns, spikes, offsets, bufs, s, L, pev=None, thin=None):
    """The neuron -> neuron events of one slice: ``spikes[src]`` is (steps, sources),
    row j the spikes of step ``s + j``; ``offsets[src]`` the same for per-spike offsets.
    Precise targets' events go into ``pev``'s lists (updated in place). ``thin[src]``:
    (copy probability per source, key) of a source whose events each connection
    thins (NeuronModel.copy_probability)."""
    thin = thin or {}
    for i, proj in enumerate(projections):
        if proj.kind != "event":
            continue
        ev = None if proj.precise is None else pev[proj.tgt]
        th = thin.get(proj.src)
        if th is not None:
            th = (th[0], jax.random.fold_in(th[1], i))
        bufs[proj.tgt], ev = _deliver_slice_events(
            proj, conns[proj.key], spikes[proj.src], bufs[proj.tgt], s, L, proj.n_tgt,
            proj.n_chan, offsets.get(proj.src), ev, th)
        if ev is not None:
            pev[proj.tgt] = ev
    return bufs


def _deliver_slice_events(proj, a, spk, flat, s, L, N, C, offsets=None, ev=None, thin=None):
    """Scatter the synapses of the slice's spikes into the ring buffer.

    A spike is a set bit of the (steps x sources) flags, taken in ascending (step,
    source) order: each target's slot receives its events in the order a step-by-step
    delivery gives. K sources per loop iteration, found from 32-bit words of the
    flags (a count per word, a search per batch), so the work follows the spikes. A
    source's synapses are its run of the flat tables (``a["start"]``): a window of
    ``proj.width`` places from the run's start, whose places past the run (the next
    sources' synapses, or padding) scatter nowhere."""
    D, n_s = spk.shape
    total = D * n_s
    K = proj.batch
    flags = spk.reshape(-1)
    packed = _pack(flags > 0)
    count = packed[1][-1]
    mult = flags.astype(flat.dtype)
    if proj.binary:
        mult = binary_code(mult)
    # Ports that scale by the event's offset (NeuronModel.offset_receptors): the
    # source's per-spike offsets, or 0 from a source that is not off-grid.
    uo = proj.const.get("uo")
    early = "doff" in a  # cont_delay_synapse from an off-grid sender: see below
    keep_off = early or ev is not None
    if uo != 0 or keep_off:
        off = (jnp.zeros(total, flat.dtype) if offsets is None
               else offsets.reshape(-1).astype(flat.dtype))
        if uo == 1:  # every synapse of the projection: scale the multiplicity
            mult = mult * off
    d = proj.const.get("d")
    s_slot = (s % L).astype(jnp.int32)
    if ev is None and thin is None and not early and small_slice(total, L * C * N):
        return _deliver_slice_seq(a, flags, mult, off if uo is None else None, flat,
                                  s_slot, d, L, n_s, C * N), None
    lanes = jnp.arange(K, dtype=jnp.int32)
    W = proj.width
    cols = jnp.arange(W, dtype=a["start"].dtype)

    def window(x, first):
        """Each of the batch's sources' window of a flat table: (K, W)."""
        return jax.vmap(lambda f: jax.lax.dynamic_slice_in_dim(x, f, W))(first)

    def batch(c):
        """Batch c's rows, multiplicities and slots (of their step, before the delay)."""
        v = _select(packed, c * K + lanes, total)
        vc = jnp.minimum(v, total - 1)
        src = jnp.where(v < total, vc % n_s, n_s)  # row n_s: all padding
        slot = s_slot + vc // n_s
        m = mult[vc]
        if uo is None or keep_off:  # the offset goes along separately
            return src, jnp.where(slot >= L, slot - L, slot), m, off[vc]
        return src, jnp.where(slot >= L, slot - L, slot), m, m

    def body(c, carry):
        # Batch c arrives through the loop carry: computed inside the body, XLA fused
        # the search and the slot arithmetic into the row gathers and redid them for
        # every synapse of the batch. The next batch's are found here.
        (buf, ev), (src, slot, m, o) = carry
        first = a["start"][src]
        # the places of the window past the source's run: beyond the buffer
        fi = jnp.where(cols < (a["start"][src + 1] - first)[:, None], window(a["fi"], first),
                       L * C * N)
        m = m[:, None]
        if uo is None:
            m = jnp.where(window(a["uo"], first) != 0, m * o[:, None], m)
        slot = slot[:, None] + (d if d is not None else window(a["d"], first))
        if early:  # the event's offset and the delay's reach a step: one step sooner
            o, sooner = delay_offset(o[:, None], window(a["doff"], first), proj.h_ms)
            slot = slot - sooner.astype(slot.dtype)
        else:
            o = o[:, None]
        slot = jnp.where(slot >= L, slot - L, slot)  # below 2L: no integer division
        if thin is not None:  # each connection's own binomial share of the event
            m = copied(jax.random.fold_in(thin[1], c), jnp.broadcast_to(m, fi.shape),
                       thin[0][jnp.minimum(src, n_s - 1)][:, None]).astype(m.dtype)
        w = window(a["w"], first) * m
        if ev is not None:  # the precise channel's events into the lists, with offsets
            is_ev = (fi // N == proj.precise) & (fi < C * N)
            ev = precise.append_rows(ev, jnp.broadcast_to(slot, fi.shape), fi - proj.precise * N,
                                     jnp.broadcast_to(o, fi.shape), w, is_ev,
                                     window(a["dup"], first))
            fi = jnp.where(is_ev, L * C * N, fi)
        idx = slot * (C * N) + fi  # padding: beyond the buffer
        buf = buf.at[idx.reshape(-1)].add(w.reshape(-1), mode="drop")
        return (buf, ev), batch(c + 1)

    nbatch = (count + K - 1) // K
    # iteration -1 scatters padding only and finds batch 0 (one copy of the search code)
    none = (jnp.full((K,), n_s, jnp.int32), jnp.zeros((K,), jnp.int32),
            jnp.zeros((K,), mult.dtype), jnp.zeros((K,), mult.dtype))
    return jax.lax.fori_loop(-1, nbatch, body, ((flat, ev), none))[0]


SEQ_FLAGS, SEQ_ENTRIES = 2048, 1 << 15


def small_slice(flags, entries):
    """A slice delivered by ``_deliver_slice_seq``: few (step, source) places and a
    small ring buffer, where the step loop around it is one compiled function."""
    return flags <= SEQ_FLAGS and entries <= SEQ_ENTRIES


def _deliver_slice_seq(a, flags, mult, off, flat, s_slot, d, L, n_s, CN):
    """A small slice's events one synapse at a time, in the batches' order ((step,
    source) ascending, then the source's run), each an addition of one element of the
    ring buffer: the scatter's sums, bit for bit. XLA's CPU compiler runs a loop that
    holds a scatter operation by operation; without one, a small network's whole
    slice loop is one compiled function (small-loop hoisting, docs/benchmarks.md). The
    work is a test per place of the slice plus one addition per delivered synapse."""
    size = flat.shape[0]
    start = a["start"]

    def event(f, buf):
        src = f % n_s
        first = start[src]
        run = jnp.where(flags[f] > 0, start[src + 1] - first, 0)
        m = mult[f]
        base = s_slot + f // n_s
        base = jnp.where(base >= L, base - L, base)

        def place(q, buf):
            slot = base + (d if d is not None else a["d"][q])
            slot = jnp.where(slot >= L, slot - L, slot)
            mq = m if off is None else jnp.where(a["uo"][q] != 0, m * off[f], m)
            # the product rounded on its own, as the scatter takes it (no fused
            # multiply-add with the addition)
            w = jax.lax.optimization_barrier(a["w"][q] * mq)
            i = slot * CN + a["fi"][q]
            ic = jnp.minimum(i, size - 1)
            old = jax.lax.dynamic_index_in_dim(buf, ic, keepdims=True)
            return jax.lax.dynamic_update_slice_in_dim(
                buf, jnp.where(i < size, old + w, old), ic, 0)

        return jax.lax.fori_loop(first, first + run, place, buf)

    return jax.lax.fori_loop(0, flags.shape[0], event, flat)


def thinning(plans, params, key, s):
    """``deliver_slice``'s ``thin``: the sources with a copy probability, a key per slice."""
    return {plan.name: (params[plan.name][plan.spec.copy_probability], jax.random.fold_in(key, s))
            for plan in plans if getattr(plan.spec, "copy_probability", None)}


def copied(key, n, p):
    """Binomial(n, p) counts, exact at the edges: none of none, all when p is 1."""
    k = jax.random.binomial(key, n.astype(jnp.float32), p.astype(jnp.float32))
    return jnp.where(p >= 1.0, n, jnp.where((n == 0) | (p <= 0.0), 0, k.astype(n.dtype)))
