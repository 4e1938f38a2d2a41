"""What the two sinusoidal spike generators share (models/sinusoidal_*_generator.cpp).

NEST keeps their rates in spikes/ms, the frequency as omega in rad/ms and the
phase in radians, and shows them converted back; a value set is therefore shown
after one round trip through those units, which ``round_trip`` reproduces so that
GetStatus gives NEST's numbers to the last bit. ``individual_spike_trains`` can be
set only on a model (SetDefaults, CopyModel), never on a node.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

from ...errors import NESTErrors
from .._spec import Param

TWO_PI_PER_1000 = 2.0 * math.pi / 1000.0  # NEST: om_ = frequency * (2 pi / 1000)
RAD_PER_DEG = math.pi / 180.0
DEG_PER_RAD = 180.0 / math.pi

INDIVIDUAL_MSG = ("The individual_spike_trains property can only be set as a model default "
                  "using SetDefaults or upon CopyModel.")

PARAMS = (
    Param("rate", 0.0, None, "mean firing rate (spikes/s)"),
    Param("amplitude", 0.0, None, "rate modulation amplitude (spikes/s)"),
    Param("frequency", 0.0, None, "modulation frequency (Hz)"),
    Param("phase", 0.0, None, "modulation phase (degrees)"),
    Param("individual_spike_trains", True, None,
          "one spike train per target (True) or one for all", dtype="bool"),
)


def omega(frequency):
    """rad/ms, as NEST computes om_."""
    return np.asarray(frequency, float) * TWO_PI_PER_1000


def phi(phase):
    return np.asarray(phase, float) * RAD_PER_DEG


def per_ms(rate):
    """sinusoidal_poisson_generator: rate_ /= 1000."""
    return np.asarray(rate, float) / 1000.0


def per_ms_gamma(rate):
    """sinusoidal_gamma_generator: rate_ = 1e-3 * rate (not the same double)."""
    return 1e-3 * np.asarray(rate, float)


def round_trip(old, new, ctx, scale=per_ms):
    """The values NEST shows after storing them in its internal units."""
    if "individual_spike_trains" in new and ctx.gids is not None:
        raise NESTErrors.BadProperty(INDIVIDUAL_MSG)
    for k in ("rate", "amplitude"):
        if k in new:
            new[k] = scale(new[k]) * 1000.0
    if "frequency" in new:
        new["frequency"] = omega(new["frequency"]) / TWO_PI_PER_1000
    if "phase" in new:
        new["phase"] = DEG_PER_RAD * phi(new["phase"])
    return new


def rounded(x, zero):
    """x, rounded to float64 as C rounds each product: ``zero`` is an int64 array of
    zeros that reaches the program as an argument, so the compiler cannot drop the
    bitwise OR, and a product passed through it cannot be fused with a following add
    into one FMA (XLA contracts them on CPUs with FMA; optimization_barrier and
    reduce_precision did not stop it). NEST's oscillator rounds twice, and where its
    rate crosses 0 one rounding decides whether a step's rate is cut to 0."""
    x = jnp.asarray(x)
    ints = jnp.int32 if x.dtype == jnp.float32 else jnp.int64  # the kernel's float32 mode
    bits = jax.lax.bitcast_convert_type(x, ints) | zero.astype(ints)
    return jax.lax.bitcast_convert_type(bits, x.dtype)
