"""sinusoidal_poisson_generator: Poisson trains of rate max(0, rate + amplitude sin(omega t
+ phi)) (models/sinusoidal_poisson_generator.cpp).

The sine is integrated by rotating ``(y_0, y_1)`` by ``omega h`` every step, active or
not (so the phase stays right); the rate of a step is ``rate + y_1`` after the rotation,
cut at 0, and is the recordable ``rate`` (spikes/s). NEST declares the model a current
generator, so its window tests step ``n + 2`` (first spike at ``start``, not
``start + 2 h`` as poisson_generator's). With ``individual_spike_trains`` each target
draws its own Poisson count, otherwise one count per device goes to every target.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

from .._spec import GeneratorModel, State
from . import _common as C
from . import _sinusoidal as S
from ._poisson import counts, counts_shared
from ._windows import active_at


def pre_run(v, ctx):
    """pre_run_hook: the oscillator at the current time, with C's cos/sin."""
    t = C.now_ms(ctx)
    amp, om, ph = S.per_ms(v["amplitude"]), S.omega(v["frequency"]), S.phi(v["phase"])
    y0 = [a * math.cos(o * t + f) for a, o, f in zip(amp, om, ph)]
    y1 = [a * math.sin(o * t + f) for a, o, f in zip(amp, om, ph)]
    return {"y_0": np.array(y0, float), "y_1": np.array(y1, float)}


def host_prepare(v, ctx):
    h = C.h_ms(ctx.grid)
    om = S.omega(v["frequency"])
    return {"sin_h": np.array([math.sin(h * o) for o in om], float),
            "cos_h": np.array([math.cos(h * o) for o in om], float),
            "rate_ms": S.per_ms(v["rate"]), "zero": np.zeros(len(om), np.int64)}


def emit(p, d, s, ctx, src):
    r = lambda x: S.rounded(x, p.zero)  # each product rounded, as NEST's are
    y0 = r(p.cos_h * s.y_0) - r(p.sin_h * s.y_1)
    y1 = r(p.sin_h * s.y_0) + r(p.cos_h * s.y_1)
    rate = jnp.maximum(p.rate_ms + y1, 0.0)  # spikes/ms
    on = active_at(p, ctx, ctx.n + 2) & (rate > 0)
    lam = jnp.where(on, rate * ctx.h_ms, 0.0)
    k_each, k_one = jax.random.split(ctx.key)
    each = counts_shared(k_each, lam, src)
    one = counts(k_one, lam)[src]
    n = jnp.where(p.individual_spike_trains[src], each, one)
    return s.replace(y_0=y0, y_1=y1, rate_now=rate * 1000.0), jnp.where(on[src], n, 0)


sinusoidal_poisson_generator = GeneratorModel(
    name="sinusoidal_poisson_generator", event="spike", per_target=True, uses_rng=True,
    doc="Sinusoidally modulated Poisson spike trains.",
    params=C.STIMULATION_PARAMS + S.PARAMS,
    state=(State("y_0", 0.0, None, "cosine component of the modulation (spikes/ms)"),
           State("y_1", 0.0, None, "sine component of the modulation (spikes/ms)"),
           State("rate_now", 0.0, None, "rate of the last step (spikes/s)", hidden=True)),
    recordables=("rate",), extra_status={"recordables": ["rate"]},
    record=lambda p, s: {"rate": s.rate_now},
    check=C.device_check, on_set=C.chain(C.device_on_set, S.round_trip),
    pre_run=pre_run, host_prepare=host_prepare, emit=emit)
