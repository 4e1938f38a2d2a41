"""ht_neuron: the thalamocortical neuron of Hill and Tononi (2005), NEST
models/ht_neuron.{h,cpp}; GSL rkf45 over sixteen variables.

A leaky membrane with a dynamic threshold ``theta``, four beta-shaped synaptic
conductances on receptor ports AMPA (1), NMDA (2), GABA_A (3), GABA_B (4), the
NMDA one gated by a voltage-dependent magnesium unblock (fast and slow
components, or instantaneous), and four intrinsic currents (I_NaP, I_KNa, I_T,
I_h). Conductances are unitless (NEST divides the summed currents by ``tau_m``).

As in NEST, the spike test runs after every accepted GSL sub-step: V_m and theta
jump to E_Na and a repolarizing potassium current acts for ``t_ref``. The
intrinsic currents are recordable as the right-hand side last computed them:
GSL evaluates it at the end of each accepted step (``dydt_out``), before the
magnesium clamp and the spike reset, so they are taken there.

The arithmetic is written on plain float64 mantissas (conductances are unitless,
potentials in mV, times in ms) in NEST's order of operations, since the A/B test
compares traces to 1e-9.
"""

import math

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ....errors import NESTErrors
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state

# Receptor ports (SynapseTypes) and their rise variables' rows in GSL's y
PORTS = {1: "AMPA", 2: "NMDA", 3: "GABA_A", 4: "GABA_B"}
# GetStatus shows them sorted by name
RECEPTOR_TYPES = {r: port for port, r in sorted(PORTS.items(), key=lambda item: item[1])}
RISE = {"AMPA": "dg_AMPA", "NMDA": "dg_NMDA", "GABA_A": "dg_GABA_A", "GABA_B": "dg_GABA_B"}
# State_::StateVecElems_ order
ODE = ("V_m", "theta", "dg_AMPA", "g_AMPA", "dg_NMDA", "g_NMDA_TC", "dg_GABA_A", "g_GABA_A",
       "dg_GABA_B", "g_GABA_B", "m_fast_NMDA", "m_slow_NMDA", "m_Ih", "D_IKNa", "m_IT", "h_IT")
CURRENTS = ("I_NaP", "I_KNa", "I_T", "I_h")
CONTROL = _gsl.control_y(1e-3, 0.0)  # init_buffers_: gsl_odeiv_control_y_new(1e-3, 0.0)


def _m(q):
    return q.mantissa if isinstance(q, u.Quantity) else q


def _mv(q):
    return q.to_decimal(u.mV) if isinstance(q, u.Quantity) else q


# Equilibrium functions of V (mV); ``exp`` is jnp.exp on the device, math.exp on
# the host (initial state).
def m_eq_h(V, exp):
    return 1.0 / (1.0 + exp((V - (-75.0)) / 5.5))


def h_eq_T(V, exp):
    return 1.0 / (1.0 + exp((V + 83.0) / 4))


def m_eq_T(V, exp):
    return 1.0 / (1.0 + exp(-(V + 59.0) / 6.2))


def D_eq_KNa(V, tau_D, exp):
    D_influx = 0.025 / (1.0 + exp(-(V - (-10.0)) / 5.0))
    return tau_D * D_influx + 0.001


def m_eq_NMDA(V, S_act, V_act, exp):
    return 1.0 / (1.0 + exp(-S_act * (V - V_act)))


def m_NMDA(P, V, m_eq, m_fast, m_slow):
    A1 = 0.51 - 0.0028 * V
    A2 = 1 - A1
    return jnp.where(P["instant_unblock_NMDA"], m_eq, A1 * m_fast + A2 * m_slow)


def _plain(p):
    return {k: _m(v) for k, v in p.items()}


