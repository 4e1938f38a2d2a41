"""What NEST's binary neurons share (models/binary_neuron.h): the neuron is in state
S = 0 or 1; at exponentially distributed intervals (mean tau_m) it sets S from a gain
function of its summed input h plus the step's current. A change of state is sent as a
spike of multiplicity 2 (up) or 1 (down); receivers decode it (Channel(binary=True):
each delivered event adds +w for multiplicity 2 and -w for 1, so h holds the weighted
sum of the senders' states). The three models differ only in their gain function."""

import jax
import jax.numpy as jnp
import numpy as np

from ....errors import NESTErrors
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import Exact
from .._common import Archiving, neuron_params, neuron_state


def _tics(ctx, ms):
    """Time::ms(t).get_tics(): the nearest tic."""
    return jnp.floor(ms * ctx._grid.tics_per_ms + 0.5)


def make_update(gain):
    """binary_neuron::update with ``gain(p, h, uniform) -> new state``."""

    def update(p, d, s, x, ctx):
        now = jnp.asarray(ctx.n, jnp.float64) * ctx._grid.tics_per_step
        # the step's three draws at once: the gain's, the next interval's, and pre_run_hook's
        # first interval (used once per node: t_next starts at -inf). A step in which no
        # node is due draws nothing (the values would go unused; the step's key is its own,
        # so a step that draws gets the same numbers either way)
        u_gain, u_exp, u_first = jax.lax.cond(
            jnp.any(jnp.isneginf(s.t_next) | (now > s.t_next)),
            lambda: tuple(jax.random.uniform(ctx.key, (3,) + s.h.shape)),
            lambda: (jnp.zeros(s.h.shape),) * 3)
        tau = jnp.asarray(p.tau_m.to_decimal(p.tau_m.unit) if hasattr(p.tau_m, "unit")
                          else p.tau_m, jnp.float64)
        first = _tics(ctx, -jnp.log1p(-u_first) * tau)
        t_next = jnp.where(jnp.isneginf(s.t_next), first, s.t_next)
        h = s.h + jnp.asarray(x.spikes)  # the buffer holds changes of h
        due = now > t_next
        new = gain(p, h + jnp.asarray(x.currents), u_gain)
        changed = due & (new != s.S)
        spikes = jnp.where(changed, jnp.where(new, 2, 1), 0).astype(jnp.int32)
        t_next = jnp.where(due, t_next + _tics(ctx, -jnp.log1p(-u_exp) * tau), t_next)
        return s.replace(S=jnp.where(due, new, s.S), h=h, t_next=t_next), spikes

    return update


def pre_run(v, ctx):
    """handle(SpikeEvent&) looks the sender of a neuron's event up in the source
    table, which NEST refuses without keep_source_table (source_table.cpp); NEST
    raises at the first such event, here at Prepare."""
    if ctx.keep_source_table or ctx.graph is None:
        return {}
    g = ctx.graph
    conns = g.connections
    alive = conns.col("alive")
    src, tgt = conns.col("source")[alive], conns.col("target")[alive]
    into = np.isin(tgt, np.asarray(ctx.gids))
    from_neuron = np.array([isinstance(q.spec, NeuronModel) for q in g.pop_list], bool)
    if np.any(into & from_neuron[g.node_pop[src]]):
        raise NESTErrors.KernelException(
            "Cannot use SourceTable::get_node_id when get_keep_source_table is false")
    return {}


def check(p):
    if np.any(np.asarray(p["tau_m"]) <= 0):
        return "All time constants must be strictly positive."
    return None


def binary_neuron(name, doc, gain, own_params, gain_check=None):
    from ...._brainunit import u
    return NeuronModel(
        name=name,
        doc=doc,
        params=neuron_params(
            Param("tau_m", 10.0, u.ms, "mean inter-update interval"),
            Param("theta", 0.0, None, "threshold of the gain function"),
            *own_params,
        ),
        state=neuron_state(
            State("h", 0.0, None, "summed input"),
            State("S", False, None, "binary state (output)", dtype="bool"),
            State("t_next", -np.inf, None, "time of the next update (tics; -inf: not drawn)",
                  hidden=True),
        ),
        channels=(Channel("spikes", None, binary=True), Channel("currents", None)),
        spike_receptors={0: ("spikes", "spikes")},
        current_receptors={0: "currents"},
        recordables=("S", "h"),
        check=check if gain_check is None else (lambda p: check(p) or gain_check(p)),
        update=make_update(gain),
        pre_run=pre_run,
        uses_rng=True,
        integrator=Exact(),
        archiving=Archiving(),
        sends_signal="binary",
        receives_signal="binary",
    )
