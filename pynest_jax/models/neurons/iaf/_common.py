"""What the iaf_psc family shares (NEST models/iaf_psc_{delta,alpha,exp}*.cpp,
iaf_psc_exp_htum.cpp, iaf_tum_2000.cpp): its keys, declared once with the
defaults they all have (V_th, V_reset and V_m relative to E_L, as these models
store them), its channels and receptors, and the update fragments that are the
same operations in the same order in several models."""

import jax.numpy as jnp

from ...._brainunit import u
from ..._spec import Channel, Param, State
from .. import _multisynapse as ms
from .._keys import PSC, tau_syn
from ._checks import RESET_BELOW_THRESHOLD, first_violation

# Parameters_::get of iaf_psc_delta, iaf_psc_alpha, iaf_psc_exp and their multisynapse models
MEMBRANE = PSC("E_L C_m tau_m t_ref V_th V_reset")
# iaf_psc_exp_htum and iaf_tum_2000 list them in another order
MEMBRANE_HTUM = PSC("E_L I_e V_th V_reset C_m tau_m")
EXP_SYNAPSES = tau_syn("time constant of the {} synaptic current", 2.0, 2.0)
ESCAPE_NOISE = PSC("rho delta")


def V_min(default):
    return Param("V_min", default, u.mV, "lower bound of V_m", offset="E_L")


def exp_currents(receptor_1):
    """iaf_psc_exp's and iaf_tum_2000's: both synaptic currents, and the current input
    of receptors 0 and 1 (receptor 1 charges the excitatory synapse)."""
    return (
        State("I_syn_ex", 0.0, u.pA, f"excitatory synaptic current (with {receptor_1})",
              hidden=True),
        *PSC("I_syn_in", hidden=True),
        State("i_0", 0.0, u.pA, "receptor-0 input current of the last step", hidden=True),
        State("i_1", 0.0, u.pA, "receptor-1 input current of the last step", hidden=True),
    )


def inputs(current_receptors, spike_ports=(0,)):
    """Channels, receptors and recordables of a model with an excitatory and an
    inhibitory current synapse: a spike on any of ``spike_ports`` goes to the
    excitatory buffer if its weight is positive, else to the inhibitory one
    (handle(SpikeEvent&)); each current receptor has its own channel."""
    return dict(channels=(Channel("ex", u.pA), Channel("in", u.pA))
                + tuple(Channel(ch, u.pA) for ch in current_receptors.values()),
                spike_receptors={port: ("ex", "in") for port in spike_ports},
                current_receptors=current_receptors,
                recordables=("I_syn_ex", "I_syn_in", "V_m"))


def exp_membrane(p, d, s, r):
    """V_m after one step of iaf_psc_exp (and _htum, iaf_tum_2000) where the
    refractory count ``r`` is 0, with the currents of the previous step; elsewhere
    V_m stays and ``r`` counts down."""
    free = r == 0
    V = u.math.where(
        free,
        s.V_m * d.P22 + s.I_syn_ex * d.P21ex + s.I_syn_in * d.P21in + (p.I_e + s.i_0) * d.P20,
        s.V_m)
    return V, jnp.where(free, r, r - 1)


# iaf_psc_alpha_multisynapse and iaf_psc_exp_multisynapse: receptor ports 1..n_synapses
PORT_COUNT = (ms.count_param("n_synapses"), ms.HAS_CONNECTIONS)


def multisynapse_tables(C_m_msg):
    """The ports, channels and recordables both iaf multisynapse models have, and their
    Parameters_::set (C_m's wording is each model's; the tau_syn list is checked in
    on_set)."""
    return dict(
        channels=ms.CURRENTS, spike_receptors={}, current_receptors={0: "currents"},
        ports="n_synapses", port_unit=u.pA, port_recordables=("I_syn_{}",),
        recordables=("I_syn", "V_m"),
        check=first_violation(
            (lambda p: p["C_m"] <= 0, C_m_msg),
            (lambda p: p["tau_m"] <= 0, "Membrane time constant must be strictly positive."),
            (lambda p: p["t_ref"] < 0, "Refractory time must not be negative."),
            RESET_BELOW_THRESHOLD,
        ))


def record_ports(key):
    """record(): each port's current (the state ``key``) as I_syn_<port>, and I_syn,
    their sum (std::accumulate, in port order)."""
    def record(p, s):
        cols = [s[key][:, i] for i in range(s[key].shape[1])]
        out = {f"I_syn_{i + 1}": c for i, c in enumerate(cols)}
        out["I_syn"] = ms.sequential_sum(cols, 0.0 * u.pA)
        return out
    return record
