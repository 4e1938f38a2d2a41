"""erfc_neuron: a binary neuron that goes up with probability
erfc(-(h - theta) / (sqrt(2) sigma)) / 2 at each update
(NEST models/erfc_neuron.{h,cpp})."""

import jax.numpy as jnp
from jax.scipy.special import erfc

from ..._spec import Param
from ._common import binary_neuron


def gain(p, h, uniform):
    return uniform < 0.5 * erfc(-(h - p.theta) / (jnp.sqrt(2.0) * p.sigma))


erfc_neuron = binary_neuron(
    "erfc_neuron",
    "Binary stochastic neuron with a complementary-error-function gain.",
    gain, (Param("sigma", 1.0, None, "width of the gain function"),))
