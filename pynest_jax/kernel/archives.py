"""The Clopath and Urbanczik archives inside the compiled step: what
clopath_synapse and urbanczik_synapse read from their targets
(docs/notes_clopath_urbanczik.md; NEST's ClopathArchivingNode and
UrbanczikArchivingNode).

A neuron population keeps one when its model declares ``Archiving(history=kind)``
(a Clopath population always, as NEST fills the delayed u_bar rings whatever the
inputs; an Urbanczik one only when a plastic projection reaches it). Entries are
written in the emit phase from the state the step's update left, only for neurons
with a plastic input (NEST's ``n_incoming_``), and read in the deliver phase by
``on_pre`` through a reader (``reader``: ``fold`` over a window, ``LTD_value``).

NEST prunes its histories once every incoming synapse has read an entry; here the
LTP history and the Urbanczik history are fixed-capacity rings. A read that needs
an entry a ring has dropped sets the archive's overflow flag: the kernel runs the
chunk again with rings twice as large (program.overflowed/grow), so nothing is
lost silently. The LTD history is NEST's own fixed ring (max_delay + 1 entries),
kept at NEST's length, so that it forgets what NEST forgets.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._brainunit import u
from ..errors import NESTErrors
from ..models._spec import Vars
from .archiving import ms_of_steps

KINDS = ("clopath", "urbanczik")
EPS = 1.0e-6  # the 1.0e-6 of get_LTP_history / get_urbanczik_history (and stdp_eps)
CAPACITY = {"clopath": 64, "urbanczik": 4096}  # ring entries at first
# ring growth on overflow. The Urbanczik ring gains an entry every step, and a synapse
# whose source has not spiked yet keeps every entry since the start (as NEST's access
# counters do): its ring grows with the simulated time, and each growth recompiles
# (urbanczik_synapse_example: 4,096 -> 262,144 entries, 6 doublings, 3 fourfold steps)
GROWTH = {"clopath": 2, "urbanczik": 4}
BLOCK = 16  # entries per iteration of a reader's fold (unrolled)
SUM_BLOCK = 128  # entries per iteration of a reader's sum (terms vectorized)
_NEG = -1.0e300
_NONE = np.iinfo(np.int64).max // 4  # "no entry yet" (a step)


def kind_of(spec):
    arch = getattr(spec, "archiving", None)
    return None if arch is None else arch.history


def check_targets(graph, spec, tp):
    """ConnectionManager::connect_: a clopath/urbanczik synapse from a neuron needs a
    target that keeps that archive (NEST's NotImplemented, before any other check);
    ``tp``: the targets' populations of the connections from neurons."""
    if spec.post not in KINDS:
        return
    for pi in np.unique(tp):
        if kind_of(graph.pop_list[int(pi)].spec) != spec.post:
            gap = "  " if spec.post == "urbanczik" else " "  # NEST's two messages differ
            raise NESTErrors.NotImplemented(
                "This synapse model is not supported by the neuron model of at least one"
                f"{gap}connection.")


def populations(prog):
    """{population: (kind, incoming flags)}: the populations that keep an archive, and
    which of their neurons have a plastic input (any synapse that reads an archive:
    NEST's register_stdp_connection counts them all)."""
    out = {}
    for plan in prog.plans:
        kind = kind_of(plan.spec) if plan.kind == "neuron" else None
        if kind is not None:
            out[plan.name] = (kind, np.zeros(plan.n, bool))
    for proj in prog.plastic:
        if proj.spec.post is not None and proj.tgt in out:
            tgt = prog.layout.host_arrays[proj.key]["tgt"]
            out[proj.tgt][1][tgt[tgt < proj.n_tgt]] = True
    return {k: v for k, v in out.items() if v[0] == "clopath" or v[1].any()}


# --- host side: empty, resized and carried archives ------------------------------

def empty(kind, n, capacity, incoming, pop, grid, max_delay_steps):
    f64 = np.float64
    a = {"incoming": np.asarray(incoming, bool), "overflow": np.zeros((), bool),
         "need": np.full(n, _NEG)}
    if kind == "clopath":
        # init_clopath_buffers: delay rings of delay_u_bars + 1 steps, 0.0-filled; the
        # LTD ring of max_delay + 1 entries (0.0, 0.0)
        ld = grid.delay_to_steps(np.asarray(pop.arrays["delay_u_bars"], f64)) + 1
        ld = np.broadcast_to(ld, (n,)).astype(np.int64)
        width = int(ld.max()) if n else 1
        lt = max_delay_steps + 1
        a.update(ub_p=np.zeros((n, width)), ub_m=np.zeros((n, width)), ld=ld,
                 di=np.zeros(n, np.int64), ltd_t=np.zeros((n, lt)), ltd_w=np.zeros((n, lt)),
                 lt=np.full(n, lt, np.int64), ltd_i=np.zeros(n, np.int64),
                 ltp_t=np.full((n, capacity), _NEG), ltp_w=np.zeros((n, capacity)),
                 ltp_n=np.zeros(n, np.int64), ltp_drop=np.full(n, _NEG))
    else:
        a.update(dpi=np.zeros((n, capacity)), start=np.full(n, _NONE, np.int64),
                 newest=np.full((), -1, np.int64))
    return a


def resize(kind, old, n, capacity, incoming, fresh):
    """An archive with ``n`` neurons and rings of ``capacity``: the old neurons keep
    their entries (in order), new ones come from ``fresh`` (an empty archive)."""
    old = {k: np.asarray(v) for k, v in old.items()}
    new = {k: np.array(v) for k, v in fresh.items()}
    m = old["incoming"].shape[0]
    new["incoming"][:m] |= old["incoming"]
    new["need"][:m] = old["need"]
    if kind == "clopath":
        for k in ("ub_p", "ub_m", "ltd_t", "ltd_w"):  # fixed at the first Prepare
            w = max(new[k].shape[1], old[k].shape[1])
            grown = np.zeros((n, w))
            grown[:, :new[k].shape[1]] = new[k]
            grown[:m] = 0.0
            grown[:m, :old[k].shape[1]] = old[k]
            new[k] = grown
        for k in ("ld", "di", "lt", "ltd_i", "ltp_drop"):
            new[k][:m] = old[k]
        h_old = old["ltp_t"].shape[1]
        cnt = old["ltp_n"]
        keep = np.minimum(cnt, min(h_old, capacity))
        for j in range(int(keep.max()) if m else 0):  # oldest kept first
            idx = cnt - keep + j
            ok = j < keep
            rows = np.nonzero(ok)[0]
            for k in ("ltp_t", "ltp_w"):
                new[k][rows, idx[ok] % capacity] = old[k][rows, idx[ok] % h_old]
        new["ltp_n"][:m] = cnt  # rings only grow: what the old one dropped stays dropped
    else:
        h_old = old["dpi"].shape[1]
        newest = int(old["newest"])
        new["start"][:m] = old["start"]
        new["newest"] = old["newest"]
        for k in range(max(0, newest - min(h_old, capacity) + 1), newest + 1):
            new["dpi"][:m, k % capacity] = old["dpi"][:, k % h_old]
    new["overflow"] = np.zeros((), bool)
    return new


def device(a):
    return {k: jnp.asarray(v) for k, v in a.items()}


def initial(prog, graph):
    """The carry's "hist": an empty archive per population that keeps one."""
    return {name: device(empty(kind, prog.plan_by_name[name].n, prog.hist_capacity[kind], flags,
                               graph.populations[name], prog.grid, prog.max_delay_steps))
            for name, (kind, flags) in prog.histories.items()}


def carry_over(prog, old_prog, old_carry, carry):
    """Archives of populations a rebuilt program keeps (new neurons, new inputs)."""
    old = old_carry.get("hist", {})
    for kind, cap in getattr(old_prog, "hist_capacity", {}).items():
        prog.hist_capacity[kind] = max(prog.hist_capacity[kind], cap)
    hist = dict(carry["hist"])
    for name, a in old.items():
        if name in hist:
            kind = prog.histories[name][0]
            hist[name] = device(resize(kind, a, prog.plan_by_name[name].n,
                                       prog.hist_capacity[kind], prog.histories[name][1],
                                       _fresh(prog, name, hist[name])))
    return dict(carry, hist=hist)


def _fresh(prog, name, a):
    """An empty archive of the present capacity shaped as ``a`` for what is fixed."""
    kind = prog.histories[name][0]
    out = {k: np.asarray(v) for k, v in a.items()}
    cap = prog.hist_capacity[kind]
    if kind == "clopath":
        n = out["ltp_t"].shape[0]
        out.update(ltp_t=np.full((n, cap), _NEG), ltp_w=np.zeros((n, cap)),
                   ltp_n=np.zeros(n, np.int64), ltp_drop=np.full(n, _NEG))
    else:
        out.update(dpi=np.zeros((out["dpi"].shape[0], cap)))
    return out


def overflowed(carry):
    return any(bool(a["overflow"]) for a in carry.get("hist", {}).values())


def grow(prog, saved, after):
    """The carry to run a chunk again from, with a larger ring (GROWTH) of each kind
    that overflowed in ``after``."""
    kinds = {prog.histories[name][0] for name, a in after.get("hist", {}).items()
             if bool(a["overflow"])}
    if not kinds:
        return saved
    for kind in kinds:
        prog.hist_capacity[kind] *= GROWTH[kind]
    hist = dict(saved["hist"])
    for name, a in hist.items():
        kind, flags = prog.histories[name]
        if kind in kinds:
            hist[name] = device(resize(kind, a, prog.plan_by_name[name].n,
                                       prog.hist_capacity[kind], flags, _fresh(prog, name, a)))
    return dict(saved, hist=hist)


# --- the emit phase: one entry per step ---------------------------------------------

def write(kind, a, p, s, spikes, n, grid):
    """write_clopath_history / write_urbanczik_history after the update of step n:
    ``p``, ``s`` the neuron's parameters and state (unitless, NEST's units)."""
    t = ms_of_steps(grid, n + 1)
    h = ms_of_steps(grid, 1)
    inc = a["incoming"]
    rows = jnp.arange(inc.shape[0])
    out = dict(a)
    if kind == "urbanczik":
        g_D, g_L, E_L = p["g_sp"], p["g_L.s"], p["E_L.s"]
        v = (E_L * g_L + s["V_m.p"] * g_D) / (g_D + g_L)
        phi = p["phi_max"] / (1.0 + p["rate_slope"] * jnp.exp(p["beta"] * (p["theta"] - v)))
        hv = 15.0 * p["beta"] / (1.0 + (1.0 / p["rate_slope"]) * jnp.exp(-p["beta"] * (p["theta"] - v)))
        dpi = (jnp.asarray(spikes).astype(v.dtype) - phi * h) * hv
        H = a["dpi"].shape[1]
        slot = n % H
        # entry n - H goes: an overflow if a synapse may still read it (and it exists)
        gone = ms_of_steps(grid, n - H + 1)
        out["overflow"] = a["overflow"] | jnp.any(inc & (a["start"] <= n - H)
                                                  & ~(gone - EPS < a["need"]))
        out["dpi"] = a["dpi"].at[:, slot].set(jnp.where(inc, dpi, a["dpi"][:, slot]))
        out["start"] = jnp.where(inc & (a["start"] == _NONE), n, a["start"])
        out["newest"] = jnp.where(jnp.any(inc), jnp.asarray(n, jnp.int64), a["newest"])
        return out
    # the delayed u_bar rings, written whatever the inputs
    di = a["di"]
    ub_p = a["ub_p"].at[rows, di].set(s["u_bar_plus"])
    ub_m = a["ub_m"].at[rows, di].set(s["u_bar_minus"])
    di = (di + 1) % a["ld"]
    d_plus, d_minus = ub_p[rows, di], ub_m[rows, di]
    out.update(ub_p=ub_p, ub_m=ub_m, di=di)
    V, th_p, th_m = s["V_m"], p["theta_plus"], p["theta_minus"]
    # LTP: an entry at every step with u above theta_plus (prune-free ring)
    ltp = inc & (V > th_p) & (d_plus > th_m)
    dw = p["A_LTP"] * (V - th_p) * (d_plus - th_m) * h
    H = a["ltp_t"].shape[1]
    pos = a["ltp_n"] % H
    full = a["ltp_n"] >= H
    dropped = a["ltp_t"][rows, pos]
    out["ltp_drop"] = jnp.where(ltp & full, dropped, a["ltp_drop"])
    # an entry a synapse may still read would go: the chunk again, with a larger ring
    out["overflow"] = a["overflow"] | jnp.any(ltp & full & ~(dropped - EPS < a["need"]))
    out["ltp_t"] = a["ltp_t"].at[rows, pos].set(jnp.where(ltp, t, a["ltp_t"][rows, pos]))
    out["ltp_w"] = a["ltp_w"].at[rows, pos].set(jnp.where(ltp, dw, a["ltp_w"][rows, pos]))
    out["ltp_n"] = a["ltp_n"] + ltp
    # LTD: NEST's ring of max_delay + 1 entries
    ltd = inc & (d_minus > th_m)
    ubb = s["u_bar_bar"]
    dw = jnp.where(p["A_LTD_const"], p["A_LTD"] * (d_minus - th_m),
                   p["A_LTD"] * ubb * ubb * (d_minus - th_m) / p["u_ref_squared"])
    i = a["ltd_i"]
    out["ltd_t"] = a["ltd_t"].at[rows, i].set(jnp.where(ltd, t, a["ltd_t"][rows, i]))
    out["ltd_w"] = a["ltd_w"].at[rows, i].set(jnp.where(ltd, dw, a["ltd_w"][rows, i]))
    out["ltd_i"] = jnp.where(ltd, (i + 1) % a["lt"], i)
    return out


# --- the deliver phase: what a synapse reads -------------------------------------------

def reader(kind, a, tgt, params, real, grid):
    """The targets' archive seen by the connections of a batch (one row each);
    ``real``: rows that are connections (padding does not widen the windows)."""
    return (ClopathHistory if kind == "clopath" else UrbanczikHistory)(a, tgt, params, real, grid)


class _History:
    overflow = None

    def _fold(self, lo, hi, at, fn, init):
        """``fn(value, entry)`` for the entries lo <= i < hi of each row, in order;
        ``at(i)`` -> (exists, in ring, entry) for (rows, BLOCK) indices."""
        span = jnp.where(self._real, hi - lo, 0)
        nblocks = (jnp.max(span, initial=0) + BLOCK - 1) // BLOCK

        def body(b, carry):
            value, overflow = carry
            idx = lo[:, None] + b * BLOCK + jnp.arange(BLOCK)[None, :]
            inside = idx < hi[:, None]
            exists, kept, entry = at(idx)
            inside = inside & exists
            overflow = overflow | jnp.any(inside & ~kept, axis=1)
            for j in range(BLOCK):  # NEST's order: one entry after the other
                e = Vars({k: v[:, j] for k, v in entry.items()})
                new = fn(value, e)
                value = jax.tree_util.tree_map(
                    lambda n_, o: jnp.where(inside[:, j] & kept[:, j], n_, o), new, value)
            return value, overflow

        value, overflow = jax.lax.fori_loop(0, nblocks, body, (init, self.overflow))
        self.overflow = overflow & self._real
        return value

    def _sum(self, lo, hi, at, terms, init):
        """``init`` plus ``terms(entries)`` of the entries lo <= i < hi of each row, added
        one after the other oldest first (NEST's order, so the same rounding). ``terms``
        sees SUM_BLOCK entries at once, as (SUM_BLOCK, rows) arrays: an entry's terms
        must not depend on the others'. Only the additions stay sequential, so a window
        of thousands of entries costs a few iterations, not one per entry."""
        span = jnp.where(self._real, hi - lo, 0)
        nblocks = (jnp.max(span, initial=0) + SUM_BLOCK - 1) // SUM_BLOCK

        def body(b, carry):
            value, overflow = carry
            idx = lo[:, None] + b * SUM_BLOCK + jnp.arange(SUM_BLOCK)[None, :]
            exists, kept, entry = at(idx)
            inside = (idx < hi[:, None]) & exists
            overflow = overflow | jnp.any(inside & ~kept, axis=1)
            use = (inside & kept).T
            block = terms(Vars({k: v.T for k, v in entry.items()}))
            block = jax.tree_util.tree_map(lambda x: jnp.where(use, x, 0.0), block)
            for j in range(SUM_BLOCK):  # adding 0.0 for an entry outside leaves the sum
                value = jax.tree_util.tree_map(lambda v, x: v + x[j], value, block)
            return value, overflow

        value, overflow = jax.lax.fori_loop(0, nblocks, body, (init, self.overflow))
        self.overflow = overflow & self._real
        return value


class ClopathHistory(_History):
    def __init__(self, a, tgt, params, real, grid):
        self._a = {k: a[k][tgt] for k in ("ltp_t", "ltp_w", "ltp_n", "ltp_drop", "ltd_t",
                                         "ltd_w", "lt")}
        self._real = real
        self.overflow = jnp.zeros(tgt.shape, jnp.bool_)

    def fold(self, t1, t2, fn, init):
        """get_LTP_history(t1, t2): ``fn(value, entry)`` over the LTP entries with
        t1 < t <= t2 (in NEST's comparison), oldest first; ``entry.t`` (ms), ``entry.dw``."""
        a = self._a
        t1, t2 = _ms(t1), _ms(t2)
        H = a["ltp_t"].shape[1]
        n = a["ltp_n"]
        first = jnp.maximum(n - H, 0)
        j = jnp.arange(H)[None, :]
        idx = n[:, None] - 1 - ((n[:, None] - 1 - j) % H)  # entry number held by slot j
        valid = (idx >= 0) & (idx >= first[:, None])
        t = a["ltp_t"]
        lo = first + jnp.sum(valid & (t - EPS < t1[:, None]), axis=1)
        hi = lo + jnp.sum(valid & ~(t - EPS < t1[:, None]) & (t - EPS < t2[:, None]), axis=1)
        # a dropped entry the window needs: run again with a larger ring
        self.overflow = self.overflow | (self._real & ~(a["ltp_drop"] - EPS < t1))
        rows = jnp.arange(n.shape[0])[:, None]

        def at(i):
            slot = i % H
            entry = {"t": u.Quantity(a["ltp_t"][rows, slot], unit=u.ms),
                     "dw": a["ltp_w"][rows, slot]}
            return jnp.ones(i.shape, bool), jnp.ones(i.shape, bool), entry

        return self._fold(lo, hi, at, fn, init)

    def LTD_value(self, t):
        """get_LTD_value(t): the first slot of the LTD ring at t (within eps), else 0."""
        a = self._a
        t = _ms(t)
        lt = a["ltd_t"].shape[1]
        hit = (jnp.abs(t[:, None] - a["ltd_t"]) < EPS) & (jnp.arange(lt)[None, :] < a["lt"][:, None])
        first = jnp.argmax(hit, axis=1)
        w = jnp.take_along_axis(a["ltd_w"], first[:, None], axis=1)[:, 0]
        return jnp.where(jnp.any(hit, axis=1) & (t >= 0.0), w, 0.0)


class UrbanczikHistory(_History):
    """The dendrite's history; ``g_L``, ``C_m``, ``tau_L``, ``tau_syn_ex``,
    ``tau_syn_in``: the dendrite's values (NEST's get_g_L(1) ...), unitless."""

    def __init__(self, a, tgt, params, real, grid):
        self._dpi = a["dpi"]
        self._tgt = tgt
        self._start = a["start"][tgt]
        self._newest = a["newest"]
        self._real = real
        self._grid = grid
        self.overflow = jnp.zeros(tgt.shape, jnp.bool_)
        self.g_L = params["g_L.p"][tgt]
        self.C_m = params["C_m.p"][tgt]
        self.tau_L = self.C_m / self.g_L
        self.tau_syn_ex = params["tau_syn_ex.p"][tgt]
        self.tau_syn_in = params["tau_syn_in.p"][tgt]

    def fold(self, t1, t2, fn, init):
        """get_urbanczik_history(t1, t2): ``fn(value, entry)`` over the entries with
        t1 < t <= t2 (in NEST's comparison), oldest first; ``entry.t`` (ms), ``entry.dw``
        (the step's dPI). One entry per step: entry k is at Time::step(k + 1)."""
        return self._fold(*self._window(t1, t2), fn, init)

    def sum(self, t1, t2, terms, init):
        """The same window, summed: ``init`` plus ``terms(entries)`` of each entry
        (``_History._sum``: arrays of shape (entries, rows))."""
        return self._sum(*self._window(t1, t2), terms, init)

    def _window(self, t1, t2):
        t1, t2 = _ms(t1), _ms(t2)
        h = self._grid.h
        H = self._dpi.shape[1]
        # candidates around the window (the exact test is NEST's comparison below)
        lo = jnp.maximum(jnp.floor(t1 / h).astype(jnp.int64) - 2, self._start)
        hi = jnp.minimum(jnp.floor(t2 / h).astype(jnp.int64) + 2, self._newest + 1)
        hi = jnp.maximum(hi, lo)
        grid, tgt, newest = self._grid, self._tgt, self._newest

        def at(k):
            t = ms_of_steps(grid, k + 1)
            inside = ~(t - EPS < t1[:, None]) & (t - EPS < t2[:, None])
            kept = k > newest - H
            entry = {"t": u.Quantity(t, unit=u.ms), "dw": self._dpi[tgt[:, None], k % H]}
            return inside, kept, entry

        return lo, hi, at


def _ms(t):
    return t.to_decimal(u.ms) if isinstance(t, u.Quantity) else t


def refresh_need(prog_core, carry, conns):
    """At a chunk's start: per neuron the oldest window start (t_lastspike - delay) of
    its incoming clopath/urbanczik connections. It only grows during the chunk, so an
    entry written after it is one that a synapse may read: the rings must keep it
    (NEST keeps an entry until every incoming synapse has read it)."""
    hist = dict(carry.get("hist", {}))
    need = {name: jnp.full(a["incoming"].shape, jnp.inf) for name, a in hist.items()}
    for proj in prog_core.projections:
        if proj.kind != "plastic" or proj.spec.post not in KINDS or proj.tgt not in hist:
            continue
        rows = carry["syn"][proj.key]
        d = rows["delay"] if "delay" in rows else conns[proj.key]["delay_ms"]
        start = (rows["t_lastspike"] - d).reshape(-1)
        tgt = conns[proj.key]["tgt"].reshape(-1)
        need[proj.tgt] = need[proj.tgt].at[tgt].min(start, mode="drop")
    for name in hist:
        hist[name] = dict(hist[name], need=need[name])
    return dict(carry, hist=hist)


def slice_steps(prog, min_delay_steps):
    """Steps per slice: NEST's min_delay (generators included) wherever a plastic
    connection is. clopath_synapse reads the LTD ring when NEST delivers (at the end of
    NEST's min_delay slice), and what the ring still holds then depends on it; and the
    state a run leaves (weights, traces, post_trace) is NEST's only if the spikes of
    the run's last slice wait for the next run exactly as NEST's do."""
    if not prog.plastic or not min_delay_steps:
        return prog.D
    return int(min_delay_steps)


def read(prog):
    """Whether a synapse reads one of the program's archives (its rings can overflow)."""
    return any(flags.any() for _, flags in prog.histories.values())
