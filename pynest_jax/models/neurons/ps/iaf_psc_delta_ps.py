"""iaf_psc_delta_ps: leaky integrate-and-fire with delta-shaped input, spikes at
precise times (NEST models/iaf_psc_delta_ps.{h,cpp}).

The membrane is integrated exactly from one input spike to the next; the neuron fires
at an input's arrival when the jump crosses the threshold, or between arrivals at the
time the DC drive reaches it (solved from the membrane equation). Input arriving while
refractory is dropped, or, with ``refractory_input``, summed discounted and added at
the end of the refractory period, which is a pseudo-event at the precise time.
"""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel, State
from ...integrators import Exact
from .._common import Archiving, neuron_params, neuron_state
from .._keys import PSC
from ..iaf import _common as c
from ..iaf._checks import RESET_BELOW_THRESHOLD, first_violation
from . import _common as ps

_EPS = np.finfo(float).eps


def derive(p, ctx):
    h = ctx.h_ms
    tau = p.tau_m.to_decimal(u.ms)
    return dict(expm1_t=jnp.expm1(-h / tau), R=tau / p.C_m.to_decimal(u.pF),
                refr_steps=ctx.steps(p.t_ref))


def _membrane(tau, U_th, U_reset, v_inf, T):
    """emit, crossing and propagate for neurons of these values (all of them, or the
    walk's compacted ones)."""

    def emit(U, refr, spk, off, last_step, last_off, fire, offset):
        """emit_spike_ / emit_instant_spike_: reset, refractory, the spike's offset."""
        return (jnp.where(fire, U_reset, U), refr | fire, spk | fire, jnp.where(fire, offset, off),
                jnp.where(fire, T + 1, last_step), jnp.where(fire, offset, last_off))

    def crossing(U):
        """The time (ms) the DC drive took to reach the threshold: U went past it."""
        return -tau * jnp.log((v_inf - U) / (v_inf - U_th))

    def propagate(U, dt):
        e = jnp.expm1(-dt / tau)
        return -v_inf * e + U * e + U

    return emit, crossing, propagate


