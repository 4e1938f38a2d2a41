"""The catalogue: every implemented model by its NEST name."""

from .devices.dc_generator import dc_generator
from .devices.recorders import multimeter, spike_recorder, voltmeter
from .neurons.iaf.iaf_psc_delta import iaf_psc_delta
from .synapses.static import static_synapse

NODE_MODELS = {m.name: m for m in (
    iaf_psc_delta,
    dc_generator,
    spike_recorder, multimeter, voltmeter,
)}

SYNAPSE_MODELS = {m.name: m for m in (
    static_synapse,
)}
