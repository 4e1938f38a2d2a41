"""urbanczik_synapse: dendritic prediction of somatic spiking (models/urbanczik_synapse.h;
Urbanczik & Senn 2014).

At each presynaptic spike the dendritic error history of the target since the
previous presynaptic spike (kernel/archives.py, ``Archiving(history="urbanczik")``;
seen through the dendritic delay, the whole delay) is filtered by the synapse's
presynaptic traces into PI_integral and its low-pass PI_exp_integral; the weight is
init_weight plus their difference times 15 C_m tau_s eta / (g_L (tau_L - tau_s)),
clipped to [Wmin, Wmax], with the dendrite's C_m, g_L, tau_L = C_m / g_L and tau_s
its excitatory or inhibitory synaptic time constant by the weight's sign; the
event carries it; then the traces decay and jump by one.
"""

import jax.numpy as jnp

from ..._brainunit import u
from .._spec import Param, State, SynapseModel
from .clopath import same_sign_urbanczik


def on_pre(c, post, t, ctx):
    ms = lambda q: q.to_decimal(u.ms)  # noqa: E731
    t_spike, last, d, tau_D = ms(t), ms(c.t_lastspike), ms(c.delay), ms(c.tau_Delta)
    tau_L, C_m, g_L = post.tau_L, post.C_m, post.g_L
    tau_s = jnp.where(c.weight > 0.0, post.tau_syn_ex, post.tau_syn_in)
    tl, ts = c.tau_L_trace, c.tau_s_trace

    def terms(entry):  # each entry's share of the two sums, independent of the others
        t_up = ms(entry.t) + d
        minus_delta_t_up = last - t_up
        pi = (tl * jnp.exp(minus_delta_t_up / tau_L) - ts * jnp.exp(minus_delta_t_up / tau_s)) * entry.dw
        return pi, jnp.exp((t_up - t_spike) / tau_D) * pi

    pi_int, dpi_exp = post.sum(last - d, t_spike - d, terms,
                               (c.PI_integral, jnp.zeros_like(c.PI_integral)))
    pi_exp = jnp.exp((last - t_spike) / tau_D) * c.PI_exp_integral + dpi_exp
    w = pi_int - pi_exp
    w = c.init_weight + w * 15.0 * C_m * tau_s * c.eta / (g_L * (tau_L - tau_s))
    w = jnp.where(w > c.Wmax, c.Wmax, jnp.where(w < c.Wmin, c.Wmin, w))
    return {"weight": w, "PI_integral": pi_int, "PI_exp_integral": pi_exp,
            "tau_L_trace": tl * jnp.exp((last - t_spike) / tau_L) + 1.0,
            "tau_s_trace": ts * jnp.exp((last - t_spike) / tau_s) + 1.0,
            "t_lastspike": t}, w


urbanczik_synapse = SynapseModel(
    name="urbanczik_synapse", doc="Synapse with the Urbanczik-Senn plasticity rule.",
    params=(Param("tau_Delta", 100.0, u.ms, "time constant of the low-pass filtered error"),
            Param("eta", 0.07, None, "learning rate"),
            Param("Wmin", 0.0, None, "minimal weight"),
            Param("Wmax", 100.0, None, "maximal weight")),
    hidden=(State("init_weight", 1.0, None, "the weight at the last set_status"),
            State("PI_integral", 0.0, None, "integral of the dendritic error"),
            State("PI_exp_integral", 0.0, None, "its low-pass filtered integral"),
            State("tau_L_trace", 0.0, None, "presynaptic trace with the dendrite's tau_L"),
            State("tau_s_trace", 0.0, None, "presynaptic trace with tau_syn"),
            State("t_lastspike", -1.0, u.ms, "time of the last presynaptic spike")),
    on_pre=on_pre, post="urbanczik", check=same_sign_urbanczik,
    set_hidden=lambda v: {"init_weight": v["weight"]}, sizeof=112)
