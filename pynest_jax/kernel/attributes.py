"""Kernel attributes (``resolution``, ``rng_seed``...), declared once, and their defaults.

Each entry of ``ATTRS`` is a typed descriptor: what the kernel status shows,
the NEST type a new value must have, and its setter (None: read only); getters
and setters take the kernel. ``set_status`` is NEST's set_kernel_status, checked
completely before anything changes. The facade's module attributes,
``nest.get``/``nest.set`` and Get/SetKernelStatus read this table.
"""

from __future__ import annotations

import copy
import os

import numpy as np

from .._version import __version__
from ..connect.rules import RULES
from ..errors import NESTErrors
from .network import MAX_NUM_SYN_MODELS
from .values import check_pydict, nest_type
from .verbosity import VerbosityLevel, get_level, set_level

# The kernel's defaults, as ResetKernel leaves them: the values the kernel keeps in
# its status (STORED) and those PyNEST documents for its kernel attributes
# (nest/__init__.py, KernelAttribute; DOCUMENTED), which are most of them.
DEFAULTS = {
    "resolution": 0.1, "max_delay": 0.1, "min_delay": 0.1, "tics_per_ms": 1000.0,
    "rng_type": "mt19937_64", "rng_seed": 143202461, "total_num_virtual_procs": 1,
    "local_num_threads": 1, "adaptive_target_buffers": True, "buffer_size_spike_data": 2,
    "buffer_size_target_data": 2, "growth_factor_buffer_target_data": 1.5,
    "max_buffer_size_target_data": 16777216, "spike_buffer_grow_extra": 0.5,
    "spike_buffer_shrink_limit": 0.2, "spike_buffer_shrink_spare": 0.1, "use_wfr": True,
    "wfr_comm_interval": 1.0, "wfr_tol": 0.0001, "wfr_max_iterations": 15,
    "wfr_interpolation_order": 3, "structural_plasticity_update_interval": 10000,
    "use_compressed_spikes": True, "overwrite_files": False, "print_time": False,
    "dict_miss_is_error": True, "keep_source_table": True, "update_time_limit": float("inf"),
    "eprop_update_interval": 1000.0, "eprop_learning_window": 1000.0,
    "eprop_reset_neurons_on_update": True,
    "data_path": "", "data_prefix": "", "sort_connections_by_source": True,
    "precision": "float64",  # pynest_jax's own: "float32" is opt-in (see Program)
}
UNDOCUMENTED = {"data_path", "data_prefix", "sort_connections_by_source", "precision"}
STORED = ("rng_seed", "print_time", "overwrite_files", "data_path", "data_prefix",
          "local_num_threads", "dict_miss_is_error", "keep_source_table",
          "sort_connections_by_source", "rng_type", "adaptive_target_buffers", "use_wfr",
          "wfr_comm_interval", "wfr_tol", "wfr_max_iterations", "wfr_interpolation_order",
          "precision")


def documented_default(name):
    """The default PyNEST's KernelAttribute names (None where it names none)."""
    if name == "verbosity":
        return VerbosityLevel.INFO
    return None if name in UNDOCUMENTED else DEFAULTS.get(name)


class Attr:
    def __init__(self, doc, get, set=None, type=None, attribute=True, status=True):
        self.doc, self.get, self.set, self.type = doc, get, set, type
        self.attribute = attribute  # a module attribute (KernelAttribute in nest/__init__.py)
        self.status = status  # a key of GetKernelStatus()


def _kernel_value(key):
    return lambda kernel: kernel.status[key]


def _store(key):
    def setter(kernel, v):
        kernel.status[key] = v
    return setter


def _is_off_grid(graph, pop):
    """Model::is_off_grid: a model's declaration, or a node's value of the parameter
    it names (spike_train_injector: precise_times, which NEST's pre_run_hook reads)."""
    flag = getattr(pop.spec, "off_grid", False)
    if isinstance(flag, str):
        return bool(np.any(pop.arrays[flag]))
    return bool(flag)


