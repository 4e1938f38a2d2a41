"""spin_detector: records the state changes of binary neurons (NEST
models/spin_detector.{h,cpp}). A spike of multiplicity 2, or two spikes of one sender
in one step, is an up-transition (state 1); a single spike a down-transition (state 0).
A single spike is held until the next event or the detector's next update (once per
min_delay slice) tells which it was."""

import numpy as np

from .._spec import RecorderModel
from . import _common as C


def handle(v, ev, ctx):
    """spin_detector::handle in delivery order, and update at the end of each slice.
    NEST's decoding is kept as it is: a single spike that arrives while another
    sender's single spike is held writes the held one and is itself dropped."""
    senders, stamps, states = [], [], []
    held = None  # (sender, stamp, state)

    def write(sender, stamp, state):
        senders.append(sender)
        stamps.append(stamp)
        states.append(state)

    n = len(ev["stamps"])
    for i in range(n):
        m, node, t = int(ev["multiplicities"][i]), int(ev["senders"][i]), int(ev["stamps"][i])
        if m == 1 and held is not None and held[:2] == (node, t):
            held = (node, t, 1)
        if held is not None:
            write(*held)
        if m == 2:
            write(node, t, 1)
            held = None
        else:
            held = (node, t, 0) if held is None else None
        if held is not None and (i + 1 == n or ev["slices"][i + 1] != ev["slices"][i]):
            write(*held)  # the detector's update after the slice's events
            held = None
    return {}, {"senders": np.asarray(senders, np.int64), "stamps": np.asarray(stamps, np.int64),
                "state": np.asarray(states, np.int64)}


spin_detector = RecorderModel(
    name="spin_detector", kind="spike", doc="Records the state transitions of binary neurons.",
    params=C.RECORDING_PARAMS, check=C.device_check, on_set=C.device_on_set,
    receives_signal="binary", handle=handle, event_keys=("state",))
