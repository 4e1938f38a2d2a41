"""aeif_psc_exp: adaptive exponential integrate-and-fire, exponentially
decaying synaptic currents (NEST models/aeif_psc_exp.{h,cpp}); GSL rkf45."""

import brainunit as u

from ..._spec import NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state
from . import _common as c

ODE = ("V_m", "I_syn_ex", "I_syn_in", "w")


def derivatives(p, y, aux):
    V = c.clamped_V(p, y.V_m, aux)
    return dict(V_m=c.dV_dt(p, V, y.I_syn_ex - y.I_syn_in, y.w, aux),
                I_syn_ex=-y.I_syn_ex / p.tau_syn_ex, I_syn_in=-y.I_syn_in / p.tau_syn_in,
                w=c.dw_dt(p, V, y.w))


def update(p, d, s, x, ctx):
    s, spikes, _ = c.advance(p, s, ODE, derivatives, ctx)
    return s.replace(I_syn_ex=s.I_syn_ex + x.ex, I_syn_in=s.I_syn_in + (-x["in"]),
                     I_stim=x.currents), spikes


aeif_psc_exp = NeuronModel(
    name="aeif_psc_exp",
    doc="Current-based adaptive exponential integrate-and-fire neuron (exponential synapses).",
    params=neuron_params(*c.membrane_params(
        Param("tau_syn_ex", 0.2, u.ms, "decay time of the excitatory current"),
        Param("tau_syn_in", 2.0, u.ms, "decay time of the inhibitory current"),
    )),
    state=neuron_state(
        c.V_M,
        State("I_syn_ex", 0.0, u.pA, "excitatory synaptic current"),
        State("I_syn_in", 0.0, u.pA, "inhibitory synaptic current"),
        c.W, c.REFRACTORY, c.I_STIM, _gsl.INTEGRATION_STEP,
    ),
    channels=c.PSC_CHANNELS,
    spike_receptors=c.SPIKE_RECEPTORS,
    recordables=("I_syn_ex", "I_syn_in", "V_m", "w"),
    check=c.check("reset", "Ensure that C_m > 0", ("tau_syn_ex", "tau_syn_in", "tau_w")),
    update=update,
    integrator=RKF45(c.control),
    archiving=Archiving(),
)
