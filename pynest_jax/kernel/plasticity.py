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

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

from .. import units as U
from ..models._spec import Vars
from . import archives
from .archiving import ms_of_steps

STDP_EPS = 1.0e-6  # ConnectionManager::stdp_eps_ (ms)
HISTORY = 32  # spikes kept per neuron at first; doubled after an overflow
RECORD = 4096  # weight recorder events per chunk at first; grown to what a chunk needed
_NEG = -1.0e300  # "no entry": before every time


# --- the archive (host) ----------------------------------------------------------

def empty_archive(n, capacity, incoming, dtype):
    f = lambda v: jnp.full((n,), v, dtype)  # noqa: E731
    return {"t": jnp.full((n, capacity), _NEG, dtype), "Km": jnp.zeros((n, capacity), dtype),
            "Kt": jnp.zeros((n, capacity), dtype), "count": jnp.zeros((n,), jnp.int32),
            "Kminus": f(0.0), "Kminus_triplet": f(0.0), "last": f(-1.0),
            "drop_t": f(_NEG), "drop_Km": f(0.0), "drop_Kt": f(0.0),
            "incoming": jnp.asarray(incoming), "overflow": jnp.zeros((), jnp.bool_)}


def resize_archive(arch, n, capacity, incoming):
    """An archive carried into a rebuilt program: more neurons, a larger ring, new
    incoming flags; entries kept in their order."""
    old = {k: np.asarray(v) for k, v in arch.items()}
    n_old, h_old = old["t"].shape
    new = {k: np.array(v) for k, v in empty_archive(n, capacity, incoming,
                                                        old["t"].dtype).items()}
    keep = min(h_old, capacity)
    # chronological order of the old ring: positions (count - keep + i) mod h_old
    cnt = old["count"].astype(np.int64)
    i = np.arange(keep)
    pos = (cnt[:, None] - keep + i[None, :]) % h_old
    valid = (cnt[:, None] - keep + i[None, :]) >= 0
    for k in ("t", "Km", "Kt"):
        vals = np.take_along_axis(old[k], pos, axis=1)
        fill = _NEG if k == "t" else 0.0
        new[k][:n_old, :keep] = np.where(valid, vals, fill)
    kept = np.minimum(cnt, keep)
    new["count"][:n_old] = kept
    for k in ("Kminus", "Kminus_triplet", "last", "drop_t", "drop_Km", "drop_Kt"):
        new[k][:n_old] = old[k]
    # entries beyond the new ring's size were dropped: the newest of them is remembered
    lost = cnt > keep
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
    input only note the time."""
    spikes = jnp.asarray(spikes).astype(jnp.int32)
    H = arch["t"].shape[1]
    rows = jnp.arange(spikes.shape[0])
    t = jnp.broadcast_to(jnp.asarray(t_ms, arch["t"].dtype), spikes.shape)
    inv_m = 1.0 / tau_minus
    inv_t = 1.0 / tau_minus_triplet

    def one(k, a):
        on = spikes > k
        rec = on & a["incoming"]
        km = a["Kminus"] * jnp.exp((a["last"] - t) * inv_m) + 1.0
        kt = a["Kminus_triplet"] * jnp.exp((a["last"] - t) * inv_t) + 1.0
        pos = a["count"] % H
        full = a["count"] >= H
        old = {k_: a[k_][rows, pos] for k_ in ("t", "Km", "Kt")}
        drop = rec & full
        out = dict(a)
        out["drop_t"] = jnp.where(drop, old["t"], a["drop_t"])
        out["drop_Km"] = jnp.where(drop, old["Km"], a["drop_Km"])
        out["drop_Kt"] = jnp.where(drop, old["Kt"], a["drop_Kt"])
        for k_, v in (("t", t), ("Km", km), ("Kt", kt)):
            out[k_] = a[k_].at[rows, pos].set(jnp.where(rec, v, old[k_]))
        out["Kminus"] = jnp.where(rec, km, a["Kminus"])
        out["Kminus_triplet"] = jnp.where(rec, kt, a["Kminus_triplet"])
        out["count"] = jnp.where(rec, a["count"] + 1, a["count"])
        out["last"] = jnp.where(on, t, a["last"])
        return out

    return jax.lax.fori_loop(0, jnp.max(spikes, initial=0), one, arch)


# --- the archive as a synapse reads it (device, deliver phase) ---------------------

class PostHistory:
    """The targets' archives, one row per connection being updated."""

    def __init__(self, arch, tgt, tau_minus, tau_minus_triplet):
        self._a = {k: arch[k][tgt] for k in ("t", "Km", "Kt", "count", "drop_t", "drop_Km",
                                             "drop_Kt", "Kminus", "Kminus_triplet")}
        self._tau_m = tau_minus[tgt]
        self._tau_t = tau_minus_triplet[tgt]
        self.overflow = jnp.zeros(tgt.shape, jnp.bool_)

    def _entries(self):
        """Ring positions oldest first, and whether each holds an entry."""
        a = self._a
        H = a["t"].shape[1]
        i = jnp.arange(H)
        first = a["count"][:, None] - H + i[None, :]
        return first % H, first >= 0

    def fold(self, t1, t2, fn, init):
        """``fn(value, entry)`` over the entries with t1 < t <= t2 (ArchivingNode::
        get_history, with its eps), oldest first; ``entry.t`` in ms, ``entry.Kminus``,
        ``entry.Kminus_triplet``."""
        a = self._a
        t1 = _ms(t1)
        t2 = _ms(t2)
        pos, valid = self._entries()
        # a dropped entry inside the window: the ring was too small (run again larger)
        self.overflow = self.overflow | (a["drop_t"] >= t1 + STDP_EPS)
        rows = jnp.arange(pos.shape[0])

        def body(i, value):
            p = pos[:, i]
            t = a["t"][rows, p]
            inside = valid[:, i] & (t >= t1 + STDP_EPS) & (t < t2 + STDP_EPS)
            entry = Vars(t=u.Quantity(t, unit=u.ms), Kminus=a["Km"][rows, p],
                         Kminus_triplet=a["Kt"][rows, p])
            new = fn(value, entry)
            return jax.tree_util.tree_map(lambda n_, o: jnp.where(inside, n_, o), new, value)

        return jax.lax.fori_loop(0, pos.shape[1], body, init)

    def _latest_before(self, t):
        """The newest entry strictly before t (by more than eps): (found, t, Km, Kt)."""
        a = self._a
        pos, valid = self._entries()
        rows = jnp.arange(pos.shape[0])
        et, km, kt = a["drop_t"], a["drop_Km"], a["drop_Kt"]
        found = (a["drop_t"] > _NEG) & (t - a["drop_t"] > STDP_EPS)
        for i in range(pos.shape[1]):  # oldest first: the last match wins
            p = pos[:, i]
            ti = a["t"][rows, p]
            ok = valid[:, i] & (t - ti > STDP_EPS)
            et = jnp.where(ok, ti, et)
            km = jnp.where(ok, a["Km"][rows, p], km)
            kt = jnp.where(ok, a["Kt"][rows, p], kt)
            found = found | ok
        return found, et, km, kt

    def K_value(self, t):
        """ArchivingNode::get_K_value: K_minus at t from the newest earlier entry; 0 if none."""
        t = _ms(t)
        found, et, km, _ = self._latest_before(t)
        return jnp.where(found, km * jnp.exp((et - t) / self._tau_m), 0.0)

    def K_values(self, t):
        """ArchivingNode::get_K_values: (K_minus, nearest-neighbour K, K_minus_triplet)
        at t; with an empty history the neuron's present traces."""
        t = _ms(t)
        found, et, km, kt = self._latest_before(t)
        empty = self._a["count"] == 0
        k = jnp.where(found, km * jnp.exp((et - t) / self._tau_m), 0.0)
        nn = jnp.where(found, jnp.exp((et - t) / self._tau_m), 0.0)
        trip = jnp.where(found, kt * jnp.exp((et - t) / self._tau_t), 0.0)
        return (jnp.where(empty, self._a["Kminus"], k), jnp.where(empty, self._a["Kminus"], nn),
                jnp.where(empty, self._a["Kminus_triplet"], trip))


