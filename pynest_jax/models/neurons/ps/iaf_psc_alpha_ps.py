"""iaf_psc_alpha_ps: leaky integrate-and-fire with alpha-shaped synaptic currents,
spikes at precise times (NEST models/iaf_psc_alpha_ps.{h,cpp}).

As iaf_psc_exp_ps, with two state variables per synapse (I and dI): the state is
propagated exactly to each arrival, a crossing located by regula falsi from the
interval's start; here the membrane is bounded below by V_min at every propagation,
and a zero-length interval (simultaneous arrivals) is propagated too.
"""

import jax
import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel, State
from ...integrators import Exact
from ....numerics import libm_exp
from ....numerics.propagators import iaf_propagator_alpha
from ....numerics.regula_falsi import regula_falsi
from ....numerics.series_expm1 import rounded, runtime_zero, series_expm1
from .._common import Archiving, neuron_state
from .._keys import PSC
from . import _common as ps
from .iaf_psc_exp_ps import PS_CHECK, PS_PARAMS, PS_STATE, SYN_STATE, derive as _derive_refr

_EPS = np.finfo(float).eps
_FEW = 4  # threshold searches on a gathered set of lanes up to this many neurons


def derive(p, ctx):
    """The refractory steps and the propagators of a whole step without input
    (pre_run_hook's P30, P31, P32, expm1_tau_m, exp_tau_syn): fixed through a run,
    computed once per chunk, not in every step. ``zero``: zeros the compiler cannot see
    through, for ``rounded``.

    NEST's values to the last bit: expm1 is NEST 3.10's own series (series_expm1), and
    each product is rounded before it is added (``rounded``), where XLA would fuse the
    two into one fused multiply-add."""
    h = ctx.h_ms
    tau_m, C_m = p.tau_m.to_decimal(u.ms), p.C_m.to_decimal(u.pF)
    tau_ex, tau_in = p.tau_syn_ex.to_decimal(u.ms), p.tau_syn_in.to_decimal(u.ms)
    hq = jnp.full(jnp.shape(tau_m), h)
    zero = runtime_zero(tau_m)
    r = lambda v: rounded(v, zero)
    # NEST's std::exp calls in one: the propagators' exp(-h / tau_syn) and
    # exp(-h / tau_m), pre_run_hook's exp_tau_syn
    e = libm_exp.nest_exp(zero, -hq * (1 / tau_ex), -hq * (1 / tau_in), -hq * (1 / tau_m),
                          -h / tau_ex, -h / tau_in)
    P31_ex, P32_ex = iaf_propagator_alpha(tau_ex, tau_m, C_m, hq, series_expm1, r, (e[0], e[2]))
    P31_in, P32_in = iaf_propagator_alpha(tau_in, tau_m, C_m, hq, series_expm1, r, (e[1], e[2]))
    return dict(_derive_refr(p, ctx), zero=zero, P31_ex=P31_ex, P32_ex=P32_ex, P31_in=P31_in,
                P32_in=P32_in, expm1_m=series_expm1(-h / tau_m), exp_ex=e[3], exp_in=e[4])


