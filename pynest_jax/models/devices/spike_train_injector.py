"""spike_train_injector: spike_generator's spike trains sent by a neuron
(models/spike_train_injector.cpp).

NEST makes it a neuron so that its connections are routed like a neuron's (through
proxies, any synapse model, plastic ones included); here it is a NeuronModel whose
update reads its spike table, so that its spikes take the neurons' delivery path.
Its times, multiplicities, flags and window are spike_generator's (same rounding,
same steps, decided on the host at Prepare), with its own messages; it takes no
input, and has no label, stimulus_source or spike_weights.

precise_times: the times are stored and reported as NEST's, but the spikes are sent
on the grid (no offsets travel from this model).
"""

import brainunit as u
import jax.numpy as jnp
import numpy as np

from .._spec import NeuronModel, Param, State
from ..integrators import Exact
from . import _common as C
from . import spike_generator as G
from ._pointer import NEVER, at_row, table

_NAME = "spike_train_injector"


def on_set(old, new, ctx):
    return G.on_set(old, new, ctx, _NAME)


def _per_step(steps, count):
    """One entry per step (spike_generator's may split a step by offset): it sends on
    the grid."""
    steps, inv = np.unique(steps, return_inverse=True)
    return steps, np.bincount(inv.reshape(-1), count, len(steps))


def pre_run(v, ctx):
    """The spike table of each node and its pointer past the current time."""
    ev = [_per_step(*G._events(v, i, ctx)[:2]) for i in range(len(v["origin"]))]
    steps, out = table([e[0] for e in ev], {"spk_count": ([e[1] for e in ev], 0, np.int64)},
                       v["pad"], ctx.now, pointer="pos")
    return dict(out, spk_steps=steps)


def update(p, d, s, x, ctx):
    hit = at_row(s.spk_steps, s.pos) == ctx.n + 1
    count = jnp.where(hit, at_row(s.spk_count, s.pos), 0)
    return s.replace(pos=s.pos + hit), count.astype(jnp.int32)


spike_train_injector = NeuronModel(
    name=_NAME, doc="Neuron that emits prescribed spike trains.",
    params=C.DEVICE_PARAMS[:3] + (
        Param("spike_times", np.zeros(0), u.ms, "spike times", dtype="vector"),
    ) + G.TRAIN_PARAMS,
    state=(State("pos", 0, None, "next spike", dtype="int", hidden=True), C.PAD_STATE,
           State("spk_steps", NEVER, None, "steps of sending", dtype="int", hidden=True),
           State("spk_count", 0, None, "spikes sent in those steps", dtype="int",
                 hidden=True)),
    channels=(), spike_receptors={}, current_receptors={},
    check=C.device_check, on_set=on_set, pre_run=pre_run, update=update, integrator=Exact())
