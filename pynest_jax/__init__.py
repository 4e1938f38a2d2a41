"""pynest_jax: NEST 3.10's PyNEST API on a JAX kernel.

``import pynest_jax as nest`` and a PyNEST script runs unmodified. Kernel
attributes are module attributes (``nest.resolution = 0.1``), as in PyNEST.

* ``nest.__version__``: the NEST version whose API this package follows.
* ``nest.node_models`` and ``nest.synapse_models``: the models available here
  (docs/models.md lists NEST's whole catalogue with each model's status).
* ``nest.help("<model>")``: a model's parameters, state, recordables and receptor ports.
* ``help(nest.Create)`` (or ``nest.Create?`` in IPython): the documentation of a
  function of the API; docs/api.md lists which of NEST's names exist here.
"""

import builtins as _builtins
import sys as _sys
import types as _types


def _xla_small_loops():
    """Let XLA's CPU compiler run a small ``while`` loop as one function on the calling
    thread (``xla_cpu_small_while_loop_byte_threshold`` = 4 MiB instead of its default,
    appended to XLA_FLAGS): a small network's Simulate call costs about half the fixed time
    and its first compile less, and a step of a network of up to about 2,000 neurons,
    whose operations XLA does not spread over threads anyway, a third to a half less CPU
    time (docs/benchmarks.md, issue 14). XLA reads XLA_FLAGS once,
    when JAX starts its CPU backend; started before this import, it is left as it is.
    Left alone as well: XLA_FLAGS that already set backend extra options, and
    PYNEST_JAX_XLA_SMALL_LOOPS=0 (XLA's default)."""
    import os
    if os.environ.get("PYNEST_JAX_XLA_SMALL_LOOPS", "1") in ("0", ""):
        return
    flags = os.environ.get("XLA_FLAGS", "")
    if "xla_backend_extra_options" in flags:
        return
    extra = "--xla_backend_extra_options=xla_cpu_small_while_loop_byte_threshold=4194304"
    os.environ["XLA_FLAGS"] = (flags + " " + extra).strip()


_xla_small_loops()

import jax as _jax  # noqa: E402

_jax.config.update("jax_enable_x64", True)  # float64 by default: exact integration equals NEST

from .kernel import sharding as _sharding  # noqa: E402

_sharding.request_devices(_jax)  # PYNEST_JAX_SHARD=1: 2 host devices (kernel/sharding.py)


def _persistent_compilation_cache():
    """Keep compiled programs on disk between processes (JAX's persistent cache), so that a
    script run again, or a parameter scan in several processes, compiles once: a small
    network's first Simulate drops from ~1.5 s to ~0.3 s. Directory: $PYNEST_JAX_CACHE_DIR,
    else $XDG_CACHE_HOME/pynest_jax/xla (~/.cache/...); PYNEST_JAX_CACHE_DIR=0 turns it off.
    A cache the user configured for JAX is left alone."""
    import os
    if _jax.config.jax_compilation_cache_dir:
        return
    where = os.environ.get("PYNEST_JAX_CACHE_DIR")
    if where in ("0", ""):
        return
    if where is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        where = os.path.join(base, "pynest_jax", "xla")
    try:
        os.makedirs(where, exist_ok=True)
    except OSError:
        return  # read-only home and the like: run without a disk cache
    _jax.config.update("jax_compilation_cache_dir", where)
    _jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)


_persistent_compilation_cache()


