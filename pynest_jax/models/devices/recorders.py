"""Recording devices: the kernel gathers what they record; these are their tables.

spike_recorder (models/spike_recorder.h) receives spikes; multimeter and
voltmeter (models/multimeter.h) sample recordables of the nodes they are
connected to, at multiples of ``interval`` shifted by ``offset``. What is
recorded when is kernel/recording.py.
"""

import numpy as np

from ..._brainunit import u
from ...errors import NESTErrors
from .._spec import Param, RecorderModel
from . import _common as C


def _sampler_on_set(old, new, ctx):
    """multimeter::Parameters_::set: interval a multiple of h, at least h; offset
    rounded up to the grid (Time::step of its steps)."""
    new = C.device_on_set(old, new, ctx)
    grid = ctx.grid
    fixed = {"interval", "offset", "record_from"} & set(new)
    if fixed and ctx.gids is not None and ctx.graph is not None:
        conns = ctx.graph.connections
        if len(conns) and np.any(np.isin(conns.col("source")[conns.col("alive")], ctx.gids)):
            raise NESTErrors.BadProperty(
                "The recording interval, the interval offset and the list of properties to "
                "record cannot be changed after the multimeter has been connected to nodes.")
    if "interval" in new:
        x = C.tics(grid, new["interval"])
        if np.any(x < grid.tics_per_step):
            raise NESTErrors.BadProperty(
                "The sampling interval must be at least as long as the simulation resolution.")
        if np.any(x % grid.tics_per_step):
            raise NESTErrors.BadProperty(
                "The sampling interval must be a multiple of the simulation resolution.")
        new["interval"] = C.ms_of_tics(grid, x)
    if "offset" in new:
        off = np.asarray(new["offset"], float)
        x = C.tics(grid, off)
        if np.any((off != 0) & (x < grid.tics_per_step)):
            raise NESTErrors.BadProperty(
                "The offset for the sampling interval must be at least as long as the "
                "simulation resolution.")
        new["offset"] = C.ms_of_tics(grid, C.steps_of_tics(grid, x) * grid.tics_per_step)
    return new


spike_recorder = RecorderModel(
    name="spike_recorder", kind="spike", doc="Records the spikes it receives.",
    params=C.RECORDING_PARAMS, check=C.device_check, on_set=C.device_on_set)

_SAMPLER = C.RECORDING_PARAMS + (
    Param("interval", 1.0, u.ms, "sampling interval"),
    Param("offset", 0.0, u.ms, "time of the first sample relative to the start of the simulation"),
)

multimeter = RecorderModel(
    name="multimeter", kind="sampler", doc="Samples recordables of the nodes it is connected to.",
    params=_SAMPLER + (Param("record_from", [], None, "recordables to sample", dtype="strings"),),
    check=C.device_check, on_set=_sampler_on_set)

voltmeter = RecorderModel(
    name="voltmeter", kind="sampler", doc="A multimeter recording V_m.",
    params=_SAMPLER + (Param("record_from", ["V_m"], None, "recordables to sample",
                             dtype="strings"),),
    check=C.device_check, on_set=_sampler_on_set)


def _node_ids(old, new, ctx):
    """The senders/targets filters: node ids (a NodeCollection or a list of ids, as NEST
    takes them), kept sorted and unique as NEST's NodeCollection of them."""
    new = C.device_on_set(old, new, ctx)
    for k in ("senders", "targets"):
        if k in new:
            new[k] = [sorted({int(g) for g in v}) for v in new[k]]
    return new


# weight_recorder (models/weight_recorder.h): the events of connections whose model names
# it (the synapse model's weight_recorder); kernel/recording.py weight_events.
weight_recorder = RecorderModel(
    name="weight_recorder", kind="weight", doc="Records the weights of the events of "
    "connections whose synapse model names it.",
    params=C.RECORDING_PARAMS + (
        Param("senders", [], None, "record only events from these nodes", dtype="nodes"),
        Param("targets", [], None, "record only events to these nodes", dtype="nodes")),
    check=C.device_check, on_set=_node_ids)
