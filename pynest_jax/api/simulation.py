"""Simulate, Run, Prepare, Cleanup, RunManager, ResetKernel."""

from __future__ import annotations

import contextlib

from ._kernel import kernel
from .errors import NESTErrors


def _check_time(t):
    try:
        t = float(t)
    except (TypeError, ValueError):
        raise NESTErrors.TypeMismatch("Simulation time must be a number.") from None
    return t


def Simulate(t):
    t = _check_time(t)
    if kernel.prepared:
        raise NESTErrors.KernelException(
            "Simulate() cannot be called inside a RunManager context or after Prepare(); "
            "use Run().")
    kernel.simulate(t)


def Prepare():
    if kernel.prepared:
        raise NESTErrors.KernelException("Prepare() has already been called.")
    kernel.prepare()


def Run(t):
    kernel.run(_check_time(t))


def Cleanup():
    kernel.cleanup()


@contextlib.contextmanager
def RunManager():
    Prepare()
    try:
        yield
    finally:
        Cleanup()


def ResetKernel():
    kernel.reset()
