"""What a Simulate call keeps from the call before must never hide a change made between
the calls (issue 14's per-call work: kernel/uploads.py hands back the parameters' device
arrays it uploaded while the host arrays are the same objects with the same bytes;
Program.derived keeps the derived values while those are the same; Program.run lets a
call write its outputs into the buffers of the call before).

Each scenario runs a script of many short Simulate calls with one kind of change between
them, twice: as it is, and with everything a call keeps from the call before dropped
before every call (each call then uploads, derives and allocates anew, as the first call
of a program does). Spikes, recorded traces and state must be the same bit for bit, and
must differ from the same script without the change (so the change does act, and a
cache that hid it would fail the comparison).
"""

import numpy as np
import pytest

import pynest_jax as nest
from pynest_jax.api._kernel import kernel
from pynest_jax.kernel.kernel import Kernel


@pytest.fixture
def forgetful(monkeypatch):
    """Kernel.run with the program's kept uploads, derived values and output buffers
    dropped before every call."""
    run = Kernel.run

    def forget_then_run(self, t_ms):
        prog = self.program
        if prog is not None:
            prog.uploads._held.clear()
            prog._derived = None
            prog._out = None
        return run(self, t_ms)

    def use(on):
        monkeypatch.setattr(Kernel, "run", forget_then_run if on else run)
    return use


def _recorded(sr, mm, nodes):
    ev = sr.get("events")
    out = [np.asarray(ev["times"], float), np.asarray(ev["senders"], float),
           np.asarray(nodes.get("V_m"), float)]
    if mm is not None:
        mev = mm.get("events")
        out += [np.asarray(mev["V_m"], float), np.asarray(mev["times"], float)]
    return out


def _net(seed=11):
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.rng_seed = seed
    n = nest.Create("iaf_psc_alpha", 6, params={"I_e": 300.0})
    pg = nest.Create("poisson_generator", params={"rate": 6000.0})
    sr, mm = nest.Create("spike_recorder"), nest.Create("multimeter",
                                                         {"record_from": ["V_m"], "interval": 0.3})
    nest.Connect(pg, n, syn_spec={"weight": 30.0})
    nest.Connect(n, n, {"rule": "fixed_indegree", "indegree": 2},
                 syn_spec={"weight": 40.0, "delay": 1.0})
    nest.Connect(n, sr)
    nest.Connect(mm, n)
    return n, pg, sr, mm


def _node_param(n, pg, sr, mm, i):
    if i == 6:
        n[2].set(I_e=420.0)  # in place, one node
    if i == 12:
        nest.SetStatus(n, {"tau_m": 7.0})  # every node
    if i == 18:
        n[2].set(I_e=300.0)  # back to the value uploaded before the first change


def _node_state(n, pg, sr, mm, i):
    if i in (5, 15):
        n[1:4].set(V_m=-55.0 - i / 10)


def _generator(n, pg, sr, mm, i):
    if i == 8:
        pg.rate = 15000.0
    if i == 9:
        pg.set(rate=15000.0)  # the same value again
    if i == 16:
        pg.rate = 6000.0


def _weights(n, pg, sr, mm, i):
    if i == 10:
        nest.GetConnections(n, n).set(weight=90.0)


def _kernel_seed(n, pg, sr, mm, i):
    if i == 7:
        nest.rng_seed = 12345


def _defaults_and_create(n, pg, sr, mm, i):
    if i == 9:
        nest.SetDefaults("iaf_psc_alpha", {"I_e": 1000.0})  # new nodes only
        m = nest.Create("iaf_psc_alpha", 2)
        nest.Connect(m, n, syn_spec={"weight": 200.0})
        nest.Connect(m, sr)


def _connect(n, pg, sr, mm, i):
    if i == 11:
        nest.Connect(n[:2], n[4:], syn_spec={"weight": 300.0, "delay": 1.0})


