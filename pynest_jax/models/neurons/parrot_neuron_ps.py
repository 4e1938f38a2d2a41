"""parrot_neuron_ps: repeats every incoming spike at its precise time
(NEST models/parrot_neuron_ps.{h,cpp}).

Spikes on receptor 0 are kept with their offsets (kernel/precise.py) and sent on in
the step they arrive, with their offset and multiplicity; spikes on receptor 1 are
ignored (for plastic connections onto it). A step's events are sent as one spike
with the summed multiplicity at the earliest offset: this kernel sends one spike
offset per neuron and step (docs/divergences.md).
"""

import jax.numpy as jnp

from .._spec import Channel, NeuronModel
from ..integrators import Exact
from ._common import Archiving, neuron_params, neuron_state
from .ps._common import at


def update(p, d, s, x, ctx):
    ev = ctx.events
    # static_cast<unsigned long> of each event's multiplicity
    count = jnp.sum(jnp.floor(ev.weight), axis=0).astype(jnp.int32)
    offset = jnp.where(count > 0, at(ev.offset, jnp.zeros_like(ev.count)), 0.0)
    return s, (count, offset)


parrot_neuron_ps = NeuronModel(
    name="parrot_neuron_ps",
    doc="Neuron that repeats incoming spikes, at their precise times.",
    params=neuron_params(),
    state=neuron_state(),
    # unweighted: an event carries the multiplicity, not weight x multiplicity
    channels=(Channel("spikes", weighted=False), Channel("ignored", weighted=False)),
    spike_receptors={0: ("spikes", "spikes"), 1: ("ignored", "ignored")},
    current_receptors={},
    precise_channel="spikes",
    update=update,
    integrator=Exact(),
    archiving=Archiving(precise=True),
    off_grid=True,
)
