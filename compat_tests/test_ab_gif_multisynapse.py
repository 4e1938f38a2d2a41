"""A/B: gif_psc_exp_multisynapse and gif_cond_exp_multisynapse, real NEST vs pynest_jax.

Exact where the escape-noise draws cannot matter (lambda_0 = 0: no spikes; lambda_0 far
above 1/h with a wide Delta_V: a spike at every free step): spike times identical, V_m,
E_sfa and I_stc within 1e-9 relative, with spikes on several ports and, between runs, a
port added (gif_psc_exp_multisynapse) or the ports' values changed
(gif_cond_exp_multisynapse). Statistical otherwise, as test_ab_gif.py: counts, intervals and mean V_m
within Z standard errors over seeds, and a shifted drive told apart.
"""

import pytest

from conftest import assert_defaults_equal, refuse_on_both
from test_ab_gif import ADAPTING, REGIMES, _within, assert_deterministic_equal
from test_ab_gif import _statistics as gif_statistics

MODELS = ("gif_psc_exp_multisynapse", "gif_cond_exp_multisynapse")
PORTS = {"gif_psc_exp_multisynapse": {"tau_syn": [2.0, 5.0, 10.0]},
         "gif_cond_exp_multisynapse": {"tau_syn": [2.0, 5.0, 10.0], "E_rev": [0.0, -85.0, -20.0]}}
MORE_PORTS = {"gif_psc_exp_multisynapse": {"tau_syn": [2.0, 5.0, 10.0, 1.0]},
              "gif_cond_exp_multisynapse": {"tau_syn": [2.0, 5.0, 10.0, 1.0],
                                            "E_rev": [0.0, -85.0, -20.0, 10.0]}}
# NEST 3.10 crashes (segmentation fault) when gif_cond_exp_multisynapse's ports grow
# after a Simulate (its GSL objects keep the old dimension): between runs only the
# ports' values change there
BETWEEN_RUNS = {"gif_psc_exp_multisynapse": MORE_PORTS["gif_psc_exp_multisynapse"],
                "gif_cond_exp_multisynapse": {"tau_syn": [3.0, 5.0, 8.0],
                                              "E_rev": [0.0, -80.0, -20.0]}}
WEIGHTS = {"gif_psc_exp_multisynapse": (40.0, -25.0, 10.0),
           "gif_cond_exp_multisynapse": (3.0, 2.0, 1.0)}


def _deterministic(nest, model, params, changes):
    nest.ResetKernel()
    n = nest.Create(model, 3, params=dict(params, **PORTS[model]))
    n[1].set(t_ref=2.25, V_m=-60.0)
    n[2].set(t_ref=0.0, tau_stc=[3.0], q_stc=[7.0], tau_sfa=[], q_sfa=[])
    dc = nest.Create("dc_generator", params={"amplitude": 80.0, "start": 5.0, "stop": 30.0})
    nest.Connect(dc, n)
    sg = nest.Create("spike_generator", params={"spike_times": [2.0, 2.0, 7.5, 20.0, 31.0]})
    for port, w in enumerate(WEIGHTS[model], start=1):
        nest.Connect(sg, n, syn_spec={"weight": w, "delay": float(port), "receptor_type": port})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    rec = ["V_m", "E_sfa", "I_stc"]
    mm = nest.Create("multimeter", params={"interval": nest.resolution, "record_from": rec})
    nest.Connect(mm, n)
    nest.Simulate(20.0)
    n[0].set(dict(changes, **BETWEEN_RUNS[model]))
    if n[0].get("n_receptors") == 4:
        nest.Connect(sg, n[0], syn_spec={"weight": WEIGHTS[model][0], "receptor_type": 4})
    nest.Simulate(20.0)
    return (sr.get("events"), mm.get("events"),
            n.get(["V_m", "E_sfa", "I_stc", "n_receptors", "has_connections"]), rec)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("params,changes", REGIMES)
def test_deterministic_regimes_equal_nest(ab, model, params, changes):
    ref, got = ab(lambda nest: _deterministic(nest, model, params, changes))
    assert_deterministic_equal(ref, got)


