"""PyNEST's parallel-computing functions (hl_api_parallel_computing), for one process.

pynest_jax runs in one process (JAX spreads the work over the cores itself), as NEST
does without MPI: one rank, rank 0; virtual processes are the threads asked for.
"""

import warnings

from ._kernel import kernel
from .nodecollection import NodeCollection


def NumProcesses():
    """The number of MPI processes: 1."""
    return 1


def Rank():
    """The MPI rank of this process: 0."""
    return 0


def SyncProcesses():
    """Wait for all processes: there is only this one."""


def GetLocalVPs():
    """The virtual processes of this rank: one per thread (local_num_threads)."""
    return range(kernel.status["local_num_threads"])


def SetAcceptableLatency(port_name, latency):
    """MUSIC ports: not available, as in NEST built without MUSIC (NotImplementedError)."""
    raise NotImplementedError("SetAcceptableLatency: MUSIC ports are not available.")


def GetLocalNodeCollection(nc):
    """The nodes of ``nc`` on this process: all of them (NEST warns, as here)."""
    warnings.warn("GetLocalNodeCollection() leads to inherently unsafe code; see "
                  "documentation for details.", UserWarning)
    if not isinstance(nc, NodeCollection):
        raise TypeError("GetLocalNodeCollection requires a NodeCollection in order to run")
    return nc
