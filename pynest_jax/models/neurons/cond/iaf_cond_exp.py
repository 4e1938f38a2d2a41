"""iaf_cond_exp: leaky integrate-and-fire, exponentially decaying synaptic
conductances (NEST models/iaf_cond_exp.{h,cpp}); GSL rkf45."""

from ..._spec import NeuronModel
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state
from .._keys import CONDUCTANCE, tau_syn
from . import _common as c

ODE = ("V_m", "g_ex", "g_in")


def derivatives(p, y, aux):
    return dict(V_m=c.dV_dt(p, y.V_m, y.g_ex, y.g_in, aux, leak_first=True),
                g_ex=-y.g_ex / p.tau_syn_ex, g_in=-y.g_in / p.tau_syn_in)


def derive(p, ctx):
    return dict(refr_steps=ctx.steps(p.t_ref))


def update(p, d, s, x, ctx):
    """iaf_cond_exp::update: integrate, add this step's spikes, then the threshold."""
    s, _ = _gsl.advance(p, s, ODE, derivatives, ctx, dict(r=s.r, I_stim=s.I_stim))
    g_ex = s.g_ex + x.ex
    g_in = s.g_in - x["in"]  # inhibitory weights arrive negative; NEST stores -w
    V, r, spike = c.threshold_and_refractoriness(p, d, s.V_m, s.r)
    return s.replace(V_m=V, g_ex=g_ex, g_in=g_in, r=r, I_stim=x.currents), spike


iaf_cond_exp = NeuronModel(
    name="iaf_cond_exp",
    doc="Leaky integrate-and-fire neuron with exponential-shaped synaptic conductances.",
    params=neuron_params(
        *c.MEMBRANE_PARAMS,
        *tau_syn("decay time of the {} conductance", 0.2, 2.0), *CONDUCTANCE("I_e"),
    ),
    state=neuron_state(*CONDUCTANCE("V_m g_ex g_in r I_stim"), _gsl.INTEGRATION_STEP),
    channels=c.CHANNELS,
    spike_receptors=c.SPIKE_RECEPTORS,
    recordables=("V_m", "g_ex", "g_in"),
    check=c.check("tau_syn_ex", "tau_syn_in"),
    derive=derive,
    update=update,
    integrator=RKF45(c.CONTROL),
    archiving=Archiving(),
)
