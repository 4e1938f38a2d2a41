"""What NEST's precise-spiking models share (models/iaf_psc_*_ps.cpp, parrot_neuron_ps.cpp):
their input channels and the walk through a step's events in order of arrival.

A precise model's update receives ``ctx.events`` (models._spec.Events): per neuron its
spikes of the step, earliest (largest offset) first. The models integrate from one
arrival to the next, so the walk is a loop over events, vectorised over neurons, whose
length is the step's largest count: no work beyond the events that arrived.
"""

import jax
import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ....errors import NESTErrors

from ..._spec import Channel

# the spikes as events, current input summed per step (handle(CurrentEvent&): RingBuffer)
CHANNELS = (Channel("spikes", u.pA), Channel("currents", u.pA))
INPUTS = dict(channels=CHANNELS, spike_receptors={0: ("spikes", "spikes")},
              current_receptors={0: "currents"}, precise_channel="spikes")


def at(table, idx):
    """table[idx[i], i] for each neuron i ((K, n) table, clipped index)."""
    k = jnp.clip(idx, 0, table.shape[0] - 1)
    return jnp.take_along_axis(table, k[None, :].astype(jnp.int32), axis=0)[0]


def next_event(ev, idx, accumulate):
    """The event at each neuron's position ``idx``: (present, offset, weight, next idx).
    With ``accumulate`` the events of equal offset are one, their weights summed
    (SliceRingBuffer::get_next_spike with accumulate_simultaneous): they follow each
    other in the table, so a loop as long as the step's longest run of equal offsets
    adds them in table order (a masked sum over every row cost the table's length in
    each iteration of the walk)."""
    present = idx < ev.count
    off = at(ev.offset, idx)
    nxt = idx + present.astype(idx.dtype)
    if not accumulate:
        return present, off, at(ev.weight, idx), nxt
    w = jnp.where(present, at(ev.weight, idx), 0.0)

    def same(nxt):
        return present & (nxt < ev.count) & (at(ev.offset, nxt) == off)

    def add(c):
        w, nxt = c
        m = same(nxt)
        return jnp.where(m, w + at(ev.weight, nxt), w), nxt + m.astype(nxt.dtype)

    w, nxt = jax.lax.while_loop(lambda c: jnp.any(same(c[1])), add, (w, nxt))
    return present, off, w, nxt


def where_any(mask, value):
    """``value()`` (an (n,) array) where ``mask``, computed only when some neuron needs it
    (else zeros): a threshold crossing's log or a refractory input's exp is needed by a
    few neurons in a few iterations of the walk, while the vectorised walk computed it
    for every neuron in every iteration."""
    out = jax.eval_shape(value)
    return jax.lax.cond(jnp.any(mask), value, lambda: jnp.zeros(out.shape, out.dtype))


def walk(ev, carry, body, extra=0, lanes=None):
    """Run ``body(i, carry) -> carry`` while any neuron has an event left: as many
    iterations as the step's largest count, plus ``extra`` (pseudo-events).

    With ``lanes`` (what the body reads per neuron: a tree of (n,) arrays), ``body`` is
    ``body(lanes) -> (i, carry, events) -> carry`` and the walk runs on all neurons only
    while more than a quarter of them have iterations left, then on those alone (their
    events, carry and lanes gathered, the results put back): a step's longest list is
    several times its mean (12 against 3 in brunel_delta_ps), and an iteration over all
    neurons cost the same however few had an event. A neuron whose items are used up is
    unchanged by an iteration, so each keeps its values."""
    left = ev.count + extra
    total = jnp.max(left, initial=0)
    if lanes is None:
        return jax.lax.fori_loop(0, total, body, carry)
    n = ev.count.shape[0]
    full = body(lanes)
    if n < COMPACT_FROM:
        return jax.lax.fori_loop(0, total, lambda i, c: full(i, c, ev), carry)
    size = -(-n // 4)
    i, carry = jax.lax.while_loop(
        lambda c: (c[0] < total) & (jnp.sum(left > c[0]) > size),
        lambda c: (c[0] + 1, full(c[0], c[1], ev)), (jnp.int32(0), carry))

    def compacted(i, carry):
        at_ = jnp.nonzero(left > i, size=size, fill_value=n)[0]
        get = lambda x: jnp.take(x, at_, axis=-1, mode="clip")
        part = body(jax.tree_util.tree_map(get, lanes))
        events = type(ev)(*(get(x) for x in ev))
        done = jax.lax.fori_loop(i, total, lambda j, c: part(j, c, events),
                                 jax.tree_util.tree_map(get, carry))
        return jax.tree_util.tree_map(lambda x, y: x.at[at_].set(y, mode="drop"), carry, done)

    return jax.lax.cond(i < total, compacted, lambda i, carry: carry, i, carry)


COMPACT_FROM = 64  # neurons: a smaller population walks all its neurons every iteration


def refractory_on_set(old, new, ctx):
    """Parameters_::set of iaf_psc_{alpha,delta,exp}_ps: t_ref of at least one step at
    the resolution in force (Time::get_steps, rounded up), checked after the others."""
    if "t_ref" in new and np.any(ctx.grid.ms_to_steps(to_ms(new["t_ref"])) < 1):
        raise NESTErrors.BadProperty("Refractory time must be at least one time step.")
    return new


def to_ms(x):
    return x.to_decimal(u.ms) if isinstance(x, u.Quantity) else x


def next_item(ev, idx, pseudo, refr_offset, accumulate):
    """The next input of each neuron, with the return from refractoriness (a pseudo-event
    at ``refr_offset``, pending where ``pseudo``) taken first when it is not later than
    the next spike (SliceRingBuffer::get_next_spike): (any, is the pseudo-event, offset,
    weight, next idx, pseudo still pending)."""
    present, off, w, nxt = next_event(ev, idx, accumulate)
    take_pseudo = pseudo & (~present | (refr_offset >= off))
    act = take_pseudo | present
    return (act, take_pseudo, jnp.where(take_pseudo, refr_offset, off),
            jnp.where(take_pseudo, 0.0, w), jnp.where(act & ~take_pseudo, nxt, idx),
            pseudo & ~take_pseudo)


def membrane_params(p):
    """(tau_m, C_m, I_e, U_th, U_reset, U_min, t_ref) as numbers (ms, pF, pA, mV)."""
    return (p.tau_m.to_decimal(u.ms), p.C_m.to_decimal(u.pF), p.I_e.to_decimal(u.pA),
            p.V_th.to_decimal(u.mV), p.V_reset.to_decimal(u.mV), p.V_min.to_decimal(u.mV),
            p.t_ref.to_decimal(u.ms))
