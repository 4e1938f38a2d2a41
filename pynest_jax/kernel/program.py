"""Graph -> Program: grouped device arrays and one jitted step.

Built at Prepare/Simulate only when the graph's structure changed. Values
(parameters, weights, delays of existing connections, state) are arguments of
the compiled function, so SetStatus between runs compiles nothing.

Step schedule (NEST's update order within one step of ``resolution``):
  1. every neuron population reads its ring-buffer slot for this step and
     updates (``NeuronModel.update``), giving spike counts;
  2. every generator emits (``GeneratorModel.emit``);
  3. delivery: spikes and currents are added into the targets' ring buffers
     at slot ``(n + delay) mod L`` — a spike emitted in step ``n`` carries
     NEST's stamp ``n + 1`` and acts in the target's update of step
     ``n + delay`` (nestkernel/event.h: get_rel_delivery_steps). Generators
     deliver every step; neurons' spikes are delivered at the end of each slice
     of D steps (D: the least neuron -> neuron delay), as NEST delivers once per
     min_delay slice — they land after the slice, so nothing is read early;
  4. recorded values (spikes of recorded nodes, sampled recordables) leave the
     step as outputs.
"""

from __future__ import annotations

import dataclasses

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

from ..models._spec import GeneratorModel, NeuronModel, RecorderModel, Vars
from .. import units as U
from . import delivery, ports, projections, recording


@dataclasses.dataclass
class PopPlan:
    name: str
    spec: object
    n: int
    kind: str  # neuron | generator
    units: dict
    device_keys: tuple
    n_channels: int = 0
    channels: tuple = ()  # ring-buffer rows (neurons): the model's, then its port channels
    n_ports: int = 0  # port channels (multisynapse models: the largest count of ports)


