"""poisson_generator: independent Poisson spike trains (models/poisson_generator.cpp).

Every target gets its own count each step (NEST draws in event_hook, once
per target), with mean ``rate * h``. Active for the step ``n`` being computed
when ``t_min < n <= t_max``: its spikes carry stamp ``n + 1``.
"""

import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from .._spec import GeneratorModel, Param
from . import _common as C
from ._poisson import cdf_table, counts_shared
from ._windows import step_active


def check(p):
    if np.any(np.asarray(p["rate"]) < 0):
        return "The rate cannot be negative."
    return C.device_check(p)


def _mean(p, ctx):
    return p.rate.to_decimal(u.Hz) * ctx.h_ms * 1e-3  # per device


def derive(p, ctx):
    # the CDF of the mean when active: fixed through a run (issue 14: not every step)
    return {"cdf": cdf_table(_mean(p, ctx))}


def emit(p, d, s, ctx, src):
    lam = _mean(p, ctx)
    on = step_active(p, ctx) & (lam > 0)
    sent = counts_shared(ctx.key, jnp.where(on, lam, 0.0), src, d.cdf)
    return s, jnp.where(on[src], sent, 0)


poisson_generator = GeneratorModel(
    name="poisson_generator", event="spike", per_target=True, uses_rng=True,
    doc="Independent Poisson spike trains, one per target.",
    params=C.STIMULATION_PARAMS + (Param("rate", 0.0, u.Hz, "mean firing rate"),),
    check=check, on_set=C.device_on_set, derive=derive, emit=emit)
