"""A/B scenarios shared by the neuron test files, and the pieces other files reuse.

``NeuronScenarios`` is the set of tests every row of the model table (_neuron_table.py)
runs: DC steps, spike input of both signs, strong drive through spikes and
refractoriness, parameters and state changed between runs, defaults, refused values,
an unknown receptor port. A test file subclasses it with its batch of rows, its
tolerance (with the reason) and its docs page; pytest parametrizes each test over the
batch. The scenario functions (``dc_steps``, ...) run on either simulator and return
what is compared.
"""

import numpy as np
import pytest

from _neuron_table import T_REFS
from _worst import WorstDeviations
from conftest import (assert_defaults_equal, assert_samples_aligned, assert_spikes_identical,
                      refuse_on_both)

# (x the row's firing current, start, stop) of the DC steps, one per neuron
DC_STEPS = ((1.6, 5.0, 40.0), (1.0, 0.0, 55.3), (-0.5, 10.0, 20.0), (8.0, 33.3, 33.7))
# repeated times give multiplicity
SPIKE_TIMES = [1.0, 2.0, 2.0, 2.0, 5.5, 9.9, 10.0, 10.0, 30.1, 30.2, 30.3, 31.0, 45.0]


def barrage_times():
    """A spike every 0.7 ms from 1 ms to 40 ms: input during refractoriness."""
    return list(np.round(np.arange(1.0, 40.0, 0.7), 1))


def connect_dc_steps(nest, nodes, I):
    """One DC step per node, each a different window, one of them negative."""
    for i, (x, start, stop) in enumerate(DC_STEPS):
        dc = nest.Create("dc_generator", params={"amplitude": x * I, "start": start,
                                                 "stop": stop})
        nest.Connect(dc, nodes[i])


def observe(nest, nodes, record_from):
    """A spike recorder and a multimeter sampling ``record_from`` every step."""
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    mm = nest.Create("multimeter", params={"interval": nest.resolution,
                                           "record_from": list(record_from)})
    nest.Connect(mm, nodes)
    return sr, mm


def recorded(sr, mm):
    return sr.get("events"), mm.get("events")


def assert_recorded_equal(worst, ref, got, record_from, scenario, min_spikes=1, key=str,
                          tol=None, spikes_equal=assert_spikes_identical):
    """Spikes by ``spikes_equal``; the multimeter's samples aligned and each recordable
    within ``tol`` (default: ``worst``'s rtol), its worst deviation kept under
    ``key(recordable)`` for the docs page. NEST's NaNs must be ours too."""
    (s_ref, m_ref), (s_got, m_got) = ref, got
    assert len(s_ref["times"]) >= min_spikes  # the scenario exercises spiking
    spikes_equal(s_ref, s_got)
    r, g = assert_samples_aligned(m_ref, m_got)
    for k in record_from:
        worst.check(key(k), scenario, np.asarray(m_ref[k], float)[r],
                    np.asarray(m_got[k], float)[g], tol)


def create(nest, model, row, n, **params):
    return nest.Create(model, n, params=dict(row.base, **params) or None)


def dc_steps(nest, model, row):
    n = create(nest, model, row, 4)
    sr, mm = observe(nest, n, row.rec)
    connect_dc_steps(nest, n, row.I)
    nest.Simulate(70.0)
    return recorded(sr, mm)


def spike_input(nest, model, row):
    w, I = row.w, row.I
    drivers = create(nest, model, row, 2, I_e=1.5 * I)
    targets = create(nest, model, row, 3, I_e=0.4 * I)
    sg = nest.Create("spike_generator", params={"spike_times": SPIKE_TIMES})
    nest.Connect(sg, targets[0], syn_spec={"weight": 1.5 * w, "delay": 1.0})
    nest.Connect(sg, targets[1], syn_spec={"weight": -2.0 * w, "delay": 2.2})
    nest.Connect(sg, targets[2], syn_spec={"weight": 3.0 * w, "delay": 0.1})
    nest.Connect(drivers[0], targets, syn_spec={"weight": 2.0 * w, "delay": 1.5})
    nest.Connect(drivers[1], targets[1:], syn_spec={"weight": -1.5 * w, "delay": 0.7})
    sr, mm = observe(nest, drivers + targets, row.rec)
    nest.Simulate(80.0)
    return recorded(sr, mm)


def strong_drive(nest, model, row):
    n = create(nest, model, row, 4, I_e=row.strong)
    if row.refractory == "t_ref":
        n.t_ref = list(T_REFS)
    elif row.refractory is not None:
        for i, values in enumerate(row.refractory):
            n[i].set(values)
    for i, values in row.special:
        n[i].set(values)
    drive = create(nest, model, row, 1, I_e=row.strong)
    nest.Connect(drive, n, syn_spec={"weight": 3.0 * row.w, "delay": 0.3})
    sg = nest.Create("spike_generator", params={"spike_times": barrage_times()})
    nest.Connect(sg, n, syn_spec={"weight": 2.0 * row.w})
    sr, mm = observe(nest, n + drive, row.rec)
    nest.Simulate(50.0)
    return recorded(sr, mm)


def changes_between_runs(nest, model, row):
    n = create(nest, model, row, 3, I_e=row.I)
    sr, mm = observe(nest, n, row.rec)
    nest.Simulate(25.0)
    n[0].set(row.change)
    n[1].I_e = 0.2 * row.I
    nest.Simulate(25.3)
    n[2].V_m = -50.5  # not -50: hh_cond_exp_traub divides 0 by 0 at V - V_T = 13 mV
    n[1].set(I_e=1.3 * row.I, **row.change)
    nest.Simulate(30.0)
    return recorded(sr, mm) + (n.get(["V_m"] + sorted(row.change) + list(row.status)),)


