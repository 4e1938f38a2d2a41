"""spike_train_injector: spike_generator's spike trains sent by a neuron
(models/spike_train_injector.cpp).

NEST makes it a neuron so that its connections are routed like a neuron's (through
proxies, any synapse model, plastic ones included); here it is a NeuronModel whose
update reads its spike table, so that its spikes take the neurons' delivery path.
Its times, multiplicities, flags and window are spike_generator's (same rounding,
same steps, decided on the host at Prepare), with its own messages; it takes no
input, and has no label, stimulus_source or spike_weights.

precise_times: each spike is sent with its offset (NEST's is_off_grid follows
precise_times); the spikes of one step go as one spike of their summed multiplicity
at the earliest offset, as parrot_neuron_ps sends them (one offset per node and step).
"""

import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from .._spec import NeuronModel, Param, State
from ..integrators import Exact
from . import _common as C
from . import spike_generator as G
from ._pointer import NEVER, at_row, table

_NAME = "spike_train_injector"


def on_set(old, new, ctx):
    return G.on_set(old, new, ctx, _NAME)


def _per_step(steps, count, offsets):
    """One entry per step (spike_generator's may split a step by offset), at the
    step's earliest offset."""
    steps, inv = np.unique(steps, return_inverse=True)
    inv = inv.reshape(-1)
    earliest = np.zeros(len(steps))
    np.maximum.at(earliest, inv, offsets)
    return steps, np.bincount(inv, count, len(steps)), earliest


def pre_run(v, ctx):
    """The spike table of each node and its pointer past the current time."""
    ev = [G._events(v, i, ctx) for i in range(len(v["origin"]))]
    ev = [_per_step(e[0], e[1], e[3]) for e in ev]
    steps, out = table([e[0] for e in ev], {"spk_count": ([e[1] for e in ev], 0, np.int64),
                                            "spk_offset": ([e[2] for e in ev], 0.0, float)},
                       v["pad"], ctx.now, pointer="pos")
    return dict(out, spk_steps=steps)


def update(p, d, s, x, ctx):
    hit = at_row(s.spk_steps, s.pos) == ctx.n + 1
    count = jnp.where(hit, at_row(s.spk_count, s.pos), 0)
    offset = jnp.where(hit, at_row(s.spk_offset, s.pos), 0.0)
    return s.replace(pos=s.pos + hit), (count.astype(jnp.int32), offset)


spike_train_injector = NeuronModel(
    name=_NAME, doc="Neuron that emits prescribed spike trains.",
    params=C.DEVICE_PARAMS[:3] + (
        Param("spike_times", np.zeros(0), u.ms, "spike times", dtype="vector"),
    ) + G.TRAIN_PARAMS,
    state=(State("pos", 0, None, "next spike", dtype="int", hidden=True), C.PAD_STATE,
           State("spk_steps", NEVER, None, "steps of sending", dtype="int", hidden=True),
           State("spk_count", 0, None, "spikes sent in those steps", dtype="int",
                 hidden=True),
           State("spk_offset", 0.0, None, "their offsets (ms)", hidden=True)),
    channels=(), spike_receptors={}, current_receptors={},
    check=C.device_check, on_set=on_set, pre_run=pre_run, update=update, integrator=Exact(),
    off_grid="precise_times")
