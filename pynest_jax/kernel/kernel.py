"""The kernel: graph, kernel status, the compiled program and the clock."""

from __future__ import annotations

import time as _time

import jax
import jax.numpy as jnp
import numpy as np

from ..api.errors import NESTErrors
from ..models.registry import NODE_MODELS, SYNAPSE_MODELS
from .graph import Graph
from .program import Program
from .time import TimeGrid
from . import recording

DEFAULT_SEED = 143202461  # NEST 3.10's default rng_seed


class Kernel:
    def __init__(self):
        self.reset()

    def reset(self):
        self.graph = Graph(NODE_MODELS, SYNAPSE_MODELS)
        self.grid = TimeGrid(0.1)
        self.status = dict(
            rng_seed=DEFAULT_SEED, print_time=False, overwrite_files=False, data_path="",
            data_prefix="", local_num_threads=1, dict_miss_is_error=True,
            keep_source_table=True, sort_connections_by_source=True,
        )
        self.clock = 0  # steps simulated since ResetKernel
        self.program: Program | None = None
        self.carry = None
        self.state_dirty = False
        self.events = recording.EventStore()
        self.prepared = False
        self.time_simulate = 0.0
        self.last_compiles = 0
        self.user_delay_extrema = None  # min/max_delay set by the user
        self._rng = None
        from ..models.ids import reset_copies
        reset_copies()

    def host_rng(self):
        """The seeded generator behind connection rules and random parameters."""
        if self._rng is None:
            import numpy as np
            from ..connect.parameters import set_default_rng
            self._rng = np.random.default_rng(self.status["rng_seed"])
            set_default_rng(self._rng)
        return self._rng

    def set_seed(self, seed):
        if not isinstance(seed, (int,)) or isinstance(seed, bool) or seed < 1 or seed >= 2**31:
            raise NESTErrors.BadProperty("rng_seed must be an integer in [1, 2^31-1].")
        self.status["rng_seed"] = int(seed)
        self._rng = None

    # --- time ------------------------------------------------------------------
    @property
    def resolution(self):
        return self.grid.h

    def set_resolution(self, h):
        if self.graph.network_size > 0 or len(self.graph.connections):
            raise NESTErrors.KernelException(
                "Cannot change the resolution after nodes have been created.")
        if h <= 0:
            raise NESTErrors.BadProperty("The resolution must be > 0.")
        grid = TimeGrid(h, self.grid.tics_per_ms)
        if grid.tics_per_step < 1:
            raise NESTErrors.BadProperty("The resolution must be at least one tic.")
        self.grid = grid

    @property
    def biological_time(self):
        return float(self.grid.steps_to_ms(self.clock))

    def delay_extrema(self):
        """min_delay/max_delay in ms, as NEST tracks them (over all connections)."""
        conns = self.graph.connections
        h = self.grid.h
        if self.user_delay_extrema is not None:
            lo, hi = self.user_delay_extrema
        else:
            lo, hi = h, h
        if conns.n_alive:
            alive = conns.col("alive")
            d = self.grid.delay_to_steps(conns.col("delay")[alive]) * h
            if self.user_delay_extrema is None:
                lo, hi = float(d.min()), float(d.max())
            else:
                lo, hi = min(lo, float(d.min())), max(hi, float(d.max()))
        return lo, hi

    def min_delay_steps(self) -> int:
        return max(1, int(round(self.delay_extrema()[0] / self.grid.h)))

    # --- running ---------------------------------------------------------------
    def _ensure_program(self):
        g = self.graph
        if self.program is None or self.program.version != g.structure_version:
            old_prog, old_carry = self.program, self.carry
            # The graph holds the latest state (read back after each run, then
            # edited by SetStatus); only pending ring-buffer input must move over.
            self.program = Program(g, self.grid)
            self.carry = self.program.initial_carry(g)
            if old_prog is not None and old_carry is not None:
                self.carry = recording.carry_buffers(old_prog, old_carry, self.program,
                                                     self.carry, self.clock)
            self.state_dirty = False
        elif self.state_dirty:
            self.carry = self.program.write_state(g, self.carry)
            self.state_dirty = False

    def prepare(self):
        self._ensure_program()
        self.prepared = True

    def run(self, t_ms: float):
        if t_ms < 0:
            raise NESTErrors.BadParameter("The simulation time cannot be negative.")
        steps = self.grid.ms_to_tics(t_ms)
        if steps % self.grid.tics_per_step:
            raise NESTErrors.BadParameter(
                "The simulation time must be a multiple of the simulation resolution.")
        nsteps = int(steps // self.grid.tics_per_step)
        if not self.prepared:
            raise NESTErrors.KernelException("Prepare() must be called before Run().")
        self._ensure_program()
        prog = self.program
        params = prog.params(self.graph)
        conns = prog.layout.device_arrays(self.graph)
        key = jax.random.PRNGKey(self.status["rng_seed"] & 0xFFFFFFFF)
        t0 = _time.perf_counter()
        compiles0 = prog.compiles
        done = 0
        while done < nsteps:
            k = min(prog.chunk, nsteps - done)
            n0 = self.clock
            self.carry, out = prog.run(self.carry, params, conns, n0, k, key)
            recording.collect(self, prog, out, n0, k)
            self.clock += k
            done += k
            if self.status["print_time"]:
                print(f"[ {100.0 * done / nsteps:5.1f}% ] Model time: {self.biological_time:.1f} ms")
        # Samples of the slice that holds the last step reach their recorders
        # only when the next slice runs.
        self.events.release((self.clock - 1) // self.min_delay_steps() if self.clock else 0)
        recording.update_counts(self)
        prog.read_state(self.graph, self.carry)
        self.last_compiles = prog.compiles - compiles0
        self.time_simulate = _time.perf_counter() - t0

    def cleanup(self):
        self.prepared = False

    def simulate(self, t_ms: float):
        self.prepare()
        self.run(t_ms)
        self.cleanup()
