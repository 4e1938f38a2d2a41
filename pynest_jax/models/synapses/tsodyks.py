"""tsodyks2_synapse: short-term depression and facilitation (models/tsodyks2_synapse.h;
Maass & Markram 2002). The event carries x * u * weight, with u and x brought to the
spike from the previous one through the synapse (not at the first)."""

import brainunit as u
import jax.numpy as jnp

from .._spec import Param, State, SynapseModel


def on_pre(c, post, t, ctx):
    h = t - c.t_lastspike
    x_decay = u.math.exp(-h / c.tau_rec)
    # tau_fac == 0 disables facilitation
    tau_fac = jnp.where(c.tau_fac.mantissa == 0, 1.0, c.tau_fac.mantissa) * u.ms
    u_decay = jnp.where(c.tau_fac.mantissa == 0, 0.0, u.math.exp(-h / tau_fac))
    first = c.t_lastspike.mantissa < 0.0
    x = jnp.where(first, c.x, 1.0 + (c.x - c.x * c.u - 1.0) * x_decay)
    uu = jnp.where(first, c.u, c.U + c.u * (1.0 - c.U) * u_decay)
    return {"x": x, "u": uu, "t_lastspike": t}, x * uu * c.weight


def _in_unit(v, key):
    return ((v[key] >= 0.0) & (v[key] <= 1.0)).all()


def check(v):
    if not _in_unit(v, "U"):
        return "'U' must be in [0,1]."
    if not _in_unit(v, "u"):
        return "'u' must be in [0,1]."
    if (v["tau_rec"] <= 0.0).any():
        return "'tau_rec' must be > 0."
    if (v["tau_fac"] < 0.0).any():
        return "'tau_fac' must be >= 0."
    return None


tsodyks2_synapse = SynapseModel(
    name="tsodyks2_synapse", doc="Synapse with short-term depression and facilitation.",
    params=(Param("U", 0.5, None, "increment of u at each spike"),
            Param("u", 0.5, None, "release probability"),
            Param("x", 1.0, None, "fraction of resources available"),
            Param("tau_rec", 800.0, u.ms, "time constant of depression"),
            Param("tau_fac", 0.0, u.ms, "time constant of facilitation (0: none)")),
    hidden=(State("t_lastspike", -1.0, u.ms, "time of the last presynaptic spike"),),
    on_pre=on_pre, check=check, sizeof=80)
