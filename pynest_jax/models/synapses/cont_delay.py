"""cont_delay_synapse: a static synapse whose delay may lie between grid steps
(models/cont_delay_synapse.h). A delay set through its status (SetDefaults,
CopyModel, SynapseCollection.set) off the grid is delivered at the next step up
and the event carries the difference as an offset; a syn_spec delay at Connect is
rounded to the grid and keeps the default connection's offset. Grid-based targets
ignore the offset (they add the weight at the event's step), so the offset only
shows in the reported delay; the kernel keeps it per connection (delay_offset)."""

from ..._brainunit import u
from .._spec import State, SynapseModel

cont_delay_synapse = SynapseModel(
    name="cont_delay_synapse", doc="Synapse with a delay that may lie between steps.",
    hidden=(State("delay_offset", 0.0, u.ms, "offset back from the delay's step"),),
    continuous_delay=True, sizeof=40)
