"""aeif_cond_exp: adaptive exponential integrate-and-fire, exponentially
decaying synaptic conductances (NEST models/aeif_cond_exp.{h,cpp}); GSL rkf45."""

from ..._spec import NeuronModel
from .. import _gsl
from .._common import neuron_params, neuron_state
from .._keys import CONDUCTANCE, tau_syn
from . import _common as c

ODE = ("V_m", "g_ex", "g_in", "w")


def derivatives(p, y, aux):
    V = c.clamped_V(p, y.V_m, aux)
    I_syn_exc = y.g_ex * (V - p.E_ex)
    I_syn_inh = y.g_in * (V - p.E_in)
    return dict(V_m=c.dV_dt(p, V, -I_syn_exc - I_syn_inh, y.w, aux),
                g_ex=-y.g_ex / p.tau_syn_ex, g_in=-y.g_in / p.tau_syn_in,
                w=c.dw_dt(p, V, y.w))


def update(p, d, s, x, ctx):
    s, spikes, _ = c.advance(p, s, ODE, derivatives, ctx)
    return s.replace(g_ex=s.g_ex + x.ex, g_in=s.g_in + (-x["in"]), I_stim=x.currents), spikes


aeif_cond_exp = NeuronModel(
    name="aeif_cond_exp",
    doc="Conductance-based adaptive exponential integrate-and-fire neuron (exponential synapses).",
    params=neuron_params(*c.membrane_params(
        *CONDUCTANCE("E_ex E_in"),
        *tau_syn("decay time of the {} conductance", 0.2, 2.0),
    )),
    state=neuron_state(
        c.V_M,
        *CONDUCTANCE("g_ex g_in"),
        c.W, c.REFRACTORY, c.I_STIM, _gsl.INTEGRATION_STEP,
    ),
    channels=c.COND_CHANNELS,
    spike_receptors=c.SPIKE_RECEPTORS,
    recordables=("V_m", "g_ex", "g_in", "w"),
    check=c.check("peak", "Ensure that C_m >0", ("tau_syn_ex", "tau_syn_in", "tau_w")),
    update=update,
)
