"""`u`: the brainunit module, imported when a unit or function of it is first used.

`import brainunit` costs about 0.3 s CPU (saiunit's unit tables and array backend; its
`brainunit.sparse`, which imports `jax.experimental.sparse` and `scipy.sparse.linalg`,
another 0.2 s, waits for its first use: `_deferred_matplotlib`), more than all of
pynest_jax's own modules. A script pays for it at its first Create of a
model (model declarations build their parameter tables with units) or its first Simulate,
not at `import pynest_jax`. Every module of ours writes `from ..._brainunit import u` and
then `u.mV`, `u.math.exp`, ... as with `import brainunit as u`; the first attribute asked
for imports brainunit the way `_deferred_matplotlib` does (matplotlib left unimported) and
each attribute is then a plain module attribute of this object.
"""

import types

from ._deferred_matplotlib import import_brainunit


class _Brainunit(types.ModuleType):

    def __getattr__(self, name):
        if name.startswith("__"):  # copy, pickle, inspect probing: not brainunit's
            raise AttributeError(name)
        import_brainunit()
        import brainunit
        value = getattr(brainunit, name)
        setattr(self, name, value)
        return value


u = _Brainunit("brainunit")
