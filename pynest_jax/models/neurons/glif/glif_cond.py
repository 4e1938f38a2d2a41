"""glif_cond: the glif1..glif5 models with alpha-shaped conductances on receptor ports
1..n, each with its reversal potential (NEST models/glif_cond.{h,cpp}). The membrane
and the conductances are integrated by GSL's rkf45 (control y, 1e-3 absolute), then
the threshold, the after-spike currents and the resets are updated as in glif_psc."""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .. import _multisynapse as ms
from .._common import Archiving, neuron_params, neuron_state
from . import _common as c

mV, pA, nS, ms_ = u.mV, u.pA, u.nS, u.ms
ODE = ("V_m", "dg_syn", "g_syn")


def derive(p, ctx):
    return {**c.derive(p, ctx, "g_m"), "CondInitialValues": 1.0 * np.e / c.m(p.tau_syn, ms_)}


def derivatives(p, y, aux):
    """glif_cond_dynamics, values in mV, nS, pA, ms; V_m relative to E_L."""
    refractory = aux["refractory"]
    V = jnp.where(refractory, c.m(p.V_reset, mV), c.m(y.V_m, mV))
    g, dg = c.m(y.g_syn, nS), c.m(y.dg_syn, nS / ms_)
    E_L, E_rev, tau = c.m(p.E_L, mV), c.m(p.E_rev, mV), c.m(p.tau_syn, ms_)
    I_syn = jnp.zeros_like(V)
    for i in range(g.shape[1]):  # port by port, as NEST's loop adds
        I_syn = I_syn + g[:, i] * (V + E_L - E_rev[:, i])
    I_leak = c.m(p.g_m, nS) * V
    dV = (-I_leak - I_syn + aux["I"] + aux["asc_sum"]) / c.m(p.C_m, u.pF)
    return dict(V_m=jnp.where(refractory, 0.0, dV), dg_syn=-dg / tau, g_syn=dg - g / tau)


def update(p, d, s, x, ctx):
    """glif_cond::update: the GSL step first (refractoriness and the after-spike current
    of the step before), then the threshold, the spike and the resets."""
    free = s.r == 0
    v_old = c.m(s.V_m, mV)
    I, asc_old = c.m(s.I, pA), c.m(s.ASCurrents_sum, pA)
    s, _ = _gsl.advance(p, s, ODE, derivatives, ctx,
                        aux=dict(refractory=~free, I=I, asc_sum=asc_old))
    asc_sum, asc = c.asc_step(s, free, p.after_spike_currents)
    fields, spike = c.threshold_and_spike(p, d, s, free, c.m(s.V_m, mV), v_old, I, asc_sum,
                                          asc, "g_m")
    R = s.dg_syn.shape[1]
    kicks = c.m(u.math.stack(ms.ports_input(x, R), axis=1), nS)
    dg = c.m(s.dg_syn, nS / ms_) + kicks * d.CondInitialValues
    return s.replace(**fields, dg_syn=u.Quantity(dg, unit=nS / ms_), I=x.currents), spike


def record(p, s):
    out = c.record(p, s)
    out.update({f"g_{i + 1}": s.g_syn[:, i] for i in range(s.g_syn.shape[1])})
    return out


def after_run(v, ctx):
    """ASCurrents, and g and dg of each port as State_::get shows them."""
    out = c.after_run(v, ctx)
    count = np.asarray(v["n_receptors"]).reshape(-1)
    for key, dev in (("g", "g_syn"), ("dg", "dg_syn")):
        a = np.asarray(v[dev], float).reshape(len(count), -1)
        out[key] = [a[i, :k].copy() for i, k in enumerate(count)]
    return out


def _sizes(vals, i):
    return ("The reversal potential and synaptic time constant arrays, i.e., E_rev "
            f"({len(vals['E_rev'][i])}) and tau_syn ({len(vals['tau_syn'][i])}), must have "
            "the same size.")


glif_cond = NeuronModel(
    name="glif_cond",
    doc="Conductance-based generalized leaky integrate-and-fire neuron (glif1..5) with "
        "alpha-shaped conductances on receptor ports 1..n.",
    params=neuron_params(
        *c.params("g_m"),
        Param("tau_syn", np.array([0.2, 2.0]), ms_, "rise time of each port's conductance",
              dtype="vector", per_port=True),
        Param("E_rev", np.array([0.0, -85.0]), mV, "reversal potential of each port",
              dtype="vector", per_port=True),
        # State_::get's y_ before the first pre_run_hook: one port's worth (read only)
        Param("g", np.array([0.0]), nS, "each port's conductance", dtype="vector",
              readonly=True),
        Param("dg", np.array([0.0]), nS / ms_, "derivative of each port's conductance",
              dtype="vector", readonly=True),
    ),
    state=neuron_state(*c.state(
        "tau_syn",
        State("g_syn", 0.0, nS, "each port's conductance", hidden=True, per_port=True),
        State("dg_syn", 0.0, nS / ms_, "derivative of each port's conductance", hidden=True,
              per_port=True),
        _gsl.INTEGRATION_STEP,
        threshold_parts=False)),
    **c.SPIKE_PORTS,
    ports="n_receptors", port_list="tau_syn", port_unit=nS,
    port_recordables=("g_{}",),
    recordables=("ASCurrents_sum", "I", "V_m", "threshold", "threshold_spike",
                 "threshold_voltage"),
    record=record,
    check=c.check("g_m", mech_doc="documents", cond_order=True),
    on_set=c.on_set(("tau_syn", "E_rev"), shown_threshold=False, same_size_msg=_sizes),
    derive=derive,
    update=update,
    pre_run=c.pre_run,
    after_run=after_run,
    integrator=RKF45(_gsl.control_y(1e-3, 0.0)),
    archiving=Archiving(),
)
