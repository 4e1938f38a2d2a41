"""``nest.math``: functions of Parameters (PyNEST's nest/math)."""

from pynest_jax.connect.parameters import cos, exp, max, min, redraw, sin

__all__ = ["exp", "sin", "cos", "min", "max", "redraw"]
