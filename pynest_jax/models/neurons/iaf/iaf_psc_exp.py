"""iaf_psc_exp: leaky integrate-and-fire, exponential-shaped synaptic currents
(NEST models/iaf_psc_exp.{h,cpp}). Exact integration on the grid; optional
escape noise (``delta`` > 0: stochastic threshold of intensity ``rho``)."""

import jax
import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import NeuronModel
from ...integrators import Exact
from ....numerics.propagators import iaf_propagator_exp
from .._common import Archiving, neuron_params, neuron_state
from .._keys import PSC
from . import _common as c
from ._checks import iaf_psc_exp_check

# iaf_psc_exp::update: the threshold is deterministic for delta < 1e-10 mV and
# stochastic for delta > 1e-10 mV (exactly 1e-10: neither, NEST never fires).
DELTA_DETERMINISTIC = 1e-10 * u.mV


def propagators(p, ctx):
    """The exact propagators of iaf_psc_exp's pre_run_hook (also iaf_psc_exp_htum's)."""
    h = ctx.h
    P22 = u.math.exp(-h / p.tau_m)
    return dict(
        P11ex=u.math.exp(-h / p.tau_syn_ex),
        P11in=u.math.exp(-h / p.tau_syn_in),
        P22=P22,
        P21ex=iaf_propagator_exp(p.tau_syn_ex, p.tau_m, p.C_m, h),
        P21in=iaf_propagator_exp(p.tau_syn_in, p.tau_m, p.C_m, h),
        P20=p.tau_m / p.C_m * (1.0 - P22),
    )


def derive(p, ctx):
    return dict(propagators(p, ctx), refr_steps=ctx.steps(p.t_ref))


def _threshold(p, V, ctx):
    """Deterministic crossing, or escape noise with intensity phi = rho exp((V - V_th) / delta)."""
    deterministic = (p.delta < DELTA_DETERMINISTIC) & (V >= p.V_th)
    noisy = p.delta > DELTA_DETERMINISTIC

    def draw(_):
        phi = p.rho * u.math.exp((V - p.V_th) / p.delta)
        # NEST: drand() < phi * h * 1e-3 (rho in 1/s, h in ms)
        return noisy & (jax.random.uniform(ctx.key, V.shape) < u.maybe_decimal(phi * ctx.h))

    stochastic = jax.lax.cond(jnp.any(noisy), draw, lambda _: jnp.zeros(V.shape, bool), None)
    return deterministic | stochastic


def update(p, d, s, x, ctx):
    """One step of iaf_psc_exp::update; V_m, V_th, V_reset relative to E_L."""
    # V uses the currents of the previous step, then the currents decay.
    V, r = c.exp_membrane(p, d, s, s.r)
    I_ex = s.I_syn_ex * d.P11ex
    I_in = s.I_syn_in * d.P11in
    # Current on receptor 1 (read last step) charges the excitatory synapse.
    I_ex = I_ex + (1.0 - d.P11ex) * s.i_1
    # Spikes of this step act at once on the currents, on V in the next step.
    I_ex = I_ex + x.ex
    I_in = I_in + x["in"]

    # The threshold test is not guarded by refractoriness (as in NEST).
    spike = _threshold(p, V, ctx)
    V = u.math.where(spike, p.V_reset, V)
    r = jnp.where(spike, d.refr_steps, r)
    return s.replace(V_m=V, r=r, I_syn_ex=I_ex, I_syn_in=I_in, i_0=x.I0, i_1=x.I1), spike


iaf_psc_exp = NeuronModel(
    name="iaf_psc_exp",
    doc="Leaky integrate-and-fire neuron with exponential-shaped postsynaptic currents.",
    params=neuron_params(*c.MEMBRANE, *c.EXP_SYNAPSES, *PSC("I_e"), *c.ESCAPE_NOISE),
    state=neuron_state(*PSC("V_m"), *c.exp_currents("receptor-1 input"), *PSC("r")),
    # receptor 1: current filtered through the excitatory synapse (handle(CurrentEvent&))
    **c.inputs({0: "I0", 1: "I1"}),
    check=iaf_psc_exp_check,
    derive=derive,
    update=update,
    uses_rng=True,
    integrator=Exact(),
    archiving=Archiving(),
)
