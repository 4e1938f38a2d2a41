"""Common properties that a synapse model's ``send`` changes (SynapseModel.common_state).

NEST keeps one CommonSynapseProperties object per synapse model, and a few models
write into it as spikes pass (stdp_facetshw_synapse_hom counts the synapses that have
spiked and lengthens its readout cycle). Here those keys travel in the run's carry
(``carry["cstate"]``: model -> key -> value), shared by the model's projections in the
order they are delivered, and go back into the model's defaults after the run, where
GetDefaults shows them and SetDefaults may change them before the next.
"""

from __future__ import annotations

import jax.numpy as jnp


def initial(prog, graph, carry):
    """The carry with each model's common state as its defaults hold it now."""
    state = {}
    for proj in prog.plastic:
        keys = proj.spec.common_state
        if keys:
            defaults = graph.synapses[proj.model][1]
            state[proj.model] = {k: jnp.asarray(float(defaults[k]), jnp.float64) for k in keys}
    return dict(carry, cstate=state)


def read_back(graph, carry):
    """The run's common state into the models' defaults, in their declared types."""
    for model, values in carry["cstate"].items():
        spec, defaults, _ = graph.synapses[model]
        before = dict(defaults)
        kind = {p.name: p.dtype for p in spec.common}
        for k, v in values.items():
            defaults[k] = int(v) if kind[k] == "int" else float(v)
        if spec.report_common is not None:
            spec.report_common(before, defaults)
