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
    kernel.simulate(_check_time(t))


def Prepare():
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
