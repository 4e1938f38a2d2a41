"""A/B tests of nest.raster_plot, nest.voltage_trace and nest.visualization against PyNEST 3.10.

A small network runs in real NEST; our plotting functions are pointed at real NEST (their
``_nest`` indirection is monkeypatched) and drawn side by side with NEST's own functions
on the same recorders. What is compared is what ends up on the figure: number and
placement of axes, titles, labels, limits, ticks, the data, markers and colours of every
line, every histogram bar, the legend entries, and the returned handles.

Tolerance: none. Both sides draw the same numbers with the same matplotlib, so every
drawn value must be identical. The one exception is reading NEST 3's ASCII voltmeter
files, which NEST 3.10's own voltage_trace.from_file cannot parse; there we compare with
NEST's plot of the same recording from memory, to the 3 decimals written to the file.
"""

import importlib
import sys
import types

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

nest = pytest.importorskip("nest")
nest.verbosity = nest.VerbosityLevel.ERROR

from pynest_jax import raster_plot, visualization, voltage_trace  # noqa: E402

T_SIM = 300.0  # ms; about 20 spikes per neuron with the drive below


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def bound_to_real_nest(monkeypatch):
    """Our modules talk to real NEST; every test starts and ends with no open figures."""
    for module in (raster_plot, voltage_trace, visualization):
        monkeypatch.setattr(module, "_nest", lambda: nest)
    plt.close("all")
    yield
    plt.close("all")


@pytest.fixture
def net(tmp_path):
    """A poisson_generator driving 5 iaf_psc_alpha, recorded to memory and to ASCII files."""
    nest.ResetKernel()
    nest.data_path = str(tmp_path)
    nest.overwrite_files = True
    pg = nest.Create("poisson_generator", params={"rate": 10000.0})
    neurons = nest.Create("iaf_psc_alpha", 5)
    recorders = types.SimpleNamespace(
        neurons=neurons,
        spikes=nest.Create("spike_recorder"),
        spikes_ascii=nest.Create("spike_recorder", params={"record_to": "ascii", "label": "spikes"}),
        spikes_silent=nest.Create("spike_recorder"),  # connected to nothing
        spikes_steps=nest.Create("spike_recorder", params={"time_in_steps": True}),
        vm=nest.Create("voltmeter"),
        vm_ascii=nest.Create("voltmeter", params={"record_to": "ascii", "label": "vm"}),
        vm_steps=nest.Create("voltmeter", params={"time_in_steps": True}),
        mm=nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_ex"], "interval": 2.0}),
        mm_no_vm=nest.Create("multimeter", params={"record_from": ["I_syn_ex"]}),
        mm_ascii_two=nest.Create(
            "multimeter", params={"record_from": ["V_m", "I_syn_ex"], "record_to": "ascii", "label": "mm"}
        ),
    )
    nest.Connect(pg, neurons, syn_spec={"weight": 10.0})
    for sr in (recorders.spikes, recorders.spikes_ascii, recorders.spikes_steps):
        nest.Connect(neurons, sr)
    for meter in (recorders.vm, recorders.vm_ascii, recorders.vm_steps, recorders.mm, recorders.mm_no_vm):
        nest.Connect(meter, neurons)
    nest.Connect(recorders.mm_ascii_two, neurons)
    nest.Simulate(T_SIM)
    assert recorders.spikes.n_events > 50
    return recorders


# ----------------------------------------------------------------------------- drawing


def _line(line):
    return {
        "x": np.asarray(line.get_xdata()),
        "y": np.asarray(line.get_ydata()),
        "marker": line.get_marker(),
        "linestyle": line.get_linestyle(),
        "color": matplotlib.colors.to_rgba(line.get_color()),
        "label": line.get_label(),
    }


def _bar(patch):
    return {
        "xywh": np.array([patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()]),
        "face": patch.get_facecolor(),
        "edge": patch.get_edgecolor(),
    }


def _axes(ax):
    legend = ax.get_legend()
    return {
        "position": np.array(ax.get_position().bounds),
        "title": ax.get_title(),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "xlim": np.array(ax.get_xlim()),
        "ylim": np.array(ax.get_ylim()),
        "xticks": np.asarray(ax.get_xticks()),
        "yticks": np.asarray(ax.get_yticks()),
        "lines": [_line(line) for line in ax.get_lines()],
        "bars": [_bar(p) for p in ax.patches],
        "collections": [np.asarray(c.get_offsets()) for c in ax.collections],
        "legend": None if legend is None else [t.get_text() for t in legend.get_texts()],
    }


