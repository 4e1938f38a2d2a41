"""Precise spike input: the ring buffer of a precise model keeps its events.

NEST's precise models (the ``_ps`` models, parrot_neuron_ps) take their spikes out of
a SliceRingBuffer: each event keeps its offset within the step, and the model
integrates from one arrival to the next (nestkernel/slice_ring_buffer.h). Here a
population whose model declares ``precise_channel`` has, per ring slot, a list of at
most ``K`` events per neuron (offset, weight x multiplicity) and a count; delivery
appends to it the events of that channel (kernel/delivery.py), and the step hands
the model its slot's events sorted by arrival (``models._spec.Events``). A list
that outgrows ``K`` marks the carry (``need``); the chunk is run again with ``K``
grown to fit (``Program.grow``), so no event is lost; a later program of the same
compiled core (after ResetKernel, a rebuilt network) starts with lists that long
(``Core.precise_capacity``). Populations without a precise channel have
no such lists: a grid-only network compiles nothing of this.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ..errors import NESTErrors
from .. import units as U
from ..models._spec import Events

CAPACITY = 8  # events per neuron and ring slot to start with
MAX_CAPACITY = 1 << 14
ROOMY, BUDGET = 64, 1 << 26  # the first growth: up to 64 events, in up to 64 MiB of lists


def channels(plans):
    """{population: index of its precise channel} of the precise neuron populations."""
    out = {}
    for plan in plans:
        name = getattr(plan.spec, "precise_channel", None)
        if plan.kind == "neuron" and name is not None:
            out[plan.name] = [c.name for c in plan.channels].index(name)
    return out


def empty(L, K, n, dtype):
    return {"off": jnp.zeros((L, K, n), dtype), "w": jnp.zeros((L, K, n), dtype),
            "n": jnp.zeros((L, n), jnp.int32), "need": jnp.zeros((), jnp.int32)}


def initial(prog):
    return {name: empty(prog.L, prog.precise_capacity, prog.plan_by_name[name].n, prog.fdtype)
            for name in prog.precise}


def append(ev, slot, tgt, off, w, valid):
    """Add events (flat arrays: ring slot, target, offset, weight; ``valid`` marks real
    ones) to the lists: each after those its (slot, target) list holds already, events
    of one list in the order given."""
    L, K, n = ev["off"].shape
    m = slot.shape[0]
    if m == 0:
        return ev
    key = jnp.where(valid, slot.astype(jnp.int32) * n + tgt.astype(jnp.int32), L * n)
    order = jnp.argsort(key, stable=True)
    ks = key[order]
    i = jnp.arange(m, dtype=jnp.int32)
    start = jax.lax.cummax(jnp.where(jnp.concatenate([jnp.ones(1, bool), ks[1:] != ks[:-1]]), i, 0))
    rank = jnp.zeros(m, jnp.int32).at[order].set(i - start)
    cnt = ev["n"].reshape(-1)
    pos = jnp.where(valid, cnt.at[key].get(mode="fill", fill_value=0) + rank, K)
    keep = valid & (pos < K)
    place = jnp.where(keep, (slot.astype(jnp.int32) * K + pos) * n + tgt.astype(jnp.int32), L * K * n)
    return {"off": ev["off"].reshape(-1).at[place].set(off.astype(ev["off"].dtype), mode="drop")
            .reshape(L, K, n),
            "w": ev["w"].reshape(-1).at[place].set(w.astype(ev["w"].dtype), mode="drop").reshape(L, K, n),
            "n": cnt.at[key].add(valid.astype(jnp.int32), mode="drop").reshape(L, n),
            "need": jnp.maximum(ev["need"], jnp.max(jnp.where(valid, pos + 1, 0)))}


def append_rows(ev, slot, tgt, off, w, valid, dup=None):
    """``append`` of (rows, m) events row by row: a delivery batch's (sources, padded row)
    or a generator's (lanes, connections). An event's rank in its list is the count its
    list holds from the rows before, plus ``dup``, the events before it in its own row
    with the same list (multapses, counted at Prepare: projections._duplicate_ranks;
    none where each connection has a list of its own), the rank ``append``'s sort of the
    flat order gives. Rows after the last with an event are skipped. A loop over the
    rows cost a fraction of that sort of all the events."""
    L, K, n = ev["off"].shape
    rows = slot.shape[0]
    if slot.size == 0:
        return ev
    slot, tgt = slot.astype(jnp.int32), tgt.astype(jnp.int32)
    used = jnp.max(jnp.where(jnp.any(valid, axis=1), jnp.arange(rows) + 1, 0))
    keys = jnp.where(valid, slot * n + tgt, L * n)
    if n < SLAB_FROM:  # small lists: written inside the loop (they were not copied)
        return _append_rows_in_loop(ev, slot, tgt, off, w, valid, dup, used)

    def row(r, c):
        pos, cnt = c
        key = keys[r]
        p = cnt.at[key].get(mode="fill", fill_value=0)
        if dup is not None:
            p = p + dup[r].astype(jnp.int32)
        # one more in each list (p >= 0 always): an increment that waits for the read
        # of the counts lets XLA add in place, where it copied the counts twice per row
        return (jax.lax.dynamic_update_index_in_dim(pos, p, r, 0),
                cnt.at[key].add((p >= 0).astype(cnt.dtype), mode="drop"))

    # the loop ranks the events (it carries the counts only); the events are written
    # by one scatter after it: with the (L, K, n) lists in the loop's carry, XLA copied
    # both lists twice at each entry of the loop (4 x 20 MB a step at 2,500 neurons,
    # K = 64, for a generator's lanes alone)
    pos, cnt = jax.lax.fori_loop(0, used, row, (jnp.full((rows,) + keys.shape[1:], K, jnp.int32),
                                                ev["n"].reshape(-1)))
    keep = valid & (pos < K)  # rows past ``used``: K, not kept
    place = jnp.where(keep, (slot * K + pos) * n + tgt, L * K * n).reshape(-1)
    o = ev["off"].reshape(-1).at[place].set(off.reshape(-1).astype(ev["off"].dtype), mode="drop")
    wt = ev["w"].reshape(-1).at[place].set(w.reshape(-1).astype(ev["w"].dtype), mode="drop")
    # the longest list asked for: each list's count is its last event's rank + 1 (a
    # maximum per row, inside the loop, cost as much as the appends)
    return {"off": o.reshape(L, K, n), "w": wt.reshape(L, K, n), "n": cnt.reshape(L, n),
            "need": jnp.maximum(ev["need"], jnp.max(cnt))}


def _append_rows_in_loop(ev, slot, tgt, off, w, valid, dup, used):
    """``append_rows`` writing each row's events inside the loop (a population under
    SLAB_FROM: one scatter after the loop measured no faster there)."""
    L, K, n = ev["off"].shape

    def row(r, c):
        o, wt, cnt = c
        s_, t_, v = slot[r], tgt[r], valid[r]
        key = jnp.where(v, s_ * n + t_, L * n)
        pos = cnt.at[key].get(mode="fill", fill_value=0)
        if dup is not None:
            pos = pos + dup[r].astype(jnp.int32)
        keep = v & (pos < K)
        place = jnp.where(keep, (s_ * K + pos) * n + t_, L * K * n)
        return (o.at[place].set(off[r].astype(o.dtype), mode="drop"),
                wt.at[place].set(w[r].astype(wt.dtype), mode="drop"),
                cnt.at[key].add((pos >= 0).astype(cnt.dtype), mode="drop"))

    o, wt, cnt = jax.lax.fori_loop(0, used, row, (
        ev["off"].reshape(-1), ev["w"].reshape(-1), ev["n"].reshape(-1)))
    return {"off": o.reshape(L, K, n), "w": wt.reshape(L, K, n), "n": cnt.reshape(L, n),
            "need": jnp.maximum(ev["need"], jnp.max(cnt))}


def table(off, w, count, summed):
    """The events of one slot's lists (``(rows, n)`` tables and the counts) in order of
    arrival, with one more event: what reached the channel's summed buffer (plastic
    connections write there), at offset 0, placed right after the list's events (where
    the order of equal offsets puts it either way)."""
    R, n = off.shape
    extra = summed != 0
    row = jnp.arange(R + 1)[:, None]
    off = jnp.concatenate([off, jnp.zeros((1, n), off.dtype)])
    w = jnp.concatenate([w, jnp.zeros((1, n), w.dtype)])
    after = row == count[None, :]
    off, w = jnp.where(after, 0.0, off), jnp.where(after, summed[None].astype(w.dtype), w)
    count = count + extra.astype(count.dtype)
    real = row < count[None, :]
    # earliest first: the largest offset (SliceRingBuffer::SpikeInfo's order), events of
    # equal offset in the order they came
    order = _order(jnp.where(real, -off, jnp.inf), count)
    off = jnp.where(real, off, -1.0)
    off, w = (jnp.take_along_axis(a, order, axis=0) for a in (off, jnp.where(real, w, 0.0)))
    return Events(off, w, count)


SLAB_FROM = 1024  # neurons: a population this large has append_rows write after its loop
HEAD = 8  # rows ordered for every neuron; the longer lists of a few neurons on their own


def _order(key, count):
    """``_stable_order`` of the table, the ``HEAD`` first rows for all neurons and all
    rows only for those with more events (entries beyond a count are last, in their
    order, either way): the counting order costs rows^2 per neuron, and a step's
    longest list (which sets the rows) is several times a neuron's mean."""
    R, n = key.shape
    if R <= HEAD or n < 64:
        return _stable_order(key)
    size = -(-n // 8)
    longer = count > HEAD
    head = jnp.concatenate([_stable_order(key[:HEAD]),
                            jnp.broadcast_to(jnp.arange(HEAD, R, dtype=jnp.int32)[:, None],
                                             (R - HEAD, n))])

    def few(head):
        at_ = jnp.nonzero(longer, size=size, fill_value=n)[0]
        part = _stable_order(jnp.take(key, at_, axis=1, mode="clip"))
        return head.at[:, at_].set(part, mode="drop")

    return jax.lax.cond(jnp.sum(longer) <= size, few, lambda head: _stable_order(key), head)


def _stable_order(key):
    """jnp.argsort(key, axis=0, stable=True) of a short (R, n) table, by counting for each
    entry the entries that go before it (R x R comparisons per column: XLA CPU's
    comparator sort cost several times more for the 9-33 rows a step needs). Keys are
    compared as sort compares floats (lax.sort's total order: -0.0 before 0.0)."""
    R = key.shape[0]
    bits = jax.lax.bitcast_convert_type(key, jnp.int64)
    k = jnp.where(bits < 0, bits ^ jnp.int64(0x7FFFFFFFFFFFFFFF), bits)
    i = jnp.arange(R)
    before = (k[None, :, :] < k[:, None, :]) | ((k[None, :, :] == k[:, None, :])
                                                & (i[None, :, None] < i[:, None, None]))
    rank = jnp.sum(before, axis=1, dtype=jnp.int32)  # (R, n): where entry i goes
    return jnp.max(jnp.where(rank[None, :, :] == i[:, None, None].astype(jnp.int32),
                             i[None, :, None].astype(jnp.int32), 0), axis=1)


def with_tables(carry, pev, step, L):
    """``carry`` with the lists ``pev`` and, in "ptab", each population's counts of
    ``step``'s slot for ``update``, taken once the slot's last events are in (at the end
    of the step before, and again after a slice's delivery). The rows themselves are
    read by ``update`` in the steps that have events, as many as the step's table takes
    (a table of the slot's first rows read for every step, and one of all its rows, were
    copied in every step whether it had events or not: 2 x 16 and 2 x 64 KiB for 128
    neurons and 64 rows; 2 x 1.3 MB for 2,500 neurons)."""
    if not pev:
        return carry
    slot = (step % L).astype(jnp.int32)
    tabs = {name: jax.lax.dynamic_index_in_dim(ev["n"], slot, 0, keepdims=False)
            for name, ev in pev.items()}
    return dict(carry, pev=pev, ptab=tabs)


def update(carry, step, L, summed, plan, p, d, s, x, ctx):
    """The model's update of the step with its events (``ctx.events``, from the slot's
    lists in ``carry["ptab"]``: ``with_tables``) in a table just long enough: the lists hold ``K``
    rows, as many as the busiest step so far needed, but the ordering and every walk
    iteration cost as many rows as the table has, so each step takes the smallest of 8,
    16, 32, ... rows that holds its longest list (rows past a list's count are padding:
    the events and their order are the same). Returns the update's result and the carry
    with the slot's lists emptied (filled again for step + L)."""
    ev, count = carry["pev"][plan.name], carry["ptab"][plan.name]
    K = ev["off"].shape[1]
    slot = (step % L).astype(jnp.int32)
    sizes = [b for b in (8 << i for i in range(12)) if b < K] + [K]
    units = plan.units

    def with_events(make):
        # the model's update with the step's events as ``make`` lays them out
        def run(lists, count, summed, s):
            ctx.events = make(lists, count, summed)
            ctx.no_events = make is empty  # a model may take a shorter way then
            state, fired = plan.spec.update(p, d, U.attach(s, units), x, ctx)
            return U.strip(state, units), fired
        return run

    lists = (ev["off"], ev["w"])

    def rows_of(rows):
        def make(lists, count, summed):
            # the slot's first ``rows`` rows, read only in a step with events
            off, w = (jax.lax.dynamic_slice_in_dim(a, slot, 1, 0)[0, :rows] for a in lists)
            return table(off, w, count, summed)
        return make

    def empty(lists, count, summed):
        # no event in the slot (most steps of a small network): an empty table, so the
        # table's ordering is not computed (the model reads no row of it: counts are 0)
        n = count.shape[0]
        return Events(jnp.full((1, n), -1.0, lists[0].dtype), jnp.zeros((1, n), lists[1].dtype),
                      count)

    busy = (jnp.max(count, initial=0) > 0) | jnp.any(summed != 0)
    i = jnp.where(busy, 1 + jnp.searchsorted(jnp.asarray(sizes), jnp.max(count, initial=0)), 0)
    branches = [with_events(empty)] + [with_events(rows_of(b)) for b in sizes]
    state, fired = jax.lax.switch(i, branches, lists, count, summed,
                                  U.strip(s, units))
    # the slot's counts emptied once the update is done: every later append to these
    # lists in the step ranks its events by the counts, so it waits for the update,
    # which has read its rows by then. A generator's appends do not depend on the
    # update otherwise, and where XLA could not order them after the read it copied
    # both (L, K, n) lists twice a step (4 x 20 MB at 2,500 neurons, K = 64)
    spikes = fired[0] if plan.spec.off_grid else fired  # (count, offsets) off the grid
    ev = dict(ev, n=jax.lax.dynamic_update_index_in_dim(ev["n"], _zeros_after(spikes, count),
                                                         slot, 0))
    return (U.attach(state, units), fired), dict(carry, pev=dict(carry["pev"], **{plan.name: ev}))


def _zeros_after(spikes, count):
    """Zeros like ``count`` that XLA computes from the update's spike counts (0 for
    any count: max(min(c, 0), 0)), so what reads them comes after the update (an
    optimization barrier did not keep that order: zeros of no operand were written
    before the update, and the lists copied)."""
    return jnp.maximum(jnp.minimum(spikes.astype(count.dtype), 0), 0)


def overflowed(carry):
    return any(int(e["need"]) > e["off"].shape[1] for e in carry.get("pev", {}).values())


def grow(prog, saved, after):
    """The carry to run an overflowed chunk again from, with room in each list for the
    longest list the chunk asked for (``need``: counted on past the full lists; the
    power of two above it, at least twice ``K``), and at the first growth for as many
    as ``BUDGET`` bytes of lists hold (up to ``ROOMY``): each growth is a recompile and
    a chunk run again, while a longer list costs memory only (a step reads its slot's
    first rows; appends write where their events go). Doubling from 8 grew a
    synchronous start 16 -> 32 -> 64 inside one timed Simulate."""
    if not overflowed(after):
        return saved
    if prog.precise_capacity * 2 > MAX_CAPACITY:
        raise NESTErrors.KernelException(
            f"More than {MAX_CAPACITY} precise spikes arrive at one neuron in one step.")
    need = max(int(e["need"]) for e in after["pev"].values())
    L, n = prog.L, sum(e["off"].shape[2] for e in after["pev"].values())
    fits = BUDGET // (16 * L * n)
    roomy = min(ROOMY, 1 << (fits.bit_length() - 1)) if fits else 0
    K = min(MAX_CAPACITY, max(prog.precise_capacity * 2, 1 << (need - 1).bit_length(), roomy))
    prog.precise_capacity = K
    prog.core.precise_capacity = max(prog.core.precise_capacity, K)  # for the next program
    return dict(saved, pev={name: _resize(e, K) for name, e in saved["pev"].items()})


def _resize(ev, K):
    L, k, n = ev["off"].shape
    pad = ((0, 0), (0, K - k), (0, 0))
    return dict(ev, off=jnp.pad(ev["off"], pad), w=jnp.pad(ev["w"], pad))


def carry_over(old_prog, old_carry, new_prog, new_carry, clock):
    """Events in flight kept through a rebuilt program (new nodes or connections)."""
    old_ev, new_ev = old_carry.get("pev", {}), dict(new_carry.get("pev", {}))
    for name, ev in old_ev.items():
        if name not in new_ev:
            continue
        K = max(ev["off"].shape[1], new_ev[name]["off"].shape[1])
        new_prog.precise_capacity = max(new_prog.precise_capacity, K)
        o, w, c = (np.asarray(ev[k]) for k in ("off", "w", "n"))
        new = {k: np.array(_resize(new_ev[name], K)[k]) for k in ("off", "w", "n")}
        Lo, Ln, n = o.shape[0], new["off"].shape[0], o.shape[2]
        for t in range(clock, clock + Lo):
            a, b = t % Lo, t % Ln
            new["off"][b, :o.shape[1], :n] = o[a]
            new["w"][b, :o.shape[1], :n] = w[a]
            new["n"][b, :n] = c[a]
        new_ev[name] = dict(new_ev[name], **{k: jnp.asarray(v) for k, v in new.items()})
    return dict(new_carry, pev=new_ev) if new_ev else new_carry
