"""The connection table's compact columns (kernel/connections.py): while a run's plastic
values live on the device, the weight column keeps only the rows the device does not
hold, and a read gives every row back; kind and tdev keep only their rows that are not 0.
The values read must be those written, row for row."""

import numpy as np

from pynest_jax.kernel.connections import FROM_DEVICE, NEURON, TO_DEVICE, ConnectionStore


def _store():
    s = ConnectionStore()
    rng = np.random.default_rng(3)
    # static rows, plastic rows (one Connect), static rows again, then device rows
    for n, syn in ((50, 0), (200, 1), (30, 0)):
        s.add(rng.integers(1, 40, n), rng.integers(1, 40, n), syn, rng.normal(size=n), 1.0, 0)
    s.add(np.arange(1, 6), np.full(5, 41), 0, 1.0, 1.0, 0, kind=TO_DEVICE, tdev=True)
    s.add(np.full(5, 42), np.arange(1, 6), 0, 2.0, 1.0, 0, kind=FROM_DEVICE)
    return s


def test_weight_of_rows_the_device_holds_comes_back_from_the_read():
    s = _store()
    before = s.col("weight").copy()
    held = np.arange(50, 250)
    after_run = before.copy()
    after_run[held] *= 2.0  # what the run made of the plastic weights

    def read():
        s.write_state(held, "weight", after_run[held])

    s.defer({"weight"}, read, lambda key: held)
    assert "weight" not in s._cols and s.has("weight")
    ranges, values = s._kept["weight"]
    assert ranges == [(0, 50), (250, 290)] and len(values) == 90
    np.testing.assert_array_equal(s.col("weight"), after_run)
    assert not s._kept


def test_connect_while_weights_are_on_the_device_keeps_every_value():
    s = _store()
    held = np.arange(50, 250)
    w = s.col("weight").copy()
    s.defer({"weight"}, lambda: s.write_state(held, "weight", w[held] + 1.0), lambda key: held)
    s.add(np.array([1, 2]), np.array([3, 4]), 1, np.array([7.0, 8.0]), 1.0, 0)
    expect = np.r_[w[:50], w[50:250] + 1.0, w[250:], 7.0, 8.0]
    np.testing.assert_array_equal(s.col("weight"), expect)


def test_kind_and_tdev_read_as_written():
    s = _store()
    kind = np.r_[np.full(280, NEURON), np.full(5, TO_DEVICE), np.full(5, FROM_DEVICE)]
    np.testing.assert_array_equal(s.col("kind"), kind)
    assert set(s._sparse) == {"kind", "tdev"}  # (10 rows of 290 differ from 0)
    np.testing.assert_array_equal(s.col("tdev"), np.r_[np.zeros(280, bool), np.ones(5, bool),
                                                       np.zeros(5, bool)])
    s.truncate(283)  # (undo of a failed Connect)
    np.testing.assert_array_equal(s.col("kind"), kind[:283])
    assert s.col("syn").dtype == np.int8 and list(np.unique(s.col("syn"))) == [0, 1]