def drawn(fig):
    """Everything we compare about a figure."""
    return {
        "axes": [_axes(ax) for ax in fig.axes],
        "current_axes": fig.axes.index(fig.gca()) if fig.axes else None,
    }


def assert_same(ours, theirs, where="figure"):
    """Exact structural equality of nested dicts/lists with numpy arrays inside."""
    if isinstance(theirs, dict):
        assert ours.keys() == theirs.keys(), where
        for key in theirs:
            assert_same(ours[key], theirs[key], f"{where}.{key}")
    elif isinstance(theirs, (list, tuple)) and not isinstance(theirs, np.ndarray):
        assert len(ours) == len(theirs), f"{where}: {len(ours)} != {len(theirs)} items"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(theirs, np.ndarray):
        assert np.array_equal(np.asarray(ours), theirs), f"{where}: {ours} != {theirs}"
    else:
        assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"


def handle_shape(handles):
    """The nesting of a return value (list / list of lists of Line2D) with each line's data."""
    if isinstance(handles, list):
        return [handle_shape(h) for h in handles]
    assert isinstance(handles, matplotlib.lines.Line2D)
    return np.asarray(handles.get_xydata())


def draw_both(ours_fn, nest_fn, *args, new_figure=False, **kwargs):
    """Call NEST's then our function; return (ours, theirs) as (drawn figure, returned value)."""
    results = []
    for fn in (nest_fn, ours_fn):
        figures_before = set(plt.get_fignums())
        if new_figure:
            plt.figure()
        handles = fn(*args, **kwargs)
        fig = plt.gcf()
        new_figures = set(plt.get_fignums()) - figures_before
        results.append((drawn(fig), handles, len(new_figures)))
        for h in handles if isinstance(handles, list) else []:
            for line in h if isinstance(h, list) else [h]:
                assert line.figure is fig, "returned handles must be lines of the drawn figure"
    (ours, our_handles, our_new), (theirs, their_handles, their_new) = results[1], results[0]
    assert our_new == their_new, "number of figures opened"
    return (ours, our_handles), (theirs, their_handles)


def assert_draws_like_nest(ours_fn, nest_fn, *args, **kwargs):
    (ours, our_handles), (theirs, their_handles) = draw_both(ours_fn, nest_fn, *args, **kwargs)
    assert_same(ours, theirs)
    assert_same(handle_shape(our_handles), handle_shape(their_handles), "return value")
    return ours


def assert_raises_like_nest(ours_fn, nest_fn, *args, **kwargs):
    with pytest.raises(Exception) as theirs:
        nest_fn(*args, **kwargs)
    with pytest.raises(Exception) as ours:
        ours_fn(*args, **kwargs)
    assert ours.type is theirs.type, f"ours raised {ours.type.__name__}({ours.value}), NEST {theirs.value!r}"


# ----------------------------------------------------------------------------- public names


@pytest.mark.parametrize("name", ["raster_plot", "voltage_trace"])
def test_module_exports_the_names_nest_exports(name):
    theirs = importlib.import_module(f"nest.{name}")
    ours = importlib.import_module(f"pynest_jax.{name}")
    assert sorted(ours.__all__) == sorted(theirs.__all__)
    for public in ours.__all__:
        assert callable(getattr(ours, public))


def test_visualization_exports_plot_network():
    assert visualization.__all__ == ["plot_network"]


# ----------------------------------------------------------------------------- raster_plot


def test_raster_from_device_draws_raster_and_histogram_like_nest(net):
    ours = assert_draws_like_nest(raster_plot.from_device, nest.raster_plot.from_device, net.spikes)
    # Guard against comparing two empty figures.
    raster, histogram = ours["axes"]
    assert len(raster["lines"][0]["x"]) == net.spikes.n_events
    assert raster["title"] == f"Raster plot from device '{net.spikes.global_id}'"
    assert histogram["xlabel"] == "Time (ms)" and len(histogram["bars"]) > 10


@pytest.mark.parametrize(
    "kwargs",
    [
        {"hist": False},
        {"hist": False, "grayscale": True, "title": "my raster"},
        {"hist_binwidth": 12.5, "grayscale": True},
        {"hist_binwidth": 1.0, "title": ""},
    ],
)
def test_raster_from_device_options_like_nest(net, kwargs):
    ours = assert_draws_like_nest(raster_plot.from_device, nest.raster_plot.from_device, net.spikes, **kwargs)
    assert len(ours["axes"]) == (1 if kwargs.get("hist") is False else 2)


