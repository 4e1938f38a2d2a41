"""``nest.random``: random-distribution Parameters (PyNEST's nest/random)."""

from pynest_jax.connect.parameters import exponential, lognormal, normal, uniform, uniform_int

__all__ = [
    "exponential",
    "lognormal",
    "normal",
    "uniform",
    "uniform_int",
]
