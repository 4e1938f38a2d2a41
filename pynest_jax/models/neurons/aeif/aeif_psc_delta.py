"""aeif_psc_delta: adaptive exponential integrate-and-fire, delta synapses
(NEST models/aeif_psc_delta.{h,cpp}); GSL rkf45.

A spike jumps V by its weight (mV). NEST adds the step's input inside the
``while (t < step)`` loop, after the first accepted sub-step (the ring buffer
entry is read and cleared there); input arriving while refractory is dropped,
or with ``refractory_input`` meant to be kept, decayed by exp(-r h / tau_m), and
added after the refractory period — in NEST 3.10 the factor overflows (an
unsigned negation), which makes V_m inf or NaN once such input is added; this
model does the same.
"""

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state
from . import _common as c

ODE = ("V_m", "w")


def derivatives(p, y, aux):
    # pre_run_hook keeps 1/Delta_T, 1/C_m, 1/tau_w; the dynamics multiply by them
    V = c.clamped_V(p, y.V_m, aux)
    on = p.Delta_T.mantissa != 0.0
    Delta_T_inv = 1.0 / u.math.where(on, p.Delta_T, 1.0 * u.mV)
    I_spike = u.math.where(on, p.g_L * p.Delta_T * u.math.exp((V - p.V_th) * Delta_T_inv),
                           0.0 * u.pA)
    dV = (-p.g_L * (V - p.E_L) + I_spike - y.w + p.I_e + aux["I_stim"]) * (1.0 / p.C_m)
    dV = u.math.where(aux["r"] > 0, jnp.zeros_like(dV.mantissa) * dV.unit, dV)
    return dict(V_m=dV, w=(p.a * (V - p.E_L) - y.w) * (1.0 / p.tau_w))


def spike_input_and_test(p, y, aux):
    free = aux["r"] == 0
    V = y.V_m + aux["input"]
    with_refr = p.refractory_input & (aux["refr_buffer"].mantissa != 0.0)
    V = u.math.where(with_refr, V + aux["refr_buffer"], V)
    buf = u.math.where(with_refr, 0.0 * u.mV, aux["refr_buffer"])
    # while refractory: clamp; keep the input, decayed, if asked to (r only
    # changes inside the loop by a spike, so the entry's decay factor holds)
    kept = aux["input"] * aux["decay"]
    buf_refr = u.math.where(p.refractory_input, aux["refr_buffer"] + kept, aux["refr_buffer"])
    V = u.math.where(free, V, p.V_reset)
    buf = u.math.where(free, buf, buf_refr)
    fire = free & (V >= c.V_peak_effective(p))
    n = aux["refr_steps"]
    r = jnp.where(fire, jnp.where(n > 0, n + 1, 0), aux["r"])
    y = y.replace(V_m=u.math.where(fire, p.V_reset, V), w=u.math.where(fire, y.w + p.b, y.w))
    return y, dict(aux, r=r, spikes=aux["spikes"] + fire.astype(aux["spikes"].dtype),
                   refr_buffer=buf, input=0.0 * aux["input"])


def update(p, d, s, x, ctx):
    tau_m = p.C_m / p.g_L
    # NEST computes exp(-S_.r_ * h / tau_m) with an unsigned r_: the negation
    # wraps to 2**32 - r, so the factor is inf and the kept input inf or NaN
    # (aeif_psc_delta.h: ``unsigned int r_``). Reproduced as NEST 3.10 does it.
    wrapped = jnp.where(s.r > 0, 2.0 ** 32 - s.r.astype(float), 0.0)
    decay = u.math.exp(wrapped * ctx.h / tau_m)
    s, spikes, aux = c.advance(p, s, ODE, derivatives, ctx, spike_input_and_test,
                               input=x.spikes, refr_buffer=s.refr_spikes_buffer, decay=decay)
    return s.replace(refr_spikes_buffer=aux["refr_buffer"], I_stim=x.currents), spikes


aeif_psc_delta = NeuronModel(
    name="aeif_psc_delta",
    doc="Current-based adaptive exponential integrate-and-fire neuron (delta synapses).",
    params=neuron_params(*c.membrane_params(
        Param("refractory_input", False, None, "keep input arriving while refractory",
              dtype="bool"),
    )),
    state=neuron_state(
        c.V_M, c.W, c.REFRACTORY, c.I_STIM, _gsl.INTEGRATION_STEP,
        State("refr_spikes_buffer", 0.0, u.mV, "input kept during refractoriness", hidden=True),
    ),
    channels=(Channel("spikes", u.mV), Channel("currents", u.pA)),
    spike_receptors={0: ("spikes", "spikes")},
    recordables=("V_m", "w"),
    check=c.check("reset", "Ensure that C_m > 0", ("tau_w",), "tau_w must be strictly positive."),
    update=update,
    integrator=RKF45(c.control),
    archiving=Archiving(),
)