class Ctx:
    """What a model function may know about the step it is in."""

    def __init__(self, h_ms, n, key, grid, ias=None):
        import brainunit as u
        self.h = u.Quantity(h_ms, unit=u.ms)
        self.h_ms = h_ms
        self.n = n  # the step being computed: from n*h to (n+1)*h
        self.key = key
        self._grid = grid
        self._ias = ias

    def steps(self, t):
        """Time(Time::ms(t)).get_steps(): nearest tic, then up to the next step."""
        import brainunit as u
        ms = t.to_decimal(u.ms) if isinstance(t, u.Quantity) else t
        ms = jnp.clip(jnp.asarray(ms, jnp.float64), -1e15, 1e15)  # times in double, always  # NEST clamps to +-inf; keep int64 finite
        tics = jnp.floor(ms * self._grid.tics_per_ms + 0.5).astype(jnp.int64)
        return -((-tics) // self._grid.tics_per_step)

    def spike_due(self, dynamic):
        """IgnoreAndSpikeMechanism::spike_event_is_due."""
        if self._ias is None:
            return dynamic
        on, forced, _ = self._ias
        return jnp.where(on, forced, dynamic)


class Program:
    def __init__(self, graph, grid, chunk_steps: int = 1000, precision: str = "float64"):
        self.grid = grid
        # float64 by default (exact integration equals NEST's); "float32" (the kernel's
        # `precision`) stores float state, parameters, ring buffers and weights in single
        # precision: compiled code computes in the type of its inputs.
        self.precision = precision
        self.fdtype = jnp.float32 if precision == "float32" else jnp.float64
        self.version = graph.structure_version
        self.plans: list[PopPlan] = []
        for pop in graph.pop_list:
            spec = pop.spec
            if isinstance(spec, RecorderModel) or len(pop) == 0:
                continue
            kind = "neuron" if isinstance(spec, NeuronModel) else "generator"
            keys = tuple(k for k in pop.arrays)
            units = U.unit_table(spec.params + spec.state)
            n_ports = ports.width(pop)
            channels = spec.channels_for(n_ports) if kind == "neuron" else ()
            plan = PopPlan(spec.name, spec, len(pop), kind, units, keys, len(channels),
                           channels, n_ports)
            self.plans.append(plan)
        self.plan_by_name = {p.name: p for p in self.plans}
        self.layout = projections.ProjectionLayout(graph, grid, self.plan_by_name)
        self.max_delay_steps = self.layout.max_delay_steps
        self.L = self.max_delay_steps + 1
        self.D = projections.slice_steps(self.layout.projections)
        self.recording = recording.RecordingPlan(graph, self.plan_by_name)
        self.chunk = int(max(1, min(chunk_steps, 2 ** 24 // max(1, self.recording.width))))
        self.core = _core_for(self)

    @property
    def compiles(self):
        return self.core.compiles

    # --- device values ---------------------------------------------------------
    def initial_carry(self, graph):
        carry = {"pop": {}, "buf": {}, "inp": {}}
        for plan in self.plans:
            pop = graph.populations[plan.name]
            carry["pop"][plan.name] = {k: self.device(pop.arrays[k]) for k in self._state_keys(plan)}
            if plan.kind == "neuron":
                # The ring buffer, flat (L * channels * n,), and the input of the step
                # about to be computed (channels, n), taken out of the buffer at the end
                # of the step before. Neurons never read the buffer itself: with readers
                # and in-place delivery on one array, XLA copied the whole buffer (two or
                # three times per step).
                carry["buf"][plan.name] = jnp.zeros((self.L * plan.n_channels * plan.n,), self.fdtype)
                carry["inp"][plan.name] = jnp.zeros((plan.n_channels, plan.n), self.fdtype)
        return carry

    def _state_keys(self, plan):
        return tuple(s.name for s in plan.spec.state if s.dtype in ("float", "int", "bool"))

    def params(self, graph):
        out = {}
        for plan in self.plans:
            pop = graph.populations[plan.name]
            skeys = set(self._state_keys(plan))
            out[plan.name] = {k: self.device(pop.arrays[k]) for k in plan.device_keys
                              if k not in skeys}
            out[plan.name].update({k: self.device(v) for k, v in
                                   ports.device_params(pop, plan.n_ports).items()})
        return out

    def read_state(self, graph, carry):
        """Copy device state back into the graph's arrays (after a run)."""
        for plan in self.plans:
            pop = graph.populations[plan.name]
            for k, v in carry["pop"][plan.name].items():
                v = np.array(v)
                if v.dtype == np.float32:  # the graph keeps float64 whatever the precision
                    v = v.astype(np.float64)
                pop.arrays[k] = v

    def write_state(self, graph, carry):
        for plan in self.plans:
            pop = graph.populations[plan.name]
            carry["pop"][plan.name] = {k: self.device(pop.arrays[k]) for k in self._state_keys(plan)}
        return carry

    def device(self, x):
        """A host array on the device, floats in the program's precision."""
        x = np.asarray(x)
        if x.dtype.kind == "f" and x.dtype != self.fdtype:
            with np.errstate(over="ignore"):  # beyond float32's range (NEST's -DBL_MAX): inf
                return jnp.asarray(x.astype(self.fdtype))
        return jnp.asarray(x)

    # --- host driver ---------------------------------------------------------------
    def run(self, carry, params, conns, n0: int, nsteps: int, base_key, last=True):
        """`nsteps` steps from step n0; `last`: the run ends with this chunk."""
        return self.core.run(carry, params, conns, jnp.int64(n0), jnp.int64(nsteps), base_key,
                             jnp.bool_(last))


# --- the compiled core, shared by programs of the same structure ----------------------------
#
# Scripts that scan parameters rebuild the same network after ResetKernel again and again
# (NEST's gallery: brunel_alpha_evolution_strategies, parameter sweeps); only values change,
# so the compiled program must not. The core holds exactly what the trace reads from Python
# (population plans, the projections' static shape, the recording plan, the grid), and
# `signature` is that content: two programs with equal signatures share one jitted function
# and its compilations. The core holds no connection arrays, so the cache pins no network.

_CORES: "dict[tuple, _Core]" = {}
_CORES_MAX = 16


def _freeze(x):
    """A hashable form of the static data (arrays by content)."""
    if isinstance(x, dict):
        return tuple((k, _freeze(v)) for k, v in sorted(x.items(), key=lambda kv: str(kv[0])))
    if isinstance(x, (list, tuple)):
        return tuple(_freeze(v) for v in x)
    if isinstance(x, np.ndarray):
        return (x.dtype.str, x.shape, x.tobytes())
    if isinstance(x, (set, frozenset)):
        return tuple(sorted(_freeze(v) for v in x))
    return x


def _signature(prog):
    plans = tuple((p.name, id(p.spec), p.n, p.kind, _freeze({k: str(v) for k, v in p.units.items()}),
                   p.device_keys, p.n_channels) for p in prog.plans)
    shapes = tuple(_freeze({k: v for k, v in vars(pr).items()}) for pr in prog.layout.projections)
    rec = prog.recording
    recorded = (_freeze(rec.spiking), _freeze({k: (tuple(v["vars"]), v["local"])
                                                 for k, v in rec.sampled.items()}))
    g = prog.grid
    return (plans, shapes, recorded, g.h, g.tics_per_ms, g.tics_per_step, prog.L, prog.chunk,
            prog.D)


def _core_for(prog):
    sig = _signature(prog)
    core = _CORES.pop(sig, None)
    if core is None:
        core = _Core(prog)
        while len(_CORES) >= _CORES_MAX:
            _CORES.pop(next(iter(_CORES)))
    _CORES[sig] = core  # most recently used last
    return core


class _Core:
    """What one compiled chunk needs, and the jitted chunk itself."""

    def __init__(self, prog):
        self.grid = prog.grid
        self.plans = prog.plans
        self.projections = prog.layout.projections  # their static shape; arrays come as arguments
        self.recording = prog.recording
        self.L = prog.L
        self.chunk = prog.chunk
        self.D = prog.D
        self.plan_n = {p.name: p.n for p in prog.plans}
        self.off_grid_spec = {p.name: bool(getattr(p.spec, "off_grid", False)) for p in prog.plans}
        # neuron populations whose spikes (and offsets) leave by event projections
        self.event_sources = sorted({p.src for p in prog.layout.projections if p.kind == "event"})
        self.compiles = 0
        self.run = jax.jit(self._run_chunk, donate_argnums=(0,))

    # --- the compiled chunk ------------------------------------------------------
    def _run_chunk(self, carry, params, conns, n0, nsteps, base_key, last):
        self.compiles += 1  # counts traces: a trace is a compilation
        out0 = self.recording.empty(self.chunk)
        off_grid = self._off_grid_recorded()
        for name, loc in off_grid.items():  # spike offsets of off-grid senders (recording.py)
            out0["off:" + name] = jnp.zeros((self.chunk, len(loc)))
        derived = {}
        for plan in self.plans:
            fn = plan.spec.derive
            p = U.attach(params[plan.name], plan.units)
            ctx = Ctx(self.grid.h, n0, None, self.grid)
            derived[plan.name] = Vars(fn(p, ctx))

        D = self.D
        sources = {name: self.plan_n[name] for name in self.event_sources}
        with_offsets = [name for name in sources if self.off_grid_spec[name]]

        def step(j, c):
            carry, out, spk, off, k = c
            i = k * D + j
            n = n0 + i
            key = jax.random.fold_in(base_key, n)
            carry, emitted, samples = self._step(carry, params, derived, conns, n, key)
            out = self.recording.write(out, i, emitted, samples)
            for name, loc in off_grid.items():
                out["off:" + name] = out["off:" + name].at[i].set(emitted[name + "#offset"][loc])
            spk = {name: spk[name].at[j].set(emitted[name]) for name in spk}
            off = {name: off[name].at[j].set(emitted[name + "#offset"]) for name in off}
            return carry, out, spk, off, k

        def one_slice(k, c):
            # NEST's schedule: the neurons advance step by step through a slice of D steps
            # (D = the least neuron -> neuron delay), and the slice's spikes are delivered
            # together at its end; they all land after it.
            carry, out = c
            r = jnp.minimum(D, nsteps - k * D)
            spk = {name: jnp.zeros((D, n), jnp.int32) for name, n in sources.items()}
            off = {name: jnp.zeros((D, sources[name])) for name in with_offsets}
            carry, out, spk, off, _ = jax.lax.fori_loop(0, r, step, (carry, out, spk, off, k))
            if not sources:
                return carry, out
            s = n0 + k * D
            bufs = delivery.deliver_slice(self.projections, conns, spk, off, dict(carry["buf"]), s, self.L)
            # The input of the next slice's first step was taken out of its slot before
            # the slice's events arrived: take it again.
            inp = dict(carry["inp"])
            nxt = (s + r) % self.L
            for name in bufs:
                size = inp[name].size
                inp[name] = jax.lax.dynamic_slice_in_dim(bufs[name], nxt * size, size).reshape(
                    inp[name].shape)
            return dict(carry, buf=bufs, inp=inp), out

        nslices = (nsteps + D - 1) // D
        carry, out = jax.lax.fori_loop(0, nslices, one_slice, (carry, out0))
        return self._decay_calcium(carry, params, n0 + nsteps, last), out

    def _decay_calcium(self, carry, params, steps, last):
        """At the end of a run NEST brings every neuron's calcium trace to that time
        (SimulationManager::update_, update_synaptic_elements(t_end))."""
        pops = dict(carry["pop"])
        t_end = self._ms_of_steps(steps)
        for plan in self.plans:
            s = pops[plan.name]
            if plan.kind != "neuron" or "Ca_t" not in s:
                continue
            tau = U.attach(params[plan.name], plan.units).tau_Ca.to_decimal(u.ms)
            ca = s["Ca"] * jnp.exp((s["Ca_t"] - t_end) / tau)
            pops[plan.name] = dict(s, Ca=jnp.where(last, ca, s["Ca"]).astype(s["Ca"].dtype),
                                   Ca_t=jnp.where(last, t_end, s["Ca_t"]).astype(s["Ca_t"].dtype))
        return dict(carry, pop=pops)

    def _ms_of_steps(self, steps):
        """Time::step(steps).get_ms(): tics times ms per tic, as NEST computes it."""
        return (steps * self.grid.tics_per_step) * (1.0 / self.grid.tics_per_ms)

    def _off_grid_recorded(self):
        """Recorded populations whose spikes carry offsets (NEST's is_off_grid)."""
        specs = {plan.name: plan.spec for plan in self.plans}
        return {name: loc for name, loc in self.recording.spiking.items()
                if getattr(specs.get(name), "off_grid", False)}

    def _step(self, carry, params, derived, conns, n, key):
        slot = n % self.L
        new_pop, emitted, samples = {}, {}, {}
        bufs = {}
        for name, b in carry["buf"].items():
            # clear this step's slot: its content was taken out (into carry["inp"]) at the
            # end of the step before; clearing first and reading last keeps every write to
            # the buffer before every read, so XLA updates it in place
            size = b.shape[0] // self.L
            bufs[name] = jax.lax.dynamic_update_slice_in_dim(b, jnp.zeros(size, b.dtype),
                                                             slot * size, 0)
        for k, plan in enumerate(self.plans):
            p = U.attach(params[plan.name], plan.units)
            s = U.attach(carry["pop"][plan.name], plan.units)
            pkey = jax.random.fold_in(key, k)
            if plan.kind == "neuron":
                x_raw = carry["inp"][plan.name]  # this step's slot, taken out last step
                x = Vars({c.name: (x_raw[j] if c.unit is None else
                                   __import__("brainunit").Quantity(x_raw[j], unit=c.unit))
                          for j, c in enumerate(plan.channels)})
                ias = self._ignore_and_spike(p, s, plan)
                ctx = Ctx(self.grid.h, n, pkey, self.grid, ias)
                s2, spikes = plan.spec.update(p, derived[plan.name], s, x, ctx)
                if plan.spec.off_grid:  # (count, offset in ms before the step's end)
                    spikes, emitted[plan.name + "#offset"] = spikes
                s2 = self._archive(p, s2, spikes, n)
                if ias is not None:
                    s2 = s2.replace(steps_until_spike=ias[2])
                new_pop[plan.name] = U.strip(s2, plan.units)
                emitted[plan.name] = jnp.asarray(spikes).astype(jnp.int32)
                samples[plan.name] = self._recordables(plan, p, s2)
            else:
                ctx = Ctx(self.grid.h, n, pkey, self.grid)
                rec = self.recording.spiking.get(plan.name)
                s2, sent = delivery.emit(plan, p, derived[plan.name], s, ctx, conns, rec)
                new_pop[plan.name] = U.strip(s2, plan.units)
                emitted.update(sent)
                samples[plan.name] = self._recordables(plan, p, s2)
        bufs = delivery.deliver(self.projections, conns, emitted, bufs, n, self.L)
        # Take the next step's slot out of each buffer (delays are >= 1 step, so this
        # step's deliveries are in); it is cleared there at the start of the next step.
        inp = {}
        nxt = (n + 1) % self.L
        for plan in self.plans:
            if plan.kind != "neuron":
                continue
            size = plan.n_channels * plan.n
            b = bufs[plan.name]
            inp[plan.name] = jax.lax.dynamic_slice_in_dim(b, nxt * size, size).reshape(
                plan.n_channels, plan.n)
        return {"pop": new_pop, "buf": bufs, "inp": inp}, emitted, samples

    def _ignore_and_spike(self, p, s, plan):
        """IgnoreAndSpikeMechanism::spike_event_is_due, for models that ask it:
        (on, forced spike this step, the counter after the step)."""
        if "steps_until_spike" not in s:
            return None
        on = jnp.asarray(p.ignore_and_spike)
        left = s.steps_until_spike - 1
        forced = on & (left == 0)
        interval = Ctx(self.grid.h, 0, None, self.grid).steps(p.ignore_and_spike_interval)
        after = jnp.where(forced, interval.astype(left.dtype), left)
        return on, forced, jnp.where(on, after, s.steps_until_spike)

    def _archive(self, p, s, spikes, n):
        """ArchivingNode::set_spiketime at each spike of step n: t_spike, and the
        calcium trace decayed from its last update to the spike, plus beta_Ca per spike
        (set_spiketime runs once per spike of a multiplicity: the first decays Ca, each
        adds beta_Ca). At the step's end: the models here that send spike offsets
        (iaf_chxk_2008, iaf_tum_2000) archive the grid time, as NEST's do."""
        if "t_spike" not in s:
            return s
        fired = jnp.asarray(spikes) > 0
        t = self._ms_of_steps(n + 1)
        ca_t = s.Ca_t.to_decimal(u.ms)
        ca = s.Ca * jnp.exp((ca_t - t) / p.tau_Ca.to_decimal(u.ms)) + p.beta_Ca * jnp.asarray(spikes)
        dtype = ca_t.dtype
        return s.replace(t_spike=u.Quantity(jnp.where(fired, t, s.t_spike.to_decimal(u.ms)).astype(dtype), unit=u.ms),
                         Ca_t=u.Quantity(jnp.where(fired, t, ca_t).astype(dtype), unit=u.ms),
                         Ca=jnp.where(fired, ca, s.Ca).astype(jnp.asarray(s.Ca).dtype))

    def _recordables(self, plan, p, s):
        need = self.recording.sampled.get(plan.name)
        if not need:
            return None
        record = getattr(plan.spec, "record", None)
        vals = record(p, s) if record else {}
        import brainunit as u
        cols = []
        for var in need["vars"]:
            v = vals.get(var, s.get(var))
            decl = {d.name: d for d in plan.spec.state}.get(var)
            if decl is not None and decl.offset and var not in vals:
                v = v + p[decl.offset]
            if isinstance(v, u.Quantity):
                v = v.to_decimal(v.unit)
            cols.append(jnp.asarray(v, jnp.float64)[need["local"]])
        return jnp.stack(cols)

