"""ignore_and_fire: a neuron that ignores its input and fires at a fixed rate with a
given phase, for benchmarks whose firing must not depend on the network
(NEST models/ignore_and_fire.{h,cpp})."""

import jax.numpy as jnp
import numpy as np

from ..._spec import Channel, NeuronModel, Param, State
from ...integrators import Exact
from .._common import Archiving, neuron_params, neuron_state


def _steps(p, ctx):
    """calc_initial_variables_: the period and the first spike's phase in steps, at the
    resolution of the moment (at creation and at every set_status)."""
    rate, phase = np.asarray(p["rate"], float), np.asarray(p["phase"], float)
    rate = np.where(rate > 0, rate, 1.0)  # a refused rate (the check follows) gives no error here
    return (ctx.grid.ms_to_steps(1.0 / rate * 1000.0).astype(np.int64),
            ctx.grid.ms_to_steps(phase / rate * 1000.0).astype(np.int64))


def on_set(old, new, ctx):
    merged = {k: new.get(k, old[k]) for k in ("rate", "phase")}
    period, phase = _steps(merged, ctx)
    return {**new, "firing_period_steps": period, "phase_steps": phase}


def update(p, d, s, x, ctx):
    """ignore_and_fire::update: a spike when the phase count reaches 0, then a period."""
    due = s.phase_steps == 0
    return s.replace(phase_steps=jnp.where(due, s.firing_period_steps - 1,
                                           s.phase_steps - 1)), due


def check(p):
    phase, rate = np.asarray(p["phase"]), np.asarray(p["rate"])
    if np.any((phase <= 0.0) | (phase > 1.0)):
        return "Phase must be > 0 and <= 1."
    if np.any(rate <= 0.0):
        return "Firing rate must be > 0."
    return None


ignore_and_fire = NeuronModel(
    name="ignore_and_fire",
    doc="Neuron that ignores its input and fires at a fixed rate and phase.",
    params=neuron_params(
        Param("phase", 1.0, None, "phase of the first spike, in periods"),
        Param("rate", 10.0, None, "firing rate (spikes/s)"),
    ),
    state=neuron_state(
        State("firing_period_steps", lambda p, ctx: _steps(p, ctx)[0], None,
              "steps between spikes", dtype="int", hidden=True),
        State("phase_steps", lambda p, ctx: _steps(p, ctx)[1], None,
              "steps until the next spike", dtype="int", hidden=True),
    ),
    # input is accepted (receptor 0) and ignored
    channels=(Channel("spikes"), Channel("currents")),
    spike_receptors={0: ("spikes", "spikes")},
    current_receptors={0: "currents"},
    # NEST's recordables map is empty, and shown
    extra_status={"recordables": []},
    check=check,
    on_set=on_set,
    update=update,
    integrator=Exact(),
    archiving=Archiving(),
)
