"""What iaf_cond_exp, iaf_cond_alpha and iaf_cond_beta share (NEST
models/iaf_cond_{exp,alpha,beta}.cpp): the membrane equation with conductance
synapses, the integration tolerance, the refractory clamp and the parameter
checks. Each model adds its synapse kinetics."""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ....errors import NESTErrors
from ..._spec import Channel, GeneratorModel, RecorderModel, State
from .. import _gsl
from .._keys import CONDUCTANCE, alpha_kinetics
from ..iaf._checks import first_violation

# init_buffers_: gsl_odeiv_control_y_new(1e-3, 0.0)
CONTROL = _gsl.control_y(1e-3, 0.0)

MEMBRANE_KEYS = "V_th V_reset t_ref g_L C_m E_ex E_in E_L"
MEMBRANE_PARAMS = CONDUCTANCE(MEMBRANE_KEYS)

CHANNELS = (Channel("ex", u.nS), Channel("in", u.nS), Channel("currents", u.pA))
SPIKE_RECEPTORS = {0: ("ex", "in")}

REFRACTORY, I_STIM = CONDUCTANCE("r I_stim")
# get_r_(): the recordable t_ref_remaining is r times the resolution
T_REF_REMAINING = State("t_ref_remaining", 0.0, u.ms, "refractory time left", hidden=True)


def check(*tau_keys):
    """Parameters_::set of the three models: the same tests, their time constants."""
    return first_violation(
        (lambda p: p["V_reset"] >= p["V_th"], "Reset potential must be smaller than threshold."),
        (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
        (lambda p: p["t_ref"] < 0, "Refractory time cannot be negative."),
        (lambda p: np.any([np.asarray(p[k]) <= 0 for k in tau_keys], axis=0),
         "All time constants must be strictly positive."),
    )


def dV_dt(p, V_m, g_ex, g_in, aux, leak_first=False):
    """iaf_cond_*_dynamics, f[V_M]: V clamped to V_reset while refractory, else
    bounded by V_th; no change while refractory. ``leak_first``: iaf_cond_exp's
    order of the sum (the others subtract the synaptic currents first)."""
    refractory = aux["r"] > 0
    V = u.math.where(refractory, p.V_reset, u.math.minimum(V_m, p.V_th))
    I_syn_exc = g_ex * (V - p.E_ex)
    I_syn_inh = g_in * (V - p.E_in)
    I_leak = p.g_L * (V - p.E_L)
    if leak_first:
        dV = (-I_leak + aux["I_stim"] + p.I_e - I_syn_exc - I_syn_inh) / p.C_m
    else:
        dV = (-I_leak - I_syn_exc - I_syn_inh + aux["I_stim"] + p.I_e) / p.C_m
    return u.math.where(refractory, jnp.zeros_like(dV.mantissa) * dV.unit, dV)


def t_ref_remaining(ctx, r):
    """get_r_(): the resolution times the refractory steps left, as a strongly typed
    float64 array: ``ctx.h * r`` is weakly typed, which changed the compiled step's
    input signature after the first run and compiled the program a second time."""
    return u.Quantity(jnp.asarray(r, jnp.float64) * ctx.h_ms, unit=u.ms)


def threshold_and_refractoriness(p, d, V, r):
    """if (r) {--r; V = V_reset} else if (V >= V_th) {r = RefractoryCounts; V = V_reset; spike}."""
    refractory = r > 0
    spike = ~refractory & (V >= p.V_th)
    r = jnp.where(refractory, r - 1, jnp.where(spike, d.refr_steps, r))
    V = u.math.where(refractory | spike, p.V_reset, V)
    return V, r, spike


# The alpha and beta conductance models (iaf_cond_alpha, iaf_cond_beta) differ only in
# their conductance time constants and the spike normalisation (derive's PSConInit_*):
# one state list and one update for both.
TWO_STATE_CONDUCTANCES = (*CONDUCTANCE("V_m"), *alpha_kinetics("g_{}", "dg_{}", u.nS, "conductance"))
TWO_STATE_ODE = ("V_m", "dg_ex", "g_ex", "dg_in", "g_in")


def two_state_update(derivatives):
    """update() of a model with conductances (g, dg): integrate, the threshold, then this
    step's spikes, scaled by derive's PSConInit_E/I, kick dg."""
    def update(p, d, s, x, ctx):
        s, _ = _gsl.advance(p, s, TWO_STATE_ODE, derivatives, ctx,
                            dict(r=s.r, I_stim=s.I_stim))
        V, r, spike = threshold_and_refractoriness(p, d, s.V_m, s.r)
        dg_ex = s.dg_ex + x.ex * d.PSConInit_E
        dg_in = s.dg_in + (-x["in"]) * d.PSConInit_I
        return s.replace(V_m=V, dg_ex=dg_ex, dg_in=dg_in, r=r, I_stim=x.currents,
                         t_ref_remaining=t_ref_remaining(ctx, r)), spike
    return update


def receptor_check(spike_ports, current_ports):
    """check_connection of a multi-compartment model (handles_test_event): a port of
    the other kind of event, or 0, is incompatible; ports beyond the last current
    port are unknown (as is any port for a multimeter but 0)."""
    sup = max(current_ports) + 1

    def check_connection(sspec, tspec, receptor):
        if getattr(tspec, "check_connection", None) is not check_connection:
            return
        if isinstance(sspec, RecorderModel):
            ok, event = receptor == 0, "DataLoggingRequest"
        elif isinstance(sspec, GeneratorModel) and sspec.event == "current":
            ok, event = receptor in current_ports, "CurrentEvent"
        else:
            ok, event = receptor in spike_ports, "SpikeEvent"
        if ok:
            return
        if receptor >= sup or receptor < 0:
            raise NESTErrors.UnknownReceptorType(
                f"Receptor type {receptor} is not available in {tspec.name}.")
        raise NESTErrors.IncompatibleReceptorType(
            f"Receptor type {receptor} in {tspec.name} does not accept {event}.")

    return check_connection


def compartment_check(p, compartments, tau_msg):
    """Parameters_::set of a multi-compartment model, compartment by compartment: C_m,
    then the synaptic time constants (``tau_msg``, ``{}`` for the compartment's name
    where the model names it)."""
    for name, sx in compartments:
        if np.any(p[f"C_m.{sx}"] <= 0):
            return f"Capacitance ({name}) must be strictly positive."
        if np.any((p[f"tau_syn_ex.{sx}"] <= 0) | (p[f"tau_syn_in.{sx}"] <= 0)):
            return tau_msg.format(name)
    return None
