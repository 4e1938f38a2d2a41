"""The catalogue's static tables (models/registry.py: which module declares which model)
against the declarations the model modules really make, and the laziness they allow:
`import pynest_jax` imports no model module and not brainunit, and naming a model
imports that model's module only."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import pynest_jax.models as models
from pynest_jax.models import _spec
from pynest_jax.models.registry import (NODE_MODELS, NODE_MODULES, SYNAPSE_MODELS,
                                        SYNAPSE_MODULES)

REPO = Path(__file__).resolve().parents[1]
_KINDS = (_spec.NeuronModel, _spec.GeneratorModel, _spec.RecorderModel, _spec.SynapseModel)


def _declared():
    """Every model a module under pynest_jax.models holds under its own NEST name:
    name -> [(module, declaration)], several where one module imports another's model."""
    out = {}
    for info in pkgutil.walk_packages(models.__path__, models.__name__ + "."):
        module = importlib.import_module(info.name)
        for attr, obj in vars(module).items():
            if isinstance(obj, _KINDS) and obj.name == attr:
                out.setdefault(attr, []).append((info.name, obj))
    return out


_CACHE = {}


def _declared_once():
    if not _CACHE:
        _CACHE.update(_declared())
    return _CACHE


def test_tables_name_every_declared_model_and_nothing_else():
    declared = _declared_once()
    nodes = {n for n, found in declared.items()
             if not isinstance(found[0][1], _spec.SynapseModel)}
    synapses = set(declared) - nodes
    assert set(NODE_MODULES) == nodes
    assert set(SYNAPSE_MODULES) == synapses


@pytest.mark.parametrize("name", sorted(NODE_MODULES) + sorted(SYNAPSE_MODULES))
def test_table_module_holds_the_declaration(name):
    declared = _declared_once()[name]
    module = NODE_MODULES.get(name) or SYNAPSE_MODULES[name][0]
    obj = getattr(importlib.import_module(f"pynest_jax.models.{module}"), name)
    assert all(o is obj for _, o in declared)
    looked_up = NODE_MODELS[name] if name in NODE_MODULES else SYNAPSE_MODELS[name]
    assert looked_up is obj


def test_synapse_variants_as_nest_registers_them():
    assert list(SYNAPSE_MODELS) == [b + v for b in SYNAPSE_MODULES for v in ("", "_hpc", "_lbl")]
    for base, (_, sizeof_lbl) in SYNAPSE_MODULES.items():
        model, hpc, lbl = (SYNAPSE_MODELS[base + v] for v in ("", "_hpc", "_lbl"))
        assert (hpc.base, lbl.base, hpc.variant, lbl.variant) == (base, base, "hpc", "lbl")
        assert lbl.params[:-1] == model.params and lbl.params[-1].name == "synapse_label"
        assert lbl.sizeof == (sizeof_lbl if model.sizeof is None else model.sizeof + 8)


def _run(code):
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.split()


def test_import_names_every_model_but_imports_none():
    out = _run("import sys, pynest_jax as nest\n"
               "from pynest_jax.models.registry import NODE_MODULES as N\n"
               "mods = {'pynest_jax.models.' + m for m in N.values()}\n"
               "print(len(nest.node_models), len(nest.synapse_models), len(nest.Models()),\n"
               "      sum(m in sys.modules for m in mods), 'brainunit' in sys.modules)")
    assert out == [str(len(NODE_MODULES)), str(len(SYNAPSE_MODELS)),
                   str(len(NODE_MODULES) + len(SYNAPSE_MODELS)), "0", "False"]


def test_create_imports_the_named_model_only():
    out = _run("import sys, pynest_jax as nest\n"
               "from pynest_jax.models.registry import NODE_MODULES as N\n"
               "nest.Create('iaf_psc_exp')\n"
               "print(*sorted(n for n, m in N.items() if 'pynest_jax.models.' + m in sys.modules))")
    assert out == ["iaf_psc_exp"]
