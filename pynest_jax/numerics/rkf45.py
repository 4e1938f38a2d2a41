"""Adaptive Runge-Kutta-Fehlberg 4(5) as NEST drives it through GSL.

NEST integrates its nonlinear neurons (models/iaf_cond_*.cpp, aeif_*.cpp,
hh_*.cpp, ...) with GSL's ``gsl_odeiv`` API:

* the stepper ``gsl_odeiv_step_rkf45``: Fehlberg's six-stage pair, advancing
  with the fifth-order weights and estimating the error as the difference of
  the fifth- and fourth-order solutions. It uses the derivative at the start of
  the step, computed once per ``evolve_apply`` call (``can_use_dydt_in``);
* the standard step-size control (``gsl_odeiv_control_standard_new(eps_abs,
  eps_rel, a_y, a_dydt)``; ``control_y_new`` is ``a_y=1, a_dydt=0`` and
  ``control_yp_new`` is ``a_y=0, a_dydt=1``): per component the tolerated error
  is ``D = eps_rel * (a_y |y| + a_dydt |h y'|) + eps_abs`` (``y`` and ``y'`` at
  the end of the step); with ``rmax`` the largest ``|yerr| / D``, a step with
  ``rmax > 1.1`` asks for ``h * max(0.9 rmax^(-1/5), 0.2)``, one with
  ``rmax < 0.5`` proposes ``h * clip(0.9 rmax^(-1/6), 1, 5)`` for the next;
* ``gsl_odeiv_evolve_apply(t, t1, h, y)``: one accepted step from ``t`` towards
  ``t1``. A proposal longer than what is left is cut to land on ``t1`` exactly
  (and then ``t`` becomes ``t1``, not ``t + h``). A step whose control asks for a
  decrease is undone and retried with the smaller ``h`` — unless the smaller
  ``h`` would not move ``t`` at all, then the step is kept with its ``h``. The
  ``h`` handed back is what the control proposed from the step actually taken,
  so a step shortened to land on ``t1`` also shortens the next proposal unless
  the control grows it;
* NEST's own loop per resolution step: ``t = 0; while t < h_grid:
  evolve_apply(&t, h_grid, &IntegrationStep_, y)``, the neuron's
  ``IntegrationStep_`` kept from one resolution step to the next (initialised to
  the resolution).

Here all this runs vectorized over the neurons of a population: state ``y`` of
shape ``(dim, n)``, each neuron with its own ``t`` and ``h``. One
``lax.while_loop`` iteration makes one attempt for every neuron that has not
reached ``t1``: accepted attempts advance, rejected ones shrink ``h``; the loop
ends when every neuron is done. Finished neurons are masked, never stepped. As
neurons finish, the few still busy are gathered into narrower columns (static
widths, ``compaction_widths``) and iterated there, so that one neuron needing
many sub-steps does not make the whole population pay for them.
The arithmetic of a step follows GSL's order of operations so that results agree
with NEST to rounding.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Optional

import jax
import jax.numpy as jnp


@dataclasses.dataclass(frozen=True)
class ButcherTableau:
    """An embedded explicit Runge-Kutta pair.

    ``a[i]`` are the coefficients of stage ``i + 1`` on the earlier stages,
    ``c`` the stage times, ``b`` the weights of the solution that is kept and
    ``e`` the error weights (kept solution minus the embedded one). ``order`` is
    what GSL's control uses as the method's order.
    """

    c: tuple
    a: tuple
    b: tuple
    e: tuple
    order: int

    @property
    def stages(self) -> int:
        return len(self.b)


def _f(num, den):
    # GSL writes each coefficient as a quotient of two doubles, rounded once.
    return float(num) / float(den)


# Fehlberg's 4(5) pair as gsl_odeiv_step_rkf45 has it (ode-initval/rkf45.c):
# stage coefficients written over common denominators, 5th-order weights kept.
RKF45 = ButcherTableau(
    c=(0.0, _f(1, 4), _f(3, 8), _f(12, 13), 1.0, _f(1, 2)),
    a=(
        (),
        (_f(1, 4),),
        (_f(3, 32), _f(9, 32)),
        (_f(1932, 2197), _f(-7200, 2197), _f(7296, 2197)),
        (_f(8341, 4104), _f(-32832, 4104), _f(29440, 4104), _f(-845, 4104)),
        (_f(-6080, 20520), _f(41040, 20520), _f(-28352, 20520), _f(9295, 20520),
         _f(-5643, 20520)),
    ),
    b=(_f(902880, 7618050), 0.0, _f(3953664, 7618050), _f(3855735, 7618050),
       _f(-1371249, 7618050), _f(277020, 7618050)),
    e=(_f(1, 360), 0.0, _f(-128, 4275), _f(-2197, 75240), _f(1, 50), _f(2, 55)),
    order=5,
)


def _consistent(tab: ButcherTableau) -> bool:
    """Row sums equal the stage times; weights sum to 1; error weights to 0."""
    return (abs(sum(tab.b) - 1.0) < 1e-15 and abs(sum(tab.e)) < 1e-15
            and all(abs(sum(row) - ci) < 1e-15 for ci, row in zip(tab.c, tab.a)))


assert _consistent(RKF45)


@dataclasses.dataclass(frozen=True)
class StandardControl:
    """gsl_odeiv_control_standard: tolerances; each may be a per-neuron array."""

    eps_abs: object
    eps_rel: object
    a_y: float = 1.0
    a_dydt: float = 0.0

    @classmethod
    def y_new(cls, eps_abs, eps_rel):
        """gsl_odeiv_control_y_new: the error measured against the values."""
        return cls(eps_abs, eps_rel, 1.0, 0.0)

    @classmethod
    def yp_new(cls, eps_abs, eps_rel):
        """gsl_odeiv_control_yp_new: the error measured against h times the derivatives."""
        return cls(eps_abs, eps_rel, 0.0, 1.0)

    @property
    def needs_dydt_out(self) -> bool:
        return not (isinstance(self.a_dydt, (int, float)) and self.a_dydt == 0)


# gsl_odeiv_hadjust results
HADJ_DEC, HADJ_NIL, HADJ_INC = -1, 0, 1
_SAFETY = 0.9
_DBL_MIN = 2.2250738585072014e-308


def rk_step(tab: ButcherTableau, f, t, y, h, k1):
    """One step of the pair from ``(t, y)`` with step ``h`` (shape ``(n,)``) and
    ``k1 = f(t, y)``: returns ``(y1, yerr)``, as ``rkf45_apply`` computes them."""
    ks = [k1]
    for i in range(1, tab.stages):
        acc = None
        for aij, kj in zip(tab.a[i], ks):
            if aij == 0.0:
                continue
            term = aij * kj
            acc = term if acc is None else acc + term
        ks.append(f(t + tab.c[i] * h, y + h * acc))
    acc = None
    for bj, kj in zip(tab.b, ks):
        if bj != 0.0:
            acc = bj * kj if acc is None else acc + bj * kj
    y1 = y + h * acc
    err = None
    for ej, kj in zip(tab.e, ks):
        if ej != 0.0:
            err = ej * kj if err is None else err + ej * kj
    return y1, h * err


def hadjust(control: StandardControl, order: int, y, yerr, yp, h):
    """std_control_hadjust: ``(h_new, status)`` with status HADJ_DEC/NIL/INC.

    ``rmax`` starts at DBL_MIN and takes each component's ratio only when it is
    larger (a NaN ratio, 0/0, is skipped), as GSL_MAX_DBL does.
    """
    a_y, a_dydt = control.a_y, control.a_dydt
    rmax = jnp.full(h.shape, _DBL_MIN, h.dtype)
    for i in range(y.shape[0]):
        scale = a_y * jnp.abs(y[i])
        if yp is not None:
            scale = scale + a_dydt * jnp.abs(h * yp[i])
        d0 = control.eps_rel * scale + control.eps_abs
        r = jnp.abs(yerr[i]) / jnp.abs(d0)
        rmax = jnp.where(r > rmax, r, rmax)
    dec = rmax > 1.1
    inc = rmax < 0.5
    # The barrier keeps XLA from rewriting S / pow(r, e) as S * pow(r, -e),
    # which rounds differently from GSL's division. Each pow (a libm call per
    # element on XLA CPU) takes its exponent only where its result is used and 0
    # elsewhere: pow(x, 0) is libm's early exit, and the used values are the same.
    e_dec = jnp.where(dec, 1.0 / order, 0.0)
    e_inc = jnp.where(inc, 1.0 / (order + 1.0), 0.0)
    r_dec = jnp.maximum(_SAFETY / _opaque(jnp.power(rmax, e_dec)), 0.2)
    r_inc = jnp.clip(_SAFETY / _opaque(jnp.power(rmax, e_inc)), 1.0, 5.0)
    r = jnp.where(dec, r_dec, jnp.where(inc, r_inc, 1.0))
    h_new = jnp.where(dec | inc, r * h, h)
    status = jnp.where(dec, HADJ_DEC, jnp.where(inc, HADJ_INC, HADJ_NIL))
    return h_new, status


def _opaque(x):
    return jax.lax.optimization_barrier(x)


def _select(mask, new, old):
    return jax.tree.map(lambda a, b: jnp.where(mask, a, b), new, old)


def evolve_attempt(f, control, t, t1, h, y, tab: ButcherTableau = RKF45):
    """One try of gsl_odeiv_evolve_apply at ``(t, h, y)`` (positive direction).

    Returns ``(accepted, t_new, h_new, y_new)``: accepted steps carry the new
    time, state and proposed step; a rejected one carries the old ``t``, ``y``
    and the smaller ``h`` to retry with (what ``goto try_step`` does).
    """
    dt = t1 - t
    final = h > dt
    h0 = jnp.where(final, dt, h)
    k1 = f(t, y)
    y1, yerr = rk_step(tab, f, t, y, h0, k1)
    t_new = jnp.where(final, t1, t + h0)
    yp = f(t + h0, y1) if control.needs_dydt_out else None
    # Made once: without the barrier XLA recomputes the error ratios, their
    # maximum and the pows inside each of the kernels that read the result.
    h_adj, status = _opaque(hadjust(control, tab.order, y1, yerr, yp, h0))
    dec = status == HADJ_DEC
    retry = dec & (jnp.abs(h_adj) < jnp.abs(h0)) & (t_new + h_adj != t_new)
    # A decrease that would not move t keeps the step and its h.
    h_next = jnp.where(dec & ~retry, h0, h_adj)
    accepted = ~retry
    return (accepted, jnp.where(accepted, t_new, t), h_next,
            jnp.where(accepted, y1, y))


def compaction_widths(n: int, ratio: int = 8, least: int = 4):
    """The widths the active neurons are gathered into as they become few: the
    next power of two at or above ``n / ratio``, then each ``ratio`` times
    smaller, down to ``least``; none for a population that small already."""
    widths, m = [], n
    while True:
        m = 1 << max(0, -(-m // ratio) - 1).bit_length()
        if m < least or m >= n or (widths and m >= widths[-1]):
            return tuple(widths)
        widths.append(m)


def integrate_step(f: Callable, y, h, t1, control: StandardControl, aux=None,
                   after_step: Optional[Callable] = None, tab: ButcherTableau = RKF45,
                   max_attempts: int = 1_000_000, widths=None, params=None):
    """NEST's ``while (t < t1) gsl_odeiv_evolve_apply(...)`` for every neuron.

    ``f(t, y, aux) -> dy/dt`` with ``y`` of shape ``(dim, n)``; ``h`` (n,) is each
    neuron's ``IntegrationStep_`` on entry, the updated one is returned. ``aux``
    is a pytree of per-neuron arrays the derivatives may read (refractoriness,
    input current); its leaves have the neurons on their first axis (or are
    shared: shape ``()`` or ``(1, ...)``), and ``f`` must read nothing else per
    neuron. ``after_step(y, aux) -> (y, aux)`` runs after every accepted step of
    a neuron (NEST's spike test inside the loop, for aeif models). ``params``,
    when given, is a read-only pytree of the same kind handed to both as a last
    argument (the model's parameters).
    Returns ``(y, h, aux, attempts)``; ``attempts`` counts the loop iterations.

    Each neuron makes the same attempts as alone; the work per attempt is what
    changes. Once at most ``widths[0]`` neurons are still active, they are
    gathered into that many columns and iterated there (then ``widths[1]`` ...),
    and scattered back at the end: a step costs about the sum of the neurons'
    attempts, not the busiest neuron's attempts times ``n``. ``widths`` defaults
    to ``compaction_widths(n)``; ``()`` iterates at full width throughout.
    """
    n = y.shape[-1]
    t1 = jnp.asarray(t1, y.dtype)
    if widths is None:
        widths = compaction_widths(n)
    # Tolerances given per neuron travel with the neurons; plain numbers stay constants.
    eps = {k: v for k, v in (("eps_abs", control.eps_abs), ("eps_rel", control.eps_rel))
           if not isinstance(v, (int, float))}
    if params is None:
        f0, hook0 = f, after_step
        f = lambda t, y, a, _: f0(t, y, a)  # noqa: E731
        after_step = None if hook0 is None else (lambda y, a, _: hook0(y, a))
    c = (jnp.zeros((n,), y.dtype), h, y, aux, params, eps)
    (_, h, y, aux, _, _), it = _iterate(f, control, tab, after_step, t1, max_attempts, widths,
                                        c, jnp.int32(0))
    return y, h, aux, it


def _iterate(f, control, tab, after_step, t1, max_attempts, widths, c, it):
    """Attempts at the width of ``c`` while more neurons are active than fit into
    ``widths[0]``; then those few, gathered, at the next width."""
    m = widths[0] if widths else 0

    def cond(ci):
        c, it = ci
        return (jnp.sum(c[0] < t1) > m) & (it < max_attempts)

    def body(ci):
        (t, h, y, aux, params, eps), it = ci
        active = t < t1
        ctl = dataclasses.replace(control, **eps)
        accepted, t_n, h_n, y_n = evolve_attempt(lambda tt, yy: f(tt, yy, aux, params), ctl,
                                                 t, t1, h, y, tab)
        moved = active & accepted
        if after_step is not None:
            y_e, aux_e = after_step(y_n, aux, params)
            y_n = jnp.where(moved, y_e, y_n)
            aux = _select(moved, aux_e, aux)
        t = jnp.where(active, t_n, t)
        h = jnp.where(active, h_n, h)
        y = jnp.where(active, y_n, y)
        return (t, h, y, aux, params, eps), it + 1

    c, it = jax.lax.while_loop(cond, body, (c, it))
    if not widths:
        return c, it
    n = c[0].shape[0]
    # The active ones first; padding points past the end, is done, and is dropped.
    idx = jnp.nonzero(c[0] < t1, size=m, fill_value=n)[0]
    sub = _columns(c, n, lambda a, axis: jnp.take(a, idx, axis=axis, mode="clip"))
    sub = (jnp.where(idx < n, sub[0], t1),) + sub[1:]
    sub, it = _iterate(f, control, tab, after_step, t1, max_attempts, widths[1:], sub, it)
    return _columns((c, sub), n, lambda a, axis: _put(a[0], a[1], idx, axis), pair=True), it


def _columns(c, n, fn, pair=False):
    """``fn`` on the neuron axis of every per-neuron leaf of ``c = (t, h, y, aux,
    params, eps)`` (``y``: the last axis, the others: the first); shared leaves as they are.
    With ``pair``, ``c`` is two such tuples and ``fn`` gets both leaves."""
    def per(axis):
        def g(*leaves):
            a = leaves[0]
            if a.ndim == 0 or a.shape[axis] == 1 and n != 1:
                return a
            if a.shape[axis] != n:
                raise ValueError(f"a per-neuron value of shape {a.shape} in a population of {n}")
            return fn(leaves if pair else a, axis)
        return g

    parts = tuple(zip(*c)) if pair else c
    return tuple(jax.tree.map(per(-1 if i == 2 else 0), *(x if pair else (x,)))
                 for i, x in enumerate(parts))


def _put(full, part, idx, axis):
    if axis == 0:
        return full.at[idx].set(part, mode="drop")
    return full.at[..., idx].set(part, mode="drop")
