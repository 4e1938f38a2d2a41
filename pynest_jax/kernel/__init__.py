"""The kernel: the host-side graph, the compiled program, recording.

NEST's error classes live in ``pynest_jax.errors``; they are named here too
(``nest.kernel.NESTError``), since the kernel is what raises them."""

from ..errors import KernelException, NESTError, NESTErrors  # noqa: F401