def _const(v):
    return lambda kernel: v() if callable(v) else v


def _ignored(kernel, v):
    """A value NEST accepts that changes nothing here (MPI buffers, e-prop, timers)."""


def _fixed(key):
    """An attribute NEST lets be set but pynest_jax has no use for: always its default."""
    return lambda kernel: DEFAULTS[key]


def _set_precision(kernel, v):
    if v not in ("float64", "float32"):
        raise NESTErrors.BadProperty(
            f"precision must be 'float64' or 'float32', not {v!r}.")
    kernel.status["precision"] = v


def _threads(kernel, v):
    _check_threads(kernel, v)
    kernel.status["local_num_threads"] = int(v)


def _check_threads(kernel, v):
    if v != kernel.status["local_num_threads"]:
        errors = []
        if kernel.graph.network_size > 0:
            errors.append("Nodes exist")
        if kernel.delays.user_set:
            errors.append("Delay extrema have been set")
        if kernel.simulated:
            errors.append("Network has been simulated")
        if kernel.model_defaults_modified:
            errors.append("Model defaults were modified")
        if errors:
            raise NESTErrors.KernelException(
                "Number of threads unchanged. Error conditions: " + " ".join(e + "." for e in errors))
        if v < 1:
            raise NESTErrors.BadProperty("local_num_threads must be at least 1.")


def _data_path(kernel, v):
    # NEST opens the directory to check it; '' cannot be opened, so it is refused too.
    if not os.path.isdir(v):
        _log_error(f"Variable data_path not set: Directory '{v}' does not exist.")
        return
    kernel.status["data_path"] = v


def _data_prefix(kernel, v):
    if "/" in v:
        _log_error("Data prefix must not contain path elements.")
        return
    kernel.status["data_prefix"] = v


def _log_error(msg):
    if get_level() <= VerbosityLevel.ERROR:
        print(f"[ERROR] SetStatus: {msg}")


def _rng_type(kernel, v):
    if v not in RNG_TYPES:
        raise NESTErrors.BadProperty(f"/rng_type is not a known type of RNG: {v}")
    kernel.status["rng_type"] = v


def _biological_time(kernel, v):
    if v != 0.0:
        raise NESTErrors.BadProperty("The simulation time can only be set to 0.0.")
    kernel.clock = 0


RNG_TYPES = ["Philox_32", "Philox_64", "Threefry_32", "Threefry_64", "mt19937", "mt19937_64"]


def _empty_log():
    return {"global_max_spikes_sent": np.zeros(0), "new_buffer_size": np.zeros(0),
            "times": np.zeros(0)}


_T_MAX = 1152921504606846.8  # Time::max() in ms with the default tics_per_ms


