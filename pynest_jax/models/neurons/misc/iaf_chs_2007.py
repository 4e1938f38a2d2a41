"""iaf_chs_2007: the normalized spike-response neuron of Carandini, Horton and Sincich
(2007), for LGN relay cells driven by retinal input: an exponentially decaying
excitatory input filtered once more, an after-spike potential that decays with
tau_reset, and a noise signal given as a vector, one sample per step
(NEST models/iaf_chs_2007.{h,cpp}). Exact integration on the grid."""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import Exact
from .._common import Archiving, neuron_params, neuron_state

U_TH = 1.0  # Parameters_::U_th_ (normalized, not settable)


def pre_run(v, ctx):
    """The noise samples as a padded device array, one zero after each node's last
    (a position past the end reads 0; NEST reads beyond its vector)."""
    n = len(v["position"])
    noise = [np.asarray(x, float).reshape(-1) for x in v["noise"]][:n]
    L = max([0] + [len(a) for a in noise]) + 1
    out = np.zeros((n, L))
    for i, a in enumerate(noise):
        out[i, :len(a)] = a
    return {"noise_samples": out, "noise_length": np.array([len(a) for a in noise], np.int64)}


def derive(p, ctx):
    """pre_run_hook's propagators, in NEST's order of operations (C = 1)."""
    h = ctx.h_ms
    tau_epsp, tau_reset = p.tau_epsp.to_decimal(u.ms), p.tau_reset.to_decimal(u.ms)
    P11ex = jnp.exp(-h / tau_epsp)
    P22 = jnp.exp(-h / tau_epsp)
    return dict(P11ex=P11ex, P22=P22, P30=jnp.exp(-h / tau_reset),
                P21ex=p.V_epsp * np.exp(1.0) / 1.0 * P11ex * h / tau_epsp)


def update(p, d, s, x, ctx):
    """iaf_chs_2007::update."""
    V_syn = s.V_syn * d.P22 + s.i_syn_ex * d.P21ex
    i_syn = s.i_syn_ex * d.P11ex + x.ex
    V_spike = s.V_spike * d.P30
    noisy = (p.V_noise > 0.0) & (s.noise_length > 0)
    pos = jnp.minimum(s.position, s.noise_samples.shape[1] - 1)
    sample = jnp.take_along_axis(s.noise_samples, pos[:, None], axis=1)[:, 0]
    noise = jnp.where(noisy, p.V_noise * sample, 0.0)
    V = V_syn + V_spike + noise
    spike = V >= U_TH
    V_spike = jnp.where(spike, V_spike - p.V_reset, V_spike)
    V = jnp.where(spike, V - p.V_reset, V)
    return s.replace(V_m=V, V_syn=V_syn, i_syn_ex=i_syn, V_spike=V_spike,
                     position=jnp.where(noisy, s.position + 1, s.position)), spike


def on_set(old, new, ctx):
    """Parameters_::set: a new noise vector starts from its first sample."""
    if "noise" in new:
        return {**new, "position": np.zeros(len(new["noise"]), np.int64)}
    return new


def check(p):
    a = lambda k: np.asarray(p[k])  # noqa: E731
    if np.any(a("V_epsp") < 0):
        return "EPSP cannot be negative."
    if np.any(a("V_reset") < 0):
        return "Reset potential cannot be negative."
    if np.any(a("tau_epsp") <= 0) or np.any(a("tau_reset") <= 0):
        return "All time constants must be strictly positive."
    return None


iaf_chs_2007 = NeuronModel(
    name="iaf_chs_2007",
    doc="Spike-response model of retina-driven LGN relay cells (Carandini et al. 2007).",
    params=neuron_params(
        Param("V_reset", 2.31, None, "after-spike reset (normalized, subtracted)"),
        Param("V_epsp", 0.77, None, "EPSP amplitude (normalized)"),
        Param("tau_epsp", 8.5, u.ms, "EPSP time constant"),
        Param("tau_reset", 15.4, u.ms, "time constant of the after-spike potential"),
        Param("V_noise", 0.0, None, "noise amplitude (normalized)"),
        Param("noise", np.zeros(0), None, "noise signal, one sample per step",
              dtype="vector"),
    ),
    state=neuron_state(
        State("V_m", 0.0, None, "membrane potential (normalized)"),
        State("V_syn", 0.0, None, "synaptic potential", hidden=True),
        State("i_syn_ex", 0.0, None, "excitatory synaptic input", hidden=True),
        State("V_spike", 0.0, None, "after-spike potential", hidden=True),
        State("position", 0, None, "next noise sample", dtype="int", hidden=True),
        State("noise_samples", 0.0, None, "noise, padded", hidden=True),
        State("noise_length", 0, None, "number of noise samples", dtype="int", hidden=True),
    ),
    # handle(SpikeEvent&): spikes of negative weight are dropped; no current input
    channels=(Channel("ex"), Channel("dropped")),
    spike_receptors={0: ("ex", "dropped")},
    current_receptors={},
    recordables=("V_m",),
    check=check,
    on_set=on_set,
    derive=derive,
    update=update,
    pre_run=pre_run,
    integrator=Exact(),
    archiving=Archiving(),
)
