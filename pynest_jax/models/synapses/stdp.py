"""stdp_synapse and stdp_synapse_hom: pair-based STDP with multiplicative or additive
weight dependence (models/stdp_synapse.h, stdp_synapse_hom.h; Guetig et al. 2003).

At each presynaptic spike: facilitation for every post-synaptic spike archived since
the previous presynaptic spike (both seen through the dendritic delay, which is the
whole delay), then depression by the post-synaptic trace at the spike; the event
carries the new weight; then the presynaptic trace Kplus jumps by one.
"""

import jax.numpy as jnp

from ..._brainunit import u
from .._spec import Param, State, SynapseModel

STDP_KEYS = (
    Param("tau_plus", 20.0, u.ms, "time constant of the presynaptic trace"),
    Param("lambda", 0.01, None, "step size"),
    Param("alpha", 1.0, None, "asymmetry of depression to facilitation"),
    Param("mu_plus", 1.0, None, "weight dependence of facilitation"),
    Param("mu_minus", 1.0, None, "weight dependence of depression"),
    Param("Wmax", 100.0, None, "maximal weight"),
)
KPLUS = Param("Kplus", 0.0, None, "presynaptic trace")
T_LASTSPIKE = State("t_lastspike", 0.0, u.ms, "time of the last presynaptic spike")
# with tau_plus common, the pair rule moves these alike for all connections of a source
PER_SOURCE = ("Kplus", "t_lastspike")


def facilitate(c, w, kplus):
    norm_w = w / c.Wmax + c["lambda"] * jnp.power(1.0 - w / c.Wmax, c.mu_plus) * kplus
    return jnp.where(norm_w < 1.0, norm_w * c.Wmax, c.Wmax)


def depress(c, w, kminus):
    norm_w = w / c.Wmax - c.alpha * c["lambda"] * jnp.power(w / c.Wmax, c.mu_minus) * kminus
    return jnp.where(norm_w > 0.0, norm_w * c.Wmax, 0.0)


def pair_rule(facilitate, depress, exponent=lambda c, dt: dt / c.tau_plus):
    """``on_pre`` of the all-to-all pair rules (stdp_synapse, stdp_pl_synapse_hom,
    vogels_sprekeler_synapse, jonke_synapse): ``facilitate(c, w, Kplus at the post
    spike)`` for each archived post spike since the previous presynaptic spike, then
    ``depress(c, w, K_minus at this spike)``, then Kplus decays and jumps by one.
    ``exponent(c, dt)``: the trace's exponent for a time difference, as the model
    computes it."""

    def on_pre(c, post, t, ctx):
        dd = c.delay  # the dendritic delay: the whole delay

        def each(c, w, entry):  # c: the rows that fold visits
            minus_dt = c.t_lastspike - (entry.t + c.delay)
            return facilitate(c, w, c.Kplus * u.math.exp(exponent(c, minus_dt)))

        w = post.fold(c.t_lastspike - dd, t - dd, each, c.weight, values=c)
        w = depress(c, w, post.K_value(t - dd))
        kplus = c.Kplus * u.math.exp(exponent(c, c.t_lastspike - t)) + 1.0
        return {"weight": w, "Kplus": kplus, "t_lastspike": t}, w

    return on_pre


on_pre = pair_rule(facilitate, depress)


def same_sign(v):
    """Weight and Wmax of one sign (NEST counts 0 as positive)."""
    return bool(((v["weight"] >= 0) == (v["Wmax"] >= 0)).all())


def check(v):
    if not same_sign(v):
        return "Weight and Wmax must have same sign."
    if (v["Kplus"] < 0).any():
        return "Kplus must be non-negative."
    return None


stdp_synapse = SynapseModel(
    name="stdp_synapse", doc="Synapse with spike-timing dependent plasticity.",
    params=STDP_KEYS + (KPLUS,), hidden=(T_LASTSPIKE,), on_pre=on_pre, post="stdp",
    check=check, sizeof=96)

# The same rule with its parameters common to all connections of the model.
stdp_synapse_hom = SynapseModel(
    name="stdp_synapse_hom", doc="Synapse with spike-timing dependent plasticity, "
    "parameters common to all connections.",
    params=(KPLUS,), common=STDP_KEYS, hidden=(T_LASTSPIKE,), on_pre=on_pre, post="stdp",
    check=check, sizeof=48, per_source=PER_SOURCE)
