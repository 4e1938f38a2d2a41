"""Make `import nest` and `import nest.X` / `from nest.X import Y` give pynest_jax.

The plugin calls `install` before pytest loads NEST's conftest.py, so the conftest, the
tests and `testutil` all get the implementation under test. `nest.X` is resolved to the
module `pynest_jax.X` if there is one, else to the attribute X of pynest_jax; in both cases
the object already loaded is handed back, never a second copy of a module (a second copy
would have its own kernel state).
"""

import importlib
import importlib.abc
import importlib.util
import sys


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, package):
        self._package = package
        self._saved_specs = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith("nest."):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        rest = spec.name[len("nest.") :]
        real = f"{self._package.__name__}.{rest}"
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as err:
            if err.name != real:  # the module exists but one of its own imports failed
                raise
            module = self._package
            for part in rest.split("."):
                if not hasattr(module, part):
                    raise ModuleNotFoundError(f"No module named {spec.name!r}", name=spec.name) from None
                module = getattr(module, part)
        # The import machinery stamps our spec on whatever we return; put the real one
        # back in exec_module so that pynest_jax's module keeps its identity.
        self._saved_specs[id(module)] = getattr(module, "__spec__", None)
        return module

    def exec_module(self, module):
        spec = self._saved_specs.pop(id(module), None)
        if spec is not None:
            try:
                module.__spec__ = spec
            except AttributeError:
                pass


def install(impl):
    """Bind `nest` to `impl` ('nest' leaves the real NEST alone); returns the package."""
    if impl == "nest":
        return importlib.import_module("nest")
    package = importlib.import_module(impl)
    sys.modules["nest"] = package
    sys.meta_path.insert(0, _Alias(package))
    return package
