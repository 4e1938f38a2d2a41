"""Simulate, Run, Prepare, Cleanup, RunManager, ResetKernel (PyNEST's hl_api_simulation.py)."""

from __future__ import annotations

import contextlib

from ._kernel import kernel


def _check_time(t):
    if isinstance(t, (str, bytes)) or not _is_number(t):
        raise TypeError(f"must be real number, not {type(t).__name__}")
    return float(t)


def _is_number(t):
    try:
        float(t)
    except (TypeError, ValueError):
        return False
    return True


def Simulate(t):
    """Advance the network by ``t`` milliseconds of biological time.

    Equivalent to ``Prepare(); Run(t); Cleanup()``. ``t`` must be a multiple of the
    resolution. State persists: ``Simulate(a); Simulate(b)`` gives the same result as
    ``Simulate(a + b)``.

    In pynest_jax the first Simulate after the network changed builds and compiles a JAX
    program (kept in the on-disk compile cache, see README.md); later calls of any length,
    and calls after SetStatus of values only, reuse it. A time that is refused raises NEST's
    error and leaves the kernel unprepared and usable (NEST leaves it prepared).
    """
    kernel.simulate(_check_time(t))


def Prepare():
    """Make the network ready for Run: check the models' parameters, build the program.

    Called by Simulate; call it yourself only with Run and Cleanup (or use RunManager) to
    run several short periods without preparing each time. Here it compiles the network's
    program if its structure changed since the last one.
    """
    kernel.prepare()


def Run(t):
    """Advance a prepared network by ``t`` milliseconds.

    Requires Prepare before and Cleanup after (see RunManager). ``t`` must be a multiple
    of the resolution. Values may be changed with SetStatus between two Run calls; pynest_jax
    writes them into the running program without compiling again.
    """
    kernel.run(_check_time(t))


def Cleanup():
    """End a sequence of Run calls started by Prepare (closes recording files and the like)."""
    kernel.cleanup()


@contextlib.contextmanager
def RunManager():
    """A context manager for several Run calls: Prepare on entry, Cleanup on exit.

        with nest.RunManager():
            for _ in range(10):
                nest.Run(100.0)
    """
    Prepare()
    try:
        yield
    finally:
        Cleanup()


def ResetKernel():
    """Return the kernel to its state at import: no nodes, no connections, default models
    and kernel attributes.

    NodeCollections and SynapseCollections made before the reset become invalid: using them
    raises an error, as in NEST.
    """
    kernel.reset()
