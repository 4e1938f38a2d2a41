"""The kernel: graph, kernel status, the compiled program and the clock."""

from __future__ import annotations

import time as _time

import jax
import jax.numpy as jnp
import numpy as np

from ..connect.parameters import set_default_rng
from ..errors import NESTErrors
from ..models.ids import reset_copies
from ..models._spec import HostCtx
from ..models.registry import NODE_MODELS, SYNAPSE_MODELS
from . import archives, hooks, precise, recording, verbosity
from .verbosity import VerbosityLevel
from .attributes import DEFAULTS, STORED
from .backends import Writers
from .graph import Graph
from .program import Program
from .time import TimeGrid
from .values import nest_type


def rbg_key(seed: int):
    """jax.random.key(seed, impl="rbg") for 0 <= seed < 2**32, without the two small
    programs jax compiles to make it (50 ms of CPU at a script's first Simulate): an rbg
    key's data is threefry's seed, (seed >> 32, seed & 0xFFFFFFFF), twice
    (tests/test_fastrand.py checks it against jax.random.key)."""
    data = np.array([0, seed, 0, seed], np.uint32)
    return jax.random.wrap_key_data(jax.device_put(data), impl="rbg")


class Kernel:
    def __init__(self):
        self.generation = 0
        self.reset()

    def reset(self):
        # NodeCollections made before a ResetKernel are invalid afterwards (NEST's fingerprint).
        self.generation += 1
        self.grid = TimeGrid(DEFAULTS["resolution"])
        self.graph = Graph(NODE_MODELS, SYNAPSE_MODELS, HostCtx(grid=self.grid))
        # NEST's ResetKernel keeps data_path and data_prefix (the IO manager survives it).
        kept = {k: self.status[k] for k in ("data_path", "data_prefix")} \
            if hasattr(self, "status") else {}
        self.status = {k: DEFAULTS[k] for k in STORED}
        self.status.update(kept)
        self.clock = 0  # steps simulated since ResetKernel
        self.program: Program | None = None
        self.carry = None
        self.state_dirty = False
        self.events = recording.EventStore()
        self.writers = Writers()
        self.backend_opts = {}  # recorder gid -> backend options (precision, file_extension)
        self.events.sink = lambda gid, ev: self.writers.write(self, gid, ev)
        self.prepared = False
        self.time_simulate = 0.0
        self.last_compiles = 0
        self.delays = DelayChecker()
        self.model_defaults_modified = False  # NEST refuses a new resolution afterwards
        self.simulated = False  # min/max_delay freeze at the first Simulate (has_been_simulated)
        self._frozen_delays = None
        self._rng = None
        self._time_memo = (None, None, 0)  # check_time's last answer: (grid, ms, steps)
        reset_copies()

    def host_rng(self):
        """The seeded generator behind connection rules and random parameters."""
        if self._rng is None:
            self._rng = np.random.default_rng(self.status["rng_seed"])
            set_default_rng(self._rng)
        return self._rng

    def set_seed(self, seed):
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast 'rng_seed' from {nest_type(seed)} to type long")
        if not 0 < seed < 2 ** 32:
            raise NESTErrors.BadProperty("RNG seed must be in (0, 2^32-1).")
        self.status["rng_seed"] = int(seed)
        self._rng = None

    def host_ctx(self, gids=None, until=None) -> HostCtx:
        """What a model's host-side code may know of the kernel, for the nodes ``gids``."""
        return HostCtx(grid=self.grid, now=self.clock,
                       until=self.clock if until is None else until,
                       min_delay=self.min_delay_steps(),
                       max_delay=int(self.delay_extrema_steps()[1]),
                       threads=int(self.status["local_num_threads"]), seed=self.status["rng_seed"], gids=gids,
                       graph=self.graph, dict_miss_is_error=self.status["dict_miss_is_error"],
                       keep_source_table=self.status["keep_source_table"])

    # --- time ------------------------------------------------------------------
    @property
    def resolution(self):
        return self.grid.h

    def set_resolution(self, h, tics_per_ms=None):
        """SimulationManager::set_status for resolution (and tics_per_ms)."""
        errors = []
        if self.graph.network_size > 0:
            errors.append("Nodes have already been created")
        if self.simulated or self.clock > 0:
            errors.append("Network has been simulated")
        if self.model_defaults_modified:
            errors.append("Model defaults were modified")
        if len(errors) == 1:
            raise NESTErrors.KernelException(errors[0] + ": time representation cannot be changed.")
        if errors:
            raise NESTErrors.KernelException(
                "Time representation unchanged. Error conditions: "
                + " ".join(e + "." for e in errors))
        tpm = self.grid.tics_per_ms if tics_per_ms is None else float(tics_per_ms)
        if h < 1.0 / tpm:
            raise NESTErrors.KernelException(
                "Resolution must be greater than or equal to one tic. Value unchanged.")
        tics = h * tpm if tics_per_ms is not None else h / (1.0 / tpm)
        if not _is_integer(tics):
            raise NESTErrors.KernelException(
                "Resolution must be a multiple of the tic length. Value unchanged.")
        grid = TimeGrid(h, tpm)
        old_h, old_tpm = float(self.grid.steps_to_ms(1)), self.grid.tics_per_ms
        self.grid = grid
        self.delays.calibrate(grid)
        hooks.calibrate(self.graph, grid)
        new_h = float(grid.steps_to_ms(1))
        if tics_per_ms is None:
            _log(VerbosityLevel.INFO, "SimulationManager::set_status",
                 f"Temporal resolution changed from {old_h:g} to {h:g} ms.")
        else:
            _log(VerbosityLevel.INFO, "SimulationManager::set_status",
                 f"Tics per ms and resolution changed from {old_tpm:g} tics and {old_h:g} ms to "
                 f"{tpm:g} tics and {new_h:g} ms.")

    @property
    def biological_time(self):
        return float(self.grid.steps_to_ms(self.clock))

    def delay_extrema(self):
        """min_delay/max_delay in ms as NEST reports them (ConnectionManager::get_status)."""
        lo, hi = self.delay_extrema_steps()
        return float(self.grid.steps_to_ms(lo)), float(self.grid.steps_to_ms(hi))

    def delay_extrema_steps(self):
        if self.simulated and self._frozen_delays is not None:
            return self._frozen_delays
        return self.delays.extrema(self.grid)

    def check_delays(self, lo_steps: int, hi_steps: int, freeze=False):
        """DelayChecker::assert_valid_delay_ms for delays in [lo, hi] steps, frozen after the
        first Simulate; the extrema they would make (freeze: the present ones)."""
        return self.delays.check(lo_steps, hi_steps, self.simulated, self._frozen_delays,
                                 self.grid, freeze)

    def min_delay_steps(self) -> int:
        return max(1, int(self.delay_extrema_steps()[0]))

    # --- running ---------------------------------------------------------------
    def _ensure_program(self):
        g = self.graph
        precision = self.status["precision"]
        if (self.program is None or self.program.version != g.structure_version
                or self.program.precision != precision):
            g.connections.settle()  # plastic values of the old program's carry
            old_prog, old_carry = self.program, self.carry
            # The graph holds the latest state (read back after each run, then
            # edited by SetStatus); only pending ring-buffer input must move over.
            self.program = Program(g, self.grid, precision=precision,
                                   min_delay=self.min_delay_steps())
            self.carry = self.program.initial_carry(g)
            if old_prog is not None and old_carry is not None:
                self.carry = recording.carry_buffers(old_prog, old_carry, self.program,
                                                     self.carry, self.clock)
                self.carry = self.program.carry_archives(old_prog, old_carry, self.carry)
                self.carry = precise.carry_over(old_prog, old_carry, self.program, self.carry,
                                                self.clock)
            self.state_dirty = False
        elif self.state_dirty:
            self.carry = self.program.write_state(g, self.carry)
            self.state_dirty = False

    def prepare(self):
        if self.prepared:
            raise NESTErrors.KernelException("Prepare called twice.")
        self._check_precision()
        self.graph.mark_thread_local()
        self.graph.prepared_upto = self.graph.network_size
        if hooks.pre_run(self):
            self.state_dirty = True
        if verbosity.get_level() <= VerbosityLevel.INFO:
            n = self.graph.network_size
            _log(VerbosityLevel.INFO, "NodeManager::prepare_nodes",
                 f"Preparing {n} {'node' if n == 1 else 'nodes'} for simulation.")
        self._ensure_program()
        self.writers.open_all(self)
        self.prepared = True

    def _check_precision(self):
        """The models with precise spike input (the *_ps neurons, parrot_neuron_ps) compute
        in float64 only: refuse pynest_jax's opt-in float32 before anything is prepared."""
        if self.status["precision"] != "float32":
            return
        precise = sorted(n for n, pop in self.graph.populations.items()
                         if len(pop) and getattr(pop.spec, "precise_channel", None) is not None)
        if precise:
            raise NESTErrors.KernelException(
                f"precision 'float32' is not available for models with precise spike input "
                f"({', '.join(precise)}): they compute in float64 only. "
                f"Set nest.precision = 'float64'.")

    def check_time(self, t_ms: float) -> int:
        """nest.cpp run(): the simulation time in steps, or NEST's BadParameter."""
        memo = self._time_memo
        if memo[0] is self.grid and memo[1] == t_ms and type(t_ms) is float:
            return memo[2]  # the time of the call before (Simulate, then Run; a loop of calls)
        if t_ms < 0:
            raise NESTErrors.BadParameter("The simulation time cannot be negative.")
        if not np.isfinite(t_ms) or t_ms > self.grid.max_ms:
            raise NESTErrors.BadParameter("The simulation time must be finite.")
        steps = self.grid.ms_to_tics(t_ms)
        if steps % self.grid.tics_per_step:
            raise NESTErrors.BadParameter(
                "The simulation time must be a multiple of the simulation resolution.")
        steps = int(steps // self.grid.tics_per_step)
        self._time_memo = (self.grid, t_ms, steps)
        return steps

    def run(self, t_ms: float):
        nsteps = self.check_time(t_ms)
        if not self.prepared:
            raise NESTErrors.KernelException("Run called without calling Prepare.")
        if nsteps == 0:
            return
        md = self.min_delay_steps()  # (the same through the run: delays freeze at the first)
        if nsteps % md:
            _log(VerbosityLevel.WARNING, "SimulationManager::run",
                 "The requested simulation time is not an integer multiple of the minimal delay "
                 "in the network. This may result in inconsistent results under the following "
                 "conditions: (i) A network contains more than one source of randomness, e.g., "
                 "two different poisson_generators, and (ii) Simulate is called repeatedly with "
                 "simulation times that are not multiples of the minimal delay.")
        info = verbosity.get_level() <= VerbosityLevel.INFO  # (messages formatted only if shown)
        if info:
            _log(VerbosityLevel.INFO, "SimulationManager::start_updating_",
                 f"Number of local nodes: {self.graph.network_size}\nSimulation time (ms): "
                 f"{nsteps * self.grid.h:g}\nNumber of OpenMP threads: "
                 f"{self.status['local_num_threads']}\nNot using MPI")
        if not self.simulated:
            # SimulationManager: min/max_delay are fixed once a simulation has run.
            self._frozen_delays = self.delays.extrema(self.grid)
            self.simulated = True
        extras, wrote = hooks.host_prepare(self, self.clock + nsteps)
        self.state_dirty |= wrote
        self._ensure_program()
        prog = self.program
        params = prog.params(self.graph)
        self.carry = prog.common_state(self.graph, self.carry)  # perhaps set since
        for name, arrays in extras.items():
            if name in params:  # (a new dict: Program.params hands out the ones it keeps)
                params[name] = {**params[name], **{k: prog.device(v) for k, v in arrays.items()}}
        conns = prog.layout.device_arrays(self.graph, prog.fdtype)
        if prog.plastic and prog.syn_version != self.graph.connections.version:
            # connections set or made since the rows were written (the graph holds the
            # values the last run read back)
            self.carry = dict(self.carry, syn=prog.plastic_rows(self.graph))
        # From here the device holds the plastic values: the host's copies that it holds
        # in full go now, not after the run (hpc_benchmark: 16 B per connection of every
        # model, Kplus and t_lastspike, during the first run's compile and chunk)
        prog.defer_plastic(self.graph, lambda: self.carry)
        # XLA's RngBitGenerator ('rbg'): on CPU about 5x faster per random number than
        # threefry, which made random draws most of a step's time in Poisson-driven networks.
        key = self._base_key(self.status["rng_seed"] & 0xFFFFFFFF)
        t0 = _time.perf_counter()
        compiles0 = prog.compiles
        if self.status["print_time"] and nsteps:
            print()
            self._print_progress(0, nsteps, t0)
        done = 0
        while done < nsteps:
            k = min(prog.chunk, nsteps - done)
            n0 = self.clock
            if k < nsteps - done and (n0 + k) % md and k > (n0 + k) % md:
                k -= (n0 + k) % md  # end chunks on slice ends: recorders order events by slice
            if prog.dopamine.projections and n0 % md and k > md - n0 % md:
                k = md - n0 % md  # after a run that ended inside a slice: NEST's slices again
            bounded = (prog.archives or self.carry["wrec"] or self.carry["dopa"]
                       or archives.read(prog) or prog.precise)
            if bounded:
                # kept until the chunk is known not to have outgrown the archives' rings
                # and the weight recorders' buffers
                saved = jax.tree_util.tree_map(jnp.copy, self.carry)
            self.carry, out = prog.run(self.carry, params, conns, n0, k, key, last=done + k == nsteps)
            while bounded and prog.overflowed(self.carry):
                # an STDP connection needed a post-synaptic spike the ring had dropped, or
                # a weight recorder's events did not fit: the chunk again, larger
                self.carry = prog.grow(saved, self.carry)
                saved = jax.tree_util.tree_map(jnp.copy, self.carry)
                self.carry, out = prog.run(self.carry, params, conns, n0, k, key,
                                           last=done + k == nsteps)
            if self.carry["wrec"]:
                weights, self.carry = prog.take_weight_events(self.carry)
                recording.weight_events(self, prog, weights)
            recording.collect(self, prog, out, n0, k)
            self.clock += k
            done += k
            if self.status["print_time"]:
                self._print_progress(done, nsteps, t0)
        if self.status["print_time"] and nsteps:
            print(flush=True)
        if info:
            _log(VerbosityLevel.INFO, "SimulationManager::run", "Simulation finished.")
        # Samples of the slice that holds the last step reach their recorders
        # only when the next slice runs.
        self.events.release((self.clock - 1) // md if self.clock else 0,
                            recording.finish_samples(self))
        recording.update_counts(self)
        prog.read_state(self.graph, self.carry, lambda: self.carry)
        hooks.after_run(self)
        self.last_compiles = prog.compiles - compiles0
        if self.last_compiles:
            _release_free_memory()
        self.time_simulate = _time.perf_counter() - t0

    def _base_key(self, seed):
        """The run's key (a run folds the step in), made once per seed: making it cost
        about 0.3 ms, more than a short run of a small network."""
        if getattr(self, "_key", (None,))[0] != seed:
            self._key = (seed, rbg_key(seed))
        return self._key[1]

    def _print_progress(self, done, nsteps, t0):
        """NEST's progress line (print_time), rewritten in place after each chunk (NEST:
        after each slice): the share done, the model time, and the real-time factor,
        wall-clock time over model time of this run."""
        pct = 100 - int((nsteps - done) / nsteps * 100)
        model_ms = done * self.grid.h
        rt = (_time.perf_counter() - t0) * 1000.0 / model_ms if done else 0.0
        print(f"\r[ {pct:{verbosity.stdout_fill()}>3d}% ] Model time: {self.biological_time:.1f} ms, Real-time factor: "
              f"{rt:.4f}", end="", flush=True)

    def cleanup(self):
        if not self.prepared:
            raise NESTErrors.KernelException("Cleanup called without calling Prepare.")
        self.prepared = False
        self.writers.files.clear()  # NEST closes files at Cleanup and re-creates them at Prepare

    def simulate(self, t_ms: float):
        self.check_time(t_ms)  # refused before anything is prepared: the kernel stays usable
        self.prepare()
        try:
            self.run(t_ms)
        finally:
            self.cleanup()


def _release_free_memory():
    """Give the C heap's free pages back to the system after a compile. XLA's compiler
    and Prepare's temporaries leave some 400 MB free but resident in glibc's heap
    (brunel_stdp x0.2: 730 MB resident after the first Simulate, 300 MB after this),
    which the process never uses again; the trim takes a few milliseconds."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _is_integer(n: float) -> bool:
    """numerics::is_integer: within two bits of rounding of a whole number."""
    frac = n - np.trunc(n)
    if frac > 0.5:
        frac = 1 - frac
    return frac < 4 * n * np.finfo(float).eps


class DelayChecker:
    """NEST's DelayChecker (nestkernel/delay_checker.cpp): the delay extrema seen so far.

    Every delay a connection is created or set with widens [min, max]; a
    connection removed does not narrow it. Once the user sets min/max_delay,
    delays outside are refused; after the first Simulate, they are frozen.
    """

    def __init__(self):
        self.min_steps = None  # None: +inf (no delay seen yet)
        self.max_steps = None  # None: -inf
        self.user_set = False
        self._user_ms = None

    def extrema(self, grid):
        lo = 1 if self.min_steps is None else self.min_steps  # resolution when none seen
        hi = max(1, self.max_steps) if self.max_steps is not None else 1
        return int(lo), int(hi)

    def check(self, lo_steps: int, hi_steps: int, simulated, frozen, grid, freeze=False):
        """assert_valid_delay_ms for a batch of delays (in steps); returns the new extrema."""
        if lo_steps < 1:
            raise NESTErrors.BadDelay(
                f"Delay value {_fmt(grid.steps_to_ms(lo_steps))} is invalid: Delay must be greater "
                "than or equal to resolution")
        if simulated and frozen is not None:
            if lo_steps < frozen[0]:
                raise NESTErrors.BadDelay(
                    f"Delay value {_fmt(grid.steps_to_ms(lo_steps))} is invalid: Minimum and "
                    "maximum delay cannot be changed after Simulate has been called.")
            if hi_steps > frozen[1]:
                raise NESTErrors.BadDelay(
                    f"Delay value {_fmt(grid.steps_to_ms(hi_steps))} is invalid: Minimum and "
                    "maximum delay cannot be changed after Simulate has been called.")
        new_min = self.min_steps is None or lo_steps < self.min_steps
        new_max = self.max_steps is None or hi_steps > self.max_steps
        if self.user_set and new_min:
            raise NESTErrors.BadDelay(
                f"Delay value {_fmt(grid.steps_to_ms(lo_steps))} is invalid: Delay must be greater "
                "than or equal to min_delay. You may set min_delay before creating connections.")
        if self.user_set and new_max:
            raise NESTErrors.BadDelay(
                f"Delay value {_fmt(grid.steps_to_ms(hi_steps))} is invalid: Delay must be smaller "
                "than or equal to max_delay. You may set min_delay before creating connections.")
        lo = self.min_steps if not new_min or freeze else lo_steps
        hi = self.max_steps if not new_max or freeze else hi_steps
        return lo, hi

    def commit(self, lo, hi):
        self.min_steps, self.max_steps = lo, hi

    def set_user(self, min_ms, max_ms, grid):
        """DelayChecker::set_min_max_delay_: min floors, max ceils to the grid."""
        lo = int(grid.ms_to_steps(min_ms))
        if float(grid.steps_to_ms(lo)) > min_ms:
            lo -= 1
        hi = int(grid.ms_to_steps(max_ms))
        if lo < 1:
            raise NESTErrors.BadDelay(
                f"Delay value {_fmt(grid.steps_to_ms(lo))} is invalid: min_delay must be greater "
                "than or equal to resolution.")
        if hi < lo:
            raise NESTErrors.BadDelay(
                f"Delay value {_fmt(grid.steps_to_ms(lo))} is invalid: min_delay must be smaller "
                "than or equal to max_delay.")
        self.min_steps, self.max_steps = lo, hi
        self.user_set = True
        self._user_ms = (float(grid.steps_to_ms(lo)), float(grid.steps_to_ms(hi)))

    def calibrate(self, grid):
        """A new resolution: user-set extrema are set again, in ms (DelayChecker::calibrate)."""
        if self.user_set and self._user_ms is not None:
            self.set_user(*self._user_ms, grid)


def _fmt(ms) -> str:
    ms = float(ms)
    return f"{ms:g}"


def _log(level, where, message):
    """A message of the kernel at NEST's level, as NEST's logger shows it."""
    verbosity.publish(level, where, message, __file__, 0)
