"""stdp_triplet_synapse: the triplet STDP rule of Pfister & Gerstner 2006, all-to-all
interactions (models/stdp_triplet_synapse.h).

Facilitation at each post spike since the previous presynaptic one, by the pair trace
Kplus and the post-synaptic triplet trace just before that post spike; then
depression by the post-synaptic pair trace and the presynaptic triplet trace
Kplus_triplet just before this spike; then both presynaptic traces jump by one.
The weight keeps Wmax's sign and |weight| stays within [0, |Wmax|].
"""

import jax.numpy as jnp

from ..._brainunit import u
from .._spec import Param, SynapseModel
from .stdp import T_LASTSPIKE, same_sign


def _facilitate(c, w, kplus, ky):
    new_w = jnp.abs(w) + kplus * (c.Aplus + c.Aplus_triplet * ky)
    return jnp.copysign(jnp.where(new_w < jnp.abs(c.Wmax), new_w, c.Wmax), c.Wmax)


def _depress(c, w, kminus, kplus_triplet):
    new_w = jnp.abs(w) - kminus * (c.Aminus + c.Aminus_triplet * kplus_triplet)
    return jnp.copysign(jnp.where(new_w > 0.0, new_w, 0.0), c.Wmax)


def on_pre(c, post, t, ctx):
    dd = c.delay

    def each(w, entry):
        minus_dt = c.t_lastspike - (entry.t + dd)
        ky = entry.Kminus_triplet - 1.0  # the triplet trace just before that post spike
        return _facilitate(c, w, c.Kplus * u.math.exp(minus_dt / c.tau_plus), ky)

    w = post.fold(c.t_lastspike - dd, t - dd, each, c.weight)
    k_trip = c.Kplus_triplet * u.math.exp((c.t_lastspike - t) / c.tau_plus_triplet)
    w = _depress(c, w, post.K_value(t - dd), k_trip)
    kplus = c.Kplus * u.math.exp((c.t_lastspike - t) / c.tau_plus) + 1.0
    return {"weight": w, "Kplus": kplus, "Kplus_triplet": k_trip + 1.0, "t_lastspike": t}, w


def check(v):
    if not same_sign(v):
        return "Weight and Wmax must have same sign."
    if not (v["Kplus"] >= 0).all():
        return "State Kplus must be positive."
    if (v["Kplus_triplet"] < 0).any():
        return "State Kplus_triplet must be positive."
    return None


stdp_triplet_synapse = SynapseModel(
    name="stdp_triplet_synapse", doc="Synapse with triplet spike-timing dependent plasticity.",
    params=(Param("tau_plus", 16.8, u.ms, "time constant of the pair presynaptic trace"),
            Param("tau_plus_triplet", 101.0, u.ms,
                  "time constant of the triplet presynaptic trace"),
            Param("Aplus", 5e-10, None, "weight of pair potentiation"),
            Param("Aminus", 7e-3, None, "weight of pair depression"),
            Param("Aplus_triplet", 6.2e-3, None, "weight of triplet potentiation"),
            Param("Aminus_triplet", 2.3e-4, None, "weight of triplet depression"),
            Param("Kplus", 0.0, None, "pair presynaptic trace"),
            Param("Kplus_triplet", 0.0, None, "triplet presynaptic trace"),
            Param("Wmax", 100.0, None, "maximal absolute weight, with the weight's sign")),
    hidden=(T_LASTSPIKE,), on_pre=on_pre, post="stdp", check=check, sizeof=None)
