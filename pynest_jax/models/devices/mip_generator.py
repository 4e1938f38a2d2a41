"""mip_generator: correlated Poisson trains of a multiple interaction process
(models/mip_generator.cpp).

Each step the device draws one parent count, Poisson with mean ``rate h``; every target
(a spike recorder too) receives each parent spike with probability ``p_copy``,
independently: a binomial count, sent as one event of that multiplicity. Two children
share a fraction ``p_copy`` of their spikes (their correlation coefficient).

NEST tests the window once per min_delay slice, at the slice's first step (update()
returns for the whole slice when ``is_active(origin)`` is false): with min_delay 1 ms
and start 5 ms the first spikes come at 6.1 ms. Slices start at multiples of
min_delay on the grid.
"""

import jax
import jax.numpy as jnp
import numpy as np

from .._spec import GeneratorModel, Param
from . import _common as C
from ._poisson import counts
from ._windows import active_at


def check(p):
    if np.any(np.asarray(p["rate"]) < 0):
        return "Rate must be non-negative."
    pc = np.asarray(p["p_copy"])
    if np.any((pc < 0) | (pc > 1)):
        return "Copy probability must be in [0, 1]."
    return C.device_check(p)


def host_prepare(v, ctx):
    return {"min_delay_steps": np.full(len(v["rate"]), int(ctx.min_delay), np.int64)}


def emit(p, d, s, ctx, src):
    md = p.min_delay_steps
    origin = ctx.n - ctx.n % md  # the step that opens this min_delay slice
    on = active_at(p, ctx, origin) & (p.rate > 0)
    lam = jnp.where(on, ctx.h_ms * p.rate * 1e-3, 0.0)
    k_parent, k_copy = jax.random.split(ctx.key)
    parent = counts(k_parent, lam)
    n = parent[src]
    pc = p.p_copy[src]
    copied = jax.random.binomial(k_copy, n.astype(jnp.float64), pc).astype(jnp.int32)
    # the binomial's edges exactly: no spike when the parent has none, all when p_copy 1
    copied = jnp.where(pc >= 1.0, n, jnp.where((n == 0) | (pc <= 0.0), 0, copied))
    return s, copied


mip_generator = GeneratorModel(
    name="mip_generator", event="spike", per_target=True, uses_rng=True,
    doc="Correlated spike trains of a multiple interaction process.",
    params=C.STIMULATION_PARAMS + (
        Param("rate", 0.0, None, "rate of the parent process (spikes/s)"),
        Param("p_copy", 1.0, None, "probability of copying a parent spike to a child"),
    ),
    check=check, on_set=C.device_on_set, host_prepare=host_prepare, emit=emit)
