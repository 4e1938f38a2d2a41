"""Uniform random numbers from a counter-based hash, fused into the kernel that uses them.

XLA's CPU random bit generators cost about 25 ns per number (threefry: about 80), more
than everything else a Poisson generator does per target. Here one 64-bit seed is drawn
from the JAX key (per step and device), and element i gets the SplitMix64 output
function (Steele, Lea & Flood 2014) of ``seed + (i + 1) * gamma``: exactly the
SplitMix64 sequence started at ``seed``, which passes BigCrush. It is plain uint64
arithmetic (wrapping multiplication, shifts, xors), so XLA fuses it with its consumer.
"""

import jax
import jax.numpy as jnp

_GAMMA = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB


def _mix(z):
    z = (z ^ (z >> 30)) * jnp.uint64(_M1)
    z = (z ^ (z >> 27)) * jnp.uint64(_M2)
    return z ^ (z >> 31)


def seed64(key):
    """One uint64 from a JAX key (any implementation)."""
    return jax.random.bits(key, (), jnp.uint64)


def uniform(key, shape, dtype=jnp.float64):
    """Uniform draws in [0, 1) of the given shape, 53 random bits each."""
    seed = seed64(key)
    size = 1
    for d in shape:
        size *= int(d)
    i = jnp.arange(1, size + 1, dtype=jnp.uint64)
    z = _mix(seed + i * jnp.uint64(_GAMMA))
    u = (z >> 11).astype(jnp.float64) * (1.0 / (1 << 53))
    return u.reshape(shape).astype(dtype)


def uniform_at(seed, index):
    """The draw at ``index`` (uint64) of the SplitMix64 sequence started at ``seed``
    (uint64, broadcast): random access, so that a stream is read where a count says,
    whatever the steps (poisson_generator_ps's trains, independent of the resolution)."""
    z = _mix(seed + (index + jnp.uint64(1)) * jnp.uint64(_GAMMA))
    return (z >> 11).astype(jnp.float64) * (1.0 / (1 << 53))
