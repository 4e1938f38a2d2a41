"""static_synapse: fixed weight and delay (models/static_synapse.h)."""

from .._spec import SynapseModel

static_synapse = SynapseModel(name="static_synapse", doc="Synapse with fixed weight and delay.")
