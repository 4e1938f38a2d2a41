"""pp_cond_exp_mc_urbanczik: a soma and a dendrite; the soma has exponential
conductances and fires as a point process of its potential, without reset; the
dendrite has exponential currents and is what urbanczik_synapse learns from
(NEST models/pp_cond_exp_mc_urbanczik.{h,cpp}, Urbanczik & Senn 2014); GSL rkf45.

The soma fires with rate 1000 phi(V_m.s) Hz, phi(u) = phi_max / (1 + rate_slope
exp(beta (theta - u))): with t_ref > 0 at most one spike per step (probability
1 - exp(-rate h)), then a dead time of t_ref; with t_ref == 0 a Poisson number
of spikes. Spikes change nothing in the dynamics. As in NEST 3.10, the
dendrite's I_e, current input and reversal potentials are not used.

NEST shows the per-compartment values as sub-dictionaries ``soma`` and
``dendritic``; here each is a flat key with the suffix of NEST's recordables
(``.s``, ``.p``), mapped by the declaration's ``groups``. After each step the
kernel archives the dendrite's potential and the step's spikes for
urbanczik_synapse (``Archiving(history="urbanczik")``).
"""

import jax
import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ....numerics import fastrand
from ...devices._poisson import counts as poisson_counts
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state
from . import _common as c

COMPARTMENTS = (("soma", "s"), ("dendritic", "p"))

# Parameters_::Parameters_: per compartment (soma, dendrite)
_PER_COMPARTMENT = (
    ("C_m", (300.0, 300.0), u.pF, "membrane capacitance"),
    ("E_L", (-70.0, -70.0), u.mV, "leak reversal potential"),
    ("E_ex", (0.0, 0.0), u.mV, "excitatory reversal potential (soma only)"),
    ("E_in", (-75.0, 0.0), u.mV, "inhibitory reversal potential (soma only)"),
    ("I_e", (0.0, 0.0), u.pA, "constant input current (soma only)"),
    ("g_L", (30.0, 30.0), u.nS, "leak conductance"),
    ("tau_syn_ex", (3.0, 3.0), u.ms, "time constant of the excitatory synapses"),
    ("tau_syn_in", (3.0, 3.0), u.ms, "time constant of the inhibitory synapses"),
)

# GSL's vector y without the entries whose derivative NEST sets to 0 and that no
# input reaches (the soma's I_EXC/I_INH, the dendrite's G_EXC/G_INH): they change
# neither the step control (a zero error) nor anything else
ODE = ("V_m.s", "g_ex.s", "g_in.s", "V_m.p", "I_ex.p", "I_in.p")


def _hidden(name, unit, doc):
    return State(name, 0.0, unit, doc, hidden=True)


def derivatives(p, y, aux):
    V = y["V_m.s"]
    V_d = y["V_m.p"]
    I_L = p["g_L.s"] * (V - p["E_L.s"])
    I_syn_exc = y["g_ex.s"] * (V - p["E_ex.s"])
    I_syn_inh = y["g_in.s"] * (V - p["E_in.s"])
    I_conn_d_s = p.g_sp * (V_d - V)
    I_conn_s_d = p.g_ps * (V - V_d)
    dV_d = (-p["g_L.p"] * (V_d - p["E_L.p"]) + y["I_ex.p"] + y["I_in.p"] + I_conn_s_d) / p["C_m.p"]
    dV = (-I_L - I_syn_exc - I_syn_inh + I_conn_d_s + aux["I_stim"] + p["I_e.s"]) / p["C_m.s"]
    return {"V_m.s": dV, "g_ex.s": -y["g_ex.s"] / p["tau_syn_ex.s"],
            "g_in.s": -y["g_in.s"] / p["tau_syn_in.s"], "V_m.p": dV_d,
            "I_ex.p": -y["I_ex.p"] / p["tau_syn_ex.p"], "I_in.p": -y["I_in.p"] / p["tau_syn_in.p"]}


def phi(p, V_mV):
    """pp_cond_exp_mc_urbanczik_parameters::phi (1/ms), V in mV as a plain number."""
    return p.phi_max / (1.0 + p.rate_slope * jnp.exp(p.beta * (p.theta.to_decimal(u.mV) - V_mV)))


def derive(p, ctx):
    return dict(refr_steps=ctx.steps(p.t_ref))


