"""`import nest` (and `import nest.X`, `from nest.X import Y`) bound to pynest_jax.

Third-party tools (PyNN, bmtk, NEST's own tests and gallery) import `nest` by name.
After `bind()`, `nest` is pynest_jax and `nest.X` is the module `pynest_jax.X` if there
is one, else the attribute X of pynest_jax. The object already loaded is handed back,
never a second copy of a module: a second copy would have a kernel of its own.

This file imports nothing from pynest_jax, so that the gallery's child bootstrap can
load it by path without loading pynest_jax into a process that runs another
implementation.
"""

import importlib
import importlib.abc
import importlib.util
import sys


class NestAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves `nest.X` to `<package>.X` (module) or `<package>.X` (attribute)."""

    def __init__(self, package):
        self.package = package
        self._saved_specs = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith("nest."):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        rest = spec.name[len("nest."):]
        real = f"{self.package.__name__}.{rest}"
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as err:
            if err.name != real:  # the module exists but one of its own imports failed
                raise
            module = self.package
            for part in rest.split("."):
                if not hasattr(module, part):
                    raise ModuleNotFoundError(f"No module named {spec.name!r}", name=spec.name) from None
                module = getattr(module, part)
        # The import machinery stamps our spec on whatever we return; exec_module puts the
        # real one back so that the module keeps its identity.
        self._saved_specs[id(module)] = getattr(module, "__spec__", None)
        return module

    def exec_module(self, module):
        spec = self._saved_specs.pop(id(module), None)
        if spec is not None:
            try:
                module.__spec__ = spec
            except (AttributeError, TypeError):
                pass


def bind(package="pynest_jax"):
    """Make `import nest` give `package` (a module or its name); returns the module.

    Call it before importing a tool that imports `nest`. Binding NEST itself (or a
    wrapper that hands NEST back) changes nothing; binding twice is harmless. A real
    NEST imported before the call would leave two simulators in one process, so that
    is refused.
    """
    if isinstance(package, str):
        package = importlib.import_module(package)
    if package.__name__ == "nest":
        return package
    current = sys.modules.get("nest")
    if current is package:
        return package
    if current is not None:
        raise ImportError(f"`nest` is already imported ({getattr(current, '__file__', current)!r}); "
                          f"bind {package.__name__} before anything imports nest")
    sys.modules["nest"] = package
    sys.meta_path.insert(0, NestAlias(package))
    return package
