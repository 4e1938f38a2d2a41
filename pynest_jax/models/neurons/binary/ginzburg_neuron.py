"""ginzburg_neuron: a binary neuron that goes up with probability
c_1 h + c_2 (1 + tanh(c_3 (h - theta))) / 2 at each update
(NEST models/ginzburg_neuron.{h,cpp})."""

import jax.numpy as jnp

from ..._spec import Param
from ._common import binary_neuron


def gain(p, h, uniform):
    return uniform < p.c_1 * h + p.c_2 * 0.5 * (1.0 + jnp.tanh(p.c_3 * (h - p.theta)))


ginzburg_neuron = binary_neuron(
    "ginzburg_neuron",
    "Binary stochastic neuron with a sigmoidal gain function.",
    gain, (
        Param("c_1", 0.0, None, "linear gain factor"),
        Param("c_2", 1.0, None, "prefactor of the sigmoid"),
        Param("c_3", 1.0, None, "gain factor of the sigmoid"),
    ))