ATTRS = {
    "adaptive_target_buffers": Attr("MPI buffers resize on the fly", _kernel_value(
        "adaptive_target_buffers"), _store("adaptive_target_buffers"), "bool"),
    "biological_time": Attr("simulated time (ms)", lambda kernel: kernel.biological_time,
                            _biological_time, "double"),
    "buffer_size_spike_data": Attr("MPI spike buffer size", _fixed("buffer_size_spike_data"), _ignored, "long"),
    "buffer_size_target_data": Attr("MPI connection buffer size", _fixed("buffer_size_target_data"), _ignored,
                                    "long"),
    "build_info": Attr("build information", lambda kernel: _build_info()),
    "connection_rules": Attr("connection rules", lambda kernel: sorted(RULES)),
    "cycle_time_log": Attr("update cycle log", None, status=False),
    "data_path": Attr("folder for recorded data", _kernel_value("data_path"), _data_path, "str"),
    "data_prefix": Attr("prefix of recorded data files", _kernel_value("data_prefix"),
                        _data_prefix, "str"),
    "dict_miss_is_error": Attr("unknown keys raise", _kernel_value("dict_miss_is_error"),
                               _store("dict_miss_is_error"), "bool"),
    "eprop_learning_window": Attr("e-prop learning window (ms)", _fixed("eprop_learning_window"), _ignored,
                                  "double"),
    "eprop_reset_neurons_on_update": Attr("e-prop neuron reset", _fixed("eprop_reset_neurons_on_update"), _ignored,
                                          "bool"),
    "eprop_update_interval": Attr("e-prop update interval (ms)", _fixed("eprop_update_interval"), _ignored,
                                  "double"),
    "growth_curves": Attr("structural plasticity growth curves",
                          _const(lambda: ["gaussian", "linear", "sigmoid"])),
    "growth_factor_buffer_spike_data": Attr("spike buffer growth", _const(1.5), attribute=False),
    "growth_factor_buffer_target_data": Attr("target buffer growth", _fixed("growth_factor_buffer_target_data"), _ignored,
                                             "double"),
    "keep_source_table": Attr("keep source table", _kernel_value("keep_source_table"),
                              _store("keep_source_table"), "bool"),
    "kernel_status": Attr("the complete kernel status", lambda kernel: get_status(kernel), status=False),
    "local_num_threads": Attr("threads (accepted; JAX decides its own parallelism)",
                              _kernel_value("local_num_threads"), _threads, "long"),
    "local_spike_counter": Attr("spikes emitted in the last Simulate",
                                lambda kernel: int(getattr(kernel, "local_spike_counter", 0))),
    "max_buffer_size_target_data": Attr("maximal MPI buffer size", _fixed("max_buffer_size_target_data"),
                                        _ignored, "long"),
    "max_delay": Attr("maximal delay (ms)", lambda kernel: kernel.delay_extrema()[1], "delays",
                      "double"),
    "max_num_syn_models": Attr("maximal number of synapse models", _const(MAX_NUM_SYN_MODELS)),
    "max_update_time": Attr("longest update cycle", _const(-np.inf)),
    "memory_size": Attr("memory size (kB)", lambda kernel: _memory_kb()),
    "min_delay": Attr("minimal delay (ms)", lambda kernel: kernel.delay_extrema()[0], "delays",
                      "double"),
    "min_update_time": Attr("shortest update cycle", _const(np.inf)),
    "modules": Attr("loaded modules", _const(lambda: []), attribute=False),
    "mpi_rank": Attr("MPI rank", _const(0), attribute=False),
    "ms_per_tic": Attr("ms per tic", lambda kernel: 1.0 / kernel.grid.tics_per_ms),
    "network_size": Attr("number of nodes", lambda kernel: kernel.graph.network_size),
    "node_models": Attr("node models", lambda kernel: sorted(kernel.graph.models)),
    "num_connections": Attr("number of connections", lambda kernel: kernel.graph.connections.n_alive),
    "num_processes": Attr("MPI processes", _const(1)),
    # NodeManager::add_node: creating a node of an off-grid model switches it on
    "off_grid_spiking": Attr("precise spike times in use", lambda kernel: any(
        _is_off_grid(kernel.graph, p) and len(p) for p in kernel.graph.pop_list)),
    "overwrite_files": Attr("overwrite existing files", _kernel_value("overwrite_files"),
                            _store("overwrite_files"), "bool"),
    "prepared": Attr("inside Prepare/Cleanup", lambda kernel: kernel.prepared, attribute=False),
    "precision": Attr("floating-point type of the simulated state, ring buffers and weights: "
                      "'float64' (the default: results as NEST's) or 'float32' (opt-in, for "
                      "speed, mainly on GPUs); pynest_jax's own attribute, not NEST's",
                      _kernel_value("precision"), _set_precision, "str",
                      status=False),
    "print_time": Attr("print progress during Simulate", _kernel_value("print_time"),
                       _store("print_time"), "bool"),
    "recording_backends": Attr("recording backends", _const(lambda: ["ascii", "memory", "screen"])),
    "recv_buffer_size_secondary_events": Attr("secondary event buffer", _const(0)),
    # Time::get_resolution().get_ms(): tics times ms_per_tic (0.7 ms shows as 0.7000000000000001)
    "resolution": Attr("temporal resolution (ms)", lambda kernel: float(kernel.grid.steps_to_ms(1)),
                       "resolution", "double"),
    "rng_seed": Attr("seed of the random number generators", _kernel_value("rng_seed"),
                     lambda kernel, v: kernel.set_seed(v), "long"),
    "rng_type": Attr("type of random number generator", _kernel_value("rng_type"), _rng_type,
                     "str"),
    "rng_types": Attr("random number generator types", _const(lambda: list(RNG_TYPES))),
    "send_buffer_size_secondary_events": Attr("secondary event buffer", _const(0)),
    "spike_buffer_grow_extra": Attr("spike buffer growth", _fixed("spike_buffer_grow_extra"), _ignored, "double"),
    "spike_buffer_resize_log": Attr("spike buffer resizing log", lambda kernel: _empty_log()),
    "spike_buffer_shrink_limit": Attr("spike buffer shrink limit", _fixed("spike_buffer_shrink_limit"), _ignored,
                                      "double"),
    "spike_buffer_shrink_spare": Attr("spike buffer shrink spare", _fixed("spike_buffer_shrink_spare"), _ignored,
                                      "double"),
    "stimulation_backends": Attr("stimulation backends", _const(lambda: [])),
    "structural_plasticity_synapses": Attr("structural plasticity synapses", _const(lambda: {}),
                                           _ignored, "dict"),
    "structural_plasticity_update_interval": Attr("structural plasticity interval",
                                                  _const(10000.0), _ignored, "double"),
    "synapse_models": Attr("synapse models", lambda kernel: sorted(kernel.graph.synapses)),
    "T_max": Attr("largest time", _const(_T_MAX)),
    "T_min": Attr("smallest time", _const(-_T_MAX)),
    "tics_per_ms": Attr("tics per ms", lambda kernel: kernel.grid.tics_per_ms, "resolution", "long"),
    "tics_per_step": Attr("tics per step", lambda kernel: kernel.grid.tics_per_step),
    "time_communicate_prepare": Attr("timer", _const(lambda: np.zeros(1)), attribute=False),
    "time_communicate_prepare_cpu": Attr("timer", _const(lambda: np.zeros(1)), attribute=False),
    "time_construction_connect": Attr("timer", _const(0.0), attribute=False),
    "time_construction_connect_cpu": Attr("timer", _const(0.0), attribute=False),
    "time_construction_create": Attr("timer", _const(0.0), attribute=False),
    "time_construction_create_cpu": Attr("timer", _const(0.0), attribute=False),
    "time_simulate": Attr("wall time of the last Simulate (s)", lambda kernel: kernel.time_simulate,
                          attribute=False),
    "time_simulate_cpu": Attr("cpu time of the last Simulate (s)", lambda kernel: kernel.time_simulate,
                              attribute=False),
    "to_do": Attr("steps yet to simulate", _const(0)),
    "total_num_virtual_procs": Attr("virtual processes", _kernel_value("local_num_threads"),
                                    _threads, "long"),
    "update_time_limit": Attr("limit of an update cycle", _fixed("update_time_limit"), _ignored,
                              "double"),
    "use_compressed_spikes": Attr("spike compression", _fixed("use_compressed_spikes"), _ignored, "bool"),
    "use_wfr": Attr("waveform relaxation", _kernel_value("use_wfr"), _store("use_wfr"), "bool"),
    "verbosity": Attr("verbosity of messages", lambda kernel: get_level(),
                      lambda kernel, v: set_level(v), "verbosity"),
    "wfr_comm_interval": Attr("waveform relaxation interval", _kernel_value("wfr_comm_interval"),
                              _store("wfr_comm_interval"), "double"),
    "wfr_interpolation_order": Attr("waveform relaxation order",
                                    _kernel_value("wfr_interpolation_order"),
                                    _store("wfr_interpolation_order"), "long"),
    "wfr_max_iterations": Attr("waveform relaxation iterations",
                               _kernel_value("wfr_max_iterations"),
                               _store("wfr_max_iterations"), "long"),
    "wfr_tol": Attr("waveform relaxation tolerance", _kernel_value("wfr_tol"), _store("wfr_tol"),
                    "double"),
    # pynest_jax's own keys
    "compiles_last_run": Attr("pynest_jax: compilations during the last Run",
                              lambda kernel: kernel.last_compiles, attribute=False),
}

