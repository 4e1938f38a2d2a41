"""Raster plots of recorded spikes (``nest.raster_plot``).

The same public functions, arguments, figure layout and return values as PyNEST 3.10's
``nest/raster_plot.py``: a raster of (time, sender) dots, by default with a population rate
histogram in a second axes below it; the functions return the list of ``Line2D`` handles
of the raster, as ``matplotlib.pyplot.plot`` does.

The simulator is reached only through the public PyNEST API, looked up at call time via
:func:`_nest`, so these functions draw from whichever module is bound as ``nest``.
"""

import sys

import numpy as np

__all__ = [
    "extract_events",
    "from_data",
    "from_device",
    "from_file",
    "from_file_numpy",
    "from_file_pandas",
]

# Figure layout of NEST's raster plot, as [left, bottom, width, height] in figure
# coordinates: the raster on top, the rate histogram in a strip below it.
_RASTER_RECT = [0.1, 0.3, 0.85, 0.6]
_HISTOGRAM_RECT = [0.1, 0.1, 0.85, 0.17]


def _nest():
    """The PyNEST-compatible module these functions talk to (tests swap in real NEST)."""
    return sys.modules["pynest_jax"]


def extract_events(data, time=None, sel=None):
    """Return the rows ``(node_id, t, ...)`` of ``data`` that pass both filters.

    Parameters
    ----------
    data : array-like
        Rows whose column 0 is the sender's node ID and column 1 the spike time.
    time : list, optional
        ``[t_max]`` keeps events with ``t < t_max``; ``[t_min, t_max]`` keeps
        ``t_min <= t < t_max``.
    sel : list, optional
        Node IDs whose events are kept; empty or ``None`` keeps all senders.

    Returns
    -------
    numpy.ndarray
        The selected rows, in their original order.
    """
    rows = np.asarray(data)
    if rows.size == 0:
        return np.empty((0,) + rows.shape[1:], dtype=rows.dtype if rows.ndim > 1 else float)

    t_min, t_max = 0.0, np.inf
    if time is not None and len(time) > 0:
        t_max = time[-1]
        if len(time) > 1:
            t_min = time[0]

    times = rows[:, 1]
    keep = (t_min <= times) & (times < t_max)
    if sel is not None and len(sel) > 0:
        wanted = sel.tolist() if hasattr(sel, "tolist") else list(sel)
        keep &= np.isin(rows[:, 0], wanted)
    return rows[keep]


def from_data(data, sel=None, **kwargs):
    """Raster plot of ``data`` (rows of ``(node_id, t)``), optionally of the senders in ``sel`` only.

    The histogram below the raster always counts every event in ``data``; ``sel`` only
    restricts the dots. ``kwargs`` are ``hist``, ``hist_binwidth``, ``grayscale``,
    ``title`` and ``xlabel`` (see :func:`_make_plot`).

    Returns
    -------
    list of matplotlib.lines.Line2D
    """
    data = np.asarray(data)
    if len(data) == 0:
        raise ValueError("There is no data to plot: the event array is empty.")

    selected = extract_events(data, sel=sel)
    return _make_plot(data[:, 1], selected[:, 1], selected[:, 0], data[:, 0], **kwargs)


def from_file(fname, **kwargs):
    """Raster plot of the spikes in one or more ASCII files written by a ``spike_recorder``.

    Several files (one per MPI rank or thread, say) are read as if they were one.
    ``kwargs`` are passed on as in :func:`from_data`.

    Returns
    -------
    list of matplotlib.lines.Line2D
        NEST 3.10 returns ``None`` here (it drops the handles); we return them as
        :func:`from_device` does for recorders that write to memory.
    """
    if isinstance(fname, str):
        fname = [fname]
    if not isinstance(fname, (list, tuple)):
        # NEST prints a notice and draws nothing rather than raising.
        print(f"raster_plot.from_file: expected a file name or a list/tuple of them, got {type(fname).__name__}.")
        return None
    try:
        import pandas  # noqa: F401  (NEST prefers pandas when it is installed)
    except ImportError:
        return from_file_numpy(fname, **kwargs)
    return from_file_pandas(fname, **kwargs)


def _concatenated(fnames, read):
    """The event rows of all files, in file order; files without events add nothing."""
    tables = [table for table in (read(f) for f in fnames) if table.size]
    return np.concatenate(tables) if tables else np.empty((0, 2))


def from_file_pandas(fname, **kwargs):
    """:func:`from_file` for a list of file names, reading them with pandas."""
    import pandas

    # A NEST 3 ASCII file starts with two '#' lines (NEST and backend versions) followed by
    # a tab-separated line of column names ("sender", "time_ms" or "time_step", ...).
    def read(path):
        return pandas.read_csv(path, sep="\t", comment="#", skipinitialspace=True).to_numpy()

    return from_data(_concatenated(fname, read), **kwargs)


def from_file_numpy(fname, **kwargs):
    """:func:`from_file` for a list of file names, reading them with numpy."""
    return from_data(_concatenated(fname, _read_recorder_table), **kwargs)