def intrinsic(P, V, y):
    """I_NaP, I_KNa, I_T, I_h as the right-hand side computes them."""
    m_inf_NaP = 1.0 / (1.0 + jnp.exp(-(V - (-55.7)) / 7.7))
    I_NaP = -P["g_peak_NaP"] * jnp.power(m_inf_NaP, P["N_NaP"]) * (V - P["E_rev_NaP"])
    m_inf_KNa = 1.0 / (1.0 + jnp.power(0.25 / y["D_IKNa"], 3.5))
    I_KNa = -P["g_peak_KNa"] * m_inf_KNa * (V - P["E_rev_KNa"])
    I_T = -P["g_peak_T"] * jnp.power(y["m_IT"], P["N_T"]) * y["h_IT"] * (V - P["E_rev_T"])
    I_h = -P["g_peak_h"] * y["m_Ih"] * (V - P["E_rev_h"])
    return I_NaP, I_KNa, I_T, I_h


def _V(P, y, aux):
    return jnp.where(P["voltage_clamp"], aux["V_clamp"], y["V_m"])


def derivatives(p, y, aux):
    """ht_neuron_dynamics on mantissas."""
    P = _plain(p)
    y = {k: _m(v) for k, v in y.items()}
    V = _V(P, y, aux)
    m_eq = m_eq_NMDA(V, P["S_act_NMDA"], P["V_act_NMDA"], jnp.exp)
    # the unblock variables are bounded by their equilibrium here, not in the state
    m_fast = jnp.minimum(m_eq, y["m_fast_NMDA"])
    m_slow = jnp.minimum(m_eq, y["m_slow_NMDA"])
    m = m_NMDA(P, V, m_eq, m_fast, m_slow)
    I_syn = (-y["g_AMPA"] * (V - P["E_rev_AMPA"]) - y["g_NMDA_TC"] * m * (V - P["E_rev_NMDA"])
             - y["g_GABA_A"] * (V - P["E_rev_GABA_A"]) - y["g_GABA_B"] * (V - P["E_rev_GABA_B"]))
    I_spike = jnp.where(aux["r"] > 0, -(V - P["E_K"]) / P["tau_spike"], 0.0)
    I_Na = -P["g_NaL"] * (V - P["E_Na"])
    I_K = -P["g_KL"] * (V - P["E_K"])
    I_NaP, I_KNa, I_T, I_h = intrinsic(P, V, y)
    dV = (I_Na + I_K + I_syn + I_NaP + I_KNa + I_T + I_h + aux["I_stim"]) / P["tau_m"] + I_spike
    out = dict(V_m=dV, theta=-(y["theta"] - P["theta_eq"]) / P["tau_theta"])
    for rcp, tr, td in (("AMPA", "AMPA", "AMPA"), ("NMDA", "NMDA", "NMDA"),
                        ("GABA_A", "GABA_A", "GABA_A"), ("GABA_B", "GABA_B", "GABA_B")):
        g = "g_NMDA_TC" if rcp == "NMDA" else f"g_{rcp}"
        out[RISE[rcp]] = -y[RISE[rcp]] / P[f"tau_rise_{tr}"]
        out[g] = y[RISE[rcp]] - y[g] / P[f"tau_decay_{td}"]
    out["m_fast_NMDA"] = (m_eq - m_fast) / P["tau_Mg_fast_NMDA"]
    out["m_slow_NMDA"] = (m_eq - m_slow) / P["tau_Mg_slow_NMDA"]
    out["D_IKNa"] = (D_eq_KNa(V, P["tau_D_KNa"], jnp.exp) - y["D_IKNa"]) / P["tau_D_KNa"]
    tau_m_T = 0.22 / (jnp.exp(-(V + 132.0) / 16.7) + jnp.exp((V + 16.8) / 18.2)) + 0.13
    tau_h_T = 8.2 + (56.6 + 0.27 * jnp.exp((V + 115.2) / 5.0)) / (1.0 + jnp.exp((V + 86.0) / 3.2))
    out["m_IT"] = (m_eq_T(V, jnp.exp) - y["m_IT"]) / tau_m_T
    out["h_IT"] = (h_eq_T(V, jnp.exp) - y["h_IT"]) / tau_h_T
    tau_m_h = 1.0 / (jnp.exp(-14.59 - 0.086 * V) + jnp.exp(-1.87 + 0.0701 * V))
    out["m_Ih"] = (m_eq_h(V, jnp.exp) - y["m_Ih"]) / tau_m_h
    return out


