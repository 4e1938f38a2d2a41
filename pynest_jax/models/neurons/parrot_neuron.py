"""parrot_neuron: repeats every incoming spike (NEST models/parrot_neuron.{h,cpp}).

Spikes on receptor 0 are counted with their multiplicity, whatever the weight,
and sent on in the step they arrive, as one event of that multiplicity.
Receptor 1 accepts connections whose spikes are ignored. Flush events
(FlushEventMechanism, for e-prop synapses) are not sent: static synapses drop
them, so ``flush_event_send_interval`` is kept and checked only.
"""

import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from .._spec import Channel, NeuronModel, Param
from ..integrators import Exact
from ._common import Archiving, neuron_params, neuron_state


def _check(p):
    """FlushEventMechanism::set_status."""
    if np.any(p["flush_event_send_interval"] <= 0):
        return "flush_event_send_interval > 0 required."
    return None


def update(p, d, s, x, ctx):
    # static_cast<unsigned long> of the summed multiplicities
    return s, jnp.floor(x.spikes).astype(jnp.int32)


parrot_neuron = NeuronModel(
    name="parrot_neuron", sends_signal="all", receives_signal="all",
    doc="Neuron that repeats incoming spikes.",
    params=neuron_params(
        Param("flush_event_send_interval", np.inf, u.ms,
              "interval after the last event after which a flush event is sent (e-prop)"),
    ),
    state=neuron_state(),
    # unweighted: the ring buffer receives the multiplicity, not weight x multiplicity
    channels=(Channel("spikes", weighted=False), Channel("ignored", weighted=False)),
    spike_receptors={0: ("spikes", "spikes"), 1: ("ignored", "ignored")},
    current_receptors={},
    check=_check,
    update=update,
    integrator=Exact(),
    archiving=Archiving(),
)
