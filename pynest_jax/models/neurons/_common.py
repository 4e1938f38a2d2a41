"""Keys every NEST neuron carries (ArchivingNode, StructuralPlasticityNode,
IgnoreAndSpikeMechanism in nestkernel/): declared once, added to each neuron."""

import brainunit as u

from .._spec import Param, State

ARCHIVING_PARAMS = (
    Param("beta_Ca", 0.001, None, "increment of the calcium concentration per spike"),
    Param("tau_Ca", 10000.0, u.ms, "time constant of the calcium concentration"),
    Param("tau_minus", 20.0, u.ms, "time constant of the STDP post-synaptic trace"),
    Param("tau_minus_triplet", 110.0, u.ms, "time constant of the triplet STDP trace"),
    Param("synaptic_elements", {}, None, "structural plasticity elements", dtype="dict"),
    Param("ignore_and_spike", False, None, "ignore dynamics, spike at fixed intervals", dtype="bool"),
    Param("ignore_and_spike_interval", 100.0, u.ms, "interval of forced spikes"),
    Param("ignore_and_spike_offset", 1.0, u.ms, "time of the first forced spike"),
)

# Updated by the kernel at each spike (ArchivingNode::set_spiketime), not by the model.
ARCHIVING_STATE = (
    State("Ca", 0.0, None, "calcium concentration, updated at spikes and at the end of each run"),
    State("Ca_t", 0.0, u.ms, "time of the last calcium update", hidden=True),
    State("t_spike", -1.0, u.ms, "time of the last spike"),
    State("post_trace", 0.0, None, "STDP post-synaptic trace"),
    State("archiver_length", 0, None, "length of the spike history", dtype="int"),
)


def neuron_params(*own):
    return tuple(own) + ARCHIVING_PARAMS


def neuron_state(*own):
    return tuple(own) + ARCHIVING_STATE
