"""aeif_psc_exp: adaptive exponential integrate-and-fire, exponentially
decaying synaptic currents (NEST models/aeif_psc_exp.{h,cpp}); GSL rkf45."""

from ..._spec import NeuronModel
from ...integrators import RKF45
from .._common import Archiving
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
    **c.tables(tau_syn("decay time of the {} current", 0.2, 2.0),
               CONDUCTANCE("I_syn_ex I_syn_in"), c.PSC_CHANNELS,
               "reset", "Ensure that C_m > 0"),
    update=update,
    integrator=RKF45(c.control),
    archiving=Archiving(),
)