def update(p, d, s, x, ctx):
    """One step of iaf_psc_delta_ps::update, potentials relative to E_L (mV), currents pA."""
    h, T, ev = ctx.h_ms, ctx.n, ctx.events
    tau, t_ref = p.tau_m.to_decimal(u.ms), p.t_ref.to_decimal(u.ms)
    U_th, U_reset = p.V_th.to_decimal(u.mV), p.V_reset.to_decimal(u.mV)
    v_inf = d.R * (s.y0.to_decimal(u.pA) + p.I_e.to_decimal(u.pA))
    with_refr = s.refractory_input
    emit, crossing, propagate = _membrane(tau, U_th, U_reset, v_inf, T)

    U = s.V_m.to_decimal(u.mV)
    refr, last_step, last_off = s.is_refractory, s.last_spike_step, s.last_spike_offset
    spk = jnp.zeros(U.shape, bool)
    off = jnp.zeros(U.shape)
    # superthreshold at the start (set so): a spike just after the step's start
    U, refr, spk, off, last_step, last_off = emit(U, refr, spk, off, last_step, last_off,
                                                  U >= U_th, h * (1 - _EPS))
    # the end of the refractory period within this step: a pseudo-event
    pseudo = refr & (T + 1 - last_step == d.refr_steps)
    has_input = (ev.count > 0) | pseudo

    # no input in the step: the fixed propagator
    U_free = -d.expm1_t * d.R * (s.y0.to_decimal(u.pA) + p.I_e.to_decimal(u.pA)) \
        + d.expm1_t * U + U
    U_free = jnp.maximum(U_free, p.V_min.to_decimal(u.mV))
    quiet = ~has_input & ~refr
    fire = quiet & (U_free >= U_th)
    U = jnp.where(quiet, U_free, U)
    U, refr, spk, off, last_step, last_off = emit(U, refr, spk, off, last_step, last_off,
                                                  fire, ps.where_any(fire, lambda: crossing(U)))

    def body_of(lane):
        """The walk's iteration for the neurons of ``lane`` (their values)."""
        emit, crossing, propagate = _membrane(lane["tau"], lane["U_th"], lane["U_reset"],
                                              lane["v_inf"], T)
        has_input, with_refr, t_ref, tau, U_th = (
            lane[k] for k in ("has_input", "with_refr", "t_ref", "tau", "U_th"))

        def body(_, c_, ev):
            U, refr, spk, off, last_step, last_off, t, idx, pseudo, buf = c_
            present, e_off, e_w, nxt = ps.next_event(ev, idx, accumulate=True)
            # return from refractoriness first when it is not later than the next spike
            take_pseudo = pseudo & (~present | (last_off >= e_off))
            act = has_input & (take_pseudo | present)
            e_off = jnp.where(take_pseudo, last_off, e_off)
            idx = jnp.where(act & ~take_pseudo, nxt, idx)
            pseudo = pseudo & ~take_pseudo
            # refractory: input discounted into the buffer, or the period ends
            in_refr = act & refr
            gap = (last_step - T - 1) * h - (last_off - e_off) + t_ref
            kept = in_refr & ~take_pseudo & with_refr
            buf = jnp.where(kept, ps.where_any(kept, lambda: buf + e_w * jnp.exp(-gap / tau)), buf)
            ends = in_refr & take_pseudo
            refr = refr & ~ends
            U = jnp.where(ends & with_refr, U + buf, U)
            buf = jnp.where(ends & with_refr, 0.0, buf)
            U, refr, spk, off, last_step, last_off = emit(U, refr, spk, off, last_step, last_off,
                                                          ends & (U >= U_th), e_off)
            # free: integrate to the arrival; fire on the way (the input is lost), or jump
            free = act & ~in_refr
            U = jnp.where(free, propagate(U, t - e_off), U)
            t = jnp.where(act, e_off, t)
            crossed = free & (U >= U_th)
            U, refr, spk, off, last_step, last_off = emit(
                U, refr, spk, off, last_step, last_off, crossed,
                ps.where_any(crossed, lambda: e_off + crossing(U)))
            jump = free & ~crossed
            U = jnp.where(jump, U + e_w, U)
            U, refr, spk, off, last_step, last_off = emit(U, refr, spk, off, last_step, last_off,
                                                          jump & (U >= U_th), e_off)
            return U, refr, spk, off, last_step, last_off, t, idx, pseudo, buf
        return body

    lanes = {k: jnp.broadcast_to(v, U.shape) for k, v in dict(
        tau=tau, t_ref=t_ref, U_th=U_th, U_reset=U_reset, v_inf=v_inf, has_input=has_input,
        with_refr=with_refr).items()}
    init = (U, refr, spk, off, last_step, last_off, jnp.full(U.shape, h),
            jnp.zeros(U.shape, jnp.int32), pseudo, s.refr_spikes_buffer)
    U, refr, spk, off, last_step, last_off, t, _, _, buf = ps.walk(ev, init, body_of, extra=1,
                                                                   lanes=lanes)
    # the rest of the step after the last arrival
    rest = has_input & ~refr & (t > 0)
    U = jnp.where(rest, propagate(U, t), U)
    fire = rest & (U >= U_th)
    U, refr, spk, off, last_step, last_off = emit(U, refr, spk, off, last_step, last_off,
                                                  fire, ps.where_any(fire, lambda: crossing(U)))
    s = s.replace(V_m=u.Quantity(U, unit=u.mV), is_refractory=refr, last_spike_step=last_step,
                  last_spike_offset=last_off, refr_spikes_buffer=buf, y0=x.currents)
    return s, (spk.astype(jnp.int32), off)


iaf_psc_delta_ps = NeuronModel(
    name="iaf_psc_delta_ps",
    doc="Leaky integrate-and-fire neuron with delta-shaped input and precise spike times.",
    params=neuron_params(*c.MEMBRANE, c.V_min(-1.7976931348623157e308), *PSC("I_e")),
    state=neuron_state(
        *PSC("V_m y0"),
        State("is_refractory", False, None, "within the refractory period", dtype="bool"),
        State("refractory_input", False, None, "input during refractoriness is kept",
              dtype="bool"),
        State("last_spike_step", -1, None, "stamp of the last spike", dtype="int", hidden=True),
        State("last_spike_offset", 0.0, None, "offset (ms) of the last spike", hidden=True),
        State("refr_spikes_buffer", 0.0, None, "input kept while refractory (mV)", hidden=True),
    ),
    **ps.INPUTS,
    recordables=("V_m",),
    check=first_violation(
        RESET_BELOW_THRESHOLD,
        (lambda p: p["V_reset"] < p["V_min"], "Reset potential must be greater equal minimum potential."),
        (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
        (lambda p: p["tau_m"] <= 0, "All time constants must be strictly positive."),
    ),
    derive=derive,
    update=update,
    integrator=Exact(),
    archiving=Archiving(precise=True),
    off_grid=True,
    on_set=ps.refractory_on_set,
)
