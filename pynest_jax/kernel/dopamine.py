"""Neuromodulated plasticity inside the compiled step: each volume transmitter's
spike history, and NEST's periodic update of the synapses that read it.

NEST (models/volume_transmitter.cpp, nestkernel/connector_base.h,
ConnectionManager::trigger_update_weight):

* A volume transmitter receives spikes through ordinary connections, with their
  delays; in its update each step with arrivals becomes one entry (time of the
  step's end, summed multiplicity) of its list. The list starts with a pseudo entry
  at the time of the last trigger (0 before the first).
* At the end of a min_delay slice whose end step is a multiple of
  ``deliver_interval * min_delay``, every connection of every model that names the
  transmitter is advanced to that time (``on_trigger``), and the list starts afresh.
  This happens in the nodes' update, before the slice's spikes are delivered at the
  start of the next slice, so the slices here are NEST's (``slice_steps``).
* A presynaptic spike through such a connection reads the list as it stands
  (``on_pre`` with ``ctx.dopa``).

Here each transmitter population keeps a fixed-capacity history (entries since the
last trigger, oldest first); one that a step cannot append to sets ``overflow``
and the kernel runs the chunk again with a larger one (Program.grow), as for the
post-synaptic archive. Networks without neuromodulated synapses build none of this.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._brainunit import u
from .. import units as U
from ..models._spec import Vars
from .archiving import ms_of_steps
from .plasticity import PostHistory

HISTORY = 32  # entries per volume transmitter at first; doubled after an overflow
STDP_EPS = 1.0e-6  # ConnectionManager::stdp_eps_ (ms)


class Plan:
    """Which plastic projections are neuromodulated and by which transmitter."""

    def __init__(self, graph, plastic, min_delay):
        self.projections = [p for p in plastic if p.spec.on_trigger is not None]
        for proj in self.projections:
            gid = int(graph.synapses[proj.model][1]["volume_transmitter"])
            pop = graph.pop_list[graph.node_pop[gid]]
            proj.vt = (pop.spec.name, int(graph.node_local[gid]))  # static: in the signature
        self.pops = tuple(sorted({p.vt[0] for p in self.projections}))
        self.min_delay = int(min_delay)
        self.capacity = HISTORY

    def slice_steps(self, d):
        """NEST's slices (min_delay steps) when a trigger can fall at a slice's end:
        a spike is sent after the triggers up to the end of its NEST slice, before
        the later ones."""
        return self.min_delay if self.projections else d

    # --- carry ----------------------------------------------------------------------
    def empty_carry(self, plans):
        return {name: empty(plans[name].n, self.capacity) for name in self.pops}

    def carry_over(self, old_carry, carry):
        """Histories of transmitters kept by a rebuilt program (entries in their order)."""
        out = dict(carry["dopa"])
        for name, h in old_carry.get("dopa", {}).items():
            if name in out:
                self.capacity = max(self.capacity, h["t"].shape[1])
                out[name] = _resize(h, out[name]["t"].shape[0], self.capacity)
        for name in out:
            out[name] = _resize(out[name], out[name]["t"].shape[0], self.capacity)
        return dict(carry, dopa=out)

    def overflowed(self, carry):
        return any(bool(h["overflow"]) for h in carry.get("dopa", {}).values())

    def grow(self, saved, after):
        """The carry to run an overflowed chunk again from, with larger histories."""
        if not self.overflowed(after):
            return saved
        self.capacity *= 2
        return dict(saved, dopa={k: _resize(h, h["t"].shape[0], self.capacity)
                                 for k, h in saved["dopa"].items()})

    # --- the step (device) ------------------------------------------------------------
    def collect(self, core, st):
        """volume_transmitter::update: this step's arrivals (the multiplicities in the
        transmitter's input for the step) become an entry at the step's end."""
        if not self.pops:
            return
        dopa = dict(st.carry["dopa"])
        t = ms_of_steps(core.grid, st.n + 1)
        for name in self.pops:
            dopa[name] = _append(dopa[name], st.carry["inp"][name][0], t)
        st.carry = dict(st.carry, dopa=dopa)

    def history(self, proj, carry):
        """What a connection of ``proj`` reads of its transmitter, or None."""
        if getattr(proj, "vt", None) is None:
            return None
        name, i = proj.vt
        return History(carry["dopa"][name], i)

    def trigger(self, core, conns, params, carry, s_end, min_delay):
        """At the end of a slice ending at step ``s_end``: the transmitters whose
        deliver interval ends here advance all their connections to that time, then
        start their histories afresh (a pseudo entry at that time). ``min_delay``: the
        slice's steps, an argument of the chunk (with transmitters, NEST's min_delay:
        slice_steps), so that programs differing in it share a compilation."""
        if not self.projections:
            return carry
        t = ms_of_steps(core.grid, s_end)
        due = {}
        for name in self.pops:
            interval = min_delay * params[name]["deliver_interval"].astype(jnp.int64)
            # NEST checks no interval: a zero or negative one fails at Simulate there
            due[name] = (interval > 0) & (s_end % jnp.maximum(interval, 1) == 0)
        syn, arch = dict(carry["syn"]), dict(carry["arch"])
        for proj in self.projections:
            name, i = proj.vt
            pt = params[proj.tgt]
            rows, overflow = jax.lax.cond(
                due[name][i],
                lambda r: _advance(proj, conns[proj.key], r, params["syn:" + proj.key],
                                   arch[proj.tgt], pt, History(carry["dopa"][name], i), t),
                lambda r: (r, jnp.zeros((), jnp.bool_)), syn[proj.key])
            syn[proj.key] = rows
            arch[proj.tgt] = dict(arch[proj.tgt], overflow=arch[proj.tgt]["overflow"] | overflow)
        dopa = {}
        for name, h in carry["dopa"].items():
            d = due[name]
            dopa[name] = dict(h, count=jnp.where(d, 0, h["count"]),
                              base=jnp.where(d, jnp.asarray(t, h["base"].dtype), h["base"]))
        return dict(carry, syn=syn, arch=arch, dopa=dopa)


def _advance(proj, a, rows, common, arch, pt, dopa, t):
    """trigger_update_weight of every connection of a projection (padded rows)."""
    units = proj.units
    N = proj.n_tgt
    flat = {k: v.reshape(-1) for k, v in rows.items()}
    c = U.attach(flat, units)
    ones = jnp.ones(flat["weight"].shape, flat["weight"].dtype)
    c.update({k: v * ones for k, v in U.attach(common, units).items()})
    if "delay" not in c:
        c["delay"] = u.Quantity(a["delay_ms"] * ones, unit=u.ms)
    tgt = a["tgt"].reshape(-1)
    real = tgt < N
    post = PostHistory(arch, jnp.minimum(tgt, N - 1), pt["tau_minus"], pt["tau_minus_triplet"])
    changes = U.strip(proj.spec.on_trigger(c, post, dopa, t), units)
    out = dict(rows)
    for k, v in changes.items():
        v = jnp.where(real, jnp.broadcast_to(v, real.shape), flat[k])
        out[k] = v.reshape(rows[k].shape).astype(rows[k].dtype)
    return out, jnp.any(post.overflow & real)


class History:
    """A volume transmitter's list as a neuromodulated synapse reads it: the pseudo
    entry's time (``base``), then the entries since."""

    def __init__(self, h, i):
        self.t, self.m, self.count = h["t"][i], h["m"][i], h["count"][i]
        self.base = h["base"][i]

    def fold(self, after, upto, fn, init):
        """``fn(value, spike, first)`` over the entries with after < t and
        upto - t > -eps (process_dopa_spikes_'s condition), oldest first; ``first``:
        none before it. Returns (value, whether any)."""

        def body(k, carry):
            value, some = carry
            t = self.t[k]
            on = (k < self.count) & (t > after) & (upto - t > -STDP_EPS)
            new = fn(value, Vars(t=t, multiplicity=self.m[k]), ~some)
            value = jax.tree_util.tree_map(lambda n_, o: jnp.where(on, n_, o), new, value)
            return value, some | on

        some = jnp.zeros(jnp.shape(after), jnp.bool_)
        # the entries there are, not the capacity: mostly none or one per interval
        return jax.lax.fori_loop(0, self.count, body, (init, some))


