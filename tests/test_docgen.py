"""The generated pages (docs/models.md, docs/api.md) are current, and the generator's
classifications hold on cases whose answer is known."""

import pytest

nest = pytest.importorskip("nest")

import pynest_jax  # noqa: E402
from pynest_jax import docgen  # noqa: E402
from pynest_jax.docgen import api_page, models_page  # noqa: E402


def _undated(text):
    return [line for line in text.splitlines() if not line.startswith(docgen.DATE_PREFIX)]


@pytest.fixture(scope="module")
def pages():
    return docgen.pages()


@pytest.mark.parametrize("rel", ["docs/models.md", "docs/api.md"])
def test_generated_page_is_current(pages, rel):
    on_disk = (docgen.ROOT / rel).read_text(encoding="utf-8")
    assert docgen.COMMAND in on_disk.splitlines()[2]
    assert sum(line.startswith(docgen.DATE_PREFIX) for line in on_disk.splitlines()) == 1
    assert _undated(on_disk) == _undated(pages[rel]), (
        f"{rel} is out of date: run `{docgen.COMMAND}`")


def test_models_page_lists_every_nest_model(pages):
    text = pages["docs/models.md"]
    rows = {line.split("|")[1].strip(): line for line in text.splitlines()
            if line.startswith("| ") and not line.startswith("| model")}
    assert set(rows) == set(nest.node_models) | set(nest.synapse_models)
    assert "| implemented |" in rows["iaf_psc_alpha"]
    assert "test_ab_glif.py" in rows["glif_psc"]
    assert "docs/gsl_neurons_ab.md" in rows["aeif_cond_exp"]
    # a model not yet here names the issue that plans it
    ours = set(pynest_jax.node_models) | set(pynest_jax.synapse_models)
    for name, row in rows.items():
        if name not in ours and models_page.planned(name).endswith("issue 13"):
            assert "issue 13" in row, row
    assert "| not yet" in rows["gauss_rate_ipn"] and "| implemented |" not in rows["gauss_rate_ipn"]
    assert "| implemented |" in rows["poisson_generator_ps"]
    assert "| implemented |" in rows["iaf_psc_exp_ps"]
    assert "e-prop" in rows["eprop_synapse"]
    assert "gap junctions" in rows["gap_junction"]


def test_planned_groups():
    assert models_page.planned("gif_psc_exp").endswith("issue 13")
    assert "rate" in models_page.planned("rate_connection_delayed")
    assert "astrocytes" in models_page.planned("sic_connection")


def test_stub_detection():
    def stub():
        """Documented, then refused."""
        raise NotImplementedError("no")

    def partly(x):
        if x:
            raise NESTErrors.NotImplemented("x")  # noqa: F821 - read, never run
        return 1

    def plain():
        return NotImplemented

    assert api_page.stub_status(stub) == "stub"
    assert api_page.stub_status(partly) == "partly"
    assert api_page.stub_status(plain) == ""


def test_api_page_statuses(pages):
    text = pages["docs/api.md"]
    assert "| `Create` | present" in text
    assert "| `resolution` | present (kernel attribute) |" in text
    assert "| `SetAcceptableLatency` | present, not implemented" in text
    assert "| `SonataNetwork` | missing |" in text
