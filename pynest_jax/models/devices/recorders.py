"""Recording devices: the kernel gathers what they record; these are their tables.

spike_recorder (models/spike_recorder.h) receives spikes; multimeter and
voltmeter (models/multimeter.h) sample recordables of the nodes they are
connected to, at multiples of ``interval`` shifted by ``offset``.
"""

import brainunit as u

from .._spec import Param, RecorderModel
from ._common import RECORDING_PARAMS, device_check


def _sampler_check(p):
    import numpy as np
    msg = device_check(p)
    if msg:
        return msg
    if np.any(np.asarray(p["interval"]) <= 0):
        return "The sampling interval must be > 0."
    if np.any(np.asarray(p["offset"]) < 0):
        return "The offset must be >= 0."
    return None


spike_recorder = RecorderModel(
    name="spike_recorder", kind="spike", doc="Records the spikes it receives.",
    params=RECORDING_PARAMS, check=device_check)

_SAMPLER = RECORDING_PARAMS + (
    Param("interval", 1.0, u.ms, "sampling interval"),
    Param("offset", 0.0, u.ms, "time of the first sample relative to the start of the simulation"),
)

multimeter = RecorderModel(
    name="multimeter", kind="sampler", doc="Samples recordables of the nodes it is connected to.",
    params=_SAMPLER + (Param("record_from", [], None, "recordables to sample", dtype="vector"),),
    check=_sampler_check)

voltmeter = RecorderModel(
    name="voltmeter", kind="sampler", doc="A multimeter recording V_m.",
    params=_SAMPLER + (Param("record_from", ["V_m"], None, "recordables to sample",
                             dtype="vector"),),
    check=_sampler_check)