def _ms(t):
    return t.to_decimal(u.ms) if isinstance(t, u.Quantity) else t


# --- delivery through plastic connections (device, end of a slice) -----------------

def deliver_slice(proj, spec, a, syn, common, arch, tau, spk, flat, s, r, L, grid, key,
                  rec=None):
    """The slice's spikes through one plastic projection: per step, per batch of the
    sources that spiked, ``on_pre`` on their rows. ``rec``: the projection's weight
    recorder buffer, or None. Returns (ring buffer, rows, archive overflow, rec)."""
    D, n_s = spk.shape
    N, C, K = proj.n_tgt, proj.n_chan, proj.batch
    units = proj.units
    d_const = proj.const.get("d")
    s_slot = (s % L).astype(jnp.int32)
    common = U.attach(common, units)

    def one_step(j, carry):
        row = spk[j]
        fired = row > 0
        count = jnp.sum(fired)
        # the sources that spiked, ascending; n_s (the all-padding row) after them
        order = jnp.nonzero(fired, size=n_s + K, fill_value=n_s)[0].astype(jnp.int32)
        t = ms_of_steps(grid, s + j + 1)  # the spikes' stamp
        slot0 = s_slot + j

        def one_batch(b, carry):
            flat, syn, overflow, rec = carry
            src = jax.lax.dynamic_slice_in_dim(order, b * K, K)
            m = jnp.where(src < n_s, row[jnp.minimum(src, n_s - 1)], 0).astype(flat.dtype)
            tgt = a["tgt"][src]  # (K, width); padding: N
            real = tgt < N
            rows = {k: v[src].reshape(-1) for k, v in syn.items()}
            c = U.attach(rows, units)
            ones = jnp.ones(rows["weight"].shape, rows["weight"].dtype)
            c.update({k: v * ones for k, v in common.items()})
            if "delay" not in c:
                c["delay"] = u.Quantity(jnp.full(rows["weight"].shape, proj.delay_ms), unit=u.ms)
            post = None
            if spec.post is not None:
                tg = jnp.minimum(tgt, N - 1).reshape(-1)
                post = (PostHistory(arch, tg, tau[0], tau[1]) if spec.post == "stdp" else
                        archives.reader(spec.post, arch, tg, tau, real.reshape(-1), grid))
            ok = real.reshape(-1)
            sent = ok
            if spec.on_pre is None:  # a static model with a weight recorder
                w = rows["weight"]
            else:
                ctx = _Ctx(jax.random.fold_in(key, b), grid)
                out = spec.on_pre(c, post, u.Quantity(t, unit=u.ms), ctx)
                changes, w = out[0], out[1]
                if len(out) > 2:  # the model may send nothing (bernoulli_synapse)
                    sent = ok & out[2]
                    w = jnp.where(out[2], w, 0.0)
                new = dict(syn)
                for k, v in U.strip(changes, units).items():
                    v = jnp.where(ok, jnp.broadcast_to(v, ok.shape), rows[k]).astype(syn[k].dtype)
                    new[k] = syn[k].at[src].set(v.reshape(tgt.shape))
                syn = new
            w = jnp.broadcast_to(jnp.asarray(w), ok.shape)
            if post is not None:
                overflow = overflow | jnp.any(post.overflow & ok)
            if rec is not None:
                rec = _record(rec, src, tgt.shape, sent, w, s + j + 1)
            if "counts" in a:  # channels that count spikes instead of adding weights
                w = jnp.where(a["counts"][src].reshape(-1), 1.0, w)
            slot = slot0 + (d_const if d_const is not None else a["d"][src])
            slot = slot % L
            idx = (slot * (C * N) + a["fi"][src]).reshape(-1)
            amount = (w.reshape(tgt.shape) * m[:, None]).reshape(-1)
            flat = flat.at[idx].add(amount.astype(flat.dtype), mode="drop")
            return flat, syn, overflow, rec

        nb = (count + K - 1) // K
        return jax.lax.fori_loop(0, nb, one_batch, carry)

    overflow = jnp.zeros((), jnp.bool_)
    return jax.lax.fori_loop(0, r, one_step, (flat, syn, overflow, rec))


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
    """What on_pre may know: a random key for the batch, the grid."""

    def __init__(self, key, grid):
        self.key = key
        self.grid = grid