def after_step(p, y, aux):
    """update(), after each evolve_apply: the currents of the step's last evaluation,
    the voltage clamp, the magnesium clamp, then the spike test."""
    P = _plain(p)
    ym = {k: _m(v) for k, v in y.items()}
    currents = dict(zip(CURRENTS, intrinsic(P, _V(P, ym, aux), ym)))
    V = jnp.where(P["voltage_clamp"], aux["V_clamp"], ym["V_m"])
    m_eq = m_eq_NMDA(V, P["S_act_NMDA"], P["V_act_NMDA"], jnp.exp)
    fire = (aux["r"] == 0) & (V >= ym["theta"])
    V_new = jnp.where(fire, P["E_Na"], V)
    th_new = jnp.where(fire, P["E_Na"], ym["theta"])
    r = jnp.where(fire, aux["refr_steps"] + 1, aux["r"])
    y = y.replace(V_m=u.Quantity(V_new, unit=u.mV), theta=u.Quantity(th_new, unit=u.mV),
                  m_fast_NMDA=jnp.minimum(m_eq, ym["m_fast_NMDA"]),
                  m_slow_NMDA=jnp.minimum(m_eq, ym["m_slow_NMDA"]))
    return y, dict(aux, r=r, spikes=aux["spikes"] + fire.astype(aux["spikes"].dtype), **currents)


def beta_normalization(tau_rise, tau_decay):
    """libnestutil/beta_normalization_factor.h, on the host with libm."""
    eps = np.finfo(float).eps
    diff = tau_decay - tau_rise
    peak = 0.0
    if abs(diff) > eps:
        t_peak = tau_decay * tau_rise * math.log(tau_decay / tau_rise) / diff
        peak = math.exp(-t_peak / tau_decay) - math.exp(-t_peak / tau_rise)
    if abs(peak) < eps:
        return math.e / tau_decay
    return (1.0 / tau_rise - 1.0 / tau_decay) / peak


def pre_run(v, ctx):
    """pre_run_hook: conductance steps per port (libm, so NEST's to the bit) and the
    clamp voltage (V_m when the run is prepared)."""
    out = {"V_clamp": np.asarray(v["V_m"], float).copy()}
    for rcp in PORTS.values():
        out[f"cond_step_{rcp}"] = np.array([
            g * beta_normalization(float(tr), float(td)) for g, tr, td in
            zip(v[f"g_peak_{rcp}"], v[f"tau_rise_{rcp}"], v[f"tau_decay_{rcp}"])])
    return out


def derive(p, ctx):
    return dict(refr_steps=ctx.steps(p.t_ref))


def update(p, d, s, x, ctx):
    n = s.r.shape[0]
    aux = dict(r=s.r, I_stim=_m(s.I_stim), V_clamp=_mv(s.V_clamp),
               refr_steps=d.refr_steps.astype(s.r.dtype), spikes=jnp.zeros((n,), jnp.int32),
               **{k: s[k] for k in CURRENTS})
    s, aux = _gsl.advance(p, s, ODE, derivatives, ctx, aux, after_step)
    r = jnp.where(aux["r"] > 0, aux["r"] - 1, aux["r"])
    kicks = {RISE[rcp]: s[RISE[rcp]] + s[f"cond_step_{rcp}"] * x[rcp] for rcp in PORTS.values()}
    return s.replace(r=r, I_stim=x.currents, **kicks,
                     **{k: aux[k] for k in CURRENTS}), aux["spikes"]


def record(p, s):
    """g_NMDA is the time course times the unblock at the recorded V_m."""
    P = _plain(p)
    V = _mv(s.V_m)
    m_eq = m_eq_NMDA(V, P["S_act_NMDA"], P["V_act_NMDA"], jnp.exp)
    g_NMDA = s.g_NMDA_TC * m_NMDA(P, V, m_eq, s.m_fast_NMDA, s.m_slow_NMDA)
    return {"V_m": s.V_m, "theta": s.theta, "g_AMPA": s.g_AMPA, "g_NMDA": g_NMDA,
            "g_GABA_A": s.g_GABA_A, "g_GABA_B": s.g_GABA_B,
            **{k: s[k] for k in CURRENTS}}