KERNEL_ATTRIBUTES = {k for k, a in ATTRS.items() if a.attribute}
READ_ONLY = {k for k, a in ATTRS.items() if a.attribute and a.set is None}


def get_status(kernel) -> dict:
    """get_kernel_status: every key, sorted as NEST's dictionary."""
    return {k: a.get(kernel) for k, a in sorted(ATTRS.items()) if a.status}


def _build_info():
    """NEST's build_info keys; the values describe pynest_jax (no MPI, threads accepted but
    JAX decides its own parallelism, GSL-equivalent solvers; have_boost because the model
    that NEST builds only with Boost, iaf_bw_2001, is here (scipy's incomplete gamma))."""
    import os as _os
    import platform
    here = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
    return {"built": "pynest_jax", "datadir": here, "docdir": here, "exitcode": 0,
            "have_boost": True, "have_gsl": True, "have_hdf5": False,
            "have_libneurosim": False, "have_mpi": False, "have_music": False,
            "have_sionlib": False, "have_threads": False,
            "host": f"{platform.machine()}-{platform.system().lower()}",
            "hostcpu": platform.machine(), "hostos": platform.system().lower(),
            "hostvendor": "", "ndebug": True, "prefix": here,
            "test_exitcodes": {"abort": 134, "exception": 125, "fatal": 127, "scripterror": 126,
                               "segfault": 139, "skipped": 200, "skipped_have_mpi": 202,
                               "skipped_no_gsl": 204, "skipped_no_mpi": 201,
                               "skipped_no_music": 205, "skipped_no_threading": 203,
                               "success": 0, "unknownerror": 10, "userabort": 15},
            "threads_model": "none", "version": __version__}


