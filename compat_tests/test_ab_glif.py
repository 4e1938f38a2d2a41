"""A/B: the glif family (glif_psc, glif_psc_double_alpha: exact integration;
glif_cond: GSL rkf45), each of its five mechanism settings, real NEST vs pynest_jax.

Tolerance: spike times and senders identical; every recordable (multimeter,
interval = resolution) within 1e-9 relative, "relative" to max(|value|, 1e-3 x
the trace's largest |value|) as in test_ab_gsl_neurons.py. What remains is
rounding (XLA's exp, fused multiply-adds). Observed worst deviations are written
to docs/glif_ab.md when the whole file runs.
"""

import numpy as np
import pytest

from _scenarios import SPIKE_TIMES, barrage_times
from _worst import WorstDeviations
from conftest import (assert_defaults_equal, assert_samples_aligned, assert_spikes_identical,
                      refuse_on_both)

RTOL = 1e-9  # rounding only (module docstring)
FLOOR = 1e-3
WORST = WorstDeviations(RTOL, FLOOR)

# glif1 (LIF) .. glif5 (LIF_R_ASC_A): spike_dependent_threshold, after_spike_currents,
# adapting_threshold
MECHANISMS = ((False, False, False), (True, False, False), (False, True, False),
              (True, True, False), (True, True, True))
# per model: three ports' lists, a weight that moves V_m by a few mV, a firing current
MODELS = {
    "glif_psc": dict(ports={"tau_syn": [0.5, 2.0, 7.5]}, w=150.0, I=250.0,
                     change={"tau_syn": [1.0, 3.0, 6.0], "g": 12.0, "E_L": -75.0}),
    "glif_psc_double_alpha": dict(
        ports={"tau_syn_fast": [0.5, 2.0, 1.0], "tau_syn_slow": [4.0, 6.0, 9.0],
               "amp_slow": [0.3, 0.5, 1.2]}, w=150.0, I=250.0,
        change={"tau_syn_slow": [3.0, 8.0, 5.0], "amp_slow": [0.2, 0.7, 0.4], "C_m": 70.0}),
    "glif_cond": dict(ports={"tau_syn": [0.2, 2.0, 1.0], "E_rev": [0.0, -85.0, -20.0]},
                      w=10.0, I=330.0,
                      change={"tau_syn": [0.5, 1.0, 3.0], "E_rev": [10.0, -80.0, 0.0],
                              "g_m": 12.0, "E_L": -75.0}),
}
NAMES = sorted(MODELS)
ASC = {"asc_init": [0.0, 0.0], "asc_decay": [0.003, 0.1], "asc_amps": [-9.18, -198.94],
       "asc_r": [1.0, 1.0]}


def _mechanisms(i):
    s, a, t = MECHANISMS[i % len(MECHANISMS)]
    return {"spike_dependent_threshold": s, "after_spike_currents": a, "adapting_threshold": t}


def _create(nest, model, n, **params):
    nodes = nest.Create(model, n, params=dict(MODELS[model]["ports"], **params))
    for i in range(n):
        nodes[i].set(_mechanisms(i))
    return nodes


def _observe(nest, nodes):
    sr = nest.Create("spike_recorder")
    nest.Connect(nodes, sr)
    mm = nest.Create("multimeter", params={"interval": nest.resolution,
                                           "record_from": nodes[0].get("recordables")})
    nest.Connect(mm, nodes)
    return sr, mm


def _compare(model, ref, got, scenario, min_spikes):
    (s_ref, m_ref), (s_got, m_got) = ref[:2], got[:2]
    assert len(s_ref["times"]) >= min_spikes
    assert_spikes_identical(s_ref, s_got)
    r, g = assert_samples_aligned(m_ref, m_got)
    for k in m_ref:
        if k not in ("senders", "times"):
            WORST.check((model, k), scenario, np.asarray(m_ref[k], float)[r],
                        np.asarray(m_got[k], float)[g])


