"""The compiled chunk of a Program (kernel/program.py): the step's phases, run in NEST's
update order inside a loop over steps and min_delay slices (see program.py's docstring),
and the context a model function is handed. kernel/cores.py keeps one Core per structure.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._brainunit import u
from ..models._spec import Vars
from .. import units as U
from . import archives, archiving, delivery, packed, plasticity, precise
from . import xla_cpu  # noqa: F401  (registers the CPU lowering the chunk compiles with)


class Ctx:
    """What a model function may know about the step it is in."""

    def __init__(self, h_ms, n, key, grid, ias=None, integrator=None):
        self.h = u.Quantity(h_ms, unit=u.ms)
        self.h_ms = h_ms
        self.n = n  # the step being computed: from n*h to (n+1)*h
        self.key = key
        self._grid = grid
        self._ias = ias
        self.integrator = integrator  # the model's declared one (models/integrators.py)

    def steps(self, t):
        """Time(Time::ms(t)).get_steps(): nearest tic, then up to the next step."""
        ms = t.to_decimal(u.ms) if isinstance(t, u.Quantity) else t
        # times in double, always; NEST clamps to +-inf, here to +-1e15 ms so int64 stays finite
        ms = jnp.clip(jnp.asarray(ms, jnp.float64), -1e15, 1e15)
        tics = jnp.floor(ms * self._grid.tics_per_ms + 0.5).astype(jnp.int64)
        return -((-tics) // self._grid.tics_per_step)

    def spike_due(self, dynamic):
        """IgnoreAndSpikeMechanism::spike_event_is_due."""
        if self._ias is None:
            return dynamic
        on, forced, _ = self._ias
        return jnp.where(on, forced, dynamic)


_BLOCK = 8  # steps per block of a small network's loop (Core._run_chunk)
_SMALL = 512  # bytes: XLA CPU's ThunkExecutor runs a body whose buffers are all this small in order


def _all_small(trees):
    """Whether every array in ``trees`` has at most _SMALL bytes (at trace time)."""
    for x in jax.tree_util.tree_leaves(trees):
        try:
            size = int(np.prod(np.shape(x))) * np.dtype(x.dtype).itemsize
        except (AttributeError, TypeError):  # a Python number; a key (16 bytes)
            continue
        if size > _SMALL:
            return False
    return True


def _is_array_value(v):
    """Whether a derived value is a (Quantity of an) array: one that can be an argument."""
    leaves = jax.tree_util.tree_leaves(v)
    return bool(leaves) and all(isinstance(x, jax.Array) for x in leaves)


class _Step:
    """What the phases of one step hand on to each other."""

    def __init__(self, inputs, carry, out, spk, off, i, j, n, key):
        # the run's arguments: parameters (no units), derived values, connection arrays
        self.params_in, self.derived, self.conns = inputs
        self.carry = carry  # the populations, ring buffers and inputs at the step's start
        self.out, self.spk, self.off = out, spk, off  # the chunk's outputs; the slice's queue
        self.i, self.j, self.n, self.key = i, j, n, key  # step in chunk, in slice, absolute
        self.params = {}  # population -> parameters, with units
        self.state = {}  # population -> its state after the step, with units
        self.fired = {}  # neuron population -> what update returned as spikes
        self.ias = {}  # neuron population -> IgnoreAndSpikeMechanism's (on, forced, counter)
        self.emitted: dict[str, delivery.Emitted] = {}


class Core:
    """What one compiled chunk needs, and the jitted chunk itself."""

    def __init__(self, prog):
        self.grid = prog.grid
        self.plans = prog.plans
        self.projections = prog.layout.projections  # their static shape; arrays come as arguments
        self.recording = prog.recording
        self.L = prog.L
        self.chunk = prog.chunk
        self.D = prog.D_shape  # the slice's static length; the steps per slice come as an argument
        self.plan_n = {p.name: p.n for p in prog.plans}
        self.precise = prog.precise  # populations with event lists
        self.precise_capacity = 0  # the longest event lists a program of this core grew
        self.off_grid_spec = {p.name: bool(getattr(p.spec, "off_grid", False)) for p in prog.plans}
        # neuron populations whose spikes (and offsets) leave by event projections
        self.event_sources = sorted({p.src for p in prog.layout.projections
                                     if p.kind in ("event", "plastic")})
        self.archives = tuple(prog.archives)  # populations that keep a post-synaptic archive
        self.dopamine = prog.dopamine  # volume transmitters and the synapses that read them
        self.histories = {name: kind for name, (kind, _) in prog.histories.items()}
        self.compiles = 0
        # the carry and the outputs' buffers are donated: a call writes its rows into the
        # buffers the call before returned (Program.run), no (chunk, ...) zeros each call
        self.run = jax.jit(self._run_chunk, donate_argnums=(0, 9))
        # (XLA's elemental emitters on the CPU: the same bits, half the compile: xla_cpu.py)
        self.derive = jax.jit(self._derive_arrays, compiler_options=(
            xla_cpu.DERIVE_OPTIONS if jax.default_backend() == "cpu" else None))
        self.derived_tree = None  # the structure of what derive returns (Program.derived)
        self.derive_once = tuple(p.name for p in self.plans
                                 if getattr(p.spec, "host_prepare", None) is None)

    # --- the populations' derived values ------------------------------------------
    def _derived(self, params, n0, names=None):
        """Each population's derived values (NEST's pre_run_hook: `derive`), traced."""
        derived = {}
        for plan in self.plans:
            if names is not None and plan.name not in names:
                continue
            p = U.attach(params[plan.name], plan.units)
            ctx = Ctx(self.grid.h, n0, None, self.grid, integrator=plan.integrator)
            derived[plan.name] = Vars(plan.spec.derive(p, ctx))
        return derived

    def _derive_arrays(self, params):
        """The derived values that are arrays, computed by a program of their own once per
        set of parameters (Program.run keeps them while the parameters' device arrays are
        the same). Inside the chunk they were some 25 small kernels of a 100-neuron
        iaf_psc_alpha population at every call, each independent of the others, which
        XLA's CPU runtime hands to its thread pool one by one: most of a short run's cost
        (docs/benchmarks.md, "Start-up (issue 14)"). Values that are not arrays (Python
        numbers, flags) stay in the chunk's own trace, and so do the derived values of
        populations with a host_prepare (generators whose arrays are made anew for every
        run: their values would be computed again at each call anyway)."""
        return {name: {k: v for k, v in d.items() if _is_array_value(v)}
                for name, d in self._derived(params, 0, self.derive_once).items()}

    # --- the compiled chunk ------------------------------------------------------
    def _run_chunk(self, carry, params, conns, n0, nsteps, base_key, last, derived_in, D, out0):
        self.compiles += 1  # counts traces: a trace is a compilation
        carry = archives.refresh_need(self, carry, conns)
        # out0: the outputs' buffers (recording.empty's shapes), rows 0 to nsteps - 1
        # written by the steps; the rows past them hold what an earlier call left there,
        # which the host never reads (recording.collect takes the first nsteps rows)
        # the trace's own derived values, their arrays replaced by those computed once
        # (the ones computed here are then dead code, and XLA drops them); they come as
        # a flat list (Quantities flatten in Python, at every call)
        derived = self._derived(params, n0)
        for name, arrays in jax.tree_util.tree_unflatten(self.derived_tree, derived_in).items():
            derived[name].update(arrays)
        inputs = (params, derived, conns)
        carry = self._horizons(carry, conns)

        # D: the steps of a slice (a value: programs whose slices differ only in length
        # share one compilation), at most the static length of the slice's arrays
        Ds = self.D
        sources = {name: self.plan_n[name] for name in self.event_sources}
        with_offsets = [name for name in sources if self.off_grid_spec[name]]

        def advance(carry, out, spk, off, i, j, n):
            # one step's phases; i: the step's row in ``out``, j: its place in the slice;
            # the phases see every state variable on its own (kernel/packed.py)
            st = _Step(inputs, self._unpack(carry), out, spk, off, i, j, n,
                       jax.random.fold_in(base_key, n))
            for _, phase in self.PHASES:
                phase(self, st)
            st.carry = self._pack(st.carry)
            return st

        def step(j, c):
            carry, out, spk, off, k = c
            i = k * D + j
            st = advance(carry, out, spk, off, i, j, n0 + i)
            return st.carry, st.out, st.spk, st.off, k

        def one_slice(k, c):
            # NEST's schedule: the spikes of a slice of D steps (D = the least neuron ->
            # neuron delay) are delivered together at the start of the next slice, then
            # the neurons advance step by step through the slice. The last slice's spikes
            # of a run wait in the carry ("pending") for the next run, as in NEST: a value
            # set between runs applies to them, and a plastic connection shows its state
            # before them.
            carry, out = c
            if sources:
                p = carry["pending"]
                carry = self._pack(self._deliver_slice(
                    conns, params, self._unpack(carry), p["spk"], p["off"], p["s"], p["r"],
                    jax.random.fold_in(base_key, 0x7FFFFFFF)))
            r = jnp.minimum(D, nsteps - k * D)
            spk = {name: jnp.zeros((Ds, n), jnp.int32) for name, n in sources.items()}
            off = {name: jnp.zeros((Ds, sources[name])) for name in with_offsets}
            carry, out, spk, off, _ = jax.lax.fori_loop(0, r, step, (carry, out, spk, off, k))
            carry = self.dopamine.trigger(self, conns, params, carry, n0 + k * D + r, D)
            if not sources:
                return carry, out
            pending = {"spk": spk, "off": off, "s": (n0 + k * D).astype(jnp.int64),
                       "r": r.astype(jnp.int64)}
            return dict(carry, pending=pending), out

        carry = precise.with_tables(carry, carry.get("pev"), n0, self.L)  # the first step's
        B = _BLOCK
        if (not sources and not self.dopamine.projections and self.chunk % B == 0
                and _all_small((carry, params, conns, derived_in,
                                [dict(v) for v in derived.values()],
                                self.recording.empty(B, self.plans, params)))):
            # nothing is delivered at a slice's end (no neuron -> neuron events, no volume
            # transmitter), and every array the step touches is small: the steps in
            # blocks of B, each writing its outputs into a (B, ...) block. XLA's CPU
            # runtime runs a loop body whose thunks all use buffers of at most 512 bytes
            # in order on the calling thread; one larger buffer (the chunk's (chunk, n)
            # outputs) made it hand the step's independent thunks to its thread pool,
            # which cost some 80 us of CPU per call in waking and spinning threads.
            def block_step(j, c):
                carry, block, b = c
                st = advance(carry, block, {}, {}, j, j, n0 + (b * B + j))
                return st.carry, st.out, b

            def one_block(b, c):
                carry, out = c
                block = self.recording.empty(B, self.plans, params)
                carry, block, _ = jax.lax.fori_loop(0, jnp.minimum(B, nsteps - b * B),
                                                    block_step, (carry, block, b))
                # rows past nsteps are the block's zeros or an earlier call's rows: the
                # host never reads them
                out = jax.tree_util.tree_map(
                    lambda o, x: jax.lax.dynamic_update_slice_in_dim(o, x, b * B, 0), out, block)
                return carry, out

            carry, out = jax.lax.fori_loop(0, (nsteps + B - 1) // B, one_block, (carry, out0))
        elif not sources and not self.dopamine.projections:
            # nothing is delivered at a slice's end: one loop over the steps, not a loop of
            # slices of one step each (each level of loop a fixed cost per iteration)
            carry, out, _, _, _ = jax.lax.fori_loop(
                0, nsteps, step, (carry, out0, {}, {}, jnp.zeros((), jnp.int64)))
        else:
            nslices = (nsteps + D - 1) // D
            carry, out = jax.lax.fori_loop(0, nslices, one_slice, (carry, out0))
        carry.pop("ptab", None)
        return self._decay_calcium(carry, params, n0 + nsteps, last), out

    # --- the step's phases, in NEST's order -----------------------------------------
    def _update(self, st):
        """update: every node advances one step. Neurons integrate this step's input
        (taken out of their ring buffers at the end of the step before) with their
        declared integrator and report spikes; generators compute what they send."""
        for k, plan in enumerate(self.plans):
            p = U.attach(st.params_in[plan.name], plan.units)
            s = U.attach(st.carry["pop"][plan.name], plan.units)
            st.params[plan.name] = p
            pkey = jax.random.fold_in(st.key, k)
            if plan.kind == "neuron":
                x_raw = st.carry["inp"][plan.name]
                x = Vars({c.name: (x_raw[j] if c.unit is None else u.Quantity(x_raw[j], unit=c.unit))
                          for j, c in enumerate(plan.channels)})
                ias = archiving.ignore_and_spike(plan.archiving, p, s, self._steps_of)
                ctx = Ctx(self.grid.h, st.n, pkey, self.grid, ias, plan.integrator)
                if plan.name in self.precise:  # this step's events, in order of arrival
                    (st.state[plan.name], st.fired[plan.name]), st.carry = precise.update(
                        st.carry, st.n, self.L, x_raw[self.precise[plan.name]], plan, p,
                        st.derived[plan.name], s, x, ctx)
                else:
                    st.state[plan.name], st.fired[plan.name] = plan.spec.update(
                        p, st.derived[plan.name], s, x, ctx)
                st.ias[plan.name] = ias
            else:
                ctx = Ctx(self.grid.h, st.n, pkey, self.grid)
                rec = self.recording.spiking.get(plan.name)
                st.state[plan.name], st.emitted[plan.name] = delivery.emit(
                    plan, p, st.derived[plan.name], s, ctx, self.projections, st.conns, rec)

    def _emit(self, st):
        """emit: the step's spike events (counts, and offsets of off-grid senders),
        and what an ArchivingNode keeps at its spikes (kernel/archiving.py) — where
        the post-synaptic history of plastic synapses is appended."""
        for plan in self.plans:
            if plan.kind != "neuron":
                continue
            spikes, offset = st.fired[plan.name], None
            if plan.spec.off_grid:  # (count, offset in ms before the step's end)
                spikes, offset = spikes
            s = archiving.set_spiketime(plan.archiving, self.grid, st.params[plan.name],
                                        st.state[plan.name], spikes, st.n, offset)
            ias = st.ias[plan.name]
            if ias is not None:
                s = s.replace(steps_until_spike=ias[2])
            st.state[plan.name] = s
            if plan.name in self.archives:  # the post-synaptic history of plastic inputs
                p = st.params[plan.name]
                t = archiving.ms_of_steps(self.grid, st.n + 1)
                if offset is not None:
                    t = t - offset
                arch = dict(st.carry["arch"])
                arch[plan.name] = plasticity.append(
                    arch[plan.name], spikes, t, p.tau_minus.to_decimal(u.ms),
                    p.tau_minus_triplet.to_decimal(u.ms))
                st.carry = dict(st.carry, arch=arch)
            if plan.name in self.histories:  # what clopath/urbanczik synapses read
                hist = dict(st.carry["hist"])
                hist[plan.name] = archives.write(
                    self.histories[plan.name], hist[plan.name], st.params_in[plan.name],
                    U.strip(s, plan.units), spikes, st.n, self.grid)
                st.carry = dict(st.carry, hist=hist)
            st.emitted[plan.name] = delivery.Emitted(jnp.asarray(spikes).astype(jnp.int32), offset)

    def _deliver(self, st):
        """deliver: generators' events into the ring buffers now; neurons' spikes
        queued for the end of the slice (``_deliver_slice``); then the next step's
        input taken out of each buffer."""
        bufs = {}
        for name, b in st.carry["buf"].items():
            # clear this step's slot: its content was taken out (into carry["inp"]) at the
            # end of the step before; clearing first and reading last keeps every write to
            # the buffer before every read, so XLA updates it in place
            size = b.shape[0] // self.L
            bufs[name] = jax.lax.dynamic_update_slice_in_dim(b, jnp.zeros(size, b.dtype),
                                                             (st.n % self.L) * size, 0)
        pev = dict(st.carry.get("pev", {}))
        bufs = delivery.deliver(self.projections, st.conns, st.emitted, bufs, st.n, self.L, pev)
        # Take the next step's slot out of each buffer (delays are >= 1 step, so this
        # step's deliveries are in); it is cleared there at the start of the next step.
        inp = {}
        nxt = (st.n + 1) % self.L
        for plan in self.plans:
            if plan.kind != "neuron":
                continue
            size = plan.n_channels * plan.n
            inp[plan.name] = jax.lax.dynamic_slice_in_dim(bufs[plan.name], nxt * size, size).reshape(
                plan.n_channels, plan.n)
        # the carry of the next step: every population's state, the buffers, the input
        new_pop = {plan.name: U.strip(st.state[plan.name], plan.units) for plan in self.plans}
        st.carry = precise.with_tables(dict(st.carry, pop=new_pop, buf=bufs, inp=inp), pev,
                                       st.n + 1, self.L)
        st.spk = {k: v.at[st.j].set(st.emitted[k].count.astype(v.dtype)) for k, v in st.spk.items()}
        st.off = {name: st.off[name].at[st.j].set(st.emitted[name].offset) for name in st.off}

    def _record(self, st):
        """record: spikes of recorded nodes and sampled recordables leave the step."""
        samples = {plan.name: self.recording.sample(plan, st.params[plan.name], st.state[plan.name])
                   for plan in self.plans}
        st.out = self.recording.write(st.out, st.i, st.emitted, samples)

    # The step: NEST's update order within one step of ``resolution`` (see the module's
    # docstring). Each phase reads and extends the _Step the phases before it left.
    PHASES = (("update", _update),
              ("volume", lambda core, st: core.dopamine.collect(core, st)),  # kernel/dopamine.py
              ("emit", _emit), ("deliver", _deliver), ("record", _record))

    def _deliver_slice(self, conns, params, carry, spk, off, s, r, key):
        """deliver, at the end of a slice: the slice's neuron -> neuron events, in
        NEST's (step, source) order; plastic connections updated as their spikes pass
        (kernel/plasticity.py)."""
        pev = dict(carry.get("pev", {}))
        bufs = delivery.deliver_slice(self.projections, conns, spk, off, dict(carry["buf"]),
                                      s, self.L, pev, delivery.thinning(self.plans, params, key, s))
        syn, arch, wrec = dict(carry["syn"]), dict(carry["arch"]), dict(carry["wrec"])
        hist, cstate, pops = dict(carry["hist"]), dict(carry["cstate"]), dict(carry["pop"])
        for i, proj in enumerate(self.projections):
            if proj.kind != "plastic":
                continue
            tau, a_ = None, arch.get(proj.tgt)
            if proj.spec.post == "stdp":
                pt = params[proj.tgt]
                tau = (pt["tau_minus"], pt["tau_minus_triplet"])
            elif proj.spec.post in archives.KINDS:  # the target's parameters come along
                tau, a_ = params[proj.tgt], hist[proj.tgt]
            bufs[proj.tgt], syn[proj.key], overflow, r_, cs, pops[proj.tgt] = plasticity.deliver_slice(
                proj, proj.spec, conns[proj.key], syn[proj.key], params["syn:" + proj.key],
                a_, tau, spk[proj.src], bufs[proj.tgt], s, r, self.L, self.grid,
                jax.random.fold_in(key, i), wrec.get(proj.key),
                self.dopamine.history(proj, carry), cstate.get(proj.model), pops[proj.tgt])
            if cs is not None:  # shared by the model's projections, one after the other
                cstate[proj.model] = cs
            if r_ is not None:
                wrec[proj.key] = r_
            if proj.spec.post in archives.KINDS:
                hist[proj.tgt] = dict(hist[proj.tgt], overflow=hist[proj.tgt]["overflow"] | overflow)
            elif proj.tgt in arch:
                arch[proj.tgt] = dict(arch[proj.tgt], overflow=arch[proj.tgt]["overflow"] | overflow)
        carry = dict(carry, syn=syn, arch=arch, wrec=wrec, hist=hist, cstate=cstate, pop=pops)
        # The input of the next slice's first step was taken out of its slot before
        # the slice's events arrived: take it again.
        inp = dict(carry["inp"])
        nxt = (s + r) % self.L
        for name in bufs:
            size = inp[name].size
            inp[name] = jax.lax.dynamic_slice_in_dim(bufs[name], nxt * size, size).reshape(
                inp[name].shape)
        return precise.with_tables(dict(carry, buf=bufs, inp=inp), pev, s + r, self.L)

    def _horizons(self, carry, conns):
        """Each archive's horizon at the chunk's start: the earliest time a connection
        will read from (kernel/plasticity.py: an entry dropped after it is an overflow)."""
        if not self.archives:
            return carry
        arch = {k: dict(a, horizon=jnp.full_like(a["horizon"], jnp.inf))
                for k, a in carry["arch"].items()}
        for proj in self.projections:
            if proj.kind == "plastic" and proj.spec.post == "stdp":
                arch[proj.tgt] = plasticity.horizon(arch[proj.tgt], proj, carry["syn"][proj.key],
                                                    conns[proj.key])
        return dict(carry, arch=arch)

    def _decay_calcium(self, carry, params, steps, last):
        pops = dict(carry["pop"])
        for plan in self.plans:
            if plan.archiving is None or not plan.archiving.calcium:
                continue
            pops[plan.name] = packed.pack(archiving.decay_calcium(
                plan.archiving, self.grid, U.attach(params[plan.name], plan.units),
                packed.unpack(pops[plan.name], plan.packed), steps, last), plan.packed, jnp.stack)
        return dict(carry, pop=pops)

    def _unpack(self, carry):
        """The carry with every population's state one array per variable."""
        if not any(plan.packed for plan in self.plans):
            return carry
        return dict(carry, pop={plan.name: packed.unpack(carry["pop"][plan.name], plan.packed)
                                for plan in self.plans})

    def _pack(self, carry):
        """_unpack undone: large populations' state stacked (kernel/packed.py)."""
        if not any(plan.packed for plan in self.plans):
            return carry
        return dict(carry, pop={plan.name: packed.pack(carry["pop"][plan.name], plan.packed,
                                                       jnp.stack)
                                for plan in self.plans})

    def _steps_of(self, t):
        return Ctx(self.grid.h, 0, None, self.grid).steps(t)
