"""Membrane potential traces (``nest.voltage_trace``).

The same public functions, arguments, drawing and return values as PyNEST 3.10's
``nest/voltage_trace.py``: one line per recorded neuron, labelled ``"Neuron <id>"``, drawn
into the current matplotlib axes (no new figure is opened), with a legend.

The simulator is reached only through the public PyNEST API, looked up at call time via
:func:`_nest`, so these functions draw from whichever module is bound as ``nest``.
"""

import sys

import numpy as np

from .raster_plot import _read_recorder_table

__all__ = [
    "from_device",
    "from_file",
]

_YLABEL = "Membrane potential (mV)"


def _nest():
    """The PyNEST-compatible module these functions talk to (tests swap in real NEST)."""
    return sys.modules["pynest_jax"]


def _by_sender(senders, values):
    """``{sender: [values...]}`` with senders in order of first appearance."""
    grouped = {}
    for sender, value in zip(senders, values):
        grouped.setdefault(sender, []).append(value)
    return grouped


def _read_files(fname):

    names = list(fname) if isinstance(fname, (list, tuple)) else [fname]
    tables = [table for table in (_read_recorder_table(name) for name in names) if table.size]
    if not tables:
        raise ValueError(f"No samples found in {fname!r}.")
    data = np.concatenate(tables)
    # A single column is a trace of one neuron, indexed by sample.
    return data[:, 0] if data.shape[1] == 1 else data


def from_file(fname, title=None, grayscale=False):
    """Plot membrane potentials from ASCII files written by a ``voltmeter``/``multimeter``.

    The columns are read as ``V_m`` (one column: one neuron, x is the sample index),
    ``sender V_m`` (x is the sample index) or ``sender time V_m``. NEST 3's column-name
    line is skipped (NEST 3.10's own ``from_file`` cannot read the files NEST 3 writes).

    Returns
    -------
    list
        For one column the list of ``Line2D`` of a single ``plot`` call, otherwise one
        such list per neuron, as NEST returns.
    """
    import matplotlib.pyplot as plt

    data = _read_files(fname)
    style = "k" if grayscale else ""
    ax = plt.gca()

    if data.ndim == 1:
        print("INFO: the file has one column; plotting it as the trace of a single neuron.")
        handles = ax.plot(data, style)
        ax.set_xlabel("Time (steps of length interval)")
    elif data.shape[1] == 2:
        print("INFO: the file has two columns; reading them as node ID and membrane potential.")
        traces = _by_sender(data[:, 0], data[:, 1])
        handles = [ax.plot(v, style, label=f"Neuron {int(s)}") for s, v in traces.items()]
        ax.set_xlabel("Time (steps of length interval)")
        ax.legend()
    elif data.shape[1] == 3:
        traces = _by_sender(data[:, 0], data[:, 2])
        # NEST takes the time axis from the rows of the first sender in the file.
        times = list(data[data[:, 0] == data[0, 0], 1])
        handles = [ax.plot(times, v, style, label=f"Neuron {int(s)}") for s, v in traces.items()]
        ax.set_xlabel("Time (ms)")
        ax.legend()
    else:
        raise ValueError(
            f"Cannot plot a voltage trace from {data.shape[1]} columns; expected 1 (V_m), "
            "2 (sender, V_m) or 3 (sender, time, V_m)."
        )

    if not title:
        shown = fname[0] if isinstance(fname, tuple) and len(fname) == 1 else fname
        title = f"Membrane potential from file '{shown}'"
    ax.set_title(title)
    ax.set_ylabel(_YLABEL)
    plt.draw()
    return handles


def _check_device(detec):
    if len(detec) > 1:
        raise ValueError("voltage_trace.from_device needs a single 'voltmeter' or 'multimeter'.")
    nest = _nest()
    model = nest.GetDefaults(detec.get("model"), "type_id")
    if model not in ("voltmeter", "multimeter"):
        raise TypeError("voltage_trace.from_device needs a 'voltmeter' or a 'multimeter' recording 'V_m'.")
    if model == "multimeter":
        record_from = detec.get("record_from")
        if "V_m" not in record_from:
            raise ValueError("The 'multimeter' does not record 'V_m'.")
        if detec.get("record_to") != "memory" and len(record_from) > 1:
            raise ValueError(
                "A 'multimeter' writing to file must record only 'V_m'; record to 'memory' to plot it."
            )


def from_device(detec, neurons=None, title=None, grayscale=False, timeunit="ms"):
    """Plot the membrane potentials recorded by a ``voltmeter`` or a ``multimeter``.

    Parameters
    ----------
    detec : NodeCollection
        One voltmeter, or one multimeter recording ``V_m``.
    neurons : list of int, optional
        Node IDs of the neurons to draw, in this order; default: every recorded neuron,
        in order of first appearance in the events. An ID that was not recorded raises
        ``KeyError`` (as in NEST).
    title : str, optional
        Default ``"Membrane potential"``.
    grayscale : bool, optional
        Draw black lines.
    timeunit : str, optional
        ``"s"`` divides the times (in ms) by 1000; anything else means ms.

    Returns
    -------
    list of list of matplotlib.lines.Line2D
        One ``plot`` result per neuron.
    """
    import matplotlib.pyplot as plt

    _check_device(detec)

    record_to = detec.get("record_to")
    if record_to == "ascii":
        return from_file(detec.get("filenames"), title, grayscale)
    if record_to != "memory":
        raise ValueError(
            f"Cannot plot from a device with record_to={record_to!r}; set 'record_to' to 'memory' or 'ascii'."
        )

    in_steps = detec.get("time_in_steps")
    time_divisor = 1.0
    if not in_steps:
        if timeunit == "s":
            time_divisor = 1000.0
        else:
            timeunit = "ms"

    events = detec.get("events")
    if len(events["times"]) == 0:
        raise ValueError("The device has recorded no events, so there is nothing to plot.")

    times = _by_sender(events["senders"], events["times"])
    potentials = _by_sender(events["senders"], events["V_m"])
    if neurons is None:
        neurons = potentials.keys()

    style = "k" if grayscale else ""
    ax = plt.gca()
    handles = []
    for neuron in neurons:
        # NEST collects the samples in single-precision arrays (array.array("f")), so what
        # it draws are the float32 roundings of the recorded times and potentials.
        x = np.asarray(times[neuron], dtype=np.float32) / np.float32(time_divisor)
        y = np.asarray(potentials[neuron], dtype=np.float32)
        handles.append(ax.plot(x, y, style, label=f"Neuron {int(neuron)}"))

    ax.set_title(title or "Membrane potential")
    ax.set_ylabel(_YLABEL)
    ax.set_xlabel("Steps" if in_steps else f"Time ({timeunit})")
    ax.legend(loc="best")
    plt.draw()
    return handles