def _recorder_reads(n, pg, sr, mm, i):
    # reading and resetting a recorder's events between calls
    if i % 3 == 0:
        sr.get("events")
        mm.get("events")
    if i == 13:
        sr.n_events = 0
        mm.n_events = 0


def _recorder_window(n, pg, sr, mm, i):
    if i == 4:
        sr.start = 9.0
        mm.start = 12.0
        sr.stop = 15.0


SCENARIOS = [_node_param, _node_state, _generator, _weights, _kernel_seed,
             _defaults_and_create, _connect, _recorder_reads, _recorder_window]


def _script(change, calls=24):
    n, pg, sr, mm = _net()
    for i in range(calls):
        nest.Simulate([0.1, 0.5, 1.0, 1.5][i % 4])
        if change is not None:
            change(n, pg, sr, mm, i)
    return _recorded(sr, mm, n)


def _same(a, b):
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y)
                                    for x, y in zip(a, b))


@pytest.mark.parametrize("change", SCENARIOS, ids=lambda f: f.__name__.strip("_"))
def test_a_change_between_calls_is_never_hidden(forgetful, change):
    forgetful(False)
    kept = _script(change)
    forgetful(True)
    fresh = _script(change)
    assert _same(kept, fresh)
    forgetful(False)
    assert not _same(kept, _script(None))  # the change acts


def test_run_manager_with_changes_between_runs(forgetful):
    def script():
        n, pg, sr, mm = _net()
        with nest.RunManager():
            for i in range(20):
                nest.Run(0.5 + (i % 3) * 0.5)
                if i == 5:
                    n.set(I_e=450.0)
                if i == 11:
                    pg.rate = 9000.0
                if i == 15:
                    nest.GetConnections(n, n).set(weight=5.0)
        nest.Simulate(3.0)
        return _recorded(sr, mm, n)
    forgetful(False)
    kept = script()
    forgetful(True)
    assert _same(kept, script())


def test_reset_kernel_between_calls(forgetful):
    """A rebuilt network of the same structure shares the compiled core, not the kept
    buffers or uploads of the program before ResetKernel."""
    def script():
        res = []
        for rate in (5000.0, 9000.0):
            n, pg, sr, mm = _net()
            pg.rate = rate
            for _ in range(15):
                nest.Simulate(1.0)
            res += _recorded(sr, mm, n)
        return res
    forgetful(False)
    kept = script()
    assert kernel.program is not None
    forgetful(True)
    assert _same(kept, script())


def _leaves(tree):
    import jax
    return jax.tree_util.tree_leaves(tree)


def test_host_views_held_over_a_call_keep_their_values():
    """recording.host_view gives the host the outputs' and the state's memory without a
    copy, and the next call writes into those buffers (donated). A view still held then
    must keep its values (the call copies the buffer instead), and once no view is held
    the call must write in place (no copy per call)."""
    from pynest_jax.kernel import recording
    n, pg, sr, mm = _net()
    nest.Simulate(1.0)
    nest.Simulate(1.0)
    prog = kernel.program
    out = [recording.host_view(x) for x in _leaves(prog._out)]
    state = [recording.host_view(x) for x in _leaves(kernel.carry["pop"])]
    before = [v.copy() for v in out + state]
    for _ in range(3):
        nest.Simulate(1.0)
    assert any(not np.array_equal(v, b) for v, b in zip(
        [recording.host_view(x) for x in _leaves(prog._out) + _leaves(kernel.carry["pop"])],
        before))  # the calls did change the buffers' values
    assert all(np.array_equal(v, b) for v, b in zip(out + state, before))
    del out, state
    nest.Simulate(1.0)
    ptrs = [x.unsafe_buffer_pointer() for x in _leaves(prog._out) + _leaves(kernel.carry["pop"])]
    nest.Simulate(1.0)
    assert ptrs == [x.unsafe_buffer_pointer()
                    for x in _leaves(prog._out) + _leaves(kernel.carry["pop"])]