def test_raster_from_device_in_steps_like_nest(net):
    ours = assert_draws_like_nest(raster_plot.from_device, nest.raster_plot.from_device, net.spikes_steps)
    assert ours["axes"][1]["xlabel"] == "Steps"


def test_raster_from_device_ascii_draws_like_nest(net):
    # NEST 3.10 returns None here (its from_file drops the handles); we return the handles.
    (ours, our_handles), (theirs, their_handles) = draw_both(
        raster_plot.from_device, nest.raster_plot.from_device, net.spikes_ascii
    )
    assert their_handles is None
    assert_same(ours, theirs)
    assert len(our_handles) == 1 and len(our_handles[0].get_xdata()) == net.spikes_ascii.n_events


@pytest.mark.parametrize("reader", ["from_file_numpy", "from_file_pandas"])
def test_raster_file_readers_like_nest(net, reader):
    files = net.spikes_ascii.filenames
    # NEST's from_file_pandas only works after from_file has imported pandas globally.
    nest.raster_plot.from_file(files)
    plt.close("all")
    ours = assert_draws_like_nest(
        getattr(raster_plot, reader), getattr(nest.raster_plot, reader), files, hist_binwidth=20.0
    )
    assert ours["axes"][0]["title"] == "Raster plot"


def test_raster_from_file_accepts_a_single_name_and_a_list(net):
    files = net.spikes_ascii.filenames
    nest.raster_plot.from_file(files[0])
    theirs = drawn(plt.gcf())
    for fname in (files[0], list(files), tuple(files)):
        raster_plot.from_file(fname)
        assert_same(drawn(plt.gcf()), theirs)


