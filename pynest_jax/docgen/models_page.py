"""docs/models.md: NEST 3.10's models, each with its status in pynest_jax.

An implemented model names the compat_tests file that runs it against NEST (found by
its name in the file, as a whole word) and the worst deviation that a ``docs/*_ab.md``
table reports for it. A model not implemented names the issue that plans it.
"""

from __future__ import annotations

import pathlib
import re

from ._page import header

# The groups that issue 13 (catalogue II) adds; the rest wait for a later issue.
ISSUE_13 = frozenset("""
iaf_psc_alpha_ps iaf_psc_delta_ps iaf_psc_exp_ps iaf_psc_exp_ps_lossless parrot_neuron_ps
poisson_generator_ps gif_psc_exp gif_cond_exp gif_psc_exp_multisynapse
gif_cond_exp_multisynapse gif_pop_psc_exp glif_psc glif_cond glif_psc_double_alpha
pp_psc_delta ht_neuron iaf_bw_2001 iaf_bw_2001_exact iaf_chs_2007 ignore_and_fire
mcculloch_pitts_neuron ginzburg_neuron erfc_neuron correlation_detector
correlomatrix_detector correlospinmatrix_detector spin_detector gamma_sup_generator
ppd_sup_generator inhomogeneous_poisson_generator spike_dilutor spike_train_injector
""".split())


def planned(name: str) -> str:
    """Which issue plans a model that pynest_jax does not have."""
    if name in ISSUE_13:
        return "not yet: issue 13"
    if name.startswith("eprop_"):
        return "not yet: e-prop, a later issue"
    if "astro" in name or name == "sic_connection":
        return "not yet: astrocytes, a later issue"
    if "gap" in name:
        return "not yet: gap junctions, a later issue"
    if "rate" in name or name in ("siegert_neuron", "diffusion_connection"):
        return "not yet: rate models, a later issue"
    return "not yet: no issue plans it"


def _word(name):
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])")


class TestIndex:
    """The compat_tests files, to find which ones run a model."""

    def __init__(self, folder: pathlib.Path):
        self.texts = {p.name: p.read_text(encoding="utf-8", errors="replace")
                      for p in sorted(folder.glob("*.py")) if p.name != "conftest.py"}
        # a helper module (_neuron_table.py) counts for the test files that import it
        self.users = {h: [t for t, text in self.texts.items()
                          if t.startswith("test_") and _word(h[:-3]).search(text)]
                      for h in self.texts if h.startswith("_")}

    def files_for(self, name: str) -> list:
        """compat_tests files that run the model: its own file first, then the files that
        name it themselves, then those whose helper module names it, each by mentions."""
        direct, via = {}, {}
        pat = _word(name)
        for f, text in self.texts.items():
            n = len(pat.findall(text))
            if n and f.startswith("test_"):
                direct[f] = direct.get(f, 0) + n
            elif n:
                for t in self.users.get(f, []):
                    via[t] = via.get(t, 0) + n
        return sorted(set(direct) | set(via),
                      key=lambda f: (name not in f, -direct.get(f, 0), -via.get(f, 0), f))


def worst_deviations(docs: pathlib.Path, known: set) -> dict:
    """{model: (deviation, what, page)}: the largest 'worst relative deviation' of each
    model in the docs/*_ab.md tables (a page about one model names it in its title)."""
    out = {}
    for page in sorted(docs.glob("*_ab.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        title = lines[0].lstrip("# ").split(":")[0].strip() if lines else ""
        cols = None
        for line in lines:
            if not line.startswith("|"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cols is None:
                cols = cells
                continue
            if set(line) <= set("|-: "):
                continue
            row = dict(zip(cols, cells))
            model = row.get("model", title)
            try:
                dev = float(row.get("worst relative deviation", ""))
            except ValueError:
                continue
            what = row.get("recordable", row.get("quantity", ""))
            if model in known and (model not in out or dev > out[model][0]):
                out[model] = (dev, what, f"docs/{page.name}")
    return out


def _table(names, impl, kinds, tests, worst):
    rows = ["| model | kind | status | A/B test (compat_tests/) | worst deviation from NEST |",
            "|---|---|---|---|---|"]
    for name in names:
        if name not in impl:
            rows.append(f"| {name} | {kinds.get(name, '')} | {planned(name)} | | |")
            continue
        files = tests.files_for(name)
        via = ""
        if not files and impl[name]:  # a variant (_hpc, _lbl) runs as its base model
            files, via = tests.files_for(impl[name]), f" (via {impl[name]})"
        shown = ", ".join(f"`{f}`" for f in files[:2])
        if len(files) > 2:
            shown += f" and {len(files) - 2} more"
        w = worst.get(name) or worst.get(impl[name])
        dev = f"{w[0]:.2e} ({w[1]}; {w[2]})" if w else ""
        rows.append(f"| {name} | {kinds.get(name, '')} | implemented | "
                    f"{(shown + via) if files else 'none found'} | {dev} |")
    return rows


def render(root: pathlib.Path) -> str:
    import nest
    from ..models.registry import NODE_MODELS, SYNAPSE_MODELS
    nodes, synapses = sorted(nest.node_models), sorted(nest.synapse_models)
    kinds = {m: nest.GetDefaults(m, "element_type") for m in nodes}
    kinds.update({m: "synapse" for m in synapses})
    impl = {m: "" for m in NODE_MODELS}
    impl.update({m: s.base for m, s in SYNAPSE_MODELS.items()})
    tests = TestIndex(root / "compat_tests")
    worst = worst_deviations(root / "docs", set(impl))
    n_impl = sum(m in impl for m in nodes)
    s_impl = sum(m in impl for m in synapses)
    lines = header("Models: NEST 3.10's catalogue in pynest_jax",
                   "It lists every model in NEST's `nest.node_models` and "
                   "`nest.synapse_models`.")
    lines += [
        f"**{n_impl} of {len(nodes)} node models and {s_impl} of {len(synapses)} synapse "
        "models are implemented.**", "",
        "*A/B test*: the files of `compat_tests/` that name the model (its own file first, "
        "then by the number of mentions, counting those of the helper modules a file "
        "imports), which run it against real NEST (`python -m pytest compat_tests/<file>`); "
        "a `_hpc` or `_lbl` variant that no file names runs in its base model's files "
        "(`compat_tests/_synapse_table.py` repeats each model's scenarios for its variants). *Worst deviation*: the largest relative "
        "deviation of any recordable over every scenario in the `docs/*_ab.md` table that "
        "reports the model (relative to max(|value|, 0.001 x the trace's largest |value|)); "
        "empty where no table reports the model: the test file says what it compares "
        "and within which tolerance. "
        "Known divergences and their causes: `docs/divergences.md`. "
        "`nest.help(\"<model>\")` shows a model's parameters, state and recordables.", "",
        "## Node models (neurons and devices)", ""]
    lines += _table(nodes, impl, kinds, tests, worst)
    lines += ["", "## Synapse models", ""]
    lines += _table(synapses, impl, kinds, tests, worst)
    return "\n".join(lines) + "\n"