def _memory_kb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


_TYPES = {"double": ("long", "double", "bool"), "long": ("long",), "bool": ("bool",),
          "str": ("std::string",), "verbosity": ("verbosity",), "dict": ("dict",)}
_TARGET = {"double": "double.", "long": "long", "bool": "bool", "str": "std::string",
           "verbosity": "nest::VerbosityLevel", "dict": "Dictionary"}


def _value_type(v):
    """The type set_kernel_status sees: NEST's for a value, its own for a verbosity level."""
    return "verbosity" if isinstance(v, VerbosityLevel) else nest_type(v)


def set_status(kernel, params):
    """set_kernel_status: type checks, then the grouped setters, then the rest; a refused
    value changes nothing."""
    check_pydict(params)  # PyNEST's conversion of the dictionary fails first
    for k, v in params.items():
        a = ATTRS[k]
        if a.type and _value_type(v) not in _TYPES[a.type]:
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{k}' from {_value_type(v)} to type "
                f"{_TARGET[a.type]}")
    params = dict(params)
    if "min_delay" in params or "max_delay" in params:
        if ("min_delay" in params) != ("max_delay" in params):
            raise NESTErrors.BadProperty("Both min_delay and max_delay have to be specified")
        if kernel.graph.connections.n_alive > 0:
            raise NESTErrors.BadProperty("Connections already exist. Please call ResetKernel first")
    if "tics_per_ms" in params and "resolution" not in params:
        raise NESTErrors.KernelException(
            "Change of tics_per_ms requires simultaneous specification of resolution.")
    if "rng_seed" in params:
        seed = params["rng_seed"]
        if not 0 < seed < 2 ** 32:
            raise NESTErrors.BadProperty("RNG seed must be in (0, 2^32-1).")
    if "precision" in params and params["precision"] not in ("float64", "float32"):
        _set_precision(kernel, params["precision"])  # raises: nothing is changed
    if "local_num_threads" in params and "total_num_virtual_procs" in params \
            and params["local_num_threads"] != params["total_num_virtual_procs"]:
        raise NESTErrors.BadProperty(
            "Requested total_num_virtual_procs is incompatible with the number of processes and "
            "threads.It must be an integer multiple of num_processes and equal to "
            "local_num_threads * num_processes. Value unchanged.")
    for k in ("local_num_threads", "total_num_virtual_procs"):
        if k in params:
            _check_threads(kernel, params[k])
    _check_wfr(kernel, params)
    # The resolution first: delays given with it are read on the new grid (NEST's order).
    saved_grid, saved_delays = kernel.grid, copy.copy(kernel.delays)
    try:
        if "resolution" in params:
            kernel.set_resolution(float(params.pop("resolution")), params.pop("tics_per_ms", None))
        if "use_wfr" in params:
            kernel.status["use_wfr"] = params.pop("use_wfr")
        # SimulationManager: without waveform relaxation, or below a new resolution,
        # the communication interval follows the resolution.
        h = float(kernel.grid.steps_to_ms(1))
        if "wfr_comm_interval" in params:
            kernel.status["wfr_comm_interval"] = float(params.pop("wfr_comm_interval"))
        elif kernel.status["wfr_comm_interval"] < h or not kernel.status["use_wfr"]:
            kernel.status["wfr_comm_interval"] = h
        if "min_delay" in params:
            kernel.delays.set_user(float(params.pop("min_delay")), float(params.pop("max_delay")),
                                   kernel.grid)
    except BaseException:
        kernel.grid, kernel.delays = saved_grid, saved_delays
        raise
    for k, v in params.items():
        setter = ATTRS[k].set
        if callable(setter):
            setter(kernel, v)


