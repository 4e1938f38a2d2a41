"""iaf_cond_alpha: leaky integrate-and-fire, alpha-shaped synaptic conductances
(NEST models/iaf_cond_alpha.{h,cpp}); GSL rkf45."""

import numpy as np

from ..._spec import NeuronModel
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state
from .._keys import CONDUCTANCE, tau_syn
from . import _common as c

def derivatives(p, y, aux):
    return dict(V_m=c.dV_dt(p, y.V_m, y.g_ex, y.g_in, aux),
                dg_ex=-y.dg_ex / p.tau_syn_ex, g_ex=y.dg_ex - y.g_ex / p.tau_syn_ex,
                dg_in=-y.dg_in / p.tau_syn_in, g_in=y.dg_in - y.g_in / p.tau_syn_in)


def derive(p, ctx):
    # pre_run_hook: a spike of weight 1 nS gives a conductance peaking at 1 nS
    return dict(refr_steps=ctx.steps(p.t_ref),
                PSConInit_E=1.0 * np.e / p.tau_syn_ex, PSConInit_I=1.0 * np.e / p.tau_syn_in)


update = c.two_state_update(derivatives)


iaf_cond_alpha = NeuronModel(
    name="iaf_cond_alpha",
    doc="Leaky integrate-and-fire neuron with alpha-shaped synaptic conductances.",
    params=neuron_params(
        *c.MEMBRANE_PARAMS,
        *tau_syn("rise time of the {} alpha conductance", 0.2, 2.0), *CONDUCTANCE("I_e"),
    ),
    state=neuron_state(
        *c.TWO_STATE_CONDUCTANCES,
        c.REFRACTORY, c.I_STIM, c.T_REF_REMAINING, _gsl.INTEGRATION_STEP,
    ),
    channels=c.CHANNELS,
    spike_receptors=c.SPIKE_RECEPTORS,
    recordables=("V_m", "g_ex", "g_in", "t_ref_remaining"),
    check=c.check("tau_syn_ex", "tau_syn_in"),
    derive=derive,
    update=update,
    integrator=RKF45(c.CONTROL),
    archiving=Archiving(),
)
