"""Synapses that transmit at random: bernoulli_synapse (models/bernoulli_synapse.h)
and quantal_stp_synapse (models/quantal_stp_synapse.h; Fuhrmann et al. 2002,
Loebel et al. 2009). A failed transmission sends no event (``send`` returns
false), which a target that counts spikes (parrot_neuron) must not see: on_pre
returns whether each event was sent."""

import jax
import jax.numpy as jnp

from ..._brainunit import u
from .._spec import Param, State, SynapseModel
from .tsodyks import stp_check


def _on_pre_bernoulli(c, post, t, ctx):
    sent = jax.random.uniform(ctx.key, c.weight.shape, c.weight.dtype) < c.p_transmit
    return {}, c.weight, sent


def _check_bernoulli(v):
    if ((v["p_transmit"] < 0) | (v["p_transmit"] > 1)).any():
        return "Spike transmission probability must be in [0, 1]."
    return None


bernoulli_synapse = SynapseModel(
    name="bernoulli_synapse", doc="Static synapse that transmits with probability p_transmit.",
    params=(Param("p_transmit", 1.0, None, "probability of transmission"),),
    on_pre=_on_pre_bernoulli, check=_check_bernoulli, uses_rng=True, sizeof=40)


def _on_pre_quantal(c, post, t, ctx):
    """Between spikes each depleted site of n recovers with probability 1 - exp(-h /
    tau_rec) and u relaxes to U (not at the first spike); then each of the a available
    sites releases with probability u; the event carries (sites released) * weight."""
    k_rec, k_rel = jax.random.split(ctx.key)
    later = c.t_lastspike.mantissa >= 0.0
    h = t - c.t_lastspike
    p_decay = u.math.exp(-h / c.tau_rec)
    no_fac = c.tau_fac.mantissa < 1.0e-10
    safe_fac = jnp.where(no_fac, 1.0, c.tau_fac.mantissa) * u.ms
    u_decay = jnp.where(no_fac, 0.0, u.math.exp(-h / safe_fac))
    uu = jnp.where(later, c.U + c.u * (1.0 - c.U) * u_decay, c.u)
    depleted = jnp.maximum(c.n - c.a, 0.0)
    recovered = jax.random.binomial(k_rec, depleted, jnp.clip(1.0 - p_decay, 0.0, 1.0))
    a = jnp.where(later, c.a + recovered, c.a)
    released = jax.random.binomial(k_rel, jnp.maximum(a, 0.0), jnp.clip(uu, 0.0, 1.0))
    released = jnp.where(a > 0, released, 0.0)
    return ({"u": uu, "a": a - released, "t_lastspike": t}, released * c.weight,
            released > 0)


quantal_stp_synapse = SynapseModel(
    name="quantal_stp_synapse", doc="Probabilistic synapse with n release sites and "
    "short-term plasticity.",
    params=(Param("U", 0.5, None, "increment of u at each spike"),
            Param("u", 0.5, None, "release probability of each site"),
            Param("tau_rec", 800.0, u.ms, "time constant of recovery of a site"),
            Param("tau_fac", 0.0, u.ms, "time constant of facilitation (0: none)"),
            Param("n", 1, None, "number of release sites", dtype="int"),
            Param("a", 1, None, "number of available release sites", dtype="int")),
    hidden=(State("t_lastspike", -1.0, u.ms, "time of the last presynaptic spike"),),
    on_pre=_on_pre_quantal, check=stp_check("U", "u", "tau_rec", "tau_fac"), uses_rng=True,
    sizeof=None)
