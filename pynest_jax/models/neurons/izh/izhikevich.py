"""izhikevich: Izhikevich (2003) neuron (NEST models/izhikevich.{h,cpp}).

Not GSL: NEST's own forward-Euler step of
    dv/dt = 0.04 v^2 + 5 v + 140 - u + I,   du/dt = a (b v - u)
with ``consistent_integration`` (default) one Euler step of both from the old
values, spike input added to v; otherwise Izhikevich's published scheme (two
half steps of v including the input, then u from the new v). The equations are
in the model's dimensionless numbers (mV, ms, pA as plain values), so they are
written on the mantissas.
"""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import Euler
from .._common import Archiving, neuron_params, neuron_state


def update(p, d, s, x, ctx):
    h = ctx.h_ms
    v, w = s.V_m.to_decimal(u.mV), s.U_m.to_decimal(u.mV)
    I_syn = x.spikes.to_decimal(u.mV)
    I, I_e = s.I.to_decimal(u.pA), p.I_e.to_decimal(u.pA)
    a, b = p.a, p.b
    # consistent_integration: Euler from the old values
    v1 = v + (h * (0.04 * v * v + 5.0 * v + 140.0 - w + I + I_e) + I_syn)
    u1 = w + h * a * (b * v - w)
    # Izhikevich's scheme
    v2 = v + h * 0.5 * (0.04 * v * v + 5.0 * v + 140.0 - w + I + I_e + I_syn)
    v2 = v2 + h * 0.5 * (0.04 * v2 * v2 + 5.0 * v2 + 140.0 - w + I + I_e + I_syn)
    u2 = w + h * a * (b * v2 - w)
    v = jnp.where(p.consistent_integration, v1, v2)
    w = jnp.where(p.consistent_integration, u1, u2)
    V_min = p.V_min.to_decimal(u.mV)
    v = jnp.where(v < V_min, V_min, v)
    spike = v >= p.V_th.to_decimal(u.mV)
    v = jnp.where(spike, p.c.to_decimal(u.mV), v)
    w = jnp.where(spike, w + p.d.to_decimal(u.mV), w)
    return s.replace(V_m=u.Quantity(v, unit=u.mV), U_m=u.Quantity(w, unit=u.mV),
                     I=x.currents), spike


izhikevich = NeuronModel(
    name="izhikevich",
    doc="Izhikevich neuron model.",
    params=neuron_params(
        Param("V_th", 30.0, u.mV, "spike threshold"),
        Param("V_min", -float(np.finfo(float).max), u.mV, "lower bound of V_m"),
        Param("I_e", 0.0, u.pA, "constant input current"),
        Param("a", 0.02, None, "time scale of the recovery variable"),
        Param("b", 0.2, None, "sensitivity of the recovery variable"),
        Param("c", -65.0, u.mV, "after-spike reset value of V_m"),
        Param("d", 8.0, u.mV, "after-spike increment of U_m"),
        Param("consistent_integration", True, None, "Euler step from the old values",
              dtype="bool"),
    ),
    state=neuron_state(
        State("V_m", -65.0, u.mV, "membrane potential"),
        State("U_m", 0.2 * -65.0, u.mV, "membrane recovery variable"),
        State("I", 0.0, u.pA, "input current of the last step", hidden=True),
    ),
    channels=(Channel("spikes", u.mV), Channel("currents", u.pA)),
    spike_receptors={0: ("spikes", "spikes")},
    recordables=("U_m", "V_m"),
    update=update,
    integrator=Euler(),
    archiving=Archiving(),
)
