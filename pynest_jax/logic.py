"""``nest.logic``: conditional Parameters (PyNEST's nest/logic)."""

from pynest_jax.connect.parameters import conditional

__all__ = [
    "conditional",
]
