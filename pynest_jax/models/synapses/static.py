"""static_synapse and static_synapse_hom_w: fixed weight and delay
(models/static_synapse.h, static_synapse_hom_w.h)."""

from .._spec import SynapseModel

static_synapse = SynapseModel(name="static_synapse", doc="Synapse with fixed weight and delay.",
                              sizeof=32)

# The weight is a common property: one per synapse model, set by SetDefaults or CopyModel;
# a connection's status does not show it.
static_synapse_hom_w = SynapseModel(
    name="static_synapse_hom_w", doc="Synapse with fixed delay and one weight for all.",
    weight_common=True, sizeof=24)
