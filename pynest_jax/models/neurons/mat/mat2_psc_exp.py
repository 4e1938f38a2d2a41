"""mat2_psc_exp: leaky integrate-and-fire with exponential-shaped synaptic
currents and a threshold of two adapting time constants (MAT, Kobayashi et al.
2009); V_m is not reset at a spike (NEST models/mat2_psc_exp.{h,cpp}). Exact
integration on the grid."""

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import NeuronModel
from ...integrators import Exact
from .._common import Archiving, neuron_params, neuron_state
from ..iaf._checks import first_violation
from . import _common as c

ms, pF = u.ms, u.pF


def derive(p, ctx):
    """pre_run_hook, on NEST's units (ms, pF, mV, pA) in NEST's arithmetic."""
    h = ctx.h_ms
    tau_m, C = c.mantissas(p.tau_m, ms), c.mantissas(p.C_m, pF)
    tau_ex, tau_in = c.mantissas(p.tau_syn_ex, ms), c.mantissas(p.tau_syn_in, ms)
    P11ex, P11in = jnp.exp(-h / tau_ex), jnp.exp(-h / tau_in)
    P22_expm1 = jnp.expm1(-h / tau_m)
    return dict(
        P11ex=P11ex, P11in=P11in, P22_expm1=P22_expm1,
        P21ex=-tau_m / (C * (1.0 - tau_m / tau_ex)) * P11ex * jnp.expm1(h * (1.0 / tau_ex - 1.0 / tau_m)),
        P21in=-tau_m / (C * (1.0 - tau_m / tau_in)) * P11in * jnp.expm1(h * (1.0 / tau_in - 1.0 / tau_m)),
        P20=-tau_m / C * P22_expm1,
        P11th=jnp.exp(-h / c.mantissas(p.tau_1, ms)),
        P22th=jnp.exp(-h / c.mantissas(p.tau_2, ms)),
        refr_steps=ctx.steps(p.t_ref),
    )


def update(p, d, s, x, ctx):
    """mat2_psc_exp::update; V_m and omega relative to E_L, values in mV and pA."""
    mV, pA = u.mV, u.pA
    V, I_ex, I_in = c.mantissas(s.V_m, mV), c.mantissas(s.I_syn_ex, pA), c.mantissas(s.I_syn_in, pA)
    I = c.mantissas(p.I_e, pA) + c.mantissas(s.i_0, pA)
    V = V * d.P22_expm1 + V + I_ex * d.P21ex + I_in * d.P21in + I * d.P20
    V1 = c.mantissas(s.V_th_alpha_1, mV) * d.P11th
    V2 = c.mantissas(s.V_th_alpha_2, mV) * d.P22th
    I_ex = I_ex * d.P11ex + c.mantissas(x.ex, pA)
    I_in = I_in * d.P11in + c.mantissas(x["in"], pA)
    spike, r, V1, V2, omega = c.fire(p, d, s, V, V1, V2)
    q = lambda v, unit: u.Quantity(v, unit=unit)  # noqa: E731
    return s.replace(V_m=q(V, mV), V_th_alpha_1=q(V1, mV), V_th_alpha_2=q(V2, mV),
                     V_th=q(omega + V1 + V2, mV), I_syn_ex=q(I_ex, pA), I_syn_in=q(I_in, pA),
                     i_0=x.currents, r=r), spike


mat2_psc_exp = NeuronModel(
    name="mat2_psc_exp",
    doc="Non-resetting leaky integrate-and-fire neuron with exponential-shaped "
        "postsynaptic currents and a multi-timescale adaptive threshold.",
    params=neuron_params(*c.params(tau_m=5.0, C_m=100.0, alpha_1=37.0, alpha_2=2.0,
                                   omega=-51.0)),
    state=neuron_state(*c.state()),
    channels=c.CHANNELS,
    spike_receptors=c.SPIKE_RECEPTORS,
    current_receptors=c.CURRENT_RECEPTORS,
    recordables=("V_m", "V_th"),
    record=lambda p, s: {"V_th": c.record_V_th(p, s)},
    # Parameters_::set
    check=first_violation(
        (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
        (lambda p: (p["tau_m"] <= 0) | (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0)
         | (p["t_ref"] <= 0) | (p["tau_1"] <= 0) | (p["tau_2"] <= 0),
         "All time constants must be strictly positive."),
        (lambda p: (p["tau_m"] == p["tau_syn_ex"]) | (p["tau_m"] == p["tau_syn_in"]),
         "Membrane and synapse time constant(s) must differ.See note in documentation."),
    ),
    on_set=c.on_set(),
    derive=derive,
    update=update,
    pre_run=c.pre_run,
    integrator=Exact(),
    archiving=Archiving(),
)