def _read_recorder_table(path):
    """The numbers in an ASCII file written by a NEST recorder, one row per event.

    NEST 3 starts such a file with two ``#`` lines (NEST and backend versions) and a line
    of column names (``sender``, ``time_ms`` or ``time_step``, ``offset``, recordables);
    older files have numbers only. Comment lines and a leading line that is not numeric
    are skipped. Returns a 2-D float array (``(0, 0)`` for a file without events).
    """
    with open(path) as f:
        lines = [line for line in f if line.strip() and not line.lstrip().startswith("#")]
    if lines and not _is_numeric_row(lines[0]):
        lines = lines[1:]
    if not lines:
        return np.empty((0, 0))
    return np.loadtxt(lines, ndmin=2)


def _is_numeric_row(line):
    try:
        [float(field) for field in line.split()]
    except ValueError:
        return False
    return True


def from_device(detec, **kwargs):
    """Raster plot of the spikes recorded by a ``spike_recorder``.

    ``kwargs`` are passed on as in :func:`from_data`; the default title names the device.

    Returns
    -------
    list of matplotlib.lines.Line2D

    Raises
    ------
    TypeError
        If ``detec`` is not a single ``spike_recorder`` (or a copy of that model).
    ValueError
        If it recorded no spikes, or records neither to ``'memory'`` nor to ``'ascii'``.
    """
    nest = _nest()
    model = detec.get("model")
    if not isinstance(model, str) or nest.GetDefaults(model, "type_id") != "spike_recorder":
        raise TypeError("raster_plot.from_device needs a single 'spike_recorder'.")

    record_to = detec.get("record_to")
    if record_to == "memory":
        events = detec.get("events")
        times, senders = events["times"], events["senders"]
        if len(times) == 0:
            raise ValueError("The 'spike_recorder' has recorded no events, so there is nothing to plot.")
        kwargs.setdefault("title", f"Raster plot from device '{detec.get('global_id')}'")
        kwargs.setdefault("xlabel", "Steps" if detec.get("time_in_steps") else "Time (ms)")
        return _make_plot(times, times, senders, senders, **kwargs)

    if record_to == "ascii":
        return from_file(detec.get("filenames"), **kwargs)

    raise ValueError(
        f"Cannot plot from a 'spike_recorder' with record_to={record_to!r}; "
        "set 'record_to' to 'memory' or 'ascii'."
    )


def _rate_histogram(times, binwidth):
    """Spike counts per bin of ``binwidth`` starting at the first spike, as NEST counts them.

    The bin edges are ``arange(min(times), max(times), binwidth)``; each bin counts the
    events in ``[edge_i, edge_i+1)`` and the last bin everything from its edge on, so the
    latest spike lands in the last bin (NEST's ``raster_plot._histogram``).
    """
    times = np.sort(np.ravel(times))
    edges = np.arange(times[0], times[-1], float(binwidth))
    first_index = np.searchsorted(times, edges)
    counts = np.diff(np.append(first_index, len(times)))
    return edges, counts


def _make_plot(
    ts, ts1, node_ids, neurons, hist=True, hist_binwidth=5.0, grayscale=False, title=None, xlabel=None
):
    """Draw the raster of ``(ts1, node_ids)`` in a new figure, with the rate of ``ts`` below.

    Parameters
    ----------
    ts : array-like
        All spike times; they make the histogram.
    ts1, node_ids : array-like
        Times and senders of the dots drawn in the raster.
    neurons : array-like
        Senders of ``ts``; the rate is per distinct sender among them.
    hist : bool
        Draw the population rate histogram below the raster.
    hist_binwidth : float
        Width of the histogram bins, in the unit of the times.
    grayscale : bool
        Black dots and gray bars instead of the default colour and blue bars.
    title, xlabel : str, optional
        Default ``"Raster plot"`` and ``"Time (ms)"``.
    """
    import matplotlib.pyplot as plt

    marker, bar_color = (".k", "gray") if grayscale else (".", "blue")
    if xlabel is None:
        xlabel = "Time (ms)"

    fig = plt.figure()
    if hist:
        ax_raster = fig.add_axes(_RASTER_RECT)
        handles = ax_raster.plot(ts1, node_ids, marker)
        ax_raster.set_ylabel("Neuron ID")
        ax_raster.set_xticks([])
        xlim = ax_raster.get_xlim()

        edges, counts = _rate_histogram(ts, hist_binwidth)
        if len(edges) == 0:
            raise ValueError(
                "Cannot draw the rate histogram: all spikes occur at the same time. Pass hist=False."
            )
        # Rate in spikes/s per neuron that spiked; the times are taken to be in ms.
        rates = 1000 * counts / (hist_binwidth * len(np.unique(neurons)))
        ax_hist = fig.add_axes(_HISTOGRAM_RECT)
        ax_hist.bar(edges, rates, width=hist_binwidth, color=bar_color, edgecolor="black")
        ax_hist.set_yticks([int(y) for y in np.linspace(0.0, int(max(rates) * 1.1) + 5, 4)])
        ax_hist.set_ylabel("Rate (spks/s)")
        ax_hist.set_xlabel(xlabel)
        ax_hist.set_xlim(xlim)
        # NEST leaves the raster as the current axes, so later pyplot calls go there.
        plt.sca(ax_raster)
    else:
        ax_raster = fig.add_subplot()
        handles = ax_raster.plot(ts1, node_ids, marker)
        ax_raster.set_xlabel(xlabel)
        ax_raster.set_ylabel("Neuron ID")

    ax_raster.set_title("Raster plot" if title is None else title)
    plt.draw()
    return handles