_NONNEG = ("g_peak_AMPA", "g_peak_GABA_A", "g_peak_GABA_B", "g_peak_KNa", "S_act_NMDA",
           "g_peak_NMDA", "g_peak_T", "g_peak_h", "g_peak_NaP", "g_KL", "g_NaL", "t_ref")
_POSITIVE = ("tau_rise_AMPA", "tau_decay_AMPA", "tau_rise_GABA_A", "tau_decay_GABA_A",
             "tau_rise_GABA_B", "tau_decay_GABA_B", "tau_rise_NMDA", "tau_decay_NMDA",
             "tau_Mg_fast_NMDA", "tau_Mg_slow_NMDA", "tau_spike", "tau_theta", "tau_m",
             "tau_D_KNa")
_ORDERED = (("tau_rise_AMPA", "tau_decay_AMPA"), ("tau_rise_GABA_A", "tau_decay_GABA_A"),
            ("tau_rise_GABA_B", "tau_decay_GABA_B"), ("tau_rise_NMDA", "tau_decay_NMDA"),
            ("tau_Mg_fast_NMDA", "tau_Mg_slow_NMDA"))


def check(p):
    """Parameters_::set, in its order. NEST throws BadParameter here, with the bare
    message (not the BadProperty of a refused status), so it is raised, not returned."""
    msg = None
    for k in _NONNEG:
        if msg is None and np.any(np.asarray(p[k]) < 0):
            msg = f"{k} >= 0 required."
    for k in _POSITIVE:
        if msg is None and np.any(np.asarray(p[k]) <= 0):
            msg = f"{k} > 0 required."
    for a, b in _ORDERED:
        if msg is None and np.any(np.asarray(p[a]) >= np.asarray(p[b])):
            msg = f"{a} < {b} required."
    if msg is not None:
        raise NESTErrors.BadParameter(msg)
    return None


# State_::State_ of the prototype: the leak equilibrium of the default parameters and
# the gating variables at equilibrium there (libm). NEST copies the prototype's state
# into new nodes, so neither creation parameters nor SetDefaults change these.
V_REST = (0.2 * 30.0 + 1.0 * -90.0) / (0.2 + 1.0)
M_NMDA_REST = m_eq_NMDA(V_REST, 0.081, -25.57, math.exp)
REST = dict(m_fast_NMDA=M_NMDA_REST, m_slow_NMDA=M_NMDA_REST, m_Ih=m_eq_h(V_REST, math.exp),
            D_IKNa=D_eq_KNa(V_REST, 1250.0, math.exp), m_IT=m_eq_T(V_REST, math.exp),
            h_IT=h_eq_T(V_REST, math.exp))
GATING_DOC = dict(m_fast_NMDA="fast NMDA unblock", m_slow_NMDA="slow NMDA unblock",
                  m_Ih="I_h activation", D_IKNa="I_KNa sodium variable",
                  m_IT="I_T activation", h_IT="I_T inactivation")


MV, MS = u.mV, u.ms
_SYN = (("AMPA", 0.1, 0.5, 2.4, 0.0), ("NMDA", 0.075, 4.0, 40.0, 0.0),
        ("GABA_A", 0.33, 1.0, 7.0, -70.0), ("GABA_B", 0.0132, 60.0, 200.0, -90.0))


def _synapse_params(name, g, tr, td, E):
    return (Param(f"g_peak_{name}", g, None, f"peak conductance of {name}"),
            Param(f"tau_rise_{name}", tr, MS, f"rise time of {name}"),
            Param(f"tau_decay_{name}", td, MS, f"decay time of {name}"),
            Param(f"E_rev_{name}", E, MV, f"reversal potential of {name}"))


