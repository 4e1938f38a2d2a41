"""stdp_dopamine_synapse: dopamine-modulated STDP (models/stdp_dopamine_synapse.h;
Izhikevich 2007, Potjans et al. 2010).

Per connection: the weight, the eligibility trace c, the dopamine trace n, the
presynaptic trace Kplus. Pre/post pairings change c (facilitation by A_plus at
each post-synaptic spike, depression by A_minus at each presynaptic one); the
weight follows c times the dopamine trace above its baseline b. The dopamine
spikes come from the volume transmitter the model names (``dopa``: its history
since its last deliver interval, kernel/dopamine.py). NEST advances a connection
at its presynaptic spikes (``on_pre``) and, for all connections of the model, at
the end of every deliver interval (``on_trigger``); both go from the connection's
last update to the new time through the post-synaptic spikes (facilitation) and
the dopamine spikes in between, in NEST's order of operations.

Hidden per connection: ``t_last_update`` and ``t_dopa`` (the time of the last
dopamine spike processed: where NEST keeps an index into the transmitter's list,
whose first entry is the time of the last trigger).
"""

import jax.numpy as jnp

from ..._brainunit import u
from .._spec import Param, State, SynapseModel
from .stdp import KPLUS

STDP_EPS = 1.0e-6  # ConnectionManager::stdp_eps_ (ms)

COMMON = (
    Param("A_plus", 1.0, None, "multiplier of facilitation (pre before post)"),
    Param("A_minus", 1.5, None, "multiplier of depression (post before pre)"),
    Param("tau_plus", 20.0, u.ms, "time constant of the presynaptic trace"),
    Param("tau_c", 1000.0, u.ms, "time constant of the eligibility trace"),
    Param("tau_n", 200.0, u.ms, "time constant of the dopamine trace"),
    Param("b", 0.0, None, "dopamine baseline concentration"),
    Param("Wmin", 0.0, None, "minimal weight"),
    Param("Wmax", 200.0, None, "maximal weight"),
)
TRACES = (Param("c", 0.0, None, "eligibility trace"),
          Param("n", 0.0, None, "dopamine trace"))
HIDDEN = (State("t_last_update", 0.0, u.ms, "time of the last update"),
          State("t_dopa", 0.0, u.ms, "time of the last dopamine spike processed"))


def _ms(x):
    return x.to_decimal(u.ms) if isinstance(x, u.Quantity) else x


class _Rule:
    """The common properties as plain floats (ms), and NEST's per-connection steps."""

    def __init__(self, c):
        self.A_plus, self.A_minus, self.b = c.A_plus, c.A_minus, c.b
        self.Wmin, self.Wmax = c.Wmin, c.Wmax
        self.tau_plus, self.tau_c, self.tau_n = (_ms(c.tau_plus), _ms(c.tau_c), _ms(c.tau_n))

    def update_weight(self, w, c0, n0, minus_dt):
        """update_weight_: the weight over minus_dt (< 0) with c0 and n0 at its start."""
        taus = (self.tau_c + self.tau_n) / (self.tau_c * self.tau_n)
        w = w - c0 * (n0 / taus * jnp.expm1(taus * minus_dt)
                      - self.b * self.tau_c * jnp.expm1(minus_dt / self.tau_c))
        w = jnp.where(w < self.Wmin, self.Wmin, w)
        return jnp.where(w > self.Wmax, self.Wmax, w)

    def process_dopa_spikes(self, dopa, st, t0, t1):
        """process_dopa_spikes_: weight and c from t0 to t1 through the dopamine
        spikes in (t_dopa, t1]; st = (w, c, n, t_dopa), n at t_dopa."""
        w, c, n, td = st

        def each(v, spike, first):
            w_, n_, td_ = v
            c_at = jnp.where(first, c, c * jnp.exp((t0 - td_) / self.tau_c))
            n_at = jnp.where(first, n_ * jnp.exp((td_ - t0) / self.tau_n), n_)
            dt = jnp.where(first, t0 - spike.t, td_ - spike.t)
            w_ = self.update_weight(w_, c_at, n_at, dt)
            n_ = n_ * jnp.exp((td_ - spike.t) / self.tau_n) + spike.multiplicity / self.tau_n
            return w_, n_, jnp.broadcast_to(spike.t, td_.shape)

        (w, n, td), some = dopa.fold(td, t1, each, (w, n, td))
        after = self.update_weight(w, c * jnp.exp((t0 - td) / self.tau_c), n, td - t1)
        none = self.update_weight(w, c, n * jnp.exp((td - t0) / self.tau_n), t0 - t1)
        w = jnp.where(some, after, none)
        return w, c * jnp.exp((t0 - t1) / self.tau_c), n, td

    def through_post(self, c, post, dopa, t, check_pairing):
        """From t_last_update to t: each post-synaptic spike (seen through the
        dendritic delay) first advances the dopamine part, then facilitates."""
        dd = _ms(c.delay)
        tlu = _ms(c.t_last_update)
        td = jnp.maximum(_ms(c.t_dopa), dopa.base)
        st = (c.weight, c.c, c.n, td)

        def each(v, entry):
            st_, t0 = v
            te = _ms(entry.t)
            tp = te + dd
            w_, c_, n_, td_ = self.process_dopa_spikes(dopa, st_, t0, tp)
            fac = c_ + self.A_plus * (c.Kplus * jnp.exp((tlu - tp) / self.tau_plus))
            if check_pairing:  # send(): no facilitation for pre and post at one time
                fac = jnp.where(t - te > STDP_EPS, fac, c_)
            return (w_, fac, n_, td_), jnp.broadcast_to(tp, t0.shape)

        st, t0 = post.fold(tlu - dd, t - dd, each, (st, tlu * jnp.ones_like(c.weight)))
        return self.process_dopa_spikes(dopa, st, t0, t)


def on_pre(c, post, t, ctx):
    rule = _Rule(c)
    t = _ms(t)
    w, cc, n, td = rule.through_post(c, post, ctx.dopa, t, True)
    cc = cc - rule.A_minus * post.K_value(t - _ms(c.delay))
    tlu = _ms(c.t_last_update)
    kplus = c.Kplus * jnp.exp((tlu - t) / rule.tau_plus) + 1.0
    ms = lambda x: u.Quantity(x, unit=u.ms)  # noqa: E731
    return {"weight": w, "c": cc, "n": n, "Kplus": kplus,
            "t_last_update": ms(t * jnp.ones_like(w)), "t_dopa": ms(td)}, w


def on_trigger(c, post, dopa, t):
    """trigger_update_weight: every state variable to t, no spike at t."""
    rule = _Rule(c)
    t = _ms(t)
    w, cc, n, td = rule.through_post(c, post, dopa, t, False)
    n = n * jnp.exp((td - t) / rule.tau_n)
    kplus = c.Kplus * jnp.exp((_ms(c.t_last_update) - t) / rule.tau_plus)
    at = u.Quantity(t * jnp.ones_like(w), unit=u.ms)
    return {"weight": w, "c": cc, "n": n, "Kplus": kplus, "t_last_update": at, "t_dopa": at}


def check(v):
    if (v["Kplus"] < 0).any():
        return "Kplus must be non-negative."
    return None


stdp_dopamine_synapse = SynapseModel(
    name="stdp_dopamine_synapse", doc="Synapse with dopamine-modulated spike-timing "
    "dependent plasticity.",
    params=(KPLUS,) + TRACES, common=COMMON, hidden=HIDDEN, on_pre=on_pre,
    on_trigger=on_trigger, post="stdp", reads_from="t_last_update", check=check, sizeof=None)
