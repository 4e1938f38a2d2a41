"""Large populations split over the host's devices (issue 14, target 7; opt-in).

With ``PYNEST_JAX_SHARD=1`` pynest_jax asks JAX for 2 host CPU devices at import (where
JAX's CPU backend has not started yet: ``jax_num_cpu_devices``) and places each neuron
population of at least ``SHARD_FROM`` neurons with its state, its input and its
per-neuron parameters split along the neuron axis over them (a ``NamedSharding`` on a
one-axis mesh); everything else (ring buffers, connection tables, generators, recorders'
outputs) is replicated. The compiled chunk is the same program: XLA's SPMD partitioner
splits it by these placements, and the results are bit for bit the one-device run's
(tests/test_sharding.py): the neuron updates are elementwise, the random draws are
JAX's partitionable threefry (the same bits whatever the split), and the deliveries run
whole on each device, in the same order.

It is not faster (docs/benchmarks.md, "Both cores (issue 14, target 7)"): every device
delivers every event into its replicated ring buffers and draws every Poisson number,
and the partitioner exchanges the recorded neurons' spikes and samples every step
besides the slice's spikes. It is the groundwork for the split that would gain (each
device its targets' synapses, as NEST's threads): the host side already reads and
writes split arrays.
"""

from __future__ import annotations

import os

import jax
import numpy as np

SHARD_FROM = 1024  # neurons: smaller populations stay whole (replicated)
_mesh = None


def requested():
    """Whether PYNEST_JAX_SHARD asks for the split (read at import and at each run)."""
    return os.environ.get("PYNEST_JAX_SHARD", "0") not in ("0", "")


def request_devices(jax_module):
    """At import: ask for 2 host CPU devices if the split is asked for and JAX's backend
    has not started (it cannot change afterwards; the split then needs the devices
    asked for otherwise, e.g. XLA_FLAGS=--xla_force_host_platform_device_count=2)."""
    if not requested():
        return
    try:
        if jax_module.config.jax_num_cpu_devices in (-1, 1):
            jax_module.config.update("jax_num_cpu_devices", 2)
    except (RuntimeError, AttributeError):
        pass


def mesh():
    """The devices' one-axis mesh, or None where the split is off or one device is all."""
    global _mesh
    if not requested():
        return None
    if _mesh is None:
        devices = jax.devices()
        if len(devices) < 2:
            return None
        _mesh = jax.sharding.Mesh(np.array(devices), ("n",))
    return _mesh


def placer(plans):
    """A Placer for a program of these populations, or None: the split is off, one device
    is all there is, or no population is large enough (a small network stays on one)."""
    m = mesh()
    if m is None or not any(p.kind == "neuron" and p.n >= SHARD_FROM for p in plans):
        return None
    return Placer(m, plans)


class Placer:
    """Puts a program's arguments on the mesh: split along the last axis where it is a
    large neuron population's, replicated elsewhere. A population's parameter dict that
    is the same object as at the call before gets the same placed dict (Program.derived
    keeps its derived values while the dicts are the same)."""

    def __init__(self, m, plans):
        P = jax.sharding.PartitionSpec
        self.mesh = m
        self.split = {p.name for p in plans if p.kind == "neuron" and p.n >= SHARD_FROM}
        self.n = {p.name: p.n for p in plans}
        self.replicated = jax.sharding.NamedSharding(m, P())
        self._specs = {}
        self._params = {}
        self._conns = {}
        self._P = P

    def _split(self, ndim):
        s = self._specs.get(ndim)
        if s is None:
            s = self._specs[ndim] = jax.sharding.NamedSharding(
                self.mesh, self._P(*([None] * (ndim - 1) + ["n"])))
        return s

    def _put(self, x, n=None):
        if not hasattr(x, "shape"):
            return x
        if n is not None and x.ndim >= 1 and x.shape[-1] == n:
            return jax.device_put(x, self._split(x.ndim))
        return jax.device_put(x, self.replicated)

    def tree(self, t, n=None):
        return jax.tree_util.tree_map(lambda x: self._put(x, n), t)

    def by_population(self, d):
        """A dict population -> arrays: split where the population is."""
        return {k: self.tree(v, self.n[k] if k in self.split else None) for k, v in d.items()}

    def carry(self, carry):
        out = {}
        for k, v in carry.items():
            out[k] = self.by_population(v) if k in ("pop", "inp") else self.tree(v)
        return out

    def params(self, params):
        return self._kept(self._params, params,
                          lambda k, v: self.tree(v, self.n[k] if k in self.split else None))

    def conns(self, conns):
        """Connection arrays, replicated; kept while the program keeps the same ones."""
        return self._kept(self._conns, conns, lambda k, v: self.tree(v))

    @staticmethod
    def _kept(held, d, place):
        out = {}
        for k, v in d.items():
            h = held.get(k)
            if h is None or h[0] is not v:
                h = held[k] = (v, place(k, v))
            out[k] = h[1]
        return out
