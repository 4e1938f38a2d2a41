"""`nest.ll_api` as PyNEST 3.10 has it, as far as tools reach into it.

NEST 3.10 has no SLI interpreter: `ll_api.sr`, `sli_func` and friends are gone, and
tools written for both (PyNN) catch the AttributeError that asking for them raises.
So they are absent here too. NEST initializes itself on import; pynest_jax's kernel
exists from the import on, so `initialized` is True and `init` refuses a second start.
"""

import sys

from .api.kernel_status import KernelAttribute

__all__ = ["set_communicator", "KernelAttribute"]

initialized = True


def set_communicator(comm):
    """NEST accepts an mpi4py communicator and ignores it (one process here as there)."""
    if "mpi4py" not in sys.modules:
        raise ModuleNotFoundError("No module named 'mpi4py'.")


def init(argv):
    """NEST starts its kernel at import; starting it again is refused, as in PyNEST."""
    raise RuntimeError("NEST is already initialized.")


def shutdown():
    """Nothing to finalize: no MPI."""
