"""pynest_jax: NEST 3.10's PyNEST API on a JAX kernel.

``import pynest_jax as nest`` and a PyNEST script runs unmodified. Kernel
attributes are module attributes (``nest.resolution = 0.1``), as in PyNEST.
"""

import sys as _sys
import types as _types

import jax as _jax

_jax.config.update("jax_enable_x64", True)  # float64 by default: exact integration equals NEST

from .api.errors import NESTError, NESTErrors, KernelException  # noqa: E402
from .api.nodecollection import NodeCollection  # noqa: E402
from .api.synapsecollection import SynapseCollection  # noqa: E402
from .api.nodes import Create, GetNodes  # noqa: E402
from .api.connections import Connect, Disconnect, GetConnections  # noqa: E402
from .api.models import GetDefaults, SetDefaults, CopyModel, Models, ConnectionRules  # noqa: E402
from .api.simulation import Simulate, Run, Prepare, Cleanup, RunManager, ResetKernel  # noqa: E402
from .api.getset import GetStatus, SetStatus, get, set  # noqa: E402
from .api.kernel_status import GetKernelStatus, SetKernelStatus, ATTRS as _ATTRS  # noqa: E402
from .api.verbosity import VerbosityLevel, set_verbosity, get_verbosity  # noqa: E402
from .connect.parameters import Parameter  # noqa: E402
from . import random, math, logic  # noqa: E402
from . import raster_plot, voltage_trace, visualization  # noqa: E402

__version__ = "3.10.0"

__all__ = [
    "NESTError", "NESTErrors", "KernelException", "NodeCollection", "SynapseCollection",
    "Create", "GetNodes", "Connect", "Disconnect", "GetConnections", "GetDefaults",
    "SetDefaults", "CopyModel", "Models", "ConnectionRules", "Simulate", "Run", "Prepare",
    "Cleanup", "RunManager", "ResetKernel", "GetStatus", "SetStatus", "get", "set",
    "GetKernelStatus", "SetKernelStatus", "VerbosityLevel", "set_verbosity", "get_verbosity",
    "Parameter", "random", "math", "logic", "raster_plot", "voltage_trace", "visualization",
    "node_models", "synapse_models", "help", "version",
]


def help(obj=None, return_text=False):
    text = f"pynest_jax {__version__}: PyNEST API on JAX."
    if return_text:
        return text
    print(text)


def version():
    return f"NEST {__version__} (pynest_jax)"


class _NestModule(_types.ModuleType):
    """Module type that serves kernel attributes as module attributes."""

    def __getattr__(self, name):
        if name in _ATTRS:
            return _ATTRS[name].get()
        raise AttributeError(f"module 'pynest_jax' has no attribute '{name}'")

    def __setattr__(self, name, value):
        if name in _ATTRS:
            SetKernelStatus({name: value})
            return
        super().__setattr__(name, value)

    def __dir__(self):
        return sorted(set(super().__dir__()) | _builtins_set(_ATTRS))


def _builtins_set(d):
    return {k for k in d}


_sys.modules[__name__].__class__ = _NestModule
