"""glif_psc: the generalized leaky integrate-and-fire models glif1..glif5 of the
Allen Institute (Teeter et al. 2018) with alpha-shaped synaptic currents on receptor
ports 1..n (NEST models/glif_psc.{h,cpp}). Exact integration on the grid."""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel, State
from ...integrators import Exact
from ....numerics.propagators import iaf_propagator_alpha
from .. import _multisynapse as ms
from .._common import Archiving, neuron_params, neuron_state
from . import _common as c

mV, pA = u.mV, u.pA


def psc_propagators(p, ctx, tau, prefix="", amp=None):
    h = ctx.h
    Tau = (p.C_m / p.g)[:, None]
    P11 = u.math.exp(-h / tau)
    P31, P32 = iaf_propagator_alpha(tau, Tau, p.C_m[:, None], h)
    init = 1.0 * np.e / tau
    if amp is not None:
        init = init * amp
    return {prefix + "P11": P11, prefix + "P21": h * P11, prefix + "P31": P31,
            prefix + "P32": P32, prefix + "PSCInitialValues": init}


def membrane_derive(p, ctx):
    """pre_run_hook: the threshold's and the membrane's propagators (Tau = C_m / g)."""
    d = c.derive(p, ctx, "g")
    Tau = p.C_m / p.g
    P33 = u.math.exp(-ctx.h / Tau)
    d.update(P33=P33, P30=1 / p.C_m * (1 - P33) * Tau)
    return d


def derive(p, ctx):
    return {**membrane_derive(p, ctx), **psc_propagators(p, ctx, p.tau_syn)}


def membrane(d, s, asc_sum, kinds):
    """V_m after the step (NEST: U = v_old P33 + (I + ASC) P30, then each port's alpha
    current in port order) and I_syn, the sum of the ports' currents; ``kinds`` the
    (propagator prefix, y1, y2) of each current shape."""
    v_old, I = c.m(s.V_m, mV), c.m(s.I, pA)
    U = v_old * c.m(d.P33, None) + (I + asc_sum) * c.m(d.P30, u.mV / u.pA)
    sums = []
    for pre, y1, y2 in kinds:
        Y1, Y2 = c.m(s[y1], pA / u.ms), c.m(s[y2], pA)
        P31, P32 = c.m(d[pre + "P31"], u.mV * u.ms / u.pA), c.m(d[pre + "P32"], u.mV / u.pA)
        I_syn = jnp.zeros_like(U)
        for i in range(Y1.shape[1]):
            U = U + (P31[:, i] * Y1[:, i] + P32[:, i] * Y2[:, i])
            I_syn = I_syn + Y2[:, i]
        sums.append(I_syn)
    return U, v_old, I, sums


def psc_step(d, s, x, pre, y1, y2):
    """The alpha currents after the step, this step's spikes entering y1."""
    R = s[y1].shape[1]
    spikes = u.math.stack(ms.ports_input(x, R), axis=1)
    Y2 = d[pre + "P21"] * s[y1] + d[pre + "P11"] * s[y2]
    Y1 = s[y1] * d[pre + "P11"] + d[pre + "PSCInitialValues"] * spikes
    return {y1: Y1, y2: Y2}


def update(p, d, s, x, ctx):
    """glif_psc::update; V_m and the thresholds relative to E_L."""
    free = s.r == 0
    asc_sum, asc = c.asc_step(s, free, p.after_spike_currents)
    U, v_old, I, (I_syn,) = membrane(d, s, asc_sum, (("", "y1", "y2"),))
    fields, spike = c.threshold_and_spike(p, d, s, free, U, v_old, I, asc_sum, asc, "g")
    I_syn = jnp.where(free, I_syn, c.m(s.I_syn, pA))
    return s.replace(**fields, **psc_step(d, s, x, "", "y1", "y2"),
                     I_syn=u.Quantity(I_syn, unit=pA), I=x.currents), spike


def port_state(*names):
    out = []
    for n in names:
        unit = pA / u.ms if n.startswith("y1") else pA
        out.append(State(n, 0.0, unit, "alpha current per port", hidden=True, per_port=True))
    return tuple(out)


glif_psc = NeuronModel(
    name="glif_psc",
    doc="Generalized leaky integrate-and-fire neuron (glif1..5) with alpha-shaped "
        "postsynaptic currents on receptor ports 1..n.",
    params=neuron_params(*c.params("g"), ms.port_param("tau_syn", 2.0, u.ms,
                                                       "rise time of each port's alpha current")),
    state=neuron_state(*c.state("tau_syn", State("I_syn", 0.0, pA, "synaptic current",
                                                 hidden=True),
                                *port_state("y1", "y2"))),
    **c.SPIKE_PORTS,
    ports="n_receptors", port_list="tau_syn", port_unit=pA,
    recordables=("ASCurrents_sum", "I", "I_syn", "V_m", "threshold", "threshold_spike",
                 "threshold_voltage"),
    record=c.record,
    check=c.check("g"),
    on_set=c.on_set(("tau_syn",)),
    derive=derive,
    update=update,
    pre_run=c.pre_run,
    after_run=c.after_run,
    integrator=Exact(),
    archiving=Archiving(),
)