def update(p, d, s, x, ctx):
    """One step of iaf_psc_alpha_ps::update; potentials relative to E_L (mV), currents pA.

    In a step whose slot holds no event (``ctx.no_events``: kernel/precise.py's empty
    branch), where no neuron starts at or above the threshold, none returns from
    refractoriness and none crosses the threshold in the propagation over the whole
    step, that propagation is the step: the walk and its searches are not entered (in
    artificial_synchrony's network three steps in four). Its values are those of the
    full update's no-input case, with the same operations."""
    if not getattr(ctx, "no_events", False):
        return _finish(s, x, _update(p, d, s, x, ctx))
    h, T = ctx.h_ms, ctx.n
    tau_m, C_m, I_e, U_th, U_reset, U_min, _ = ps.membrane_params(p)
    y_in = s.y0.to_decimal(u.pA)
    I_ex, dI_ex, I_in, dI_in = (v.to_decimal(u.pA) for v in (s.I_syn_ex, s.dI_syn_ex,
                                                                s.I_syn_in, s.dI_syn_in))
    V = s.V_m.to_decimal(u.mV)
    refr, last_step, last_off = s.is_refractory, s.last_spike_step, s.last_spike_offset
    e = d.expm1_m
    r = lambda v: rounded(v, d.zero)
    Vq = jnp.maximum(r(-tau_m / C_m * e * (I_e + y_in)) + r(d.P31_ex * dI_ex) + r(d.P32_ex * I_ex)
                     + r(d.P31_in * dI_in) + r(d.P32_in * I_in) + r(e * V) + V, U_min)
    e_ex, e_in = d.exp_ex, d.exp_in
    y = (r(e_ex * h * dI_ex) + r(e_ex * I_ex), e_ex * dI_ex, r(e_in * h * dI_in) + r(e_in * I_in),
         e_in * dI_in, jnp.where(refr, V, Vq))
    calm = ~jnp.any((V >= U_th) | (refr & (T + 1 - last_step == d.refr_steps))
                    | (y[4] >= U_th))
    zero = jnp.zeros(V.shape)
    quiet = y + (refr, jnp.zeros(V.shape, jnp.int32), zero, last_step, last_off)
    return _finish(s, x, jax.lax.cond(calm, lambda: quiet, lambda: _update(p, d, s, x, ctx)))


def _finish(s, x, raw):
    I_ex, dI_ex, I_in, dI_in, V, refr, spk, off, last_step, last_off = raw
    pA = lambda v: u.Quantity(v, unit=u.pA)
    s = s.replace(V_m=u.Quantity(V, unit=u.mV), I_syn_ex=pA(I_ex), dI_syn_ex=pA(dI_ex),
                  I_syn_in=pA(I_in), dI_syn_in=pA(dI_in), is_refractory=refr,
                  last_spike_step=last_step, last_spike_offset=last_off, y0=x.currents)
    return s, (spk, off)


