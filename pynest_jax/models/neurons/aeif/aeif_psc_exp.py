"""aeif_psc_exp: adaptive exponential integrate-and-fire, exponentially
decaying synaptic currents (NEST models/aeif_psc_exp.{h,cpp}); GSL rkf45."""

from ..._spec import NeuronModel
from .. import _gsl
from .._common import neuron_params, neuron_state
from .._keys import CONDUCTANCE, tau_syn
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
        *tau_syn("decay time of the {} current", 0.2, 2.0),
    )),
    state=neuron_state(
        c.V_M,
        *CONDUCTANCE("I_syn_ex I_syn_in"),
        c.W, c.REFRACTORY, c.I_STIM, _gsl.INTEGRATION_STEP,
    ),
    channels=c.PSC_CHANNELS,
    spike_receptors=c.SPIKE_RECEPTORS,
    recordables=("I_syn_ex", "I_syn_in", "V_m", "w"),
    check=c.check("reset", "Ensure that C_m > 0", ("tau_syn_ex", "tau_syn_in", "tau_w")),
    update=update,
)