ht_neuron = NeuronModel(
    name="ht_neuron",
    doc="Neuron model after Hill & Tononi (2005).",
    params=neuron_params(
        Param("E_Na", 30.0, MV, "sodium reversal potential"),
        Param("E_K", -90.0, MV, "potassium reversal potential"),
        Param("g_NaL", 0.2, None, "sodium leak conductance"),
        Param("g_KL", 1.0, None, "potassium leak conductance"),
        Param("tau_m", 16.0, MS, "membrane time constant"),
        Param("theta_eq", -51.0, MV, "equilibrium threshold"),
        Param("tau_theta", 2.0, MS, "threshold time constant"),
        Param("tau_spike", 1.75, MS, "time constant of the post-spike potassium current"),
        Param("t_ref", 2.0, MS, "duration of the post-spike potassium current"),
        *_synapse_params(*_SYN[0]), *_synapse_params(*_SYN[1]),
        Param("V_act_NMDA", -25.57, MV, "NMDA unblock: inflection of the sigmoid"),
        Param("S_act_NMDA", 0.081, None, "NMDA unblock: slope of the sigmoid (1/mV)"),
        Param("tau_Mg_slow_NMDA", 22.7, MS, "slow NMDA unblock time constant"),
        Param("tau_Mg_fast_NMDA", 0.68, MS, "fast NMDA unblock time constant"),
        Param("instant_unblock_NMDA", False, None, "instantaneous NMDA unblock", dtype="bool"),
        *_synapse_params(*_SYN[2]), *_synapse_params(*_SYN[3]),
        Param("g_peak_NaP", 1.0, None, "peak conductance of I_NaP"),
        Param("E_rev_NaP", 30.0, MV, "reversal potential of I_NaP"),
        Param("N_NaP", 3.0, None, "exponent of the I_NaP activation"),
        Param("g_peak_KNa", 1.0, None, "peak conductance of I_KNa"),
        Param("E_rev_KNa", -90.0, MV, "reversal potential of I_KNa"),
        Param("tau_D_KNa", 1250.0, MS, "time constant of the I_KNa sodium variable"),
        Param("g_peak_T", 1.0, None, "peak conductance of I_T"),
        Param("E_rev_T", 0.0, MV, "reversal potential of I_T"),
        Param("N_T", 2.0, None, "exponent of the I_T activation"),
        Param("g_peak_h", 1.0, None, "peak conductance of I_h"),
        Param("E_rev_h", -40.0, MV, "reversal potential of I_h"),
        Param("voltage_clamp", False, None, "clamp V_m at its value when the run starts",
              dtype="bool"),
    ),
    state=neuron_state(
        State("V_m", V_REST, MV, "membrane potential"),
        State("theta", -51.0, MV, "threshold"),
        *[State(k, 0.0, None, k, hidden=True)  # unitless; the dg_* in 1/ms
          for k in ODE[2:10]],
        *[State(k, v, None, GATING_DOC[k], hidden=True) for k, v in REST.items()],
        *[State(k, 0.0, None, f"{k} at the last evaluation", hidden=True) for k in CURRENTS],
        State("r", 0, None, "refractory steps left", dtype="int", hidden=True),
        State("I_stim", 0.0, u.pA, "input current of the last step", hidden=True),
        State("V_clamp", 0.0, MV, "clamp voltage (V_m at Prepare)", hidden=True),
        *[State(f"cond_step_{r}", 0.0, None, f"conductance step of {r}", hidden=True)
          for r in PORTS.values()],
        _gsl.INTEGRATION_STEP,
    ),
    channels=tuple(Channel(r) for r in PORTS.values()) + (Channel("currents", u.pA),),
    spike_receptors={port: (rcp, rcp) for port, rcp in PORTS.items()},
    extra_status={"receptor_types": RECEPTOR_TYPES},
    recordables=("I_KNa", "I_NaP", "I_T", "I_h", "V_m", "g_AMPA", "g_GABA_A", "g_GABA_B",
                 "g_NMDA", "theta"),
    record=record,
    check=check,
    derive=derive,
    update=update,
    pre_run=pre_run,
    integrator=RKF45(CONTROL),
    archiving=Archiving(),
)
