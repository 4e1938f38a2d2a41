"""iaf_psc_exp_ps: leaky integrate-and-fire with exponential synaptic currents, spikes
at precise times (NEST models/iaf_psc_exp_ps.{h,cpp}).

Between input spikes the state is propagated exactly to each arrival; a threshold
crossing within an interval is located by regula falsi on the membrane's solution
from the interval's start (numerics/regula_falsi.py). Input arriving while refractory
still charges the synaptic currents; the membrane is clamped until the refractory
period ends, at its precise time (a pseudo-event).
"""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel, State
from ...integrators import Exact
from ....numerics.propagators import iaf_propagator_exp
from ....numerics.regula_falsi import regula_falsi
from .._common import Archiving, neuron_params, neuron_state
from .._keys import PSC
from ..iaf import _common as c
from ..iaf._checks import RESET_BELOW_THRESHOLD, first_violation
from . import _common as ps

_EPS = np.finfo(float).eps


def derive(p, ctx):
    return dict(refr_steps=ctx.steps(p.t_ref))


def update(p, d, s, x, ctx, lossless=False):
    """One step of iaf_psc_exp_ps::update (``lossless``: iaf_psc_exp_ps_lossless's, which
    decides whether the threshold is crossed from the state at the interval's start,
    is_spike_); potentials relative to E_L (mV), currents pA."""
    h, T, ev = ctx.h_ms, ctx.n, ctx.events
    tau_m, C_m, I_e, U_th, U_reset, U_min, _ = ps.membrane_params(p)
    tau_ex, tau_in = p.tau_syn_ex.to_decimal(u.ms), p.tau_syn_in.to_decimal(u.ms)
    y0 = s.y0.to_decimal(u.pA)

    def P20(t):
        return -tau_m / C_m * jnp.expm1(-t / tau_m)

    def P21(tau_syn, t):
        return iaf_propagator_exp(tau_syn, tau_m, C_m, t)

    def propagate(y, dt, go):
        """propagate_(dt) where ``go``: the membrane only when not refractory."""
        y1ex, y1in, y2, refr = y
        y2n = (P20(dt) * (I_e + y0) + P21(tau_ex, dt) * y1ex + P21(tau_in, dt) * y1in
               + y2 * jnp.exp(-dt / tau_m))
        y2 = jnp.where(go & ~refr, y2n, y2)
        return (jnp.where(go, y1ex * jnp.exp(-dt / tau_ex), y1ex),
                jnp.where(go, y1in * jnp.exp(-dt / tau_in), y1in), y2, refr)

    def detect(before, y2, dt, go):
        """(fire, the interval regula falsi searches) after propagating by dt."""
        if lossless:
            t_max = is_spike(p, y0, before, dt)
            fire = go & ~jnp.isnan(t_max)
            return fire, jnp.where(fire, t_max, 1.0)
        fire = go & (y2 >= U_th)
        return fire, jnp.where(fire, dt, 1.0)

    def crossing(before, dt, fire):
        """regula falsi on threshold_distance from the interval's start."""
        b_ex, b_in, b_y2 = before

        def distance(t):
            return (P20(t) * (I_e + y0) + P21(tau_ex, t) * b_ex + P21(tau_in, t) * b_in
                    + b_y2 * jnp.exp(-t / tau_m) - U_th)
        return regula_falsi(distance, dt, fire)

    def emit(y, spk, off, last_step, last_off, fire, offset):
        y1ex, y1in, y2, refr = y
        return ((y1ex, y1in, jnp.where(fire, U_reset, y2), refr | fire), spk | fire,
                jnp.where(fire, offset, off), jnp.where(fire, T + 1, last_step),
                jnp.where(fire, offset, last_off))

    y = (s.I_syn_ex.to_decimal(u.pA), s.I_syn_in.to_decimal(u.pA), s.V_m.to_decimal(u.mV),
         s.is_refractory)
    spk = jnp.zeros(y[2].shape, bool)
    off, last_step, last_off = jnp.zeros(y[2].shape), s.last_spike_step, s.last_spike_offset
    # superthreshold at the start (set so): a spike just after the step's start
    y, spk, off, last_step, last_off = emit(y, spk, off, last_step, last_off, y[2] >= U_th,
                                            h * (1.0 - _EPS))
    pseudo = y[3] & (T + 1 - last_step == d.refr_steps)
    has_input = (ev.count > 0) | pseudo
    before = y[:3]

    # no input: the fixed propagators of the whole step
    y1ex, y1in, y2, refr = y
    hq = jnp.full(y2.shape, h)
    y2q = jnp.maximum(P20(hq) * (I_e + y0) + P21(tau_ex, hq) * y1ex + P21(tau_in, hq) * y1in
                      + jnp.expm1(-h / tau_m) * y2 + y2, U_min)
    quiet = ~has_input
    y = (jnp.where(quiet, y1ex * jnp.exp(-h / tau_ex), y1ex),
         jnp.where(quiet, y1in * jnp.exp(-h / tau_in), y1in),
         jnp.where(quiet & ~refr, y2q, y2), refr)
    fire, span = detect(before, y[2], hq, quiet)
    t = crossing(before, span, fire)
    y, spk, off, last_step, last_off = emit(y, spk, off, last_step, last_off, fire, h - t)

    def body(_, cr):
        y, spk, off, last_step, last_off, before, last, idx, pseudo = cr
        act, is_pseudo, e_off, e_w, idx, pseudo = ps.next_item(ev, idx, pseudo, last_off, False)
        act = act & has_input
        ministep = last - e_off
        step = act & (ministep > 0)
        y = propagate(y, jnp.where(step, ministep, 1.0), step)
        fire, span = detect(before, y[2], jnp.where(step, ministep, 1.0), step)
        t = crossing(before, span, fire)
        y, spk, off, last_step, last_off = emit(y, spk, off, last_step, last_off, fire,
                                                h - ((h - last) + t))
        y1ex, y1in, y2, refr = y
        ends = act & is_pseudo
        charge = act & ~is_pseudo
        y = (jnp.where(charge & (e_w >= 0.0), y1ex + e_w, y1ex),
             jnp.where(charge & (e_w < 0.0), y1in + e_w, y1in), y2, refr & ~ends)
        before = tuple(jnp.where(act, a, b) for a, b in zip(y[:3], before))
        return (y, spk, off, last_step, last_off, before, jnp.where(act, e_off, last), idx,
                pseudo)

    init = (y, spk, off, last_step, last_off, before, hq, jnp.zeros(hq.shape, jnp.int32), pseudo)
    # as many iterations as the busiest neuron's items: its events and its pending
    # refractory end (an iteration past a neuron's items leaves it as it is)
    y, spk, off, last_step, last_off, before, last, _, _ = ps.walk(
        ev, init, body, extra=pseudo.astype(jnp.int32))
    rest = has_input & (last > 0)
    y = propagate(y, jnp.where(rest, last, 1.0), rest)
    fire, span = detect(before, y[2], jnp.where(rest, last, 1.0), rest)
    t = crossing(before, span, fire)
    y, spk, off, last_step, last_off = emit(y, spk, off, last_step, last_off, fire,
                                            h - ((h - last) + t))
    y1ex, y1in, y2, refr = y
    s = s.replace(V_m=u.Quantity(y2, unit=u.mV), I_syn_ex=u.Quantity(y1ex, unit=u.pA),
                  I_syn_in=u.Quantity(y1in, unit=u.pA), is_refractory=refr,
                  last_spike_step=last_step, last_spike_offset=last_off, y0=x.currents)
    return s, (spk.astype(jnp.int32), off)


