"""Keys every NEST neuron carries (ArchivingNode, StructuralPlasticityNode,
IgnoreAndSpikeMechanism in nestkernel/): declared once, added to each neuron."""

import dataclasses
from typing import Optional

import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from .._spec import Param, State

ARCHIVING_PARAMS = (
    Param("beta_Ca", 0.001, None, "increment of the calcium concentration per spike"),
    Param("tau_Ca", 10000.0, u.ms, "time constant of the calcium concentration"),
    Param("tau_minus", 20.0, u.ms, "time constant of the STDP post-synaptic trace"),
    Param("tau_minus_triplet", 110.0, u.ms, "time constant of the triplet STDP trace"),
    Param("synaptic_elements", {}, None, "structural plasticity elements", dtype="dict"),
    Param("ignore_and_spike", False, None, "ignore dynamics, spike at fixed intervals", dtype="bool"),
    Param("ignore_and_spike_interval", 100.0, u.ms, "interval of forced spikes"),
    Param("ignore_and_spike_offset", 1.0, u.ms, "time of the first forced spike"),
)

# Updated by the kernel at each spike (ArchivingNode::set_spiketime), not by the model.
ARCHIVING_STATE = (
    State("Ca", 0.0, None, "calcium concentration, updated at spikes and at the end of each run"),
    State("Ca_t", 0.0, u.ms, "time of the last calcium update", hidden=True),
    State("t_spike", -1.0, u.ms, "time of the last spike"),
    State("post_trace", 0.0, None, "STDP post-synaptic trace"),
    State("archiver_length", 0, None, "length of the spike history", dtype="int"),
)


# ClopathArchivingNode (nestkernel/clopath_archiving_node.cpp): what its neurons keep
# for clopath_synapse; the traces themselves (u_bar_plus, ...) are the model's state.
CLOPATH_PARAMS = (
    Param("A_LTD", 14.0e-5, u.mV ** -1, "amplitude of depression"),
    Param("A_LTP", 8.0e-5, u.mV ** -2, "amplitude of facilitation"),
    Param("u_ref_squared", 60.0, u.mV ** 2, "reference value of u_bar_bar squared"),
    Param("theta_plus", -45.3, u.mV, "threshold of u for potentiation"),
    Param("theta_minus", -70.6, u.mV, "threshold of the delayed u_bar_plus/minus"),
    Param("A_LTD_const", True, None, "A_LTD constant, else scaled by u_bar_bar^2 / u_ref_squared",
          dtype="bool"),
    Param("delay_u_bars", 5.0, u.ms, "delay of u_bar_plus/minus in the weight change"),
)


# The state write_clopath_history reads after each step (with V_m)
CLOPATH_TRACES = ("u_bar_plus", "u_bar_minus", "u_bar_bar")


# What write_urbanczik_history and urbanczik_synapse read from the neuron: the
# dendrite's V_m after each step, the soma's leak and coupling and rate function
# (V_W_star, phi, h), the dendrite's time constants
URBANCZIK_KEYS = ("V_m.p", "g_sp", "g_L.s", "E_L.s", "phi_max", "rate_slope", "beta", "theta",
                  "C_m.p", "g_L.p", "tau_syn_ex.p", "tau_syn_in.p")


def clopath_check(p):
    """ClopathArchivingNode::set_status, after ArchivingNode's: its one test."""
    if "u_ref_squared" in p and np.any(np.asarray(p["u_ref_squared"], float) <= 0):
        return "Ensure that u_ref_squared > 0"
    return None


def _offset_steps(offset, grid):
    """IgnoreAndSpikeMechanism::initialize_offset: Time(Time::ms(offset)).get_steps()."""
    return np.atleast_1d(grid.ms_to_steps(np.asarray(offset, float))).astype(np.int64)


def _steps_until_first_forced_spike(cols, ctx):
    return _offset_steps(cols["ignore_and_spike_offset"], ctx.grid)


# The counter of IgnoreAndSpikeMechanism, for the models whose update asks
# ctx.spike_due (NEST: iaf_psc_delta and the eprop models call spike_event_is_due).
IGNORE_AND_SPIKE_STATE = (
    State("steps_until_spike", _steps_until_first_forced_spike, None,
          "steps until the next forced spike", dtype="int", hidden=True),
)


def ignore_and_spike_on_set(old, new, ctx):
    """IgnoreAndSpikeMechanism::set_status: a new offset restarts the counter."""
    if "ignore_and_spike_offset" not in new:
        return new
    return {**new, "steps_until_spike": _offset_steps(new["ignore_and_spike_offset"], ctx.grid)}


