"""pynest_jax: NEST 3.10's PyNEST API on a JAX kernel.

``import pynest_jax as nest`` and a PyNEST script runs unmodified. Kernel
attributes are module attributes (``nest.resolution = 0.1``), as in PyNEST.
"""

import builtins as _builtins
import sys as _sys
import types as _types

import jax as _jax

_jax.config.update("jax_enable_x64", True)  # float64 by default: exact integration equals NEST

from .api.errors import NESTError, NESTErrors, KernelException  # noqa: E402
from .api.nodecollection import NodeCollection, serialize as serialize_data, to_json  # noqa: E402
from .api.synapsecollection import SynapseCollection  # noqa: E402
from .api.nodes import Create, GetNodes  # noqa: E402
from .api.connections import Connect, Disconnect, GetConnections  # noqa: E402
from .api.models import GetDefaults, SetDefaults, CopyModel, Models, ConnectionRules  # noqa: E402
from .api.simulation import Simulate, Run, Prepare, Cleanup, RunManager, ResetKernel  # noqa: E402
from .api.getset import GetStatus, SetStatus, get, set  # noqa: E402
from .api import kernel_status as _ks  # noqa: E402
from .api.kernel_status import GetKernelStatus, SetKernelStatus  # noqa: E402
from .api.verbosity import VerbosityLevel, set_verbosity, get_verbosity  # noqa: E402
from .connect.parameters import Parameter, create_parameter as CreateParameter  # noqa: E402
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
    "node_models", "synapse_models", "help", "version", "to_json", "serialize_data",
    "CreateParameter",
]


def help(obj=None, return_text=False):
    text = f"pynest_jax {__version__}: PyNEST API on JAX."
    if return_text:
        return text
    print(text)


def version():
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
