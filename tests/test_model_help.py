"""nest.help: NEST's behaviour without an argument and for unknown names; a model's page
written from its declaration."""

import pydoc

import numpy as np
import pytest

import pynest_jax as nest
from pynest_jax.models.registry import NODE_MODELS, SYNAPSE_MODELS


def test_help_without_argument_prints_overview(capsys):
    assert nest.help() is None
    out = capsys.readouterr().out
    assert out.strip() == nest.__doc__.strip()
    assert "nest.help(" in out


def test_unknown_model_says_so(capsys):
    assert nest.help("no_such_model", return_text=True) is None
    assert "Sorry, there is no help for model 'no_such_model'." in capsys.readouterr().out


def test_page_goes_to_pager(monkeypatch):
    shown = []
    monkeypatch.setattr(pydoc, "pager", shown.append)
    assert nest.help("iaf_psc_alpha") is None
    assert shown == [nest.help("iaf_psc_alpha", return_text=True)]


def test_neuron_page_units_defaults_recordables():
    text = nest.help("iaf_psc_alpha", return_text=True)
    lines = text.splitlines()
    assert lines[0] == "iaf_psc_alpha"
    d = nest.GetDefaults("iaf_psc_alpha")
    # the defaults shown are GetDefaults' (absolute values, as NEST shows them)
    for key, unit in (("C_m", "pF"), ("tau_m", "ms"), ("V_th", "mV"), ("I_e", "pA")):
        line = next(x for x in lines if x.startswith(f"* ``{key}`` = "))
        assert float(line.split("=")[1].split()[0].rstrip(":")) == d[key]
        assert f" {unit}" in line
    assert "exact integration" in text
    rec = lines[lines.index("Recordables") + 3]
    assert {r.strip("`, ") for r in rec.split()} == set(d["recordables"])


def test_gsl_and_multisynapse_pages():
    text = nest.help("aeif_cond_alpha_multisynapse", return_text=True)
    assert "Runge-Kutta-Fehlberg" in text
    assert "spike receptors 1 .. n" in text and "n_receptors" in text
    assert "``g_<port>``" in text
    mc = nest.help("iaf_cond_alpha_mc", return_text=True)
    for name, port in nest.GetDefaults("iaf_cond_alpha_mc", "receptor_types").items():
        assert f"* ``{name}`` = {port}" in mc


@pytest.mark.parametrize("name", sorted(NODE_MODELS))
def test_every_node_model_page_lists_its_keys(name):
    text = nest.help(name, return_text=True)
    spec = NODE_MODELS[name]
    for p in spec.params:
        assert f"``{p.name}``" in text
    for s in spec.state:
        assert s.hidden or f"``{s.name}``" in text


def test_synapse_pages():
    text = nest.help("stdp_synapse_hom", return_text=True)
    d = nest.GetDefaults("stdp_synapse_hom")
    common = text.split("Common properties")[1]
    for key in ("tau_plus", "lambda", "alpha", "mu_plus", "mu_minus", "Wmax"):
        line = next(x for x in common.splitlines() if x.startswith(f"* ``{key}`` = "))
        assert np.isclose(float(line.split("=")[1].split()[0].rstrip(":")), d[key])
    assert "plastic" in text
    for name in SYNAPSE_MODELS:
        assert nest.help(name, return_text=True).startswith(name + "\n")
    lbl = nest.help("static_synapse_lbl", return_text=True)
    assert "``synapse_label``" in lbl and "variant of ``static_synapse``" in lbl


def test_copied_model_names_its_origin():
    nest.ResetKernel()
    nest.CopyModel("iaf_psc_exp", "my_exp")
    nest.CopyModel("stdp_synapse", "my_stdp")
    assert "a copy of ``iaf_psc_exp``" in nest.help("my_exp", return_text=True)
    assert "a copy of ``stdp_synapse``" in nest.help("my_stdp", return_text=True)
    nest.ResetKernel()


def test_api_function_shows_docstring(capsys):
    assert "Create" in nest.help(nest.Create, return_text=True)
    assert nest.help(5, return_text=True) is None
    assert "Sorry, there is no help for model '5'." in capsys.readouterr().out
