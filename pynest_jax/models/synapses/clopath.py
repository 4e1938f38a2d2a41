"""clopath_synapse: voltage-based STDP (models/clopath_synapse.h; Clopath et al. 2010).

At each presynaptic spike: facilitation by every LTP entry of the target's archive
since the previous presynaptic spike (seen through the dendritic delay, the whole
delay), scaled by the presynaptic trace x_bar decayed to the entry, each step capped
at Wmax; then depression by the LTD entry at the spike, floored at Wmin; the event
carries the new weight; then x_bar jumps by 1 / tau_x. The archive is the target's
(kernel/archives.py, ``Archiving(history="clopath")``).
"""

import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from .._spec import Param, State, SynapseModel


def on_pre(c, post, t, ctx):
    ms = lambda q: q.to_decimal(u.ms)  # noqa: E731
    t_spike, last, d, tau_x = ms(t), ms(c.t_lastspike), ms(c.delay), ms(c.tau_x)

    def each(w, entry):
        minus_dt = last - (ms(entry.t) + d)
        w = w + entry.dw * (c.x_bar * jnp.exp(minus_dt / tau_x))
        return jnp.where(w < c.Wmax, w, c.Wmax)

    w = post.fold(last - d, t_spike - d, each, c.weight)
    w = w - post.LTD_value(t_spike - d)
    w = jnp.where(w > c.Wmin, w, c.Wmin)
    x_bar = c.x_bar * jnp.exp((last - t_spike) / tau_x) + 1.0 / tau_x
    return {"weight": w, "x_bar": x_bar, "t_lastspike": t}, w


def _positive(x):
    return x >= 0


def check(v):
    w = v["weight"]
    if not (_positive(w) == _positive(v["Wmin"])).all():  # Wmin 0 counts as positive
        return "Weight and Wmin must have same sign."
    if not (_positive(w) == (v["Wmax"] > 0)).all():  # Wmax 0 as negative
        return "Weight and Wmax must have same sign."
    return None


clopath_synapse = SynapseModel(
    name="clopath_synapse", doc="Synapse with voltage-based STDP (Clopath et al. 2010).",
    params=(Param("x_bar", 0.0, None, "presynaptic trace"),
            Param("tau_x", 15.0, u.ms, "time constant of the presynaptic trace"),
            Param("Wmin", 0.0, None, "minimal weight"),
            Param("Wmax", 100.0, None, "maximal weight")),
    hidden=(State("t_lastspike", 0.0, u.ms, "time of the last presynaptic spike"),),
    on_pre=on_pre, post="clopath", check=check, sizeof=72)


def same_sign_urbanczik(v):
    w = v["weight"]
    # urbanczik_synapse::set_status tests Wmax under Wmin's message (signbit: -0.0 too)
    if not (np.signbit(w) == np.signbit(v["Wmax"])).all():
        return "Weight and Wmin must have same sign."
    if not (_positive(w) == (v["Wmax"] > 0)).all():
        return "Weight and Wmax must have same sign."
    return None
