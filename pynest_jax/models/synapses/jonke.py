"""jonke_synapse: additive STDP with exponential weight dependence and a constant
depression beta at every update (models/jonke_synapse.h; Jonke et al. 2017),
parameters common to all connections. lambda == 0 freezes the weight."""

import jax.numpy as jnp

from ..._brainunit import u
from .._spec import Param, SynapseModel
from .stdp import KPLUS, T_LASTSPIKE, pair_rule


def _facilitate(c, w, kplus):
    new_w = w + c["lambda"] * (jnp.exp(c.mu_plus * w) * kplus - c.beta)
    return jnp.where(c["lambda"] == 0.0, w, jnp.where(new_w < c.Wmax, new_w, c.Wmax))


def _depress(c, w, kminus):
    new_w = w + c["lambda"] * (-c.alpha * jnp.exp(c.mu_minus * w) * kminus - c.beta)
    return jnp.where(c["lambda"] == 0.0, w, jnp.where(new_w > 0.0, new_w, 0.0))


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
    hidden=(T_LASTSPIKE,), on_pre=pair_rule(_facilitate, _depress), post="stdp", check=check,
    sizeof=48)
