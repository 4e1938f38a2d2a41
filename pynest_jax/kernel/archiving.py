"""NEST's ArchivingNode and IgnoreAndSpikeMechanism inside the compiled step, for the
neurons whose declaration asks for them (``NeuronModel.archiving``).

This is the emit phase's bookkeeping at a neuron's spikes. The post-synaptic spike
history that plastic synapses read (K_minus and triplet traces, trimmed history)
belongs here too, kept only for the neurons that declare it.
"""

from __future__ import annotations

from .._brainunit import u
import jax
import jax.numpy as jnp


def ms_of_steps(grid, steps):
    """Time::step(steps).get_ms(): tics times ms per tic, as NEST computes it."""
    return (steps * grid.tics_per_step) * (1.0 / grid.tics_per_ms)


def ignore_and_spike(arch, p, s, steps_of):
    """IgnoreAndSpikeMechanism::spike_event_is_due, for models that declare it:
    (on, forced spike this step, the counter after the step), or None.
    ``steps_of(t)`` is Time(Time::ms(t)).get_steps()."""
    if arch is None or not arch.ignore_and_spike:
        return None
    on = jnp.asarray(p.ignore_and_spike)
    left = s.steps_until_spike - 1
    forced = on & (left == 0)
    interval = steps_of(p.ignore_and_spike_interval)
    after = jnp.where(forced, interval.astype(left.dtype), left)
    return on, forced, jnp.where(on, after, s.steps_until_spike)


def set_spiketime(arch, grid, p, s, spikes, n, offset=None):
    """ArchivingNode::set_spiketime at each spike of step n: t_spike, and the
    calcium trace decayed from its last update to the spike, plus beta_Ca per spike
    (set_spiketime runs once per spike of a multiplicity: the first decays Ca, each
    adds beta_Ca). At the step's end: the models here that send spike offsets
    (iaf_chxk_2008, iaf_tum_2000) archive the grid time, as NEST's do; the precise
    models the stamp minus the offset."""
    if arch is None:
        return s
    fired = jnp.asarray(spikes) > 0
    t = ms_of_steps(grid, n + 1)
    if arch.precise and offset is not None:
        # the product rounded before the difference, as NEST has it: XLA fuses the two
        # into one multiply-add (a different last bit) unless the product passes through
        # an OR with a zero it cannot prove (n >> 62: steps stay below 2^62), as in
        # models/devices/_sinusoidal.rounded
        bits = jax.lax.bitcast_convert_type(t, jnp.int64) | (jnp.asarray(n, jnp.int64) >> 62)
        t = jax.lax.bitcast_convert_type(bits, jnp.float64) - offset
    changes = {}
    if arch.spike_history:
        dtype = s.t_spike.to_decimal(u.ms).dtype
        changes["t_spike"] = u.Quantity(
            jnp.where(fired, t, s.t_spike.to_decimal(u.ms)).astype(dtype), unit=u.ms)
    if arch.calcium:
        ca_t = s.Ca_t.to_decimal(u.ms)
        ca = s.Ca * jnp.exp((ca_t - t) / p.tau_Ca.to_decimal(u.ms)) + p.beta_Ca * jnp.asarray(spikes)
        changes["Ca_t"] = u.Quantity(jnp.where(fired, t, ca_t).astype(ca_t.dtype), unit=u.ms)
        changes["Ca"] = jnp.where(fired, ca, s.Ca).astype(jnp.asarray(s.Ca).dtype)
    return s.replace(**changes)


def decay_calcium(arch, grid, p, s, steps, last):
    """At the end of a run NEST brings every neuron's calcium trace to that time
    (SimulationManager::update_, update_synaptic_elements(t_end)). ``s`` holds
    unitless device arrays, ``p`` parameters with units."""
    if arch is None or not arch.calcium:
        return s
    t_end = ms_of_steps(grid, steps)
    tau = p.tau_Ca.to_decimal(u.ms)
    ca = s["Ca"] * jnp.exp((s["Ca_t"] - t_end) / tau)
    return dict(s, Ca=jnp.where(last, ca, s["Ca"]).astype(s["Ca"].dtype),
                Ca_t=jnp.where(last, t_end, s["Ca_t"]).astype(s["Ca_t"].dtype))
