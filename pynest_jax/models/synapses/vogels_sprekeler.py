"""vogels_sprekeler_synapse: symmetric inhibitory STDP (models/vogels_sprekeler_synapse.h;
Vogels et al. 2011). Each pre-post pair facilitates by eta times the trace, whichever
spike came first; each presynaptic spike also depresses by alpha * eta. The weight keeps
Wmax's sign and |weight| stays within [0, |Wmax|]."""

import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from .._spec import Param, SynapseModel
from .stdp import T_LASTSPIKE, pair_rule


def _facilitate(c, w, k):
    new_w = jnp.abs(w) + c.eta * k
    return jnp.copysign(jnp.where(new_w < jnp.abs(c.Wmax), new_w, c.Wmax), c.Wmax)


def _depress(c, w, kminus):
    """Facilitation by the post-synaptic trace, then the constant depression."""
    w = _facilitate(c, w, kminus)
    new_w = jnp.abs(w) - c.alpha * c.eta
    return jnp.copysign(jnp.where(new_w > 0.0, new_w, 0.0), c.Wmax)


def check(v):
    w = v["weight"]
    if ((w != 0) & (np.signbit(w) != np.signbit(v["Wmax"]))).any():
        return "Weight and Wmax must have same sign."
    if not (v["Kplus"] >= 0).all():
        return "State Kplus must be positive."
    return None


vogels_sprekeler_synapse = SynapseModel(
    name="vogels_sprekeler_synapse", doc="Synapse with symmetric spike-timing dependent "
    "plasticity for inhibitory synapses.",
    params=(Param("tau", 20.0, u.ms, "time constant of the traces"),
            Param("alpha", 0.12, None, "constant depression at each presynaptic spike"),
            Param("eta", 0.001, None, "learning rate"),
            Param("Wmax", 1.0, None, "maximal absolute weight, with the weight's sign"),
            Param("Kplus", 0.0, None, "presynaptic trace")),
    default_weight=0.5, hidden=(T_LASTSPIKE,),
    on_pre=pair_rule(_facilitate, _depress, lambda c, dt: dt / c.tau), post="stdp",
    check=check, sizeof=80)
