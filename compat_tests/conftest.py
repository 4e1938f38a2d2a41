"""A/B harness: the same PyNEST code on real NEST and on pynest_jax.

``ab(fn)`` calls ``fn(nest)`` once with real NEST and once with pynest_jax,
each after ResetKernel, and returns both results: ``ref, jax = ab(fn)``.
"""

import os
import sys

import numpy as np
import pytest

os.environ.setdefault("PYNEST_QUIET", "1")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def _real_nest():
    import nest
    nest.set_verbosity("M_ERROR") if hasattr(nest, "set_verbosity") else None
    return nest


@pytest.fixture(scope="session")
def real_nest():
    return _real_nest()


@pytest.fixture(scope="session")
def jax_nest():
    import pynest_jax
    return pynest_jax


@pytest.fixture
def ab(real_nest, jax_nest):
    def run(fn):
        out = []
        real_nest.ResetKernel()
        io_state = (real_nest.data_path, real_nest.data_prefix)
        for sim in (real_nest, jax_nest):
            sim.ResetKernel()
            # ResetKernel keeps data_path/data_prefix (NEST's IO manager survives it), and
            # real NEST cannot set data_path back to '': mirror whatever an earlier test
            # left in NEST, so both sides start from the same kernel state.
            if sim is jax_nest:
                sim.data_path, sim.data_prefix = io_state
            out.append(fn(sim))
        return tuple(out)
    return run


def sample_order(events):
    """Indices that sort recorded events by time, then sender: NEST and pynest_jax may
    order the events of one time step differently."""
    return np.lexsort((np.asarray(events["senders"]), np.asarray(events["times"])))


def assert_spikes_identical(ref, got):
    """Spike events: senders and times exactly equal, in any order within a time step."""
    r, g = sample_order(ref), sample_order(got)
    np.testing.assert_array_equal(np.asarray(got["times"])[g], np.asarray(ref["times"])[r])
    np.testing.assert_array_equal(np.asarray(got["senders"])[g], np.asarray(ref["senders"])[r])


def assert_samples_aligned(ref, got):
    """Sampled events: the same (sender, time) samples. Returns the orders that align them."""
    r, g = sample_order(ref), sample_order(got)
    np.testing.assert_array_equal(np.asarray(got["senders"])[g], np.asarray(ref["senders"])[r])
    np.testing.assert_array_equal(np.asarray(got["times"])[g], np.asarray(ref["times"])[r])
    return r, g


def assert_trace_close(ref, got, keys, rtol=1e-9, atol=1e-12):
    """Sampled events: same (sender, time) samples; values within rtol (stated per test)."""
    r, g = assert_samples_aligned(ref, got)
    for k in keys:
        np.testing.assert_allclose(np.asarray(got[k])[g], np.asarray(ref[k])[r], rtol=rtol,
                                   atol=atol, err_msg=k)


def assert_defaults_equal(real_nest, jax_nest, model, ignore=("elementsize",), ordered=False):
    """GetDefaults of ``model``: the same keys, recordables, value types and values as
    NEST's, but for the keys in ``ignore`` (``elementsize``: the size of NEST's C++
    object, not a property of the model). ``ordered``: keys, and the keys of
    sub-dictionaries, also in NEST's order."""
    real_nest.ResetKernel()
    jax_nest.ResetKernel()
    ref, got = real_nest.GetDefaults(model), jax_nest.GetDefaults(model)
    assert list(got) == list(ref) if ordered else set(got) == set(ref)
    for k in sorted(set(ref) - set(ignore)):
        r, g = ref[k], got[k]
        assert type(g) is type(r), (k, r, g)
        if isinstance(r, np.ndarray):
            np.testing.assert_array_equal(g, r, err_msg=k)
        elif ordered and isinstance(r, dict):
            assert list(g.items()) == list(r.items()), k
        else:
            assert g == r, (k, r, g)


def assert_status_close(ref, got, rtol):
    """Values read back with ``get([keys])`` (a list per key): equal within ``rtol``;
    sub-dictionaries with the same keys in the same order."""
    for k in ref:
        for a, b in zip(ref[k], got[k]):
            if isinstance(a, dict):
                assert list(a) == list(b), k
                np.testing.assert_allclose(list(b.values()), list(a.values()), rtol=rtol,
                                           err_msg=k)
            else:
                np.testing.assert_allclose(b, a, rtol=rtol, err_msg=k)


def connect_outcomes(nest, source, model, ports):
    """Connect one ``source`` node to one ``model`` node on each receptor port, each
    in a fresh kernel: the error's class name (or "ok") and the number of connections."""
    out = []
    for port in ports:
        nest.ResetKernel()
        a, b = nest.Create(source), nest.Create(model)
        try:
            nest.Connect(a, b, syn_spec={"receptor_type": port})
            out.append("ok")
        except nest.NESTError as e:
            out.append(type(e).__name__)
        out.append(nest.num_connections)
    return out


class Refusal:
    """What one simulator did with refused values: the error's class name and message,
    the node's status before and after, and the network size after a Create with them."""

    def __init__(self, error, message, before, after, network_size=None):
        self.error, self.message = error, message
        self.before, self.after, self.network_size = before, after, network_size

    @property
    def reason(self):
        """The message without NEST's prefix (the model and the check's location)."""
        return self.message.rsplit(":", 1)[-1].strip()

    def kept(self, keys=None):
        """Whether the node's values of ``keys`` (default: all) are as before."""
        keys = self.before if keys is None else keys
        return {k: self.after[k] for k in keys} == {k: self.before[k] for k in keys}


def refuse_on_both(real_nest, jax_nest, model, bad, error="BadProperty", create=None,
                   and_create=False):
    """NEST, then pynest_jax, each after ResetKernel: create ``model`` (or ``create(nest)``),
    read its status, set ``bad``, which must raise ``NESTErrors.<error>`` (any NESTError
    for ``error=None``), and read the status again; with ``and_create``, Create with
    ``bad`` must raise the same way. Returns the two Refusals (NEST's first)."""
    out = []
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        expected = nest.NESTError if error is None else getattr(nest.NESTErrors, error)
        n = nest.Create(model) if create is None else create(nest)
        before = n.get()
        with pytest.raises(expected) as e:
            n.set(bad)
        refusal = Refusal(type(e.value).__name__, str(e.value), before, n.get())
        if and_create:
            with pytest.raises(expected):
                nest.Create(model, params=bad)
            refusal.network_size = nest.network_size
        out.append(refusal)
    return out
