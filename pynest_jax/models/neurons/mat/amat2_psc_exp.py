"""amat2_psc_exp: mat2_psc_exp with a voltage-dependent threshold component
V_th_v driven by the membrane potential (Yamauchi et al. 2011); V_m is not reset
at a spike (NEST models/amat2_psc_exp.{h,cpp}). Exact integration on the grid."""

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import NeuronModel, Param, State
from ...integrators import Exact
from .._common import Archiving, neuron_params, neuron_state
from ..iaf._checks import first_violation
from . import _common as c

ms, pF, mV, pA = u.ms, u.pF, u.mV, u.pA
EXTRA = ("V_th_v",)


def derive(p, ctx):
    """pre_run_hook: the propagators as NEST writes them (ms, pF, 1/ms)."""
    h = ctx.h_ms
    C, beta = c.mantissas(p.C_m, pF), c.mantissas(p.beta, ms ** -1)
    taum, tauE = c.mantissas(p.tau_m, ms), c.mantissas(p.tau_syn_ex, ms)
    tauI, tauV = c.mantissas(p.tau_syn_in, ms), c.mantissas(p.tau_v, ms)
    eE, eI, em = jnp.exp(-h / tauE), jnp.exp(-h / tauI), jnp.exp(-h / taum)
    e1, e2 = jnp.exp(-h / c.mantissas(p.tau_1, ms)), jnp.exp(-h / c.mantissas(p.tau_2, ms))
    eV = jnp.exp(-h / tauV)

    def P6x(tau_s, e_s):
        return ((beta * tau_s * taum * tauV * (eV * (-tau_s + taum) + em * (tau_s - tauV)
                                               + e_s * (-taum + tauV)))
                / (C * (tau_s - taum) * (tau_s - tauV) * (taum - tauV)))

    def P7x(tau_s, e_s):
        return ((beta * tau_s * taum * tauV
                 * ((em * taum * (tau_s - tauV) ** 2 - e_s * tau_s * (taum - tauV) ** 2) * tauV
                    - eV * (tau_s - taum)
                    * (h * (tau_s - tauV) * (taum - tauV) + tau_s * taum * tauV - tauV ** 3)))
                / (C * (tau_s - taum) * (tau_s - tauV) ** 2 * (taum - tauV) ** 2))

    return dict(
        P11=eE, P22=eI, P33=em, P44=e1, P55=e2, P66=eV, P77=eV,
        P30=(taum - em * taum) / C,
        P31=((eE - em) * tauE * taum) / (C * (tauE - taum)),
        P32=((eI - em) * tauI * taum) / (C * (tauI - taum)),
        P60=(beta * (em - eV) * taum * tauV) / (C * (taum - tauV)),
        P61=P6x(tauE, eE), P62=P6x(tauI, eI),
        P63=(beta * (-em + eV) * tauV) / (taum - tauV),
        P70=((beta * taum * tauV * (em * taum * tauV - eV * (h * (taum - tauV) + taum * tauV)))
             / (C * (taum - tauV) ** 2)),
        P71=P7x(tauE, eE), P72=P7x(tauI, eI),
        P73=((beta * tauV * (-(em * taum * tauV) + eV * (h * (taum - tauV) + taum * tauV)))
             / (taum - tauV) ** 2),
        P76=eV * h,
        refr_steps=ctx.steps(p.t_ref),
    )


def update(p, d, s, x, ctx):
    """amat2_psc_exp::update; V_m and omega relative to E_L, values in mV, pA, ms."""
    V, I_ex, I_in = c.mantissas(s.V_m, mV), c.mantissas(s.I_syn_ex, pA), c.mantissas(s.I_syn_in, pA)
    Vv, dV = c.mantissas(s.V_th_v, mV), c.mantissas(s.V_th_dv, mV / ms)
    I = c.mantissas(p.I_e, pA) + c.mantissas(s.i_0, pA)
    Vv_new = I * d.P70 + I_ex * d.P71 + I_in * d.P72 + V * d.P73 + dV * d.P76 + Vv * d.P77
    dV = I * d.P60 + I_ex * d.P61 + I_in * d.P62 + V * d.P63 + dV * d.P66
    V = I * d.P30 + I_ex * d.P31 + I_in * d.P32 + V * d.P33
    V1 = c.mantissas(s.V_th_alpha_1, mV) * d.P44
    V2 = c.mantissas(s.V_th_alpha_2, mV) * d.P55
    I_ex = I_ex * d.P11 + c.mantissas(x.ex, pA)
    I_in = I_in * d.P22 + c.mantissas(x["in"], pA)
    spike, r, V1, V2, omega = c.fire(p, d, s, V, V1, V2, Vv_new)
    q = lambda v, unit: u.Quantity(v, unit=unit)  # noqa: E731
    return s.replace(V_m=q(V, mV), V_th_alpha_1=q(V1, mV), V_th_alpha_2=q(V2, mV),
                     V_th_v=q(Vv_new, mV), V_th_dv=q(dV, mV / ms),
                     V_th=q(omega + V1 + V2 + Vv_new, mV), I_syn_ex=q(I_ex, pA),
                     I_syn_in=q(I_in, pA), i_0=x.currents, r=r), spike


def _differ(a, *others):
    return lambda p: sum((p[a] == p[o]) for o in others) > 0


amat2_psc_exp = NeuronModel(
    name="amat2_psc_exp",
    doc="Non-resetting leaky integrate-and-fire neuron with exponential-shaped "
        "postsynaptic currents and a multi-timescale, voltage-dependent adaptive threshold.",
    params=neuron_params(
        *c.params(tau_m=10.0, C_m=200.0, alpha_1=10.0, alpha_2=0.0, omega=-65.0),
        Param("beta", 0.0, ms ** -1, "scaling of the voltage-dependent threshold"),
        Param("tau_v", 5.0, ms, "time constant of the voltage-dependent threshold"),
    ),
    state=neuron_state(*c.state(
        State("V_th_v", 0.0, mV, "voltage-dependent threshold component"),
        State("V_th_dv", 0.0, mV / ms, "derivative of V_th_v", hidden=True))),
    channels=c.CHANNELS,
    spike_receptors=c.SPIKE_RECEPTORS,
    current_receptors=c.CURRENT_RECEPTORS,
    recordables=("I_syn_ex", "I_syn_in", "V_m", "V_th", "V_th_v"),
    record=lambda p, s: {"V_th": c.record_V_th(p, s, EXTRA)},
    # Parameters_::set
    check=first_violation(
        (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
        (lambda p: (p["tau_m"] <= 0) | (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0)
         | (p["t_ref"] <= 0) | (p["tau_1"] <= 0) | (p["tau_2"] <= 0) | (p["tau_v"] <= 0),
         "All time constants must be strictly positive."),
        (_differ("tau_m", "tau_syn_ex", "tau_syn_in", "tau_v"),
         "tau_m must differ from tau_syn_ex, tau_syn_in and tau_v. See note in documentation."),
        (_differ("tau_v", "tau_syn_ex", "tau_syn_in"),
         "tau_v must differ from tau_syn_ex, tau_syn_in and tau_m. See note in documentation."),
    ),
    on_set=c.on_set(EXTRA),
    derive=derive,
    update=update,
    pre_run=c.pre_run,
    integrator=Exact(),
    archiving=Archiving(),
)