class NeuronScenarios:
    """A test file's subclass sets MODELS (rows of _neuron_table), RTOL and FLOOR (its
    tolerance: relative to max(|value|, FLOOR x the trace's largest |value|)) and
    UNKNOWN_PORT (a receptor port none of its models has); it gets WORST, the worst
    deviations seen, from which the file writes its docs page (WorstDeviations.page)."""

    MODELS: dict
    RTOL: float
    FLOOR: float
    UNKNOWN_PORT: int
    WORST: WorstDeviations

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.WORST = WorstDeviations(cls.RTOL, cls.FLOOR)

    def pytest_generate_tests(self, metafunc):
        if "bad" in metafunc.fixturenames:
            metafunc.parametrize("model,bad", [(m, b) for m, row in self.MODELS.items()
                                               for b in row.bad])
        elif "model" in metafunc.fixturenames:
            metafunc.parametrize("model", sorted(self.MODELS))

    def _compare(self, model, ref, got, scenario, min_spikes):
        row = self.MODELS[model]
        tol = row.tolerance.get(scenario)
        assert_recorded_equal(self.WORST, ref, got, row.rec, scenario, min_spikes,
                              key=lambda k: (model, k), tol=self.RTOL if tol is None else tol.rtol,
                              spikes_equal=self.assert_off_grid_spikes_equal if row.off_grid
                              else assert_spikes_identical)

    def assert_off_grid_spikes_equal(self, ref, got, h=0.1):
        """Off-grid spikes (time = stamp - offset): the same senders in the same steps;
        the offsets, computed from V_m, within RTOL of the step."""
        r = np.lexsort((np.asarray(ref["times"]), np.asarray(ref["senders"])))
        g = np.lexsort((np.asarray(got["times"]), np.asarray(got["senders"])))
        np.testing.assert_array_equal(np.asarray(got["senders"])[g],
                                      np.asarray(ref["senders"])[r])
        t_ref, t_got = np.asarray(ref["times"])[r], np.asarray(got["times"])[g]
        np.testing.assert_array_equal(np.ceil(t_got / h - 1e-6), np.ceil(t_ref / h - 1e-6))
        np.testing.assert_allclose(t_got, t_ref, rtol=0, atol=self.RTOL * h)

    def test_dc_steps(self, ab, model):
        """DC steps switched on and off (start/stop), a different window per neuron,
        one of them negative."""
        row = self.MODELS[model]
        self._compare(model, *ab(lambda nest: dc_steps(nest, model, row)), "dc", 3)

    def test_spike_input_both_signs(self, ab, model):
        """Spikes of both signs on receptor 0, several delays, repeated times
        (multiplicity), from a spike_generator and from drivers of the same model
        firing on their own."""
        row = self.MODELS[model]
        self._compare(model, *ab(lambda nest: spike_input(nest, model, row)), "spikes", 5)

    def test_strong_drive_through_spikes_and_refractoriness(self, ab, model):
        """Strong drive: many spikes, each followed by the refractory period (a
        multiple of h, not a multiple, zero where allowed), a barrage of excitatory
        input during refractoriness; the row's special neurons (AdEx: one spikes at
        V_th; aeif_psc_delta: one keeps refractory input)."""
        row = self.MODELS[model]
        self._compare(model, *ab(lambda nest: strong_drive(nest, model, row)), "strong", 20)

    def test_parameters_and_state_changed_between_runs(self, ab, model):
        """I_e, model parameters and V_m set between Simulate calls take effect from
        the next step; state (GSL: the kept step size) carries over (Simulate(a);
        Simulate(b))."""
        row = self.MODELS[model]
        ref, got = ab(lambda nest: changes_between_runs(nest, model, row))
        self._compare(model, ref[:2], got[:2], "changes", 3)
        for k in ref[2]:
            np.testing.assert_allclose(got[2][k], ref[2][k], rtol=self.RTOL, err_msg=k)

    def test_defaults_and_recordables_equal_nest(self, real_nest, jax_nest, model):
        """GetDefaults keys, values and recordables (implementation's elementsize aside)."""
        assert_defaults_equal(real_nest, jax_nest, model)

    def test_bad_parameters_raise_nest_error(self, real_nest, jax_nest, model, bad):
        """Invalid parameters raise BadProperty with NEST's message (its first failed
        check), and the node keeps its values."""
        nest_refusal, ours = refuse_on_both(real_nest, jax_nest, model, bad)
        assert nest_refusal.reason in ours.message, (nest_refusal.message, ours.message)
        assert ours.kept(sorted(bad))

    def test_unknown_receptor_port_raises_and_connects_nothing(self, real_nest, jax_nest,
                                                               model):
        errors = []
        for nest in (real_nest, jax_nest):
            nest.ResetKernel()
            n = nest.Create(model)
            sg = nest.Create("spike_generator")
            dc = nest.Create("dc_generator")
            for src in (sg, dc):
                with pytest.raises(nest.NESTError) as e:
                    nest.Connect(src, n, syn_spec={"receptor_type": self.UNKNOWN_PORT})
                errors.append(type(e.value).__name__)
            assert nest.num_connections == 0
        assert errors[:2] == errors[2:]