def _synchronous_cpu_dispatch():
    """Run a compiled program on the thread that calls it (``jax_cpu_enable_async_dispatch``
    off). With JAX's default, every call of a program is handed to a worker thread and
    the caller waits for it at the first read of a result: for a small network's Simulate
    call, whose results are read at once, the hand-over costs about 40 us of CPU per
    call, a third of the call (docs/benchmarks.md, "Per call, sixth round"). The compiled
    code and its own threads are the same either way (results identical); a large
    network's chunk runs on XLA's thread pool as before. Read when JAX starts its CPU
    backend: without effect where it started before this import. Left alone where the
    user set JAX_CPU_ENABLE_ASYNC_DISPATCH, or PYNEST_JAX_CPU_SYNC=0."""
    import os
    if os.environ.get("PYNEST_JAX_CPU_SYNC", "1") in ("0", ""):
        return
    if "JAX_CPU_ENABLE_ASYNC_DISPATCH" in os.environ:
        return
    _jax.config.update("jax_cpu_enable_async_dispatch", False)


_synchronous_cpu_dispatch()


def _xla_pool_threads():
    """PYNEST_JAX_XLA_THREADS=N (opt-in; unset: XLA's default, one thread per CPU): XLA's
    CPU runtime sizes its thread pool by the CPUs the process may use when JAX's CPU
    backend starts. With N set, the backend is started here with the calling thread
    limited to N of its CPUs, and every thread of the process is given all its CPUs
    back right after: a pool of N threads, the process free to run anywhere. On this
    2-core machine under load, brunel_delta's one-device program with a pool of 1 took
    about 30 % less CPU and wall than with 2, bit for bit the same results (the two
    threads took turns rather than running at once; docs/benchmarks.md, "Both cores
    (issue 14, target 7)"). Without effect where the backend started before."""
    import os
    want = os.environ.get("PYNEST_JAX_XLA_THREADS", "")
    if not want.isdigit() or int(want) < 1 or not hasattr(os, "sched_setaffinity"):
        return
    from jax._src import xla_bridge
    if xla_bridge.backends_are_initialized():
        return
    allowed = sorted(os.sched_getaffinity(0))
    if int(want) >= len(allowed):
        return
    try:
        os.sched_setaffinity(0, allowed[:int(want)])
        _jax.devices("cpu")  # starts the backend, its pool sized by the CPUs allowed now
    finally:
        for tid in os.listdir("/proc/self/task"):
            try:
                os.sched_setaffinity(int(tid), allowed)
            except OSError:
                pass


_xla_pool_threads()

from ._version import __version__  # noqa: E402
from .errors import NESTError, NESTErrors, KernelException  # noqa: E402
from .api.nodecollection import NodeCollection  # noqa: E402
from .api.serialize import serialize as serialize_data, to_json  # noqa: E402
from .api.synapsecollection import SynapseCollection  # noqa: E402
from .api.nodes import Create, GetNodes  # noqa: E402
from .api.connections import Connect, Disconnect, GetConnections, CollocatedSynapses  # noqa: E402
from .api.models import GetDefaults, SetDefaults, CopyModel, Models, ConnectionRules  # noqa: E402
from .api.simulation import Simulate, Run, Prepare, Cleanup, RunManager, ResetKernel  # noqa: E402
from .api.getset import GetStatus, SetStatus, get, set  # noqa: E402
from .api import kernel_status as _ks  # noqa: E402
from .api.kernel_status import GetKernelStatus, SetKernelStatus  # noqa: E402
from .api.parallel import (NumProcesses, Rank, SyncProcesses, GetLocalVPs,  # noqa: E402
                           SetAcceptableLatency, GetLocalNodeCollection)
from .api.verbosity import VerbosityLevel, set_verbosity, get_verbosity  # noqa: E402
from .api.info import message, PrintNodes, Install  # noqa: E402
from .ll_api import set_communicator  # noqa: E402
from ._bind import bind  # noqa: E402
from .connect.parameters import Parameter, create_parameter as CreateParameter  # noqa: E402
from . import random, math, logic, spatial, spatial_distributions  # noqa: E402
from .spatial.masks import Mask  # noqa: E402
from .api.spatial import (CreateMask, GetPosition, Displacement, Distance,  # noqa: E402
                          FindNearestElement, FindCenterElement, GetTargetNodes, GetSourceNodes,
                          GetTargetPositions, GetSourcePositions, SelectNodesByMask,
                          DumpLayerNodes, DumpLayerConnections)
