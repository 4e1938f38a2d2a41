"""Kernel attributes (``nest.resolution``, ``nest.rng_seed``...), declared once.

Each attribute is a typed descriptor: its getter, its setter (or read-only),
and what NEST raises for a bad value. GetKernelStatus/SetKernelStatus and the
module attributes all go through this table.
"""

from __future__ import annotations

from ._kernel import kernel
from .errors import NESTErrors


class Attr:
    def __init__(self, doc, get, set=None, settable_before_nodes=False):
        self.doc, self.get, self.set = doc, get, set


def _set_status_key(key, cast):
    def setter(v):
        kernel.status[key] = cast(v)
    return setter


def _set_delays(lo=None, hi=None):
    cur_lo, cur_hi = kernel.delay_extrema()
    lo = cur_lo if lo is None else float(lo)
    hi = cur_hi if hi is None else float(hi)
    if lo < kernel.grid.h - 1e-12:
        raise NESTErrors.BadDelay("min_delay must be >= resolution.")
    if hi < lo:
        raise NESTErrors.BadDelay("max_delay must be >= min_delay.")
    kernel.user_delay_extrema = (lo, hi)


def _set_threads(v):
    if not isinstance(v, int) or v < 1:
        raise NESTErrors.BadProperty("local_num_threads must be a positive integer.")
    if kernel.graph.network_size > 0:
        raise NESTErrors.KernelException(
            "Number of threads can not be changed after nodes have been created.")
    kernel.status["local_num_threads"] = v


def _verbosity():
    from .verbosity import get_level
    return get_level()


def _set_verbosity(v):
    from .verbosity import set_level
    set_level(v)


def _num_connections():
    return kernel.graph.connections.n_alive


ATTRS = {
    "resolution": Attr("temporal resolution (ms)", lambda: kernel.grid.h, kernel.set_resolution),
    "rng_seed": Attr("seed of the random number generators", lambda: kernel.status["rng_seed"],
                     kernel.set_seed),
    "rng_type": Attr("type of random number generator", lambda: "mt19937_64",
                     lambda v: None),
    "biological_time": Attr("simulated time (ms)", lambda: kernel.biological_time),
    "min_delay": Attr("minimal delay (ms)", lambda: kernel.delay_extrema()[0],
                      lambda v: _set_delays(lo=v)),
    "max_delay": Attr("maximal delay (ms)", lambda: kernel.delay_extrema()[1],
                      lambda v: _set_delays(hi=v)),
    "local_num_threads": Attr("threads (accepted; JAX decides its own parallelism)",
                              lambda: kernel.status["local_num_threads"], _set_threads),
    "total_num_virtual_procs": Attr("virtual processes",
                                    lambda: kernel.status["local_num_threads"],
                                    _set_threads),
    "num_processes": Attr("MPI processes", lambda: 1),
    "mpi_rank": Attr("MPI rank", lambda: 0),
    "print_time": Attr("print progress during Simulate", lambda: kernel.status["print_time"],
                       _set_status_key("print_time", bool)),
    "overwrite_files": Attr("overwrite existing files", lambda: kernel.status["overwrite_files"],
                            _set_status_key("overwrite_files", bool)),
    "data_path": Attr("folder for recorded data", lambda: kernel.status["data_path"],
                      _set_status_key("data_path", str)),
    "data_prefix": Attr("prefix of recorded data files", lambda: kernel.status["data_prefix"],
                        _set_status_key("data_prefix", str)),
    "dict_miss_is_error": Attr("unknown keys raise", lambda: kernel.status["dict_miss_is_error"],
                               _set_status_key("dict_miss_is_error", bool)),
    "keep_source_table": Attr("keep source table", lambda: kernel.status["keep_source_table"],
                              _set_status_key("keep_source_table", bool)),
    "sort_connections_by_source": Attr(
        "sort connections by source", lambda: kernel.status["sort_connections_by_source"],
        _set_status_key("sort_connections_by_source", bool)),
    "network_size": Attr("number of nodes", lambda: kernel.graph.network_size),
    "num_connections": Attr("number of connections", _num_connections),
    "local_spike_counter": Attr("spikes emitted", lambda: 0),
    "time_simulate": Attr("wall time of the last Simulate (s)", lambda: kernel.time_simulate),
    "ms_per_tic": Attr("ms per tic", lambda: 1.0 / kernel.grid.tics_per_ms),
    "tics_per_ms": Attr("tics per ms", lambda: kernel.grid.tics_per_ms),
    "tics_per_step": Attr("tics per step", lambda: kernel.grid.tics_per_step),
    "T_min": Attr("earliest time", lambda: -1152921504606846.8),
    "T_max": Attr("latest time", lambda: 1152921504606846.8),
    "prepared": Attr("inside Prepare/Cleanup", lambda: kernel.prepared),
    "off_grid_spiking": Attr("precise spike times in use", lambda: False),
    "connection_rules": Attr("connection rules", lambda: _rules()),
    "node_models": Attr("node models", lambda: sorted(kernel.graph.models)),
    "synapse_models": Attr("synapse models", lambda: sorted(kernel.graph.synapses)),
    "recording_backends": Attr("recording backends", lambda: ["memory"]),
    "verbosity": Attr("verbosity of messages", _verbosity, _set_verbosity),
    "compiles_last_run": Attr("pynest_jax: compilations during the last Run",
                              lambda: kernel.last_compiles),
}


def _rules():
    from ..connect.rules import RULES
    return sorted(RULES)


def GetKernelStatus(keys=None):
    if keys is None:
        return {k: a.get() for k, a in sorted(ATTRS.items())}
    if isinstance(keys, str):
        if keys not in ATTRS:
            raise KeyError(keys)
        return ATTRS[keys].get()
    return tuple(ATTRS[k].get() for k in keys)


def SetKernelStatus(params):
    unknown = [k for k in params if k not in ATTRS]
    if unknown:
        raise NESTErrors.UnaccessedDictionaryEntry(
            f"Unaccessed elements in params, in function SetKernelStatus:  {' '.join(unknown)}")
    readonly = [k for k in params if ATTRS[k].set is None]
    if readonly:
        raise AttributeError(f"`{readonly[0]}` is a read-only kernel attribute.")
    if "min_delay" in params and "max_delay" in params:
        _set_delays(params["min_delay"], params["max_delay"])
        params = {k: v for k, v in params.items() if k not in ("min_delay", "max_delay")}
    for k, v in params.items():
        ATTRS[k].set(v)
