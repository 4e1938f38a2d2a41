"""Plastic synapses inside the compiled step: the post-synaptic archive (emit phase)
and the per-connection update at presynaptic spikes (deliver phase).

NEST updates a plastic connection only when a presynaptic spike passes through it
(``Connection::send``), at the end of the min_delay slice in which the spike was
emitted; STDP rules read the target's archived spike history there
(nestkernel/archiving_node.cpp). Here:

* A neuron population that is the target of an STDP-reading projection keeps an
  archive: per neuron a ring of its last ``H`` spikes with the traces K_minus and
  K_minus_triplet at each (``histentry``), the traces themselves and the last spike
  time, and the newest entry the ring has dropped. Only neurons with such an input
  append (NEST's ``n_incoming_``). A read that needs a dropped entry sets the
  archive's overflow flag: the kernel then runs the chunk again with a larger ring
  (kernel.py), so nothing is silently lost.
* A plastic projection keeps every per-connection value (weight, the model's keys,
  its hidden state) as padded rows aligned with its delivery table. The slice's
  spikes are taken step by step, then by source in ascending order (NEST's order);
  a batch of sources' rows is gathered, passed through the model's ``on_pre``,
  written back, and the weights it returns are scattered into the ring buffer.
  Within one step a source appears once, so a connection is updated by its
  spikes one after the other.

Networks without plastic synapses build none of this.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._brainunit import u
from .. import units as U
from ..models._spec import Vars
from . import archives
from .delivery import _pack, _select
from .archiving import ms_of_steps
from .plastic_table import per_connection

STDP_EPS = 1.0e-6  # ConnectionManager::stdp_eps_ (ms)
HISTORY = 32  # spikes kept per neuron at first; doubled after an overflow
RECORD = 4096  # weight recorder events per chunk at first; grown to what a chunk needed
APPEND_BATCH = 64  # spiking neurons appended per scatter
DENSE_TABLE = 4096  # arrival tables count a whole ring per step up to this many places
FOLD_LANES = 2048  # rows per pass over the entries after a window's first
FOLD_SMALL = 256  # batches of at most this many rows fold every row in one loop
SMALL_SLICE = 1024  # (steps x sources) of a slice up to which its spikes are counted by cumsum
_NEG = -1.0e300  # "no entry": before every time
_POS = 1.0e300  # an unwritten place of a ring: after every time


# --- the archive (host) ----------------------------------------------------------

def empty_archive(n, capacity, incoming, dtype):
    f = lambda v: jnp.full((n,), v, dtype)  # noqa: E731
    return {"t": jnp.full((n, capacity), _POS, dtype), "Km": jnp.zeros((n, capacity), dtype),
            "Kt": jnp.zeros((n, capacity), dtype), "count": jnp.zeros((n,), jnp.int32),
            "Kminus": f(0.0), "Kminus_triplet": f(0.0), "last": f(-1.0),
            "drop_t": f(_NEG), "drop_Km": f(0.0), "drop_Kt": f(0.0),
            "incoming": jnp.asarray(incoming), "overflow": jnp.zeros((), jnp.bool_),
            "horizon": f(_NEG)}


def resize_archive(arch, n, capacity, incoming):
    """An archive carried into a rebuilt program: more neurons, a larger ring, new
    incoming flags; entries kept in their order."""
    old = {k: np.asarray(v) for k, v in arch.items()}
    n_old, h_old = old["t"].shape
    new = {k: np.array(v) for k, v in empty_archive(n, capacity, incoming,
                                                        old["t"].dtype).items()}
    keep = min(h_old, capacity)
    # each row's newest entries (at most `keep`), oldest first, to places 0, 1, ...
    cnt = old["count"].astype(np.int64)
    k_row = np.minimum(cnt, keep)
    i = np.arange(keep)
    pos = (cnt[:, None] - k_row[:, None] + i[None, :]) % h_old
    valid = i[None, :] < k_row[:, None]
    for k in ("t", "Km", "Kt"):
        vals = np.take_along_axis(old[k], pos, axis=1)
        fill = _POS if k == "t" else 0.0
        new[k][:n_old, :keep] = np.where(valid, vals, fill)
    new["count"][:n_old] = k_row
    for k in ("Kminus", "Kminus_triplet", "last", "drop_t", "drop_Km", "drop_Kt"):
        new[k][:n_old] = old[k]
    # a smaller ring drops the oldest kept entries: the newest of them is remembered
    kept_old = np.minimum(cnt, h_old)
    lost = kept_old > keep
    if lost.any():
        j = (cnt - keep - 1) % h_old
        rows = np.arange(n_old)
        for k, d in (("t", "drop_t"), ("Km", "drop_Km"), ("Kt", "drop_Kt")):
            new[d][:n_old] = np.where(lost, old[k][rows, j], old[d])
    return {k: jnp.asarray(v) for k, v in new.items()}


# --- the archive (device, emit phase) ---------------------------------------------

def append(arch, spikes, t_ms, tau_minus, tau_minus_triplet):
    """ArchivingNode::set_spiketime for each spike of this step (once per multiplicity):
    the traces jump by one, the entry goes into the ring. Neurons without a plastic
    input only note the time.

    Only the spiking neurons are touched: they are taken APPEND_BATCH at a time (a
    step's spikes are a few of the population), so a step costs what its spikes need,
    not a gather and scatter of every neuron's ring place."""
    spikes = jnp.asarray(spikes).astype(jnp.int32)
    n = spikes.shape[0]
    H = arch["t"].shape[1]
    B = min(n, APPEND_BATCH)
    t = jnp.broadcast_to(jnp.asarray(t_ms, arch["t"].dtype), spikes.shape)
    tau_m = jnp.broadcast_to(jnp.asarray(tau_minus, arch["t"].dtype), spikes.shape)
    tau_t = jnp.broadcast_to(jnp.asarray(tau_minus_triplet, arch["t"].dtype), spikes.shape)
    lanes = jnp.arange(B, dtype=jnp.int32)

    if n <= APPEND_BATCH:
        # a small population: every neuron in each round, the k-th spike of each in
        # round k (the same arithmetic per neuron; no search for the spiking ones)
        def round_k(k, a):
            on = spikes > k
            return _append_some(a, jnp.where(on, lanes, n), lanes, on, t, tau_m, tau_t, H, n)

        return jax.lax.fori_loop(0, jnp.max(spikes, initial=0), round_k, arch)

    packed = _pack(spikes > 0)
    chunks = (packed[1][-1] + B - 1) // B

    def chunk(c, a):
        # the k-th spike of each neuron in round k; a round in chunks of the spiking
        # neurons (one loop: nested loops copied the rings at every entry)
        k = c // chunks
        idx = _select(packed, (c % chunks) * B + lanes, n)  # n: no neuron (dropped)
        i = jnp.minimum(idx, n - 1)
        on = (idx < n) & (spikes[i] > k)
        return _append_some(a, jnp.where(on, idx, n), i, on, t, tau_m, tau_t, H, n)

    return jax.lax.fori_loop(0, jnp.max(spikes, initial=0) * chunks, chunk, arch)


def _append_some(a, idx, i, on, t, tau_m, tau_t, H, n):
    """One spike of each neuron ``i`` where ``on`` (``idx``: i there, else n, which
    the scatters drop) into the archive ``a``."""
    rec = on & a["incoming"][i]
    last, tt = a["last"][i], t[i]
    km = a["Kminus"][i] * jnp.exp((last - tt) * (1.0 / tau_m[i])) + 1.0
    kt = a["Kminus_triplet"][i] * jnp.exp((last - tt) * (1.0 / tau_t[i])) + 1.0
    count = a["count"][i]
    pos = _rem(count, H)
    old = {k_: a[k_][i, pos] for k_ in ("t", "Km", "Kt")}
    drop = rec & (count >= H)
    out = dict(a)
    # an entry some connection may still read (at or after its next window's
    # start, the earliest of which is the archive's horizon): the ring is too
    # small, the chunk runs again with a larger one (NEST keeps it until all
    # have read it)
    out["overflow"] = a["overflow"] | jnp.any(
        drop & (old["t"] >= a["horizon"][i] + STDP_EPS))
    at = jnp.where(drop, idx, n)
    for d, k_ in (("drop_t", "t"), ("drop_Km", "Km"), ("drop_Kt", "Kt")):
        out[d] = a[d].at[at].set(old[k_], mode="drop")
    # the values written depend on the values read: XLA then reads before it
    # writes in place (without that dependence it copied the whole ring)
    for k_, v in (("t", tt), ("Km", km), ("Kt", kt)):
        out[k_] = a[k_].at[idx, pos].set(jnp.where(rec, v, old[k_]), mode="drop")
    at = jnp.where(rec, idx, n)
    out["Kminus"] = a["Kminus"].at[at].set(km, mode="drop")
    out["Kminus_triplet"] = a["Kminus_triplet"].at[at].set(kt, mode="drop")
    out["count"] = a["count"].at[at].set(count + 1, mode="drop")
    out["last"] = a["last"].at[idx].set(jnp.where(on, tt, last), mode="drop")
    return out


# --- the archive as a synapse reads it (device, deliver phase) ---------------------

class PostHistory:
    """The targets' archives, one row per connection being updated.

    Entries of a ring are in time order oldest first from position ``count - kept``
    (mod H); unwritten places hold +inf. A window or the newest earlier entry is
    found by counting the times below a bound in the target's row (one vectorized
    comparison), and only the entries inside a window are visited, one step per
    entry of the longest window in the batch."""

    def __init__(self, arch, tgt, tau_minus, tau_minus_triplet, arrival=None, real=None):
        self._arch, self._tgt = arch, tgt
        # which rows are connections (the others pad a batch; fold skips them)
        self._real = jnp.ones(tgt.shape, jnp.bool_) if real is None else real
        # (the slice's table of reads at arrival times (arrival_table), each connection's
        # place in it, each connection's arrival time) or None
        self._arrival = arrival
        self._count = arch["count"][tgt]
        self._base = tgt * arch["t"].shape[1]  # a row's start in the flat ring
        self._H = arch["t"].shape[1]
        self._kept = jnp.minimum(self._count, self._H)
        self._first = self._count - self._kept  # the oldest kept entry's number
        self._tau_m = tau_minus[tgt]
        self._tau_t = tau_minus_triplet[tgt]
        self.overflow = jnp.zeros(tgt.shape, jnp.bool_)
        self.trace = None  # what the last K_value read, per row (NEST's post_trace)

    def _n_below(self, below):
        """How many kept entries have ``below(t)`` (true for the oldest entries up to a
        bound): a binary search over each row's kept entries, which are in time order,
        so a connection reads log2(H) of its target's entries, not all H."""
        return _bisect(jnp.zeros_like(self._kept), self._kept, self._H,
                       lambda c: below(self._at("t", c)))

    def _pos(self, c):
        """Ring position of the c-th kept entry (oldest first)."""
        return _rem(self._first + c, self._H)

    def _at(self, key, c):
        return self._arch[key].reshape(-1)[self._base + self._pos(c)]

    def fold(self, t1, t2, fn, init, values=None):
        """``fn(value, entry)`` over the entries with t1 < t <= t2 (ArchivingNode::
        get_history, with its eps), oldest first; ``entry.t`` in ms, ``entry.Kminus``,
        ``entry.Kminus_triplet``.

        With ``values`` (the connection values ``fn`` reads, one per row, as a Vars),
        ``fn(values, value, entry)``: windows of one entry (the most frequent) are
        folded for all rows at once, and longer ones are searched and folded only for
        their rows, gathered FOLD_LANES at a time, so that a loop as long as the
        longest window in the batch runs over those rows, not over every row."""
        t1_lim = _ms(t1) + STDP_EPS
        t2_lim = _ms(t2) + STDP_EPS
        hi = self._at_arrival(t2, "hi", lambda: self._n_below(lambda t: t < t2_lim))
        # a dropped entry inside the window: the ring was too small (run again larger)
        self.overflow = self.overflow | (self._arch["drop_t"][self._tgt] >= t1_lim)
        H = self._H

        def step(k, value, vals, lo, hi, base, first):
            c = lo + k
            place = base + (first + c) % H
            entry = Vars(t=u.Quantity(self._arch["t"].reshape(-1)[place], unit=u.ms),
                         Kminus=self._arch["Km"].reshape(-1)[place],
                         Kminus_triplet=self._arch["Kt"].reshape(-1)[place])
            new = fn(value, entry) if vals is None else fn(vals, value, entry)
            return jax.tree_util.tree_map(lambda n_, o: jnp.where(c < hi, n_, o), new, value)

        n = hi.shape[0]
        if values is None or n <= FOLD_SMALL:
            # every row's window in one loop (padding rows do not lengthen it)
            lo = self._n_below(lambda t: t < t1_lim)
            span = jnp.where(self._real, hi - lo, 0)
            return jax.lax.fori_loop(0, jnp.max(span, initial=0), lambda k, v: step(
                k, v, values, lo, hi, self._base, self._first), init)
        # The window's two newest entries tell whether it holds none, one or more
        # (entries are in time order); a window of one is folded for all rows at once,
        # longer ones are searched and folded only for their rows
        one = (hi >= 1) & (self._at("t", jnp.maximum(hi - 1, 0)) >= t1_lim)
        more = one & (hi >= 2) & (self._at("t", jnp.maximum(hi - 2, 0)) >= t1_lim)
        single = one & ~more
        value = jax.lax.fori_loop(0, jnp.any(single).astype(jnp.int32), lambda k, v: step(
            k, v, values, jnp.where(single, hi - 1, hi), hi, self._base, self._first), init)
        P = min(n, FOLD_LANES)
        lanes = jnp.arange(P, dtype=jnp.int32)
        packed = _pack(more & self._real)
        t1_lim = jnp.broadcast_to(t1_lim, hi.shape)

        def chunk(b, value):
            idx = _select(packed, b * P + lanes, n)  # n: no row (dropped)
            i = jnp.minimum(idx, n - 1)
            pick = lambda v: v[i] if getattr(v, "ndim", 0) >= 1 and v.shape[0] == n else v  # noqa: E731
            vals = Vars({k: pick(v) for k, v in values.items()})
            sub = jax.tree_util.tree_map(lambda v: v[i], value)
            base, first, lim = self._base[i], self._first[i], t1_lim[i]
            hi_ = jnp.where(idx < n, hi[i], 0)
            # the window's start: a search below its second newest entry
            ring = self._arch["t"].reshape(-1)
            lo_ = _bisect(jnp.zeros_like(hi_), jnp.maximum(hi_ - 2, 0), H,
                          lambda c: ring[base + _rem(first + c, H)] < lim)
            sub = jax.lax.fori_loop(0, jnp.max(hi_ - lo_, initial=0),
                                    lambda k, v: step(k, v, vals, lo_, hi_, base, first), sub)
            return jax.tree_util.tree_map(lambda d, v: d.at[idx].set(v, mode="drop"), value, sub)

        return jax.lax.fori_loop(0, (packed[1][-1] + P - 1) // P, chunk, value)

    def _latest_before(self, t, before=None):
        """The newest entry strictly before t (by more than eps): (found, t, Km, Kt).
        ``before``: how many kept entries are, if known."""
        if before is None:
            before = self._n_below(lambda t_e: (t - t_e) > STDP_EPS)
        c = before - 1
        kept = c >= 0
        drop_t = self._arch["drop_t"][self._tgt]
        dropped = ~kept & (t - drop_t > STDP_EPS)  # the newest dropped entry is still known
        cc = jnp.maximum(c, 0)
        et = jnp.where(kept, self._at("t", cc), drop_t)
        km = jnp.where(kept, self._at("Km", cc), self._arch["drop_Km"][self._tgt])
        kt = jnp.where(kept, self._at("Kt", cc), self._arch["drop_Kt"][self._tgt])
        return kept | dropped, et, km, kt

    def _at_arrival(self, t, key, search):
        """A read at t: from the slice's table when every connection asks at its
        spike's arrival (the stamp less the delay, the same floating-point value the
        table was made for), else ``search()``."""
        if self._arrival is None:
            return search()
        table, place, q = self._arrival
        return jax.lax.cond(jnp.all(_ms(t) == q),
                            lambda: jax.tree_util.tree_map(lambda v: v[place], table[key]),
                            search)

    def K_value(self, t):
        """ArchivingNode::get_K_value: K_minus at t from the newest earlier entry; 0 if none.
        NEST keeps the value it returns as the neuron's ``post_trace``."""
        self.trace = self._at_arrival(t, "K_value", lambda: self._K_value(_ms(t)))
        return self.trace

    def _K_value(self, t, before=None):
        found, et, km, _ = self._latest_before(t, before)
        return jnp.where(found, km * jnp.exp((et - t) / self._tau_m), 0.0)

    def K_values(self, t):
        """ArchivingNode::get_K_values: (K_minus, nearest-neighbour K, K_minus_triplet)
        at t; with an empty history the neuron's present traces."""
        return self._at_arrival(t, "K_values", lambda: self._K_values(_ms(t)))

    def _K_values(self, t, before=None):
        found, et, km, kt = self._latest_before(t, before)
        empty = self._count == 0
        k = jnp.where(found, km * jnp.exp((et - t) / self._tau_m), 0.0)
        nn = jnp.where(found, jnp.exp((et - t) / self._tau_m), 0.0)
        trip = jnp.where(found, kt * jnp.exp((et - t) / self._tau_t), 0.0)
        kminus = self._arch["Kminus"][self._tgt]
        return (jnp.where(empty, kminus, k), jnp.where(empty, kminus, nn),
                jnp.where(empty, self._arch["Kminus_triplet"][self._tgt], trip))


def _rem(x, H):
    """x mod H for x >= 0 (jnp's % adds a fix-up for negative values: more operations
    in every kernel the index feeds)."""
    return jax.lax.rem(x, jnp.asarray(H, x.dtype))


def _bisect(lo, hi, H, below):
    """The least c in [lo, hi] with ``below(c)`` false, where ``below`` (of a kept
    entry's number, each row's own) holds for a row's oldest entries up to a bound;
    ``hi``: at most H. A loop of log2(H) + 1 halvings: unrolled, each search was one
    copy of its code per halving, and XLA copied the gathers it feeds again into each
    kernel that reads them (a plastic chunk's compilation time went mostly to these)."""
    def halve(_, bounds):
        lo, hi = bounds
        mid = jax.lax.shift_right_logical(lo + hi, jnp.ones_like(lo))  # (lo + hi) // 2, both >= 0
        go = (mid < hi) & below(jnp.minimum(mid, H - 1))
        return jnp.where(go, mid + 1, lo), jnp.where(go, hi, mid)

    return jax.lax.fori_loop(0, int(H).bit_length(), halve, (lo, hi))[0]


def arrival_table(arch, tau_minus, tau_minus_triplet, q):
    """The reads a pair rule makes at its spikes' arrival, for every neuron of the
    target population and every arrival time ``q`` of a slice (a projection with one
    delay): how many entries lie before each (the end of a facilitation window), and
    the traces there. A neuron-by-step table costs far less than a search per
    connection; XLA drops the parts no model reads."""
    (n, H), D = arch["t"].shape, q.shape[0]
    tq = jnp.tile(q, n)
    h = PostHistory(arch, jnp.repeat(jnp.arange(n, dtype=jnp.int32), D), tau_minus,
                    tau_minus_triplet)
    lim = tq + STDP_EPS
    if D * H <= DENSE_TABLE:
        # count over the whole ring: an unwritten place holds +inf, and once the ring
        # is full every place holds a kept entry
        ring = arch["t"][:, None, :]
        hi = jnp.sum(ring < (q + STDP_EPS)[None, :, None], axis=2, dtype=jnp.int32).reshape(-1)
        before = jnp.sum((q[None, :, None] - ring) > STDP_EPS, axis=2,
                         dtype=jnp.int32).reshape(-1)
    else:
        hi = h._n_below(lambda t: t < lim)
        before = None
    return {"hi": hi, "K_value": h._K_value(tq, before), "K_values": h._K_values(tq, before)}


def horizon(arch, proj, rows, a):
    """The earliest time from which the projection's connections will read their
    targets' archives (t_lastspike - delay), merged into the archive's horizon;
    ``a``: the projection's device arrays."""
    tgt = a["tgt"]
    t1 = (per_connection(rows[proj.spec.reads_from], tgt.shape)
          - (rows["delay"] if "delay" in rows else a["delay_ms"]))
    t1 = jnp.where(tgt < proj.n_tgt, t1, jnp.inf).reshape(-1)
    h = jax.ops.segment_min(t1, tgt.reshape(-1), num_segments=proj.n_tgt + 1)[:proj.n_tgt]
    return dict(arch, horizon=jnp.minimum(arch["horizon"], h))


def _ms(t):
    return t.to_decimal(u.ms) if isinstance(t, u.Quantity) else t


# --- delivery through plastic connections (device, end of a slice) -----------------

def deliver_slice(proj, spec, a, syn, common, arch, tau, spk, flat, s, r, L, grid, key,
                  rec=None, dopa=None, cstate=None, pop=None):
    """The slice's spikes through one plastic projection, in batches of events (a
    source's spike at a step). ``rec``: the projection's weight recorder buffer, or
    None; ``dopa``: its volume transmitter's history (kernel/dopamine.py), or None;
    ``cstate``: the model's common keys that ``on_pre`` changes
    (SynapseModel.common_state), or None; ``pop``: the targets' state, whose
    ``post_trace`` holds the last K_minus a connection read. Returns (ring buffer,
    rows, archive overflow, rec, cstate, pop).

    Every event of a slice reads the same archives (NEST delivers them after the
    slice), so the events need no step-by-step loop: they go in rounds, the q-th
    spike of each source within the slice in round q, a round in (step, source)
    order. A source appears once per round, so its rows are updated by its spikes
    one after the other; a round is cut into batches of K events. Round 0 is most
    often the only one (a source spikes at most once per slice unless its
    refractory time is shorter than the slice)."""
    D, n_s = spk.shape
    N, C, K = proj.n_tgt, proj.n_chan, proj.batch
    E = D * n_s
    units = proj.units
    d_const = a.get("d_one")  # one delay (a device scalar), else a["d"] per connection
    s_slot = (s % L).astype(jnp.int32)
    itype = jnp.int32 if 2 * L * C * N < 2 ** 31 else jnp.int64  # as _plastic_device_arrays
    common = U.attach(common, units)
    fired = spk > 0
    # each spike's number within its source's spikes of the slice (a running count
    # over the D steps: jnp.cumsum runs as a window reduction, D times the work, which
    # only a slice of few events affords; unrolled, the count is D copies of its code)
    if E <= SMALL_SLICE:
        occurrence = (jnp.cumsum(fired, axis=0, dtype=jnp.int32) - 1).reshape(-1)
    else:
        seen, occurrence = jnp.zeros((n_s,), jnp.int32), []
        for j in range(D):
            seen = seen + fired[j]
            occurrence.append(seen - 1)
        occurrence = jnp.stack(occurrence).reshape(-1)
    fired = fired.reshape(-1)
    mult = spk.reshape(-1)
    rounds = jnp.max(jnp.sum(spk > 0, axis=0, dtype=jnp.int32), initial=0)
    table = None
    if spec.post == "stdp" and proj.one_delay and K * proj.width > FOLD_SMALL:
        # each step's spikes arrive at the stamp less the delay, computed as on_pre does
        # (a batch of FOLD_SMALL rows or fewer searches: a table would cost more to
        # compile than it saves)
        q = ms_of_steps(grid, s + 1 + jnp.arange(D, dtype=jnp.int64)) - a["delay_ms"]
        table = (arrival_table(arch, tau[0], tau[1], q), q)

    def one_round(q, carry):
        # the round's events in (step, source) order, found from words of flags
        # (jnp.nonzero's cumulative sum over the slice cost more); E: no event
        packed = _pack(fired & (occurrence == q))
        count = packed[1][-1]
        qkey = jax.random.fold_in(jax.random.fold_in(key, s), q)

        def one_batch(b, carry):
            flat, syn, overflow, rec, cstate, trace = carry
            ev = _select(packed, b * K + jnp.arange(K, dtype=jnp.int32), E)
            real_ev = ev < E
            # (ev >= 0: lax's division, without jnp's fix-up for negative values, which
            # XLA copied into every kernel that reads src or j)
            src = jnp.where(real_ev, _rem(ev, n_s), n_s)  # n_s: the all-padding row
            # the source's row (kernel/projections.py: sources without synapses have none)
            row = a["row_of"][src] if "row_of" in a else src
            j = jnp.where(real_ev, jax.lax.div(ev, jnp.asarray(n_s, ev.dtype)), 0)
            m = jnp.where(real_ev, mult[jnp.minimum(ev, E - 1)], 0).astype(flat.dtype)
            tgt = a["tgt"][row]  # (K, width); padding: N
            real = tgt < N
            stamp = jnp.broadcast_to((s + j + 1)[:, None], tgt.shape).reshape(-1)
            t = ms_of_steps(grid, stamp)  # each event's stamp, per connection
            # a value kept once per source (SynapseModel.per_source) is read at every
            # connection's place and written back from all of them, as a full row is:
            # XLA's CPU code then computes the model's exp as it does for full rows
            # (broadcast, or taken at one place, it came out different in the last bit)
            row2 = jnp.broadcast_to(row[:, None], tgt.shape)
            rows = {k: (v[row] if v.ndim == 2 else v[row2]).reshape(-1) for k, v in syn.items()}
            c = U.attach(rows, units)
            ones = jnp.ones(rows["weight"].shape, rows["weight"].dtype)
            # scalars one per row; a vector (a look-up table) as it is
            c.update({k: v * ones if v.ndim == 0 else v for k, v in common.items()})
            c.update({k: v * ones for k, v in U.attach(cstate or {}, units).items()})
            if "delay" not in c:
                c["delay"] = u.Quantity(jnp.full(rows["weight"].shape, a["delay_ms"]), unit=u.ms)
            post = None
            if spec.post is not None:
                tg = jnp.minimum(tgt, N - 1).reshape(-1)
                jc = jnp.broadcast_to(j[:, None], tgt.shape).reshape(-1)
                arrival = None if table is None else (table[0], tg * D + jc, table[1][jc])
                post = (PostHistory(arch, tg, tau[0], tau[1], arrival, real.reshape(-1))
                        if spec.post == "stdp" else
                        archives.reader(spec.post, arch, tg, tau, real.reshape(-1), grid))
            ok = real.reshape(-1)
            sent = ok
            if spec.on_pre is None:  # a static model with a weight recorder
                w = rows["weight"]
            else:
                ctx = _Ctx(jax.random.fold_in(qkey, b), grid, dopa, real.reshape(-1))
                out = spec.on_pre(c, post, u.Quantity(t, unit=u.ms), ctx)
                changes, w = out[0], out[1]
                if len(out) > 2:  # the model may send nothing (bernoulli_synapse)
                    sent = ok & jnp.broadcast_to(out[2], ok.shape)
                changes = U.strip(changes, units)
                if cstate:  # the model's common state after the batch
                    cstate = {k: changes.pop(k).astype(v.dtype) for k, v in cstate.items()}
                new = dict(syn)
                for k, v in changes.items():
                    v = jnp.where(ok, jnp.broadcast_to(v, ok.shape), rows[k]).astype(syn[k].dtype)
                    v = v.reshape(tgt.shape)
                    if syn[k].ndim == 1:  # equal over the source's connections
                        v = jnp.max(jnp.where(real, v, -jnp.inf), axis=1)
                        v = jnp.where(v > -jnp.inf, v, syn[k][row])
                    new[k] = syn[k].at[row].set(v)
                syn = new
            w = jnp.broadcast_to(jnp.asarray(w), ok.shape)
            if post is not None:
                overflow = overflow | jnp.any(post.overflow & ok)
            if trace is not None and getattr(post, "trace", None) is not None:
                # NEST's order of a slice's events: by source, then step (each node
                # registers all its spikes of a slice as it updates), then connection
                col = jnp.arange(tgt.shape[1], dtype=jnp.int64)[None, :]
                place = ((src.astype(jnp.int64) * D + j)[:, None] * tgt.shape[1] + col)
                trace = _last_read(trace, post.trace, tgt.reshape(-1), ok, place.reshape(-1))
            if rec is not None:
                rec = _record(rec, row, tgt.shape, sent, w, stamp)
            if "counts" in a:  # channels that count spikes instead of adding weights
                w = jnp.where(a["counts"][row].reshape(-1), 1.0, w)
            w = jnp.where(sent, w, 0.0)  # a failed transmission sends no event at all
            slot = (s_slot + j)[:, None] + (d_const if d_const is not None else a["d"][row])
            slot = slot % L
            # one channel for all: the place from the target (padding beyond the buffer)
            fi = a["fi"][row] if "fi" in a else jnp.where(
                real, a["ch"] * N + tgt.astype(itype), L * C * N).astype(itype)
            idx = (slot * (C * N) + fi).reshape(-1)
            amount = (w.reshape(tgt.shape) * m[:, None]).reshape(-1)
            flat = flat.at[idx].add(amount.astype(flat.dtype), mode="drop")
            return flat, syn, overflow, rec, cstate, trace

        return jax.lax.fori_loop(0, (count + K - 1) // K, one_batch, carry)

    overflow = jnp.zeros((), jnp.bool_)
    trace = None
    if spec.post == "stdp" and pop is not None and "post_trace" in pop:
        # with the place in NEST's order of the read it holds
        trace = (pop["post_trace"], jnp.full(pop["post_trace"].shape, -1, jnp.int64))
    out = jax.lax.fori_loop(0, rounds, one_round, (flat, syn, overflow, rec, cstate, trace))
    return out[:5] + (pop if trace is None else dict(pop, post_trace=out[5][0]),)


def _last_read(trace, read, tgt, ok, order):
    """Each target's ``post_trace`` (value, place in NEST's order) after a batch: the
    value read by the connection latest in NEST's order (ArchivingNode::get_K_value
    keeps what it returns)."""
    value, held = trace
    n = value.shape[0]
    seg = jnp.where(ok, tgt, n)
    order = jnp.where(ok, order, -1)
    last = jax.ops.segment_max(order, seg, num_segments=n + 1)[:n]
    row = jax.ops.segment_max(jnp.where(ok & (order == last[jnp.minimum(tgt, n - 1)]),
                                        jnp.arange(ok.shape[0]), -1), seg, num_segments=n + 1)[:n]
    newer = last > held
    read = jnp.broadcast_to(jnp.asarray(read), ok.shape)
    return (jnp.where(newer, read[jnp.maximum(row, 0)], value).astype(value.dtype),
            jnp.where(newer, last, held))


def _record(rec, src, shape, sent, w, stamp):
    """Append the batch's sent events to the weight recorder buffer: (stamp, place in
    the padded table, weight), in (source, connection) order; ``n`` counts them all,
    so that a buffer too small is seen (the chunk then runs again with a larger one)."""
    E = rec["w"].shape[0]
    width = shape[1]
    place = (src[:, None] * width + jnp.arange(width, dtype=jnp.int32)[None, :]).reshape(-1)
    at = rec["n"] + jnp.cumsum(sent) - 1
    at = jnp.where(sent & (at < E), at, E)
    return {"n": rec["n"] + jnp.sum(sent).astype(rec["n"].dtype),
            "stamp": rec["stamp"].at[at].set(jnp.asarray(stamp, rec["stamp"].dtype), mode="drop"),
            "place": rec["place"].at[at].set(place.astype(rec["place"].dtype), mode="drop"),
            "w": rec["w"].at[at].set(w.astype(rec["w"].dtype), mode="drop")}


def empty_record(capacity):
    return {"n": jnp.zeros((), jnp.int64), "stamp": jnp.zeros((capacity,), jnp.int64),
            "place": jnp.zeros((capacity,), jnp.int64), "w": jnp.zeros((capacity,), jnp.float64)}


class _Ctx:
    """What on_pre may know: a random key for the batch, the grid, the volume
    transmitter's history (neuromodulated models), which rows are connections (the
    others pad the batch; NEST's order is the rows' order)."""

    def __init__(self, key, grid, dopa=None, real=None):
        self.key = key
        self.grid = grid
        self.dopa = dopa
        self.real = real
