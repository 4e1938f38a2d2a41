"""Every public function and class of the facade, and the methods users call on
NodeCollection and SynapseCollection, carry a docstring that help() shows."""

import inspect
import pydoc

import pytest

import pynest_jax as nest

_METHODS = ("__init__", "__len__", "__iter__", "__getitem__", "__eq__", "__getattr__",
            "__setattr__")


def _public_objects():
    for name in nest.__all__:
        obj = getattr(nest, name)
        if inspect.ismodule(obj) or not callable(obj):
            continue
        yield name, obj
        if inspect.isclass(obj) and obj.__module__.startswith("pynest_jax.api"):
            for m, v in vars(obj).items():
                if (not m.startswith("_") or m in _METHODS) and callable(v):
                    yield f"{name}.{m}", v


@pytest.mark.parametrize("name,obj", list(_public_objects()), ids=lambda x: x
                         if isinstance(x, str) else "")
def test_has_docstring(name, obj):
    doc = obj.__doc__ if inspect.isclass(obj) else inspect.getdoc(obj)
    assert doc and doc.strip(), f"{name} has no docstring"


@pytest.mark.parametrize("sub", ["random", "math", "logic", "raster_plot", "voltage_trace",
                                 "visualization", "ll_api"])
def test_submodule_functions_have_docstrings(sub):
    mod = getattr(nest, sub)
    bare = [n for n in dir(mod) if not n.startswith("_") and callable(getattr(mod, n))
            and not inspect.isclass(getattr(mod, n)) and not inspect.getdoc(getattr(mod, n))]
    assert not bare, f"nest.{sub}: no docstring on {bare}"


def test_help_shows_create_docstring():
    text = pydoc.render_doc(nest.Create, renderer=pydoc.plaintext)
    assert "NodeCollection" in text and "params" in text and "Atomic Create" in text
    assert "Prepare" in pydoc.render_doc(nest.Simulate, renderer=pydoc.plaintext)