def _check_wfr(kernel, params):
    """SimulationManager::set_status on the waveform-relaxation keys (NEST's order:
    resolution first, then use_wfr, then the interval)."""
    use_wfr = params.get("use_wfr", kernel.status["use_wfr"])
    if "use_wfr" in params and kernel.graph.network_size > 0:
        raise NESTErrors.KernelException(
            "Cannot enable/disable usage of waveform relaxation after nodes have been created. "
            "Please call ResetKernel first.")
    if "wfr_comm_interval" in params:
        h = float(params.get("resolution", kernel.grid.steps_to_ms(1)))
        if not use_wfr:
            raise NESTErrors.KernelException(
                "Cannot set waveform communication interval when usage of waveform relaxation is "
                "disabled. Set use_wfr to true first.")
        if kernel.graph.connections.n_alive:
            raise NESTErrors.KernelException(
                "Cannot change waveform communication interval after connections have been "
                "created. Please call ResetKernel first.")
        if params["wfr_comm_interval"] < h:
            raise NESTErrors.KernelException(
                "Communication interval of the waveform relaxation must be greater or equal to "
                "the resolution of the simulation.")
    if params.get("wfr_tol", 0.0) < 0.0:
        raise NESTErrors.KernelException("Tolerance must be zero or positive")
    if params.get("wfr_max_iterations", 1) <= 0:
        raise NESTErrors.KernelException("Maximal number of iterations must be positive.")
    if params.get("wfr_interpolation_order", 0) not in (0, 1, 2, 3):
        raise NESTErrors.KernelException("Interpolation order must be 0, 1, 2 or 3.")