def dc_and_ports(nest, model):
    """Five nodes (glif1..5) under DC steps, spikes of both signs on each of three
    ports (repeated times: multiplicity), and a barrage during refractoriness."""
    nest.resolution = 0.05
    p = MODELS[model]
    n = _create(nest, model, 5)
    for i, (x, start, stop) in enumerate(((1.2, 5.0, 60.0), (1.0, 0.0, 75.3), (-0.5, 10.0, 20.0),
                                          (1.6, 20.0, 90.0), (1.4, 3.0, 80.0))):
        dc = nest.Create("dc_generator", params={"amplitude": x * p["I"], "start": start,
                                                 "stop": stop})
        nest.Connect(dc, n[i])
    sg = nest.Create("spike_generator", params={"spike_times": SPIKE_TIMES})
    barrage = nest.Create("spike_generator", params={"spike_times": barrage_times()})
    nest.Connect(sg, n, syn_spec={"weight": p["w"], "delay": 1.0, "receptor_type": 1})
    nest.Connect(sg, n, syn_spec={"weight": -0.7 * p["w"], "delay": 2.2, "receptor_type": 2})
    nest.Connect(barrage, n, syn_spec={"weight": 0.5 * p["w"], "delay": 0.1, "receptor_type": 3})
    sr, mm = _observe(nest, n)
    nest.Simulate(100.0)
    return sr.get("events"), mm.get("events")


def changes_between_runs(nest, model):
    """Parameters (the receptor lists too), V_m, ASCurrents and the threshold's spike
    component set between runs; a node driven by another glif node of the same model."""
    p = MODELS[model]
    n = _create(nest, model, 5)
    dc = nest.Create("dc_generator", params={"amplitude": 1.4 * p["I"]})
    nest.Connect(dc, n)
    nest.Connect(n[4], n[:4], syn_spec={"weight": p["w"], "delay": 1.5, "receptor_type": 2})
    sr, mm = _observe(nest, n)
    nest.Simulate(40.0)
    n[0].set(p["change"])
    n[3].set(ASCurrents=[-20.0, 5.0], V_m=-60.0, **({"threshold_spike": 2.0}
                                                    if model != "glif_cond" else {}))
    n[2].set(after_spike_currents=False, V_reset=-70.0)
    nest.Simulate(40.3)
    n[1].set(p["change"])
    n[4].set(t_ref=2.0, asc_amps=[-5.0, -100.0], asc_r=[0.5, 0.9])
    nest.Simulate(40.0)
    keys = ["V_m", "ASCurrents"] + (["threshold_spike", "threshold_voltage"]
                                    if model != "glif_cond" else ["g", "dg"])
    return sr.get("events"), mm.get("events"), n.get(keys)


@pytest.mark.parametrize("model", NAMES)
def test_dc_and_spikes_on_every_port(ab, model):
    _compare(model, *ab(lambda nest: dc_and_ports(nest, model)), "dc+ports", 20)


@pytest.mark.parametrize("model", NAMES)
def test_changes_between_runs(ab, model):
    ref, got = ab(lambda nest: changes_between_runs(nest, model))
    _compare(model, ref, got, "changes", 10)
    for k in ref[2]:
        for a, b in zip(ref[2][k], got[2][k]):
            np.testing.assert_allclose(b, a, rtol=RTOL, err_msg=k)


@pytest.mark.parametrize("model", NAMES)
def test_defaults_equal_nest(real_nest, jax_nest, model):
    assert_defaults_equal(real_nest, jax_nest, model)


@pytest.mark.parametrize("model", NAMES)
def test_status_after_create_and_run(ab, model):
    """A node's status (the port lists, g/dg sized by pre_run_hook, recordables by port)."""
    def run(nest):
        n = _create(nest, model, 2)
        before = n[0].get()
        nest.Simulate(1.0)
        return before, n[1].get()
    ref, got = ab(run)
    for r, g in zip(ref, got):
        for k in set(r) - {"elementsize"}:
            if isinstance(r[k], (float, np.ndarray)):
                np.testing.assert_allclose(np.asarray(g[k], float), np.asarray(r[k], float),
                                           rtol=RTOL, err_msg=k)
            else:
                assert g[k] == r[k], k
        assert set(g) == set(r)