def _ports(model, rate):
    def drive(nest, n):
        for port, w in enumerate(WEIGHTS[model], start=1):
            pg = nest.Create("poisson_generator", params={"rate": rate})
            nest.Connect(pg, n, syn_spec={"weight": w, "receptor_type": port})
    return drive


def _statistics(nest, model, rate):
    return gif_statistics(nest, model, dict(ADAPTING, I_e=60.0, **PORTS[model]),
                          _ports(model, rate))


@pytest.mark.parametrize("model", MODELS)
def test_statistics_equal_nest(real_nest, jax_nest, model):
    ref = _statistics(real_nest, model, 2000.0)
    got = _statistics(jax_nest, model, 2000.0)
    assert ref[0].sum() > 1000, ref[0].sum()
    for name, r, g in zip(("counts", "isis", "V_m"), ref, got):
        ok, detail = _within(r, g)
        assert ok, (name, detail)
    shift = _statistics(jax_nest, model, 2150.0)
    assert not all(_within(r, g)[0] for r, g in zip(ref, shift))


@pytest.mark.parametrize("model", MODELS)
def test_defaults_equal_nest(real_nest, jax_nest, model):
    assert_defaults_equal(real_nest, jax_nest, model)


BAD = [{"g_L": 0.0}, {"Delta_V": 0.0}, {"C_m": -1.0}, {"t_ref": -1.0}, {"lambda_0": -1.0},
       {"tau_sfa": [1.0, -1.0], "q_sfa": [1.0, 1.0]}, {"tau_stc": [0.0], "q_stc": [1.0]},
       {"tau_sfa": [1.0]}, {"q_stc": [1.0]}]


@pytest.mark.parametrize("bad", BAD + [{"tau_syn": [1.0, 0.0]}])
def test_bad_values_raise_nest_error_psc(real_nest, jax_nest, bad):
    nest_refusal, ours = refuse_on_both(real_nest, jax_nest, "gif_psc_exp_multisynapse", bad)
    assert nest_refusal.reason in ours.message, (nest_refusal.message, ours.message)
    assert ours.kept()


@pytest.mark.parametrize("bad", BAD + [
    {"tau_syn": [1.0, -1.0], "E_rev": [0.0, 0.0]}, {"tau_syn": [1.0, 2.0]},
    {"tau_syn": [1.0, 2.0], "E_rev": [0.0]}, {"gsl_error_tol": 1e-6, "C_m": 0.0}])
def test_bad_values_raise_nest_error_cond(real_nest, jax_nest, bad):
    nest_refusal, ours = refuse_on_both(real_nest, jax_nest, "gif_cond_exp_multisynapse", bad)
    assert nest_refusal.reason in ours.message, (nest_refusal.message, ours.message)
    assert ours.kept()


@pytest.mark.parametrize("model", MODELS)
def test_ports(real_nest, jax_nest, model):
    """Receptor 0 and n+1 refused; a reduction of the ports refused after a connection,
    a growth accepted."""
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        n = nest.Create(model, params=PORTS[model])
        sg = nest.Create("spike_generator")
        for port in (0, 4):
            with pytest.raises(nest.NESTErrors.IncompatibleReceptorType):
                nest.Connect(sg, n, syn_spec={"receptor_type": port})
        nest.Connect(sg, n, syn_spec={"receptor_type": 3})
        assert n.get("has_connections")
        with pytest.raises(nest.NESTErrors.BadProperty):
            n.set({k: v[:2] for k, v in PORTS[model].items()})
        n.set(MORE_PORTS[model])
        assert n.get("n_receptors") == 4


def test_negative_weight_refused_cond(real_nest, jax_nest):
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        n = nest.Create("gif_cond_exp_multisynapse")
        sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
        nest.Connect(sg, n, syn_spec={"weight": -1.0, "receptor_type": 1})
        with pytest.raises(nest.NESTErrors.BadProperty, match="non-negative"):
            nest.Simulate(5.0)