def is_spike(p, y0, before, dt):
    """iaf_psc_exp_ps_lossless::is_spike_: the end of the interval in which the threshold
    is crossed (dt, or the time of the trajectory's maximum), or NaN for no crossing,
    from the state at the interval's start (Krishnan et al. 2018, as NEST writes it)."""
    tau_m, C_m, I_e, U_th = (p.tau_m.to_decimal(u.ms), p.C_m.to_decimal(u.pF),
                             p.I_e.to_decimal(u.pA), p.V_th.to_decimal(u.mV))
    tau_s = p.tau_syn_ex.to_decimal(u.ms)
    a1, a2 = tau_m * tau_s, tau_m * (tau_m - tau_s)
    a3, a4 = C_m * U_th * (tau_m - tau_s), C_m * (tau_m - tau_s)
    b1, b2, b3, b4 = -tau_m * tau_m, tau_m * tau_s, tau_m * C_m * U_th, -C_m * (tau_m - tau_s)
    c1, c2 = tau_m / C_m, (-tau_m * tau_s) / (C_m * (tau_m - tau_s))
    c3, c4 = (tau_m * tau_m) / (C_m * (tau_m - tau_s)), tau_s / tau_m
    c5, c6 = (C_m * U_th) / tau_m, 1 - (tau_s / tau_m)
    b_ex, b_in, V_0 = before
    I_0 = b_ex + b_in
    e_s, e_m = jnp.expm1(dt / tau_s), jnp.expm1(dt / tau_m)
    e_ms = jnp.expm1(dt / tau_m - dt / tau_s)
    I_tot = y0 + I_e
    f = (a1 * I_0 * e_ms + e_m * (a3 - I_tot * a2) + a3) / a4
    below = V_0 < ((I_0 + I_tot) * (b1 * e_m + b2 * e_s) + b3 * (e_m - e_s)) / (b4 * e_s)
    g = c1 * I_tot + c2 * I_0 + c3 * jnp.power(I_0, c4) * jnp.power(c5 - I_tot, c6)
    t_peak = (a1 / tau_m * tau_s) * jnp.log(b1 * I_0 / (a2 * I_tot - a1 * I_0 - a4 * V_0))
    return jnp.where(below & (V_0 <= f), jnp.nan,
                     jnp.where(V_0 >= f, dt, jnp.where(V_0 < g, jnp.nan, t_peak)))


