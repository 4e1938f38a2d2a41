"""iaf_psc_alpha: leaky integrate-and-fire, alpha-shaped synaptic currents
(NEST models/iaf_psc_alpha.{h,cpp}). Exact integration on the grid."""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel
from ...integrators import Exact
from ....numerics.propagators import iaf_propagator_alpha
from .._common import Archiving, neuron_params, neuron_state
from .._keys import PSC, alpha_kinetics, tau_syn
from . import _common as c
from ._checks import iaf_psc_alpha_check


def derive(p, ctx):
    h = ctx.h
    P11ex = u.math.exp(-h / p.tau_syn_ex)
    P11in = u.math.exp(-h / p.tau_syn_in)
    expm1_tau_m = u.math.expm1(-h / p.tau_m)
    P31ex, P32ex = iaf_propagator_alpha(p.tau_syn_ex, p.tau_m, p.C_m, h)
    P31in, P32in = iaf_propagator_alpha(p.tau_syn_in, p.tau_m, p.C_m, h)
    return dict(
        P11ex=P11ex, P22ex=P11ex, P21ex=h * P11ex,
        P11in=P11in, P22in=P11in, P21in=h * P11in,
        P31ex=P31ex, P32ex=P32ex, P31in=P31in, P32in=P32in,
        expm1_tau_m=expm1_tau_m,
        P30=-p.tau_m / p.C_m * expm1_tau_m,
        # a spike of weight 1 pA gives a current peaking at 1 pA after tau_syn
        EPSCInitialValue=np.e / p.tau_syn_ex,
        IPSCInitialValue=np.e / p.tau_syn_in,
        refr_steps=ctx.steps(p.t_ref),
    )


def update(p, d, s, x, ctx):
    """One step of iaf_psc_alpha::update; V_m, V_th, V_reset, V_min relative to E_L."""
    free = s.r == 0
    # NEST propagates V as V + expm1(-h/tau_m) V (not exp(-h/tau_m) V): same rounding.
    V = (d.P30 * (s.y0 + p.I_e) + d.P31ex * s.dI_ex + d.P32ex * s.I_syn_ex
         + d.P31in * s.dI_in + d.P32in * s.I_syn_in + d.expm1_tau_m * s.V_m + s.V_m)
    V = u.math.where(V < p.V_min, p.V_min, V)
    V = u.math.where(free, V, s.V_m)
    r = jnp.where(free, s.r, s.r - 1)

    # Currents advance after V; spikes of this step enter dI at once.
    I_ex = d.P21ex * s.dI_ex + d.P22ex * s.I_syn_ex
    dI_ex = s.dI_ex * d.P11ex + d.EPSCInitialValue * x.ex
    I_in = d.P21in * s.dI_in + d.P22in * s.I_syn_in
    dI_in = s.dI_in * d.P11in + d.IPSCInitialValue * x["in"]

    spike = V >= p.V_th
    V = u.math.where(spike, p.V_reset, V)
    r = jnp.where(spike, d.refr_steps, r)
    return s.replace(V_m=V, r=r, I_syn_ex=I_ex, dI_ex=dI_ex, I_syn_in=I_in, dI_in=dI_in,
                     y0=x.currents), spike


iaf_psc_alpha = NeuronModel(
    name="iaf_psc_alpha",
    doc="Leaky integrate-and-fire neuron with alpha-shaped postsynaptic currents.",
    params=neuron_params(
        *c.MEMBRANE, c.V_min(-np.inf),
        *tau_syn("rise time of the {} synaptic alpha function", 2.0, 2.0), *PSC("I_e"),
    ),
    state=neuron_state(
        *PSC("V_m"), *alpha_kinetics("I_syn_{}", "dI_{}", u.pA, "current", hidden=True),
        *PSC("y0 r"),
    ),
    **c.inputs({0: "currents"}),
    check=iaf_psc_alpha_check,
    derive=derive,
    update=update,
    integrator=Exact(),
    archiving=Archiving(),
)