BAD = [
    {"adapting_threshold": True},
    {"spike_dependent_threshold": True, "adapting_threshold": True},
    {"after_spike_currents": True, "asc_r": [0.5]},
    {"after_spike_currents": True, "asc_decay": [0.0, 1.0]},
    {"after_spike_currents": True, "asc_r": [1.5, 0.2]},
    {"V_reset": -50.0},
    {"C_m": 0.0},
    {"t_ref": 0.0},
    {"spike_dependent_threshold": True, "th_spike_decay": -1.0},
    {"spike_dependent_threshold": True, "voltage_reset_fraction": 1.2},
    {"spike_dependent_threshold": True, "after_spike_currents": True, "adapting_threshold": True,
     "th_voltage_decay": 0.0},
    {"ASCurrents": [1.0, 2.0]},
    {"after_spike_currents": True, "ASCurrents": [1.0, 2.0, 3.0]},
    {"C_m": -1.0, "V_reset": 0.0},
]
SPECIFIC = {
    "glif_psc": [{"tau_syn": [1.0, 0.0]}, {"g": 0.0}, {"threshold_spike": 1.0},
                 {"threshold_voltage": 1.0}],
    "glif_psc_double_alpha": [{"tau_syn_fast": [-1.0]}, {"tau_syn_slow": [0.0]},
                              {"amp_slow": [0.0]}, {"g": -1.0}],
    "glif_cond": [{"tau_syn": [1.0, 0.0]}, {"E_rev": [0.0]}, {"g_m": 0.0},
                  {"tau_syn": [1.0, 2.0, 3.0]}],
}


@pytest.mark.parametrize("model,bad", [(m, b) for m in NAMES for b in BAD + SPECIFIC[m]])
def test_bad_values_raise_nest_error(real_nest, jax_nest, model, bad):
    """NEST's BadProperty and its message (its first failed check); nothing applied."""
    nest_refusal, ours = refuse_on_both(real_nest, jax_nest, model, bad)
    assert nest_refusal.reason in ours.message, (nest_refusal.message, ours.message)
    assert ours.kept()


@pytest.mark.parametrize("model", NAMES)
def test_receptor_ports(real_nest, jax_nest, model):
    """Spikes on ports 1..n only (0 and n+1 refused), currents on 0 only; a port list
    of another length is refused once the node has connections."""
    got = []
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        n = _create(nest, model, 1)
        sg, dc = nest.Create("spike_generator"), nest.Create("dc_generator")
        out = []
        for src, port in ((sg, 0), (sg, 4), (dc, 1), (sg, 3), (dc, 0)):
            try:
                nest.Connect(src, n, syn_spec={"receptor_type": port})
                out.append("ok")
            except nest.NESTError as e:
                out.append(type(e).__name__)
        key = "tau_syn_fast" if model == "glif_psc_double_alpha" else "tau_syn"
        lists = {k: v[:2] for k, v in MODELS[model]["ports"].items()}
        try:
            n.set(lists)
            out.append("ok")
        except nest.NESTError as e:
            out.append(str(e).rsplit(":", 1)[-1].strip())
        out += [nest.num_connections, list(n.get(key))]
        got.append(out)
    assert got[1] == got[0]


_write_page = WORST.page("glif_ab.md", f"""\
# The glif models: worst deviation from NEST 3.10 per recordable

Generated by `compat_tests/test_ab_glif.py` (glif1..glif5 per model: DC steps, spikes
of both signs on three receptor ports, a barrage during refractoriness, parameters,
port lists, V_m and ASCurrents changed between runs). Relative to max(|value|,
{FLOOR:g} x the trace's largest |value|); spike times identical.""", ["model", "recordable"],
                         total=False)
