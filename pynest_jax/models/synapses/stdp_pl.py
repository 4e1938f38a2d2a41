"""stdp_pl_synapse_hom: STDP with power-law weight dependence of facilitation
(models/stdp_pl_synapse_hom.h; Morrison et al. 2007), parameters common to all
connections. No upper bound: facilitation adds lambda * w**mu * Kplus."""

import jax.numpy as jnp

from ..._brainunit import u
from .._spec import Param, SynapseModel
from .stdp import KPLUS, PER_SOURCE, T_LASTSPIKE, pair_rule


def _facilitate(c, w, kplus):
    return w + c["lambda"] * jnp.power(w, c.mu) * kplus


def _depress(c, w, kminus):
    new_w = w - c["lambda"] * c.alpha * w * kminus
    return jnp.where(new_w > 0.0, new_w, 0.0)


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
    # NEST multiplies by the inverse of tau_plus it keeps
    hidden=(T_LASTSPIKE,), on_pre=pair_rule(_facilitate, _depress,
                                            lambda c, dt: dt * (1.0 / c.tau_plus)),
    post="stdp", check=check, sizeof=48, per_source=PER_SOURCE)