def update(p, d, s, x, ctx):
    """Integrate; add the step's spikes (the dendrite's inhibitory ones with their
    sign flipped); then, when not in dead time, draw the soma's spikes."""
    s, _ = _gsl.advance(p, s, ODE, derivatives, ctx, dict(I_stim=s["I_stim.s"]))
    s = s.replace(**{"g_ex.s": s["g_ex.s"] + x["ex.s"], "g_in.s": s["g_in.s"] + x["in.s"],
                     "I_ex.p": s["I_ex.p"] + x["ex.p"], "I_in.p": s["I_in.p"] - x["in.p"]})
    rate = 1000.0 * phi(p, s["V_m.s"].to_decimal(u.mV))
    lam = rate * ctx.h_ms * 1e-3
    k_bernoulli, k_poisson = jax.random.split(ctx.key)
    one = fastrand.uniform(k_bernoulli, lam.shape, dtype=lam.dtype) <= -jnp.expm1(-lam)
    many = poisson_counts(k_poisson, jnp.where(rate > 0.0, lam, 0.0))
    n = jnp.where(p.t_ref.to_decimal(u.ms) > 0.0, one.astype(many.dtype), many)
    free = s.r == 0
    n = jnp.where(free & (rate > 0.0), n, 0).astype(jnp.int32)
    r = jnp.where(free, jnp.where(n > 0, d.refr_steps.astype(s.r.dtype), s.r), s.r - 1)
    return s.replace(r=r, **{"I_stim.s": x["I.s"], "I_stim.p": x["I.p"]}), n


def _check(p):
    """Parameters_::set, in its order (then the compartments in turn)."""
    if np.any(p["rate_slope"] < 0):
        return "Rate slope cannot be negative."
    if np.any(p["phi_max"] < 0):
        return "Maximum rate cannot be negative."
    if np.any(p["t_ref"] < 0):
        return "Refractory time cannot be negative."
    return c.compartment_check(p, COMPARTMENTS, "All time constants must be strictly positive.")


# Receptor ports (SpikeSynapseTypes, CurrentSynapseTypes): spikes 1..4, currents 5..6
SPIKE_PORTS = {1: "ex.s", 2: "in.s", 3: "ex.p", 4: "in.p"}
CURRENT_PORTS = {5: "I.s", 6: "I.p"}
RECEPTOR_TYPES = {"dendritic_curr": 6, "dendritic_exc": 3, "dendritic_inh": 4, "soma_curr": 5,
                  "soma_exc": 1, "soma_inh": 2}

pp_cond_exp_mc_urbanczik = NeuronModel(
    name="pp_cond_exp_mc_urbanczik",
    doc="Two-compartment point-process neuron with conductance-based somatic and "
        "current-based dendritic synapses, for the Urbanczik-Senn rule.",
    params=neuron_params(
        Param("t_ref", 3.0, u.ms, "dead time after a spike"),
        Param("phi_max", 0.15, None, "maximum of the rate function (1/ms)"),
        Param("rate_slope", 0.5, None, "slope parameter of the rate function"),
        Param("beta", 1.0 / 3.0, None, "steepness of the rate function (1/mV)"),
        Param("theta", -55.0, u.mV, "midpoint of the rate function"),
        Param("g_sp", 600.0, u.nS, "dendrite-to-soma coupling conductance"),
        Param("g_ps", 0.0, u.nS, "soma-to-dendrite coupling conductance"),
        *(Param(f"{k}.{sx}", dflt[i], unit, f"{doc} ({name})")
          for i, (name, sx) in enumerate(COMPARTMENTS) for k, dflt, unit, doc in _PER_COMPARTMENT),
    ),
    state=neuron_state(
        # State_::State_ of the prototype: each V_m at its default E_L
        State("V_m.s", -70.0, u.mV, "membrane potential (soma)"),
        State("V_m.p", -70.0, u.mV, "membrane potential (dendrite)"),
        _hidden("g_ex.s", u.nS, "excitatory conductance (soma)"),
        _hidden("g_in.s", u.nS, "inhibitory conductance (soma)"),
        _hidden("I_ex.p", u.pA, "excitatory current (dendrite)"),
        _hidden("I_in.p", u.pA, "inhibitory current (dendrite)"),
        _hidden("I_stim.s", u.pA, "input current of the last step (soma)"),
        _hidden("I_stim.p", u.pA, "input current of the last step (dendrite, unused)"),
        c.REFRACTORY, _gsl.INTEGRATION_STEP,
    ),
    groups={name: {**{k: f"{k}.{sx}" for k, *_ in _PER_COMPARTMENT}, "V_m": f"V_m.{sx}"}
            for name, sx in COMPARTMENTS},
    channels=(Channel("ex.s", u.nS), Channel("in.s", u.nS), Channel("ex.p", u.pA),
              Channel("in.p", u.pA), Channel("I.s", u.pA), Channel("I.p", u.pA)),
    # handle(SpikeEvent&): weight x multiplicity into the port's buffer, any sign
    spike_receptors={port: (ch, ch) for port, ch in SPIKE_PORTS.items()},
    current_receptors=dict(CURRENT_PORTS),
    extra_status={"receptor_types": RECEPTOR_TYPES},
    recordables=("I_ex.p", "I_in.p", "V_m.p", "V_m.s", "g_ex.s", "g_in.s"),
    check=_check,
    check_connection=c.receptor_check(SPIKE_PORTS, CURRENT_PORTS),
    derive=derive,
    update=update,
    uses_rng=True,
    integrator=RKF45(c.CONTROL),
    archiving=Archiving(history="urbanczik"),
)
