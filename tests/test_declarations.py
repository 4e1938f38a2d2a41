"""Neuron declarations name their integrator and their archiving needs, and the
kernel runs what they declare (not what the names of state keys suggest)."""

import dataclasses

import numpy as np
import pytest

import pynest_jax as nest
from pynest_jax.kernel.chunk import Core as _Core
from pynest_jax.models import integrators as I
from pynest_jax.models._spec import NeuronModel
from pynest_jax.models.neurons import _gsl
from pynest_jax.models.neurons._common import Archiving
from pynest_jax.models.registry import NODE_MODELS

# (volume_transmitter is updated like a neuron but is a node of its own kind)
NEURONS = {name: m for name, m in NODE_MODELS.items()
           if isinstance(m, NeuronModel) and m.element_type == "neuron"}

# NEST 3.10's models built on GSL's odeiv (models/*.h include gsl_odeiv.h), and the
# one model with its own Euler step (models/izhikevich.cpp); the rest integrate exactly.
GSL = {"aeif_cond_alpha", "aeif_cond_exp", "aeif_psc_alpha", "aeif_psc_delta", "aeif_psc_exp",
       "aeif_cond_alpha_multisynapse", "aeif_cond_beta_multisynapse",
       "iaf_cond_alpha", "iaf_cond_beta", "iaf_cond_exp", "iaf_cond_exp_sfa_rr",
       "iaf_cond_alpha_mc", "iaf_chxk_2008", "hh_psc_alpha", "hh_cond_exp_traub",
       "aeif_psc_delta_clopath", "hh_psc_alpha_clopath", "pp_cond_exp_mc_urbanczik",
       "glif_cond", "gif_cond_exp", "gif_cond_exp_multisynapse", "ht_neuron",
       "iaf_bw_2001", "iaf_bw_2001_exact"}
EULER = {"izhikevich"}
# Neurons that are plain Nodes in NEST, not ArchivingNodes (spike_train_injector.h:
# class spike_train_injector : public Node, public Device).
PLAIN_NODES = {"spike_train_injector", "gif_pop_psc_exp"}
# Models whose update asks IgnoreAndSpikeMechanism (NEST: spike_event_is_due callers).
IGNORE_AND_SPIKE = {"iaf_psc_delta"}


@pytest.fixture(autouse=True)
def _reset():
    nest.ResetKernel()
    yield
    nest.ResetKernel()


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_every_neuron_declares_its_integrator(name):
    integ = NEURONS[name].integrator
    assert isinstance(integ, I.Integrator), name
    want = I.RKF45 if name in GSL else I.Euler if name in EULER else I.Exact
    assert type(integ) is want


@pytest.mark.parametrize("name", sorted(NEURONS))
def test_every_neuron_declares_archiving(name):
    """Every neuron here is an ArchivingNode in NEST, but the plain nodes."""
    arch = NEURONS[name].archiving
    if name in PLAIN_NODES:
        assert arch is None
        return
    assert isinstance(arch, Archiving)
    assert arch.spike_history and arch.calcium
    assert arch.ignore_and_spike == (name in IGNORE_AND_SPIKE)


def test_step_phases_in_nest_order():
    # volume: the volume transmitters' spike histories (kernel/dopamine.py), after update
    assert [name for name, _ in _Core.PHASES] == ["update", "volume", "emit", "deliver", "record"]


def test_archiving_without_its_keys_is_refused():
    with pytest.raises(ValueError, match="steps_until_spike"):
        dataclasses.replace(NEURONS["iaf_psc_alpha"], archiving=Archiving(ignore_and_spike=True))


def test_gsl_step_refuses_another_integrator():
    class Ctx:
        integrator = I.Exact()
    with pytest.raises(TypeError, match="RKF45"):
        _gsl.advance({}, {}, ("V_m",), None, Ctx())


def test_rkf45_control_may_depend_on_parameters():
    seen = []
    integ = I.RKF45(lambda p: seen.append(p) or "control")
    assert integ.control_for({"gsl_error_tol": 1e-6}) == "control"
    assert seen == [{"gsl_error_tol": 1e-6}]


def _run(model, monkeypatch=None, spec=None, **params):
    if spec is not None:
        monkeypatch.setitem(NODE_MODELS, model, spec)
    nest.ResetKernel()
    n = nest.Create(model, params=params)
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(mm, n)
    nest.Simulate(50.0)
    return n.get(["t_spike", "Ca"]), mm.events["V_m"]


def test_kernel_archives_what_is_declared(monkeypatch):
    """Calcium is kept only where declared; the spike time still where declared."""
    st, _ = _run("iaf_psc_alpha", I_e=1000.0)
    assert st["t_spike"] > 0 and st["Ca"] > 0
    no_ca = dataclasses.replace(NEURONS["iaf_psc_alpha"], archiving=Archiving(calcium=False))
    st2, _ = _run("iaf_psc_alpha", monkeypatch, no_ca, I_e=1000.0)
    assert st2["t_spike"] == st["t_spike"] and st2["Ca"] == 0.0


def test_ignore_and_spike_follows_the_declaration(monkeypatch):
    """iaf_psc_delta spikes every ignore_and_spike_interval when it declares the
    mechanism; a copy that does not declare it integrates (no input: no spike)."""
    params = dict(ignore_and_spike=True, ignore_and_spike_interval=10.0,
                  ignore_and_spike_offset=5.0)
    st, _ = _run("iaf_psc_delta", **params)
    assert st["t_spike"] > 0
    plain = dataclasses.replace(NEURONS["iaf_psc_delta"], archiving=Archiving())
    st2, _ = _run("iaf_psc_delta", monkeypatch, plain, **params)
    assert st2["t_spike"] == -1.0


def test_gsl_step_control_comes_from_the_declaration(monkeypatch):
    """A tighter declared tolerance changes iaf_cond_alpha's trace (smaller GSL steps
    inside each resolution step): the stepper is the declared one."""
    _, v = _run("iaf_cond_alpha", I_e=400.0)
    tight = dataclasses.replace(NEURONS["iaf_cond_alpha"],
                                integrator=I.RKF45(_gsl.control_y(1e-15, 0.0)))
    _, v2 = _run("iaf_cond_alpha", monkeypatch, tight, I_e=400.0)
    assert len(v) == len(v2) and not np.array_equal(v, v2)
    np.testing.assert_allclose(v2, v, rtol=1e-6)
