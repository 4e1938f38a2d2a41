"""stdp_pl_synapse_hom: STDP with power-law weight dependence of facilitation
(models/stdp_pl_synapse_hom.h; Morrison et al. 2007), parameters common to all
connections. No upper bound: facilitation adds lambda * w**mu * Kplus."""

import brainunit as u
import jax.numpy as jnp

from .._spec import Param, SynapseModel
from .stdp import KPLUS, T_LASTSPIKE


def on_pre(c, post, t, ctx):
    dd = c.delay
    inv = 1.0 / c.tau_plus  # NEST multiplies by the inverse it keeps

    def each(w, entry):
        minus_dt = c.t_lastspike - (entry.t + dd)
        return w + c["lambda"] * jnp.power(w, c.mu) * (c.Kplus * u.math.exp(minus_dt * inv))

    w = post.fold(c.t_lastspike - dd, t - dd, each, c.weight)
    new_w = w - c["lambda"] * c.alpha * w * post.K_value(t - dd)
    w = jnp.where(new_w > 0.0, new_w, 0.0)
    kplus = c.Kplus * u.math.exp((c.t_lastspike - t) * inv) + 1.0
    return {"weight": w, "Kplus": kplus, "t_lastspike": t}, w


def check(v):
    if not (v["tau_plus"] > 0.0).all():
        return "tau_plus > 0. required."
    return None


stdp_pl_synapse_hom = SynapseModel(
    name="stdp_pl_synapse_hom", doc="Synapse with power-law STDP, parameters common to all "
    "connections.",
    params=(KPLUS,),
    common=(Param("tau_plus", 20.0, u.ms, "time constant of the presynaptic trace"),
            Param("lambda", 0.1, None, "step size"),
            Param("alpha", 1.0, None, "asymmetry of depression to facilitation"),
            Param("mu", 0.4, None, "exponent of the weight dependence of facilitation")),
    hidden=(T_LASTSPIKE,), on_pre=on_pre, post="stdp", check=check, sizeof=48)
