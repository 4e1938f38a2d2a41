"""jonke_synapse: additive STDP with exponential weight dependence and a constant
depression beta at every update (models/jonke_synapse.h; Jonke et al. 2017),
parameters common to all connections. lambda == 0 freezes the weight."""

import brainunit as u
import jax.numpy as jnp

from .._spec import Param, SynapseModel
from .stdp import KPLUS, T_LASTSPIKE


def _facilitate(c, w, kplus):
    new_w = w + c["lambda"] * (jnp.exp(c.mu_plus * w) * kplus - c.beta)
    return jnp.where(c["lambda"] == 0.0, w, jnp.where(new_w < c.Wmax, new_w, c.Wmax))


def _depress(c, w, kminus):
    new_w = w + c["lambda"] * (-c.alpha * jnp.exp(c.mu_minus * w) * kminus - c.beta)
    return jnp.where(c["lambda"] == 0.0, w, jnp.where(new_w > 0.0, new_w, 0.0))


def on_pre(c, post, t, ctx):
    dd = c.delay

    def each(w, entry):
        minus_dt = c.t_lastspike - (entry.t + dd)
        return _facilitate(c, w, c.Kplus * u.math.exp(minus_dt / c.tau_plus))

    w = post.fold(c.t_lastspike - dd, t - dd, each, c.weight)
    w = _depress(c, w, post.K_value(t - dd))
    kplus = c.Kplus * u.math.exp((c.t_lastspike - t) / c.tau_plus) + 1.0
    return {"weight": w, "Kplus": kplus, "t_lastspike": t}, w


def check(v):
    if (v["Kplus"] < 0).any():
        return "Kplus must be non-negative."
    return None


jonke_synapse = SynapseModel(
    name="jonke_synapse", doc="Synapse with additive STDP and exponential weight dependence, "
    "parameters common to all connections.",
    params=(KPLUS,),
    common=(Param("alpha", 1.0, None, "asymmetry of depression to facilitation"),
            Param("beta", 0.0, None, "constant depression at each update"),
            Param("lambda", 0.01, None, "step size"),
            Param("mu_plus", 0.0, None, "exponent of the weight dependence of facilitation"),
            Param("mu_minus", 0.0, None, "exponent of the weight dependence of depression"),
            Param("tau_plus", 20.0, u.ms, "time constant of the presynaptic trace"),
            Param("Wmax", 100.0, None, "maximal weight")),
    hidden=(T_LASTSPIKE,), on_pre=on_pre, post="stdp", check=check, sizeof=48)
