"""A mapping whose keys are known at once and whose values are made when first looked up.

The catalogue (`registry`) and the kernel's model defaults (`kernel.graph`) are both
"every model by name", but a script names a handful of the ~140: importing every model
module and building every model's defaults cost about 0.25 s at `import pynest_jax` and
at each ResetKernel. Listing, `in` and `len` never make a value; `m[name]` makes that one.
"""

from collections.abc import MutableMapping


class LazyMapping(MutableMapping):
    """``names`` (in order) -> ``make(name)``, made at the first ``[name]``; names set
    afterwards (model copies) are stored as given and come after the built-in ones."""

    def __init__(self, names, make):
        self._names = dict.fromkeys(names)  # every key, in order
        self._made = {}
        self._make = make

    def __getitem__(self, name):
        try:
            return self._made[name]
        except KeyError:
            if name not in self._names:
                raise
        value = self._made[name] = self._make(name)
        return value

    def __contains__(self, name):
        return name in self._names

    def __iter__(self):
        return iter(self._names)

    def __len__(self):
        return len(self._names)

    def __setitem__(self, name, value):
        self._names[name] = None
        self._made[name] = value

    def __delitem__(self, name):
        del self._names[name]
        self._made.pop(name, None)

    def made(self):
        """(name, value) of the values made so far, in no particular order."""
        return self._made.items()
