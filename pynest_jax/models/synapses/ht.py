"""ht_synapse: depression of a pool that recovers exponentially (models/ht_synapse.h;
Hill & Tononi 2005). The pool P recovers towards 1 since the previous spike, the
event carries weight * P, then a fraction delta_P of the pool is used."""

from ..._brainunit import u
from .._spec import Param, State, SynapseModel


def on_pre(c, post, t, ctx):
    h = t - c.t_lastspike
    p = 1.0 - (1.0 - c.P) * u.math.exp(-h / c.tau_P)
    return {"P": p * (1.0 - c.delta_P), "t_lastspike": t}, c.weight * p


def check(v):
    if (v["tau_P"] <= 0.0).any():
        return "tau_P > 0 required."
    if ((v["delta_P"] < 0.0) | (v["delta_P"] > 1.0)).any():
        return "0 <= delta_P <= 1 required."
    if ((v["P"] < 0.0) | (v["P"] > 1.0)).any():
        return "0 <= P <= 1 required."
    return None


ht_synapse = SynapseModel(
    name="ht_synapse", doc="Synapse with depression after Hill & Tononi (2005).",
    params=(Param("tau_P", 500.0, u.ms, "time constant of the pool's recovery"),
            Param("delta_P", 0.125, None, "fraction of the pool used per spike"),
            Param("P", 1.0, None, "pool size")),
    hidden=(State("t_lastspike", 0.0, u.ms, "time of the last presynaptic spike"),),
    on_pre=on_pre, check=check, sizeof=72)
