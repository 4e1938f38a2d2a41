"""The nearest-neighbour STDP rules (models/stdp_nn_symm_synapse.h,
stdp_nn_pre_centered_synapse.h, stdp_nn_restr_synapse.h; Morrison et al. 2008, fig. 7).

The weight dependence is stdp_synapse's; what differs is which spike pairs count:
- symm: each post-synaptic spike pairs with the nearest presynaptic one before it, and
  the presynaptic spike with the nearest post-synaptic one before it;
- pre_centered: the presynaptic trace is reset at the first post-synaptic spike after
  it, so a post spike sees the pre spikes since the previous post spike; depression by
  the nearest post-synaptic spike;
- restr: only pairs of neighbours: the first post spike after the previous pre spike
  facilitates, and depression happens only if there was one.
Post-synaptic spikes are seen through the dendritic delay (the whole delay).
"""

import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from .._spec import SynapseModel
from .stdp import KPLUS, STDP_KEYS, T_LASTSPIKE, check as stdp_check, depress, facilitate, \
    same_sign


def _nearest_k(post, t):
    """The nearest post-synaptic spike's trace value (ArchivingNode::get_K_values)."""
    return post.K_values(t)[1]


def _first_in_window(post, c, t, dd, fn):
    """``fn(w, entry)`` for the first archived post spike in (t_lastspike, t] seen
    through the dendritic delay; also whether there was one."""

    def each(value, entry):
        w, seen = value
        return jnp.where(seen, w, fn(w, entry)), jnp.ones_like(seen)

    return post.fold(c.t_lastspike - dd, t - dd, each,
                     (c.weight, jnp.zeros(c.weight.shape, jnp.bool_)))


def on_pre_symm(c, post, t, ctx):
    dd = c.delay

    def each(w, entry):
        minus_dt = c.t_lastspike - (entry.t + dd)
        return facilitate(c, w, u.math.exp(minus_dt / c.tau_plus))

    w = post.fold(c.t_lastspike - dd, t - dd, each, c.weight)
    w = depress(c, w, _nearest_k(post, t - dd))
    return {"weight": w, "t_lastspike": t}, w


def on_pre_pre_centered(c, post, t, ctx):
    dd = c.delay

    def first(w, entry):
        minus_dt = c.t_lastspike - (entry.t + dd)
        return facilitate(c, w, c.Kplus * u.math.exp(minus_dt / c.tau_plus))

    w, seen = _first_in_window(post, c, t, dd, first)
    kplus = jnp.where(seen, 0.0, c.Kplus)  # the trace is used up by the post spike
    w = depress(c, w, _nearest_k(post, t - dd))
    kplus = kplus * u.math.exp((c.t_lastspike - t) / c.tau_plus) + 1.0
    return {"weight": w, "Kplus": kplus, "t_lastspike": t}, w


def on_pre_restr(c, post, t, ctx):
    dd = c.delay

    def first(w, entry):
        minus_dt = c.t_lastspike - (entry.t + dd)
        return facilitate(c, w, u.math.exp(minus_dt / c.tau_plus))

    w, seen = _first_in_window(post, c, t, dd, first)
    w = jnp.where(seen, depress(c, w, _nearest_k(post, t - dd)), w)
    return {"weight": w, "t_lastspike": t}, w


def check_signbit(v):
    """stdp_nn_symm_synapse compares sign bits: -0.0 is negative."""
    if (np.signbit(v["weight"]) != np.signbit(v["Wmax"])).any():
        return "Weight and Wmax must have same sign."
    return None


def check_same_sign(v):
    return None if same_sign(v) else "Weight and Wmax must have same sign."


stdp_nn_symm_synapse = SynapseModel(
    name="stdp_nn_symm_synapse", doc="Synapse with symmetric nearest-neighbour STDP.",
    params=STDP_KEYS, hidden=(T_LASTSPIKE,), on_pre=on_pre_symm, post="stdp",
    check=check_signbit, sizeof=88)

stdp_nn_pre_centered_synapse = SynapseModel(
    name="stdp_nn_pre_centered_synapse",
    doc="Synapse with presynaptic-centered nearest-neighbour STDP.",
    params=STDP_KEYS + (KPLUS,), hidden=(T_LASTSPIKE,), on_pre=on_pre_pre_centered,
    post="stdp", check=stdp_check, sizeof=96)

stdp_nn_restr_synapse = SynapseModel(
    name="stdp_nn_restr_synapse", doc="Synapse with restricted symmetric nearest-neighbour STDP.",
    params=STDP_KEYS, hidden=(T_LASTSPIKE,), on_pre=on_pre_restr, post="stdp",
    check=check_same_sign, sizeof=88)
