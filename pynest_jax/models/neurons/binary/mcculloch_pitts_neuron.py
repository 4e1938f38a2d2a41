"""mcculloch_pitts_neuron: a binary neuron whose state becomes h > theta at each update
(NEST models/mcculloch_pitts_neuron.{h,cpp})."""

from ._common import binary_neuron

mcculloch_pitts_neuron = binary_neuron(
    "mcculloch_pitts_neuron",
    "Binary deterministic neuron with a Heaviside gain function.",
    lambda p, h, uniform: h > p.theta, ())