def empty(n, capacity):
    return {"t": jnp.zeros((n, capacity), jnp.float64), "m": jnp.zeros((n, capacity), jnp.float64),
            "count": jnp.zeros((n,), jnp.int32), "base": jnp.zeros((n,), jnp.float64),
            "overflow": jnp.zeros((), jnp.bool_)}


def _resize(h, n, capacity):
    old = {k: np.asarray(v) for k, v in h.items()}
    new = {k: np.array(v) for k, v in empty(n, capacity).items()}
    n_old = min(n, old["t"].shape[0])
    keep = min(capacity, old["t"].shape[1])
    for k in ("t", "m"):
        new[k][:n_old, :keep] = old[k][:n_old, :keep]
    new["count"][:n_old] = np.minimum(old["count"][:n_old], keep)
    new["base"][:n_old] = old["base"][:n_old]
    new["overflow"] = old["overflow"]
    return {k: jnp.asarray(v) for k, v in new.items()}


def _append(h, mult, t):
    """One entry per transmitter with arrivals in this step; one that does not fit
    sets the overflow flag (the chunk then runs again with a larger history)."""
    H = h["t"].shape[1]
    on = mult > 0
    pos = jnp.minimum(h["count"], H - 1)
    fits = on & (h["count"] < H)
    rows = jnp.arange(mult.shape[0])
    t_row = h["t"][rows, pos]
    m_row = h["m"][rows, pos]
    return dict(h, t=h["t"].at[rows, pos].set(jnp.where(fits, t, t_row)),
                m=h["m"].at[rows, pos].set(jnp.where(fits, mult.astype(h["m"].dtype), m_row)),
                count=jnp.where(fits, h["count"] + 1, h["count"]),
                overflow=h["overflow"] | jnp.any(on & ~fits))
