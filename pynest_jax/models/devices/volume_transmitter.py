"""volume_transmitter: collects the spikes of the neurons connected to it for the
neuromodulated synapses that name it (NEST models/volume_transmitter.{h,cpp}).

A node of its own kind (element type "other"): it receives spikes on receptor 0,
counted with their multiplicity whatever the weight, and sends nothing. Each step
with arrivals becomes one entry (time, summed multiplicity) of its spike history;
every ``deliver_interval`` min_delay slices the synapses are advanced to the end of
the slice and the history starts afresh (kernel/dopamine.py does both).
"""

import jax.numpy as jnp

from .._spec import Channel, NeuronModel, Param
from ...errors import NESTErrors
from ..integrators import Exact


def check_connection(sspec, tspec, receptor):
    """handles_test_event as a target (as a source it sends nothing: emits_spikes)."""
    if not isinstance(sspec, NeuronModel):  # volume_transmitter::local_receiver() is false
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because:\nWe do not allow connection "
            "of a device to a global receiver at the moment.")


def update(p, d, s, x, ctx):
    return s, jnp.zeros(x.spikes.shape, jnp.int32)


volume_transmitter = NeuronModel(
    name="volume_transmitter",
    doc="Support node for neuromodulated synaptic plasticity.",
    element_type="other",
    # NEST checks nothing: 0 or a negative interval fails only at Simulate
    params=(Param("deliver_interval", 1, None, "interval of weight updates in min_delay "
                  "slices", dtype="int"),),
    channels=(Channel("spikes", weighted=False),),
    spike_receptors={0: ("spikes", "spikes")},
    current_receptors={},
    update=update,
    integrator=Exact(),
    emits_spikes=False,
    check_connection=check_connection,
    neuromodulatory=True,
)
