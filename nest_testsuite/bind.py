"""Make `import nest` and `import nest.X` / `from nest.X import Y` give pynest_jax.

The plugin calls `install` before pytest loads NEST's conftest.py, so the conftest, the
tests and `testutil` all get the implementation under test. The binding itself is
pynest_jax's own (`pynest_jax.bind`), the one users call before importing a tool.
"""

import importlib


def install(impl):
    """Bind `nest` to `impl` ('nest' leaves the real NEST alone); returns the package."""
    if impl == "nest":
        return importlib.import_module("nest")
    from pynest_jax._bind import bind

    return bind(impl)