# the parameters of the current-based precise models, and their synaptic currents
PS_PARAMS = neuron_params(*c.MEMBRANE, *c.EXP_SYNAPSES, c.V_min(-np.inf), *PSC("I_e"))
SYN_STATE = (State("I_syn_ex", 0.0, u.pA, "excitatory synaptic current"),
             State("I_syn_in", 0.0, u.pA, "inhibitory synaptic current"))

PS_STATE = (
    State("is_refractory", False, None, "within the refractory period", dtype="bool"),
    State("last_spike_step", -1, None, "stamp of the last spike", dtype="int", hidden=True),
    State("last_spike_offset", 0.0, None, "offset (ms) of the last spike", hidden=True),
)

# Parameters_::set of iaf_psc_exp_ps and iaf_psc_alpha_ps
PS_CHECK = first_violation(
    RESET_BELOW_THRESHOLD,
    (lambda p: p["V_reset"] < p["V_min"], "Reset potential must be greater equal minimum potential."),
    (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
    (lambda p: (p["tau_m"] <= 0) | (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0),
     "All time constants must be strictly positive."),
)

iaf_psc_exp_ps = NeuronModel(
    name="iaf_psc_exp_ps",
    doc="Leaky integrate-and-fire neuron with exponential synaptic currents and precise "
        "spike times.",
    params=PS_PARAMS,
    state=neuron_state(*PSC("V_m y0"), *SYN_STATE, *PS_STATE),
    **ps.INPUTS,
    recordables=("V_m",),
    check=PS_CHECK,
    derive=derive,
    update=update,
    integrator=Exact(),
    archiving=Archiving(precise=True),
    off_grid=True,
    on_set=ps.refractory_on_set,
)
