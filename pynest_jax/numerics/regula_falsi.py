"""The threshold crossing of NEST's precise models (libnestutil/regula_falsi.h):
the Illinois variant of regula falsi on [0, dt], stopped when the distance to the
threshold is below 1e-14, at most 500 iterations. Vectorised over neurons: each
neuron's iteration is NEST's, the loop runs while any neuron is still searching."""

import jax
import jax.numpy as jnp

MAX_ITER = 500
TERMINATION = 1e-14


def regula_falsi(distance, dt, searching, rnd=None):
    """The time in [0, dt] where ``distance(t)`` (per neuron) crosses 0, for the neurons
    ``searching``; 0 elsewhere. Nothing is evaluated in a step where no neuron searches
    (most steps: the two end-point distances alone cost as much as the rest of a small
    network's precise update). ``rnd``, if given, rounds each product of the secant
    step on its own, as C does (numerics/series_expm1.py's ``rounded``)."""
    return jax.lax.cond(jnp.any(searching), lambda: _search(distance, dt, searching,
                                                            rnd or (lambda v: v)),
                        lambda: jnp.zeros_like(dt))


def _search(distance, dt, searching, rnd):
    zero = jnp.zeros_like(dt)
    a, b = zero, jnp.where(searching, dt, 1.0)
    fa, fb = distance(a), distance(b)

    def cond(c):
        return jnp.any(~c[0]) & (c[-1] < MAX_ITER)

    def body(c):
        done, root, a, b, fa, fb, last, it = c
        r = (rnd(a * fb) - rnd(b * fa)) / (fb - fa)
        fr = distance(r)
        hit = ~done & (jnp.abs(fr) < TERMINATION)
        go = ~done & ~hit
        on_a = go & (fa * fr > 0.0)
        on_b = go & ~on_a & (fb * fr > 0.0)
        fb_new = jnp.where(on_a, jnp.where(last == 1, fb / 2, fb), jnp.where(on_b, fr, fb))
        fa_new = jnp.where(on_b, jnp.where(last == -1, fa / 2, fa), jnp.where(on_a, fr, fa))
        a = jnp.where(on_a, r, a)
        b = jnp.where(on_b, r, b)
        last = jnp.where(on_a, 1, jnp.where(on_b, -1, last))
        # (neither side: NEST throws NumericalInstability; the neuron stops here)
        return (done | hit | (go & ~on_a & ~on_b), jnp.where(hit, r, root), a, b, fa_new,
                fb_new, last, it + 1)

    init = (~searching, zero, a, b, fa, fb, jnp.zeros(dt.shape, jnp.int32), jnp.int32(0))
    return jax.lax.while_loop(cond, body, init)[1]
