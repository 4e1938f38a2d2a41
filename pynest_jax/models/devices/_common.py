"""Keys every NEST device carries (nestkernel/device.h, recording_device.h,
stimulation_device.h)."""

import brainunit as u

from .._spec import Param

DEVICE_PARAMS = (
    Param("origin", 0.0, u.ms, "global time offset of start and stop"),
    Param("start", 0.0, u.ms, "activation time, relative to origin"),
    Param("stop", 1.7976931348623157e308, u.ms, "deactivation time, relative to origin"),
    Param("label", "", None, "label of the device", dtype="str"),
)

RECORDING_PARAMS = DEVICE_PARAMS + (
    Param("record_to", "memory", None, "recording backend", dtype="str"),
    Param("time_in_steps", False, None, "record times as steps and offsets", dtype="bool"),
    Param("n_events", 0, None, "number of recorded events", dtype="int"),
)

STIMULATION_PARAMS = DEVICE_PARAMS + (
    Param("stimulus_source", "", None, "stimulation backend", dtype="str"),
)


def device_check(p):
    import numpy as np
    if np.any(np.asarray(p["stop"]) < np.asarray(p["start"])):
        return "stop >= start required."
    return None