def archiving_check(p):
    """ArchivingNode::set_status, after the model's own checks: NEST's first message."""
    positive = lambda k: k not in p or np.all(np.asarray(p[k], float) > 0)  # noqa: E731
    if not (positive("tau_minus") and positive("tau_minus_triplet")):
        return "All time constants must be strictly positive."
    if "Ca" in p and np.any(np.asarray(p["Ca"], float) < 0):
        return "Calcium concentration cannot be negative."
    if not positive("tau_Ca"):
        return "All time constants must be strictly positive."
    if not positive("beta_Ca"):
        return ("For Ca to function as an integrator of the electrical activity, beta_ca "
                "needs to be greater than 0.")
    if not positive("ignore_and_spike_offset"):
        return "ignore_and_spike_offset > 0 required."
    if not positive("ignore_and_spike_interval"):
        return "ignore_and_spike_interval > 0 required."
    return None


@dataclasses.dataclass(frozen=True)
class Archiving:
    """What NEST's ArchivingNode keeps for a neuron, declared by the model
    (``archiving=Archiving(...)``); the kernel keeps it up to date in the step's
    emit phase (kernel/archiving.py). The keys it needs come from ``neuron_params``,
    ``neuron_state`` and ``IGNORE_AND_SPIKE_STATE``.

    ``spike_history``: the last spike time (``t_spike``), set at each spike; the
    spike history and post-synaptic traces that plastic synapses read go here.
    ``calcium``: ``Ca`` and ``Ca_t``, decayed and incremented at each spike and
    brought to the end of each run. ``ignore_and_spike``: the model's update asks
    IgnoreAndSpikeMechanism whether a spike is due (``ctx.spike_due``); the kernel
    counts ``steps_until_spike``. ``history``: the archive one kind of plastic
    synapse reads, kept after each step from the state the model's update leaves
    (docs/notes_clopath_urbanczik.md): ``"clopath"`` (ClopathArchivingNode: LTD and
    LTP histories from V_m and the u_bar traces, parameters ``CLOPATH_PARAMS``) or
    ``"urbanczik"`` (UrbanczikArchivingNode: the dendrite's history from its V_m and
    the step's spikes); None for a plain ArchivingNode.
    """

    spike_history: bool = True
    calcium: bool = True
    ignore_and_spike: bool = False
    history: Optional[str] = None
    # set_spiketime(stamp, offset): the archived times are precise (the _ps models)
    precise: bool = False

    def check(self, p):
        msg = archiving_check(p)
        if msg is None and self.history == "clopath":
            msg = clopath_check(p)
        return msg

    def on_set(self, old, new, ctx):
        return ignore_and_spike_on_set(old, new, ctx) if self.ignore_and_spike else new

    def required_keys(self) -> set:
        keys = {q.name for q in ARCHIVING_PARAMS}
        if self.spike_history:
            keys.add("t_spike")
        if self.calcium:
            keys |= {"Ca", "Ca_t"}
        if self.ignore_and_spike:
            keys |= {q.name for q in IGNORE_AND_SPIKE_STATE}
        if self.history == "clopath":
            keys |= {q.name for q in CLOPATH_PARAMS} | {"V_m", *CLOPATH_TRACES}
        elif self.history == "urbanczik":
            keys |= set(URBANCZIK_KEYS)
        return keys


def as_vectors(new: dict, keys) -> dict:
    """on_set of a model with per-node vector parameters: each given one a float vector."""
    new = dict(new)
    for key in keys:
        if key in new:
            new[key] = [np.asarray(x, float).reshape(-1) for x in new[key]]
    return new


def unequal_lengths(p, tau_key, q_key, noun="dimension"):
    """NEST's message when a node's two adaptation vectors differ in length, else None."""
    for t, q in zip(p[tau_key], p[q_key]):
        t, q = np.asarray(t).reshape(-1), np.asarray(q).reshape(-1)
        if len(t) != len(q):
            return (f"'{tau_key}' and '{q_key}' need to have the same {noun}.\nSize of "
                    f"{tau_key}: {len(t)}\nSize of {q_key}: {len(q)}")
    return None


def neuron_params(*own):
    return tuple(own) + ARCHIVING_PARAMS


def neuron_state(*own):
    return tuple(own) + ARCHIVING_STATE


def spike_time_ms(ctx):
    """Time::step(n + 1).get_ms() of a spike in this step: tics times ms per tic, as
    the ArchivingNode's spike time that senders computing with it read."""
    grid = ctx._grid
    return ((ctx.n + 1) * grid.tics_per_step).astype(jnp.float64) * (1.0 / grid.tics_per_ms)