def test_raster_from_file_of_two_files_concatenates_them(net, tmp_path):
    (path,) = net.spikes_ascii.filenames
    lines = open(path).read().splitlines(keepends=True)
    body = lines[3:]
    first, second = tmp_path / "a.dat", tmp_path / "b.dat"
    first.write_text("".join(lines[:3] + body[: len(body) // 2]))
    second.write_text("".join(lines[:3] + body[len(body) // 2 :]))
    two_files = [str(first), str(second)]
    assert_draws_like_nest(raster_plot.from_file_numpy, nest.raster_plot.from_file_numpy, two_files)
    ours_concatenated = drawn(plt.gcf())
    raster_plot.from_file(path)
    assert_same(drawn(plt.gcf()), ours_concatenated)


@pytest.mark.parametrize("sel", [None, [], [3, 5], [99]])
def test_raster_from_data_selection_like_nest(net, sel):
    ev = net.spikes.events
    data = np.column_stack([ev["senders"], ev["times"]])
    if sel == [99]:
        # NEST fails with IndexError on a selection without events; we draw an empty raster.
        handles = raster_plot.from_data(data, sel=sel)
        assert len(handles[0].get_xdata()) == 0
        return
    assert_draws_like_nest(raster_plot.from_data, nest.raster_plot.from_data, data, sel=sel)


@pytest.mark.parametrize(
    "time,sel",
    [(None, None), ([100.0], None), ([50.0, 200.0], None), (None, [2, 4]), ([50.0, 200.0], [2, 4]), ([], [])],
)
def test_extract_events_like_nest(net, time, sel):
    ev = net.spikes.events
    data = np.column_stack([ev["senders"], ev["times"]])
    theirs = nest.raster_plot.extract_events(data, time=time, sel=sel)
    ours = raster_plot.extract_events(data, time=time, sel=sel)
    assert np.array_equal(ours, theirs)
    assert 0 < len(ours)


def test_extract_events_takes_list_of_rows_and_node_collection_selection(net):
    rows = [(2, 1.0), (3, 5.0), (2, 9.0), (4, 12.0)]
    assert np.array_equal(raster_plot.extract_events(rows, time=[2.0, 12.0], sel=[2, 4]), [[2, 9.0]])
    assert np.array_equal(raster_plot.extract_events(rows, sel=net.neurons[1:3]), [[3, 5.0], [4, 12.0]])


def test_raster_from_device_rejects_what_nest_rejects(net):
    for device in (net.neurons[0], net.vm, net.mm):
        assert_raises_like_nest(raster_plot.from_device, nest.raster_plot.from_device, device)
    with pytest.raises(TypeError):
        raster_plot.from_device(net.neurons[0])
    # A recorder that saw no spikes.
    with pytest.raises(ValueError):
        raster_plot.from_device(net.spikes_silent)
    assert_raises_like_nest(raster_plot.from_device, nest.raster_plot.from_device, net.spikes_silent)
    # Neither memory nor ascii.
    net.spikes_silent.record_to = "screen"
    assert_raises_like_nest(raster_plot.from_device, nest.raster_plot.from_device, net.spikes_silent)


def test_raster_from_data_rejects_what_nest_rejects():
    assert_raises_like_nest(raster_plot.from_data, nest.raster_plot.from_data, np.zeros((0, 2)))
    # A histogram needs spikes at more than one time.
    one_time = np.array([[1, 5.0], [2, 5.0]])
    assert_raises_like_nest(raster_plot.from_data, nest.raster_plot.from_data, one_time)
    plt.close("all")
    assert len(raster_plot.from_data(one_time, hist=False)[0].get_xdata()) == 2


def test_raster_from_file_with_a_wrong_argument_prints_and_draws_nothing(capsys):
    assert raster_plot.from_file(3) is None
    assert "file name" in capsys.readouterr().out
    assert plt.get_fignums() == []


# ----------------------------------------------------------------------------- voltage_trace


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"neurons": [5, 3]},
        {"timeunit": "s", "grayscale": True, "title": "V"},
        {"timeunit": "fortnights"},
    ],
)
def test_voltage_trace_from_voltmeter_like_nest(net, kwargs):
    ours = assert_draws_like_nest(
        voltage_trace.from_device, nest.voltage_trace.from_device, net.vm, new_figure=True, **kwargs
    )
    (ax,) = ours["axes"]
    assert len(ax["lines"]) == len(kwargs.get("neurons", net.neurons))
    assert all(len(line["x"]) > 250 for line in ax["lines"])


def test_voltage_trace_from_multimeter_and_in_steps_like_nest(net):
    ours = assert_draws_like_nest(
        voltage_trace.from_device, nest.voltage_trace.from_device, net.mm, new_figure=True
    )
    assert len(ours["axes"][0]["lines"]) == 5
    ours = assert_draws_like_nest(
        voltage_trace.from_device, nest.voltage_trace.from_device, net.vm_steps, new_figure=True
    )
    assert ours["axes"][0]["xlabel"] == "Steps"


def test_voltage_trace_draws_into_the_current_axes_like_nest(net):
    # No new figure: a second call adds its lines to the same axes (no figure opened here).
    for fn in (nest.voltage_trace.from_device, voltage_trace.from_device):
        plt.close("all")
        fn(net.vm, neurons=[2])
        fn(net.mm, neurons=[3])
        assert plt.get_fignums() == [1]
        assert len(plt.gca().get_lines()) == 2


def test_voltage_trace_rejects_what_nest_rejects(net):
    for device in (net.spikes, net.neurons[:1], net.vm + net.vm_steps, net.mm_no_vm, net.mm_ascii_two):
        assert_raises_like_nest(voltage_trace.from_device, nest.voltage_trace.from_device, device)
    assert_raises_like_nest(voltage_trace.from_device, nest.voltage_trace.from_device, net.vm, neurons=[99])
    with pytest.raises(KeyError):
        voltage_trace.from_device(net.vm, neurons=[99])
    unconnected = nest.Create("voltmeter")
    # NEST fails with KeyError('V_m') here, as an unconnected meter has no 'V_m' events yet.
    with pytest.raises(ValueError):
        voltage_trace.from_device(unconnected)
    unconnected.record_to = "screen"
    assert_raises_like_nest(voltage_trace.from_device, nest.voltage_trace.from_device, unconnected)


def test_voltage_trace_of_a_meter_without_samples_raises_like_nest():
    nest.ResetKernel()
    meter = nest.Create("voltmeter")
    nest.Connect(meter, nest.Create("iaf_psc_alpha"))
    nest.Simulate(0.0)
    assert_raises_like_nest(voltage_trace.from_device, nest.voltage_trace.from_device, meter)
    with pytest.raises(ValueError):
        voltage_trace.from_device(meter)


def test_voltage_trace_from_ascii_voltmeter_matches_nest_from_memory(net):
    # NEST 3.10's from_file stops at the column-name line of NEST 3's own files; we skip it.
    plt.figure()
    nest.voltage_trace.from_device(net.vm)
    theirs = drawn(plt.gcf())["axes"][0]
    plt.figure()
    handles = voltage_trace.from_device(net.vm_ascii)
    ours = drawn(plt.gcf())["axes"][0]
    assert len(handles) == 5
    assert ours["title"] == f"Membrane potential from file '{net.vm_ascii.filenames}'"
    for key in ("xlabel", "ylabel", "legend"):
        assert ours[key] == theirs[key], key
    for a, b in zip(ours["lines"], theirs["lines"], strict=True):
        assert a["label"] == b["label"]
        np.testing.assert_allclose(a["x"], b["x"], atol=5e-4)  # 3 decimals in the file
        np.testing.assert_allclose(a["y"], b["y"], atol=5e-4)


def test_voltage_trace_from_file_column_layouts(tmp_path):
    one = tmp_path / "one.dat"
    one.write_text("-70.0\n-69.5\n-69.0\n")
    two = tmp_path / "two.dat"
    two.write_text("1 -70.0\n2 -65.0\n1 -69.0\n2 -64.0\n")
    # Both layouts are plain numbers, which NEST's from_file reads too.
    for path in (str(one), [str(two)]):
        assert_draws_like_nest(voltage_trace.from_file, nest.voltage_trace.from_file, path, new_figure=True)
    plt.figure()
    lines = voltage_trace.from_file(str(two), title="t", grayscale=True)
    assert [line.get_ydata().tolist() for (line,) in lines] == [[-70.0, -69.0], [-65.0, -64.0]]
    assert plt.gca().get_title() == "t"


# ----------------------------------------------------------------------------- visualization


class _FakePydot(types.ModuleType):
    """Stands in for pydot: records the graph instead of running Graphviz."""

    def __init__(self):
        super().__init__("pydot")
        self.written = []
        fake = self

        class Dot:
            def __init__(self, **attrs):
                self.attrs, self.edges = attrs, []

            def add_edge(self, edge):
                self.edges.append(edge)

            def write_pdf(self, path):
                fake.written.append(("pdf", path, self.attrs, [e.ends for e in self.edges]))

            def write_png(self, path):
                fake.written.append(("png", path, self.attrs, [e.ends for e in self.edges]))

        class Edge:
            def __init__(self, source, target):
                self.ends = (source, target)

        self.Dot, self.Edge = Dot, Edge


@pytest.fixture
def fake_pydot(monkeypatch):
    """NEST's visualization module, imported against a fake pydot, and that fake."""
    fake = _FakePydot()
    monkeypatch.setitem(sys.modules, "pydot", fake)
    sys.modules.pop("nest.visualization", None)
    try:
        yield importlib.import_module("nest.visualization"), fake
    finally:
        sys.modules.pop("nest.visualization", None)


def test_plot_network_without_pydot_raises_module_not_found(net, monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)  # makes `import pydot` fail
    with pytest.raises(ModuleNotFoundError):
        visualization.plot_network(net.neurons, "net.png")


@pytest.mark.parametrize("filename", ["net.png", "graph.v1.pdf"])
def test_plot_network_writes_the_graph_nest_writes(net, fake_pydot, filename):
    nest_visualization, fake = fake_pydot
    nest.Connect(net.neurons[:2], net.neurons[2:], syn_spec={"weight": 1.0})
    nest_visualization.plot_network(net.neurons, filename)
    visualization.plot_network(net.neurons, filename)
    theirs, ours = fake.written
    assert ours == theirs
    # neuron -> neuron and neuron -> spike_recorder; the meters' connections start elsewhere.
    assert len(ours[3]) == len(nest.GetConnections(net.neurons)) == 2 * 3 + 5 * 3


def test_plot_network_rejects_what_nest_rejects(net, fake_pydot):
    nest_visualization, _ = fake_pydot
    for args in [
        (list(net.neurons.tolist()), "a.png"),
        (nest.NodeCollection(), "a.png"),
        (net.neurons, "a.svg"),
    ]:
        assert_raises_like_nest(visualization.plot_network, nest_visualization.plot_network, *args)
    for flag in ("ext_conns", "plot_modelnames"):
        assert_raises_like_nest(
            visualization.plot_network, nest_visualization.plot_network, net.neurons, "a.png", **{flag: True}
        )
