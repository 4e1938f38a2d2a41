"""tsodyks2_synapse: short-term depression and facilitation (models/tsodyks2_synapse.h;
Maass & Markram 2002). The event carries x * u * weight, with u and x brought to the
spike from the previous one through the synapse (not at the first)."""

import jax.numpy as jnp

from ..._brainunit import u
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


def stp_check(*order, quote="'"):
    """NEST's checks of short-term plasticity keys, in the model's order; ``quote``:
    how its messages quote a key (the _hom models' common properties do not)."""
    def check(v):
        for key in order:
            name = f"{quote}{key}{quote}"
            if key in ("U", "u") and not ((v[key] >= 0.0) & (v[key] <= 1.0)).all():
                return f"{name} must be in [0,1]."
            if key in ("tau_rec", "tau_psc") and (v[key] <= 0.0).any():
                return f"{name} must be > 0."
            if key == "tau_fac" and (v[key] < 0.0).any():
                return f"{name} must be >= 0."
        return None
    return check


check = stp_check("U", "u", "tau_rec", "tau_fac")


tsodyks2_synapse = SynapseModel(
    name="tsodyks2_synapse", doc="Synapse with short-term depression and facilitation.",
    params=(Param("U", 0.5, None, "increment of u at each spike"),
            Param("u", 0.5, None, "release probability"),
            Param("x", 1.0, None, "fraction of resources available"),
            Param("tau_rec", 800.0, u.ms, "time constant of depression"),
            Param("tau_fac", 0.0, u.ms, "time constant of facilitation (0: none)")),
    hidden=(State("t_lastspike", -1.0, u.ms, "time of the last presynaptic spike"),),
    on_pre=on_pre, check=check, sizeof=80)


# --- tsodyks_synapse and tsodyks_synapse_hom (models/tsodyks_synapse.h, _hom.h;
# Tsodyks et al. 2000, Eqs 3 and 4 solved exactly between spikes). The resources
# move between recovered (x), active (y) and inactive (z = 1 - x - y); the event
# carries u * x * weight. t_lastspike starts at 0, so the first spike propagates
# from t = 0 (NEST's choice: harmless while y = z = 0).

def _tsodyks_propagate(c, t, x_gain):
    """u, x, y brought to the spike and the spike's jump; ``x_gain(Pyy, h)`` gives
    (Pxy, Pxz) in the heterogeneous or homogeneous model's arithmetic."""
    h = t - c.t_lastspike
    safe_fac = jnp.where(c.tau_fac.mantissa == 0, 1.0, c.tau_fac.mantissa) * u.ms
    Puu = jnp.where(c.tau_fac.mantissa == 0, 0.0, u.math.exp(-h / safe_fac))
    Pyy = u.math.exp(-h / c.tau_psc)
    Pxy, Pxz = x_gain(Pyy, h)
    z = 1.0 - c.x - c.y
    uu = c.u * Puu
    x = c.x + (Pxy * c.y + Pxz * z)
    y = c.y * Pyy
    uu = uu + c.U * (1.0 - uu)
    jump = uu * x
    return {"u": uu, "x": x - jump, "y": y + jump, "t_lastspike": t}, jump * c.weight


def _on_pre_tsodyks(c, post, t, ctx):
    def gain(Pyy, h):
        # tsodyks_synapse.h: expm1 for Pzz, z's gain written as -Pzz * z
        Pzz = u.math.expm1(-h / c.tau_rec)
        Pxy = (Pzz * c.tau_rec - (Pyy - 1.0) * c.tau_psc) / (c.tau_psc - c.tau_rec)
        return Pxy, -Pzz
    return _tsodyks_propagate(c, t, gain)


def _on_pre_tsodyks_hom(c, post, t, ctx):
    def gain(Pyy, h):
        # tsodyks_synapse_hom.h: exp for Pzz, z's gain 1 - Pzz
        Pzz = u.math.exp(-h / c.tau_rec)
        Pxy = ((Pzz - 1.0) * c.tau_rec - (Pyy - 1.0) * c.tau_psc) / (c.tau_psc - c.tau_rec)
        return Pxy, 1.0 - Pzz
    return _tsodyks_propagate(c, t, gain)


def _x_plus_y_first(rest):
    """set_status checks x + y before anything else."""
    def check(v):
        if ((v["x"] + v["y"]) > 1.0).any():
            return "x + y must be <= 1.0."
        return rest(v)
    return check


_check_tsodyks = _x_plus_y_first(stp_check("U", "tau_psc", "tau_rec", "tau_fac", "u"))
# per connection x + y only (u unchecked); then the common properties' own wording
_check_tsodyks_hom = _x_plus_y_first(stp_check("U", "tau_psc", "tau_rec", "tau_fac", quote=""))


TSODYKS_COMMON = (
    Param("U", 0.5, None, "increment of u at each spike"),
    Param("tau_psc", 3.0, u.ms, "time constant of the synaptic current"),
    Param("tau_fac", 0.0, u.ms, "time constant of facilitation (0: none)"),
    Param("tau_rec", 800.0, u.ms, "time constant of recovery"),
)
TSODYKS_STATE = (
    Param("x", 1.0, None, "fraction of resources recovered"),
    Param("y", 0.0, None, "fraction of resources active"),
    Param("u", 0.0, None, "release probability"),
)
T_LASTSPIKE_0 = State("t_lastspike", 0.0, u.ms, "time of the last presynaptic spike")

tsodyks_synapse = SynapseModel(
    name="tsodyks_synapse", doc="Synapse with short-term plasticity (Tsodyks et al. 2000).",
    params=TSODYKS_COMMON + TSODYKS_STATE, hidden=(T_LASTSPIKE_0,),
    on_pre=_on_pre_tsodyks, check=_check_tsodyks, sizeof=96)

tsodyks_synapse_hom = SynapseModel(
    name="tsodyks_synapse_hom", doc="Synapse with short-term plasticity, parameters and "
    "weight common to all connections.",
    params=TSODYKS_STATE, common=TSODYKS_COMMON, weight_common=True, hidden=(T_LASTSPIKE_0,),
    on_pre=_on_pre_tsodyks_hom, check=_check_tsodyks_hom, sizeof=None)
