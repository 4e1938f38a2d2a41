"""The part every GSL-integrated neuron shares: one resolution step of its ODE
through numerics.rkf45, written once for all models of that category.

A model names the state variables that form GSL's vector ``y`` (``ode``, in
NEST's order), writes ``derivatives(p, y, aux)`` with brainunit quantities
(``y.V_m`` in mV, ``y.g_ex`` in nS ...; returns ``{name: dy/dt}``), and keeps
its ``IntegrationStep_`` in the hidden state ``h_int`` (ms; 0 until the first
step: NEST initialises it to the resolution in ``init_buffers_``).

``aux`` holds what the C++ right-hand side reads from the node rather than
from ``y`` (``S_.r_`` for refractoriness, ``B_.I_stim_``). Models that test
for spikes inside NEST's ``while (t < step)`` loop (the aeif family) pass
``after_step(p, y, aux) -> (y, aux)``, run after every accepted sub-step.
"""

from __future__ import annotations

import jax.numpy as jnp

from ..._brainunit import u
from .._spec import State, Vars
from ..integrators import RKF45
from ...numerics.rkf45 import StandardControl, integrate_step

INTEGRATION_STEP = State("h_int", 0.0, u.ms, "GSL's IntegrationStep_ (0: the resolution)",
                         hidden=True)


def control_y(eps_abs, eps_rel=0.0):
    """gsl_odeiv_control_y_new(eps_abs, eps_rel): iaf_cond_*, hh_* (1e-3, 0)."""
    return StandardControl.y_new(eps_abs, eps_rel)


def control_yp(tol):
    """gsl_odeiv_control_yp_new(tol, tol) re-initialised with a_y=0, a_dydt=1: aeif_*."""
    return StandardControl(tol, tol, 0.0, 1.0)


def _mantissa(q, unit):
    return q.to_decimal(unit) if isinstance(q, u.Quantity) else jnp.asarray(q)


def _rows(ode, widths):
    """Each variable's rows of ``y``: one, or one per port for an ``(n, ports)``
    variable (multisynapse models). The order of rows does not change GSL's
    result: its step and error control are component-wise and take a maximum."""
    out, i = {}, 0
    for k in ode:
        w = widths.get(k)
        out[k] = (i, w)
        i += 1 if w is None else w
    return out


def _wrap(y, ode, units, widths=None):
    rows = _rows(ode, widths or {})
    out = Vars()
    for k in ode:
        i, w = rows[k]
        m = y[i] if w is None else y[i:i + w].T
        out[k] = m if units[k] is None else u.Quantity(m, unit=units[k])
    return out


def _unwrap(v, ode, units, widths=None):
    # A plain array stands for a value already in the declared unit (for a
    # derivative: that unit per ms), e.g. HH gating variables and their rates.
    widths = widths or {}
    parts = [_mantissa(v[k], units[k]) for k in ode]
    if not widths:
        return jnp.stack(parts)
    return jnp.concatenate([m[None] if widths.get(k) is None else m.T
                            for k, m in zip(ode, parts)])


def advance(p, s, ode, derivatives, ctx, aux=None, after_step=None):
    """One resolution step of NEST's ``while (t < step) gsl_odeiv_evolve_apply``,
    with the step control of the model's declared ``RKF45`` (``ctx.integrator``).

    Returns ``(s, aux)``: the state with the ``ode`` variables and ``h_int``
    advanced, and ``aux`` as ``after_step`` left it.
    """
    if not isinstance(ctx.integrator, RKF45):
        raise TypeError(f"a GSL rkf45 step under integrator={ctx.integrator!r}: "
                        "declare integrator=RKF45(control)")
    control = ctx.integrator.control_for(p)
    units = {k: (s[k].unit if isinstance(s[k], u.Quantity) else None) for k in ode}
    rates = {k: (None if units[k] is None else units[k] / u.ms) for k in ode}
    widths = {k: s[k].shape[1] for k in ode if len(s[k].shape) == 2}
    y0 = _unwrap(s, ode, units, widths)
    h_ms = _mantissa(s.h_int, u.ms)
    h = jnp.where(h_ms > 0, h_ms, ctx.h_ms)

    # The parameters travel with the neurons (numerics.rkf45 gathers the few still
    # active), so the derivatives read them from the argument, never from ``p``.
    def f(t, y, a, q):
        return _unwrap(derivatives(Vars(q), _wrap(y, ode, units, widths), a), ode, rates, widths)

    hook = None
    if after_step is not None:
        def hook(y, a, q):
            yv, a = after_step(Vars(q), _wrap(y, ode, units, widths), a)
            return _unwrap(yv, ode, units, widths), a

    y, h, aux, _ = integrate_step(f, y0, h, ctx.h_ms, control, aux, hook, params=dict(p))
    out = _wrap(y, ode, units, widths)
    return s.replace(h_int=u.Quantity(h, unit=u.ms), **out), aux
