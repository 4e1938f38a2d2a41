"""iaf_cond_alpha_mc: three compartments (soma, proximal, distal dendrite) in a
chain, each with a leak, alpha-shaped excitatory and inhibitory conductances and
a current input; the soma has a threshold, reset and refractoriness (NEST
models/iaf_cond_alpha_mc.{h,cpp}); GSL rkf45 over all fifteen variables.

NEST shows the per-compartment values as sub-dictionaries ``soma``,
``proximal``, ``distal``; here each is a flat key with the compartment's
suffix (``E_L.s``, ``V_m.p``, the suffixes of NEST's recordables), and the
declaration's ``groups`` map the sub-dictionaries onto them.
"""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_params, neuron_state
from . import _common as c

COMPARTMENTS = (("soma", "s"), ("proximal", "p"), ("distal", "d"))

# Parameters_::Parameters_: per compartment (soma, proximal, distal)
_PER_COMPARTMENT = (
    ("C_m", (150.0, 75.0, 150.0), u.pF, "membrane capacitance"),
    ("E_L", (-70.0,) * 3, u.mV, "leak reversal potential"),
    ("E_ex", (0.0,) * 3, u.mV, "excitatory reversal potential"),
    ("E_in", (-85.0,) * 3, u.mV, "inhibitory reversal potential"),
    ("I_e", (0.0,) * 3, u.pA, "constant input current"),
    ("g_L", (10.0, 5.0, 10.0), u.nS, "leak conductance"),
    ("tau_syn_ex", (0.5,) * 3, u.ms, "rise time of the excitatory alpha conductance"),
    ("tau_syn_in", (2.0,) * 3, u.ms, "rise time of the inhibitory alpha conductance"),
)


def _compartment_params():
    return tuple(Param(f"{k}.{sx}", dflt[i], unit, f"{doc} ({name})")
                 for i, (name, sx) in enumerate(COMPARTMENTS)
                 for k, dflt, unit, doc in _PER_COMPARTMENT)


def _compartment_state():
    out = []
    for name, sx in COMPARTMENTS:
        # State_::State_: V_m starts at the compartment's E_L
        out += [State(f"V_m.{sx}", lambda p, ctx, sx=sx: p[f"E_L.{sx}"], u.mV,
                      f"membrane potential ({name})"),
                State(f"dg_ex.{sx}", 0.0, u.nS / u.ms, "derivative of g_ex", hidden=True),
                State(f"g_ex.{sx}", 0.0, u.nS, f"excitatory conductance ({name})", hidden=True),
                State(f"dg_in.{sx}", 0.0, u.nS / u.ms, "derivative of g_in", hidden=True),
                State(f"g_in.{sx}", 0.0, u.nS, f"inhibitory conductance ({name})", hidden=True),
                State(f"I_stim.{sx}", 0.0, u.pA, "input current of the last step", hidden=True)]
    return tuple(out)


# GSL's vector y: per compartment V_M, DG_EXC, G_EXC, DG_INH, G_INH (State_::idx)
ODE = tuple(f"{k}.{sx}" for _, sx in COMPARTMENTS for k in ("V_m", "dg_ex", "g_ex", "dg_in", "g_in"))


def derivatives(p, y, aux):
    """iaf_cond_alpha_mc_dynamics. The flag set while the soma is refractory stays set
    for the dendrites in NEST's loop: every compartment's V_m is frozen then."""
    refractory = aux["r"] > 0
    V_s = y["V_m.s"]
    V_p = y["V_m.p"]
    V_d = y["V_m.d"]
    # the soma sees V_reset while refractory, else V_m bounded by V_th; the
    # coupling currents of the dendrites use the soma's V_m itself
    V = {"s": u.math.where(refractory, p.V_reset, u.math.minimum(V_s, p.V_th)), "p": V_p, "d": V_d}
    I_conn = {"s": p.g_sp * (V["s"] - V_p),
              "p": p.g_sp * (V_p - V_s) + p.g_pd * (V_p - V_d),
              "d": p.g_pd * (V_d - V_p)}
    out = {}
    for _, sx in COMPARTMENTS:
        def q(k):
            return p[f"{k}.{sx}"]
        Vc = V[sx]
        I_syn_exc = y[f"g_ex.{sx}"] * (Vc - q("E_ex"))
        I_syn_inh = y[f"g_in.{sx}"] * (Vc - q("E_in"))
        I_L = q("g_L") * (Vc - q("E_L"))
        dV = (-I_L - I_syn_exc - I_syn_inh - I_conn[sx] + aux["I_stim"][sx] + q("I_e")) / q("C_m")
        out[f"V_m.{sx}"] = u.math.where(refractory, jnp.zeros_like(dV.mantissa) * dV.unit, dV)
        out[f"dg_ex.{sx}"] = -y[f"dg_ex.{sx}"] / q("tau_syn_ex")
        out[f"g_ex.{sx}"] = y[f"dg_ex.{sx}"] - y[f"g_ex.{sx}"] / q("tau_syn_ex")
        out[f"dg_in.{sx}"] = -y[f"dg_in.{sx}"] / q("tau_syn_in")
        out[f"g_in.{sx}"] = y[f"dg_in.{sx}"] - y[f"g_in.{sx}"] / q("tau_syn_in")
    return out


