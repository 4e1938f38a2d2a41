"""aeif_cond_exp: adaptive exponential integrate-and-fire, exponentially
decaying synaptic conductances (NEST models/aeif_cond_exp.{h,cpp}); GSL rkf45."""

from ..._spec import NeuronModel
from ...integrators import RKF45
from .._common import Archiving
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
    **c.tables(CONDUCTANCE("E_ex E_in")
               + tau_syn("decay time of the {} conductance", 0.2, 2.0),
               CONDUCTANCE("g_ex g_in"), c.COND_CHANNELS,
               "peak", "Ensure that C_m >0"),
    update=update,
    integrator=RKF45(c.control),
    archiving=Archiving(),
)
