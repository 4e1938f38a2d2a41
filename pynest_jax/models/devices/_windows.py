"""When a stimulation device is active (nestkernel/stimulation_device.cpp).

A device is active for step ``n`` when ``t_min < stamp <= t_max``, with
``t_min = steps(origin + start)``, ``t_max = steps(origin + stop)``. Spike
generators use the stamp of the spike, ``n + 1``; current generators test
``n + 2``: their current is sent one step early so that it arrives with the
minimal delay at the step it belongs to.
"""

import jax.numpy as jnp


def _bounds(p, ctx):
    t_min = ctx.steps(p.origin + p.start)
    t_max = ctx.steps(p.origin + p.stop)
    return t_min, t_max


def spike_active(p, ctx):
    t_min, t_max = _bounds(p, ctx)
    stamp = ctx.n + 1
    return (t_min < stamp) & (stamp <= t_max)


def current_active(p, ctx):
    t_min, t_max = _bounds(p, ctx)
    stamp = ctx.n + 2
    return (t_min < stamp) & (stamp <= t_max)
