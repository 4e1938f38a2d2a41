"""What the runner does not run, and the reason it reports instead.

pynest_jax is one process with no threads and no MPI, so tests that need either say so
rather than fail. The same policy applies to both implementations, so NEST's pass count
and pynest_jax's are counted over the same tests.
"""

import pathlib
import re

PREFIX = "not run: "
# mpi_direct/ (run under `mpirun -np N pytest`), mpi_indirect/ (spawns mpirun itself),
# and any later folder named like sli2py_mpi.
_MPI_FOLDER = re.compile(r"(^|_)mpi(_|$)")

# Markers from NEST's conftest that mean "needs threads or MPI", in reporting priority.
MARKER_REASONS = {
    "skipif_missing_mpi": "MPI: needs NEST with MPI (skipif_missing_mpi)",
    "skipif_incompatible_mpi": "MPI: launches mpirun (skipif_incompatible_mpi)",
    "skipif_missing_mpi4py": "MPI: needs mpi4py (skipif_missing_mpi4py)",
    "skipif_missing_threads": "threads: needs multithreading (skipif_missing_threads)",
    "requires_many_cores": "threads: needs many cores (requires_many_cores)",
}


def folder_reason(relpath):
    """Reason a whole file is not run (it lies in an MPI folder), or None."""
    for part in pathlib.PurePosixPath(relpath).parts[:-1]:
        if _MPI_FOLDER.search(part):
            return f"{PREFIX}MPI: {part}/ runs under mpirun"
    return None


def marker_reason(marker_names):
    """Reason a test is not run, from the names of its markers, or None."""
    names = set(marker_names)
    for marker, reason in MARKER_REASONS.items():
        if marker in names:
            return PREFIX + reason
    return None


def is_policy_skip(message):
    return bool(message) and message.startswith(PREFIX)