def derive(p, ctx):
    # pre_run_hook: a spike of weight 1 nS gives a conductance peaking at 1 nS
    d = dict(refr_steps=ctx.steps(p.t_ref))
    for _, sx in COMPARTMENTS:
        d[f"PSConInit_E.{sx}"] = 1.0 * np.e / p[f"tau_syn_ex.{sx}"]
        d[f"PSConInit_I.{sx}"] = 1.0 * np.e / p[f"tau_syn_in.{sx}"]
    return d


def update(p, d, s, x, ctx):
    """iaf_cond_alpha_mc::update: integrate, add this step's spikes (weight x
    multiplicity, whatever its sign) to each compartment's dg, then the soma's
    refractoriness and threshold; the currents of this step act in the next."""
    aux = dict(r=s.r, I_stim={sx: s[f"I_stim.{sx}"] for _, sx in COMPARTMENTS})
    s, _ = _gsl.advance(p, s, ODE, derivatives, ctx, aux)
    kicks = {}
    for _, sx in COMPARTMENTS:
        kicks[f"dg_ex.{sx}"] = s[f"dg_ex.{sx}"] + x[f"ex.{sx}"] * d[f"PSConInit_E.{sx}"]
        kicks[f"dg_in.{sx}"] = s[f"dg_in.{sx}"] + x[f"in.{sx}"] * d[f"PSConInit_I.{sx}"]
        kicks[f"I_stim.{sx}"] = x[f"I.{sx}"]
    V, r, spike = c.threshold_and_refractoriness(p, d, s["V_m.s"], s.r)
    kicks["V_m.s"] = V
    return s.replace(r=r, t_ref_remaining=c.t_ref_remaining(ctx, r), **kicks), spike


def _check(p):
    """Parameters_::set, in its order (compartments in turn)."""
    if np.any(p["V_reset"] >= p["V_th"]):
        return "Reset potential must be smaller than threshold."
    if np.any(p["t_ref"] < 0):
        return "Refractory time cannot be negative."
    return c.compartment_check(p, COMPARTMENTS,
                               "All time constants ({}) must be strictly positive.")


# Receptor ports (SpikeSynapseTypes, CurrentSynapseTypes): spikes 1..6, currents 7..9
SPIKE_PORTS = {1: "ex.s", 2: "in.s", 3: "ex.p", 4: "in.p", 5: "ex.d", 6: "in.d"}
CURRENT_PORTS = {7: "I.s", 8: "I.p", 9: "I.d"}
RECEPTOR_TYPES = {"distal_curr": 9, "distal_exc": 5, "distal_inh": 6, "proximal_curr": 8,
                  "proximal_exc": 3, "proximal_inh": 4, "soma_curr": 7, "soma_exc": 1,
                  "soma_inh": 2}


check_connection = c.receptor_check(SPIKE_PORTS, CURRENT_PORTS)


iaf_cond_alpha_mc = NeuronModel(
    name="iaf_cond_alpha_mc",
    doc="Three-compartment leaky integrate-and-fire neuron with alpha-shaped synaptic "
        "conductances.",
    params=neuron_params(
        Param("V_th", -55.0, u.mV, "spike threshold (soma)"),
        Param("V_reset", -60.0, u.mV, "reset potential (soma)"),
        Param("t_ref", 2.0, u.ms, "duration of the refractory period"),
        Param("g_sp", 2.5, u.nS, "soma-proximal coupling conductance"),
        Param("g_pd", 1.0, u.nS, "proximal-distal coupling conductance"),
        *_compartment_params(),
    ),
    state=neuron_state(
        *_compartment_state(),
        c.REFRACTORY, c.T_REF_REMAINING, _gsl.INTEGRATION_STEP,
    ),
    groups={name: {**{k: f"{k}.{sx}" for k, *_ in _PER_COMPARTMENT}, "V_m": f"V_m.{sx}"}
            for name, sx in COMPARTMENTS},
    channels=tuple(Channel(ch, u.nS) for ch in SPIKE_PORTS.values())
    + tuple(Channel(ch, u.pA) for ch in CURRENT_PORTS.values()),
    # handle(SpikeEvent&): weight x multiplicity into the port's buffer, any sign
    spike_receptors={port: (ch, ch) for port, ch in SPIKE_PORTS.items()},
    current_receptors=dict(CURRENT_PORTS),
    extra_status={"receptor_types": RECEPTOR_TYPES},
    recordables=("V_m.d", "V_m.p", "V_m.s", "g_ex.d", "g_ex.p", "g_ex.s", "g_in.d", "g_in.p",
                 "g_in.s", "t_ref_remaining"),
    check=_check,
    check_connection=check_connection,
    derive=derive,
    update=update,
    integrator=RKF45(c.CONTROL),
    archiving=Archiving(),
)
