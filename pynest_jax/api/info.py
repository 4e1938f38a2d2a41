"""message, PrintNodes and Install, as PyNEST 3.10 has them."""

import inspect

from ._kernel import kernel
from ..errors import NESTErrors
from ..kernel import network
from ..kernel.verbosity import VerbosityLevel, publish


def message(message, severity=VerbosityLevel.INFO, *, function=None, filename=None, lineno=None):
    """Issue a message through NEST's log; the caller's function, file and line are
    filled in where not given (NEST shows them at DEBUG verbosity and below)."""
    if not isinstance(message, str):
        # NEST encodes the text for its C++ logger; anything else fails there
        raise AttributeError(f"'{type(message).__name__}' object has no attribute 'encode'")
    frame = inspect.stack()[1]
    publish(severity, function or frame.function, message, filename or frame.filename,
            lineno or frame.lineno)


def PrintNodes():
    """Print the node id ranges and model names of all nodes in the network."""
    print(network.print_nodes(kernel))


def Install(module_name):
    """Load a dynamically linked NEST module: pynest_jax has none to load, so every
    name gets NEST's error for a module its loader cannot find."""
    if kernel.graph.network_size:
        raise NESTErrors.KernelException(
            "Network elements have been created, so external modules can no longer be imported. "
            "Call ResetKernel() first.")
    if not module_name:
        raise NESTErrors.DynamicModuleManagementError("Module name must not be empty.")
    raise NESTErrors.DynamicModuleManagementError(
        f"Module '{module_name}' could not be opened.\n"
        "The dynamic loader returned the following error: 'file not found'.\n\n"
        "Please check LD_LIBRARY_PATH (OSX: DYLD_LIBRARY_PATH)!")
