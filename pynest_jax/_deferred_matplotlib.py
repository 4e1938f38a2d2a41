"""Import brainunit without importing matplotlib; give saiunit its matplotlib support
when matplotlib's Axes are first imported.

brainunit is built on saiunit, and `import saiunit` imports matplotlib (units, cbook and
Axes: about 0.8 s, a third of `import pynest_jax`) only to register a unit converter for
Quantity values and to wrap a few Axes methods. A script that never plots pays for it,
and pynest_jax itself hands plain floats to its plots. So:

1. While saiunit is imported, `sys.modules["matplotlib"]` (or `"matplotlib.units"` if
   matplotlib itself is already loaded) is None: Python's documented way of making an
   import fail. saiunit then finds no matplotlib and registers nothing.
2. A finder at the front of `sys.meta_path` waits for `matplotlib.axes`, which every
   figure needs (pyplot imports it). Once that module has run, it re-executes
   `saiunit._matplotlib_compat` (importlib.reload, in the same module object): saiunit's
   own import-time code, now seeing matplotlib, registers its converter and wraps Axes as
   it would have at import. Then the finder removes itself.

`import matplotlib.pyplot as plt` works unchanged, before or after `import pynest_jax`;
where matplotlib is already fully loaded, or saiunit already imported, or matplotlib not
installed, nothing here intervenes.

3. `brainunit/__init__` imports its `sparse` submodule, which imports
   `jax.experimental.sparse` and `scipy.sparse.linalg` (about 0.2 s of CPU, a third of
   brainunit's import) for unit-aware sparse matrices pynest_jax never uses. While
   brainunit is imported, `sys.modules["brainunit.sparse"]` is a placeholder module whose
   first attribute access (PEP 562 `__getattr__`) imports the real submodule, puts it in
   its place (in sys.modules and as `brainunit.sparse`) and answers from it: a user's
   `brainunit.sparse.CSR` works as before, one step later.
"""

import types

import importlib
import importlib.abc
import importlib.util
import sys


def import_brainunit():
    if "saiunit" in sys.modules or "matplotlib.units" in sys.modules:
        _import_without_sparse()
        return
    blocked = [name for name in ("matplotlib", "matplotlib.units") if name not in sys.modules]
    installed = importlib.util.find_spec("matplotlib") is not None
    for name in blocked:
        sys.modules[name] = None
    try:
        import saiunit  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
    _import_without_sparse()
    if installed:
        sys.meta_path.insert(0, _SaiunitOnAxes())


def _import_without_sparse():
    if "brainunit" in sys.modules or "brainunit.sparse" in sys.modules:
        import brainunit  # noqa: F401
        return
    placeholder = types.ModuleType("brainunit.sparse", "brainunit.sparse, imported at first use")

    def real(name):
        if sys.modules.get("brainunit.sparse") is placeholder:
            del sys.modules["brainunit.sparse"]
        module = importlib.import_module("brainunit.sparse")
        sys.modules["brainunit"].sparse = module
        return getattr(module, name)

    placeholder.__getattr__ = real
    sys.modules["brainunit.sparse"] = placeholder
    try:
        import brainunit  # noqa: F401
    except BaseException:
        if sys.modules.get("brainunit.sparse") is placeholder:
            del sys.modules["brainunit.sparse"]
        raise


def _enable_saiunit_matplotlib():
    import saiunit._matplotlib_compat as compat
    if not compat.matplotlib_converter_registered:
        importlib.reload(compat)


class _SaiunitOnAxes(importlib.abc.MetaPathFinder):
    """Finds nothing itself: for `matplotlib.axes` it asks the finders behind it and hands
    back their spec with a loader that runs saiunit's matplotlib set-up after the module."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "matplotlib.axes":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find else None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _ThenEnable(spec.loader)
                return spec
        return None


class _ThenEnable(importlib.abc.Loader):
    """The found loader, unchanged, followed by saiunit's set-up; anything else that is
    asked of it (get_resource_reader, is_package, ...) goes to the found loader."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _enable_saiunit_matplotlib()