def _update(p, d, s, x, ctx):
    """The update with the walk through the step's events: (I_ex, dI_ex, I_in, dI_in,
    V, refractory, spiked, offset, last spike's step, its offset)."""
    h, T, ev = ctx.h_ms, ctx.n, ctx.events
    tau_m, C_m, I_e, U_th, U_reset, U_min, _ = ps.membrane_params(p)
    tau_ex, tau_in = p.tau_syn_ex.to_decimal(u.ms), p.tau_syn_in.to_decimal(u.ms)
    y_in = s.y0.to_decimal(u.pA)
    norm_ex, norm_in = np.e * (1.0 / tau_ex), np.e * (1.0 / tau_in)
    r = lambda v: rounded(v, d.zero)
    n = y_in.shape
    # the per-neuron values the membrane's propagation reads (gathered with the state
    # where a threshold search runs on a few neurons only, see crossing)
    q = tuple(jnp.broadcast_to(v, n) for v in (tau_m, C_m, I_e, y_in, tau_ex, tau_in, U_th,
                                                d.zero))

    def membrane_of(q, y, t):
        """V_m after t from state y (propagate_ / threshold_distance), before the bound,
        for the neurons' values q."""
        tau_m, C_m, I_e, y_in, tau_ex, tau_in, _, zero = q
        r = lambda v: rounded(v, zero)
        I_ex, dI_ex, I_in, dI_in, V = y
        # the three expm1 (the membrane's, each propagator's expm1(t / beta), the same
        # arguments as numerics/propagators.py's) in one series
        e, e_ex, e_in = series_expm1(jnp.stack(
            [-t * (1.0 / tau_m), t * ((tau_m - tau_ex) / (tau_ex * tau_m)),
             t * ((tau_m - tau_in) / (tau_in * tau_m))]))
        x_ex, x_in, x_m = libm_exp.nest_exp(zero, -t * (1 / tau_ex), -t * (1 / tau_in),
                                            -t * (1 / tau_m))
        P31_ex, P32_ex = iaf_propagator_alpha(tau_ex, tau_m, C_m, t, lambda _: e_ex, r, (x_ex, x_m))
        P31_in, P32_in = iaf_propagator_alpha(tau_in, tau_m, C_m, t, lambda _: e_in, r, (x_in, x_m))
        return (r(-tau_m * (1.0 / C_m) * e * (I_e + y_in)) + r(P31_ex * dI_ex) + r(P32_ex * I_ex)
                + r(P31_in * dI_in) + r(P32_in * I_in) + r(V * e) + V)

    membrane = lambda y, t: membrane_of(q, y, t)

    def propagate(y, refr, dt, go):
        I_ex, dI_ex, I_in, dI_in, V = y
        V = jnp.where(go & ~refr, jnp.maximum(membrane(y, dt), U_min), V)
        e_ex, e_in = libm_exp.nest_exp(d.zero, -dt * (1.0 / tau_ex), -dt * (1.0 / tau_in))
        return (jnp.where(go, r(e_ex * dt * dI_ex) + r(e_ex * I_ex), I_ex),
                jnp.where(go, e_ex * dI_ex, dI_ex),
                jnp.where(go, r(e_in * dt * dI_in) + r(e_in * I_in), I_in),
                jnp.where(go, e_in * dI_in, dI_in), V)

    def crossing(before, dt, fire):
        """The threshold crossings' times; on the (at most _FEW) firing neurons alone,
        gathered, where no more fire: the search's every iteration evaluates the
        membrane's propagation (three expm1 series) for each lane it runs on."""
        def search(q, before, dt, fire):
            return regula_falsi(lambda t: membrane_of(q, before, t) - q[6], dt, fire,
                                lambda v: rounded(v, q[-1]))

        def few():
            idx = jnp.nonzero(fire, size=_FEW, fill_value=n[0])[0]
            at = jnp.minimum(idx, n[0] - 1)
            g = lambda v: v[at]
            root = search(tuple(map(g, q)), tuple(map(g, before)), g(dt), g(fire) & (idx < n[0]))
            return jnp.zeros(n).at[idx].set(root, mode="drop")

        return jax.lax.cond(jnp.sum(fire) <= _FEW, few, lambda: search(q, before, dt, fire))

    def emit(y, refr, spk, off, last_step, last_off, fire, offset):
        return (y[:4] + (jnp.where(fire, U_reset, y[4]),), refr | fire, spk | fire,
                jnp.where(fire, offset, off), jnp.where(fire, T + 1, last_step),
                jnp.where(fire, offset, last_off))

    y = tuple(v.to_decimal(u.pA) for v in (s.I_syn_ex, s.dI_syn_ex, s.I_syn_in, s.dI_syn_in)) \
        + (s.V_m.to_decimal(u.mV),)
    refr = s.is_refractory
    spk = jnp.zeros(y[4].shape, bool)
    off, last_step, last_off = jnp.zeros(y[4].shape), s.last_spike_step, s.last_spike_offset
    y, refr, spk, off, last_step, last_off = emit(y, refr, spk, off, last_step, last_off,
                                                  y[4] >= U_th, h * (1 - _EPS))
    pseudo = refr & (T + 1 - last_step == d.refr_steps)
    has_input = (ev.count > 0) | pseudo
    before = y

    # no input: the fixed propagators of the whole step (pre_run_hook's P30, P31, P32)
    hq = jnp.full(y[4].shape, h)
    quiet = ~has_input
    I_ex, dI_ex, I_in, dI_in, V = y
    P31_ex, P32_ex, P31_in, P32_in = d.P31_ex, d.P32_ex, d.P31_in, d.P32_in
    e = d.expm1_m
    Vq = jnp.maximum(r(-tau_m / C_m * e * (I_e + y_in)) + r(P31_ex * dI_ex) + r(P32_ex * I_ex)
                     + r(P31_in * dI_in) + r(P32_in * I_in) + r(e * V) + V, U_min)
    e_ex, e_in = d.exp_ex, d.exp_in
    y = (jnp.where(quiet, r(e_ex * h * dI_ex) + r(e_ex * I_ex), I_ex), jnp.where(quiet, e_ex * dI_ex, dI_ex),
         jnp.where(quiet, r(e_in * h * dI_in) + r(e_in * I_in), I_in), jnp.where(quiet, e_in * dI_in, dI_in),
         jnp.where(quiet & ~refr, Vq, V))
    fire = quiet & (y[4] >= U_th)
    t = crossing(before, hq, fire)
    y, refr, spk, off, last_step, last_off = emit(y, refr, spk, off, last_step, last_off, fire,
                                                  h - t)

    def body(_, cr):
        y, refr, spk, off, last_step, last_off, before, last, idx, pseudo = cr
        act, is_pseudo, e_off, e_w, idx, pseudo = ps.next_item(ev, idx, pseudo, last_off, False)
        act = act & has_input
        ministep = last - e_off
        y = propagate(y, refr, jnp.where(act, ministep, 0.0), act)
        fire = act & (y[4] >= U_th)
        t = crossing(before, jnp.where(fire, ministep, 1.0), fire)
        y, refr, spk, off, last_step, last_off = emit(y, refr, spk, off, last_step, last_off,
                                                      fire, h - ((h - last) + t))
        I_ex, dI_ex, I_in, dI_in, V = y
        ends = act & is_pseudo
        charge = act & ~is_pseudo
        y = (I_ex, jnp.where(charge & (e_w >= 0.0), dI_ex + r(norm_ex * e_w), dI_ex),
             I_in, jnp.where(charge & (e_w < 0.0), dI_in + r(norm_in * e_w), dI_in), V)
        refr = refr & ~ends
        before = tuple(jnp.where(act, a, b) for a, b in zip(y, before))
        return (y, refr, spk, off, last_step, last_off, before, jnp.where(act, e_off, last),
                idx, pseudo)

    init = (y, refr, spk, off, last_step, last_off, before, hq,
            jnp.zeros(hq.shape, jnp.int32), pseudo)
    # as many iterations as the busiest neuron's items: its events and its pending
    # refractory end (an iteration past a neuron's items leaves it as it is)
    y, refr, spk, off, last_step, last_off, before, last, _, _ = ps.walk(
        ev, init, body, extra=pseudo.astype(jnp.int32))
    rest = has_input & (last > 0)
    y = jax.lax.cond(jnp.any(rest), lambda y: propagate(y, refr, jnp.where(rest, last, 0.0), rest),
                     lambda y: y, y)
    fire = rest & (y[4] >= U_th)
    t = crossing(before, jnp.where(fire, last, 1.0), fire)
    y, refr, spk, off, last_step, last_off = emit(y, refr, spk, off, last_step, last_off, fire,
                                                  h - ((h - last) + t))
    return y + (refr, spk.astype(jnp.int32), off, last_step, last_off)


iaf_psc_alpha_ps = NeuronModel(
    name="iaf_psc_alpha_ps",
    doc="Leaky integrate-and-fire neuron with alpha-shaped synaptic currents and precise "
        "spike times.",
    params=PS_PARAMS,
    state=neuron_state(*PSC("V_m y0"), *SYN_STATE,
                       State("dI_syn_ex", 0.0, u.pA, "derivative of the excitatory current"),
                       State("dI_syn_in", 0.0, u.pA, "derivative of the inhibitory current"),
                       *PS_STATE),
    **ps.INPUTS,
    recordables=("I_syn_ex", "I_syn_in", "V_m"),
    check=PS_CHECK,
    derive=derive,
    update=update,
    integrator=Exact(),
    archiving=Archiving(precise=True),
    off_grid=True,
    on_set=ps.refractory_on_set,
)