from .api.spatial_plot import PlotLayer, PlotTargets, PlotSources, PlotProbabilityParameter  # noqa: E402
from . import raster_plot, voltage_trace, visualization, ll_api  # noqa: E402

__all__ = [
    "NESTError", "NESTErrors", "KernelException", "NodeCollection", "SynapseCollection",
    "Create", "GetNodes", "Connect", "Disconnect", "GetConnections", "GetDefaults",
    "SetDefaults", "CopyModel", "Models", "ConnectionRules", "Simulate", "Run", "Prepare",
    "Cleanup", "RunManager", "ResetKernel", "GetStatus", "SetStatus", "get", "set",
    "GetKernelStatus", "SetKernelStatus", "VerbosityLevel", "set_verbosity", "get_verbosity",
    "Parameter", "random", "math", "logic", "raster_plot", "voltage_trace", "visualization",
    "node_models", "synapse_models", "help", "version", "to_json", "serialize_data",
    "CreateParameter", "NumProcesses", "Rank", "SyncProcesses", "GetLocalVPs",
    "SetAcceptableLatency", "GetLocalNodeCollection", "CollocatedSynapses", "message",
    "PrintNodes", "Install", "ll_api", "set_communicator", "bind", "spatial",
    "spatial_distributions", "Mask", "CreateMask", "GetPosition", "Displacement", "Distance",
    "FindNearestElement", "FindCenterElement", "GetTargetNodes", "GetSourceNodes",
    "GetTargetPositions", "GetSourcePositions", "SelectNodesByMask", "DumpLayerNodes",
    "DumpLayerConnections", "PlotLayer", "PlotTargets", "PlotSources", "PlotProbabilityParameter",
]


def help(obj=None, return_text=False):
    """Show the documentation of a model, or say where to find help.

    ``nest.help()`` prints an overview (this package's docstring). ``nest.help("iaf_psc_alpha")``
    shows the model's page in the pager: its parameters with units and defaults, state,
    recordables, receptor ports and integration method, written from the model's declaration
    (``pynest_jax/models``). With ``return_text=True`` the page is returned as a
    reStructuredText string instead. A name pynest_jax has no model for prints a note, as
    NEST does. Unlike NEST, a Python object (``nest.help(nest.Create)``) shows its docstring.
    """
    if obj is None:
        print(__doc__)
        return None
    from .api import model_help
    return model_help.show(obj, return_text)


def version():
    """The NEST version whose API this package follows, marked as pynest_jax's."""
    return f"NEST {__version__} (pynest_jax)"


class _NestModule(_types.ModuleType):
    """The module's type, as PyNEST's NestModule: kernel attributes are descriptors on it
    (``nest.resolution``, ``type(nest).resolution._default``), and setting anything else
    on the module is refused, except submodules."""

    def __getattr__(self, name):
        raise AttributeError(f"module 'nest' has no attribute '{name}'")

    def __setattr__(self, name, value):
        if isinstance(value, _types.ModuleType) or name.startswith("__"):
            self.__dict__[name] = value  # the import machinery binds submodules
            return
        try:
            attr = getattr(type(self), name)
        except AttributeError:
            raise AttributeError(f"Cannot set attribute '{name}' on module 'nest'") from None
        if not hasattr(attr, "__set__"):
            raise AttributeError(f"Cannot set attribute '{name}' on module 'nest'")
        attr.__set__(self, value)

    def __dir__(self):
        return sorted(_builtins.set(super().__dir__()) | _builtins.set(_ks.KERNEL_ATTRIBUTES))


for _name in _ks.KERNEL_ATTRIBUTES:
    setattr(_NestModule, _name, _ks.KernelAttribute(_name))
del _name

_sys.modules[__name__].__class__ = _NestModule
