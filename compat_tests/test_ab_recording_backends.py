"""A/B: the ascii and screen recording backends write what NEST writes.

Tolerance: none — the files are compared byte for byte (values are printed with
NEST's default precision of 3 decimals, so sub-1e-3 differences cannot show;
V_m agrees to 1e-12 in the trace tests)."""

import numpy as np
import os


def _run(nest, folder, time_in_steps):
    os.makedirs(folder, exist_ok=True)
    nest.data_path = folder
    nest.data_prefix = "ab_"
    nest.overwrite_files = True
    n = nest.Create("iaf_psc_delta", 2, params={"I_e": [500.0, 450.0]})
    sr = nest.Create("spike_recorder", params={"record_to": "ascii",
                                               "time_in_steps": time_in_steps})
    mm = nest.Create("multimeter", params={"record_to": "ascii", "record_from": ["V_m"],
                                           "label": "trace", "interval": 0.5})
    quiet = nest.Create("spike_recorder", params={"record_to": "ascii", "label": "quiet"})
    nest.Connect(n, sr)
    nest.Connect(mm, n)
    nest.Simulate(40.0)
    nest.Simulate(20.0)  # NEST re-creates each file at Prepare: only this run's events remain
    names = sr.filenames + mm.filenames + quiet.filenames
    return sr.n_events, mm.n_events, names, [open(f).read() for f in names]


def test_ascii_files_equal_nest(ab, tmp_path):
    for tis in (False, True):
        ref, got = ab(lambda nest: _run(nest, str(tmp_path / nest.__name__ / str(tis)), tis))
        assert ref[0] == got[0] and ref[1] == got[1]  # n_events
        assert [os.path.basename(f) for f in ref[2]] == [os.path.basename(f) for f in got[2]]
        assert ref[3] == got[3]
        assert ref[0] > 0


def test_memory_events_absent_for_ascii(jax_nest, real_nest, tmp_path):
    for nest in (real_nest, jax_nest):
        nest.ResetKernel()
        nest.data_path = str(tmp_path)
        nest.overwrite_files = True
        sr = nest.Create("spike_recorder", params={"record_to": "ascii"})
        assert "events" not in sr.get()
        assert "filenames" in sr.get()


def test_memory_events_grouped_by_thread_as_nest(ab):
    """With local_num_threads > 1 NEST keeps one recorder instance per thread and GetStatus
    concatenates them: spike and multimeter events come grouped by the sender's thread
    (node id % threads), each group in time order."""
    def scenario(nest):
        nest.set_verbosity("M_ERROR")
        nest.local_num_threads = 3
        n = nest.Create("iaf_psc_delta", 7, params={"I_e": [380.0 + 20 * i for i in range(7)]})
        sr = nest.Create("spike_recorder")
        mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 5.0})
        nest.Connect(n, sr)
        nest.Connect(mm, n)
        nest.Simulate(60.0)
        return {"spikes": sr.get("events"), "mm": mm.get("events")}
    ref, got = ab(scenario)
    for k in ("spikes", "mm"):
        assert list(got[k]) == list(ref[k])
        for f in ("senders", "times"):  # exact: the order is what this test is about
            np.testing.assert_array_equal(np.asarray(got[k][f]), np.asarray(ref[k][f]), err_msg=f"{k} {f}")
        for f in set(ref[k]) - {"senders", "times"}:  # values: the A/B tolerance, 1e-9
            np.testing.assert_allclose(np.asarray(got[k][f]), np.asarray(ref[k][f]), rtol=1e-9,
                                       err_msg=f"{k} {f}")


def test_ascii_files_one_per_thread_as_nest(ab, tmp_path):
    """With local_num_threads > 1 NEST writes one ascii file per virtual process (the
    recorder's instance on each thread, fed by the nodes with node id % threads == vp), and
    `filenames` names the last one only. Every file compared byte for byte."""
    import glob

    def run(nest):
        folder = str(tmp_path / nest.__name__)
        os.makedirs(folder, exist_ok=True)
        nest.local_num_threads = 3
        nest.data_path = folder
        nest.overwrite_files = True
        n = nest.Create("iaf_psc_delta", 5, params={"I_e": [500.0, 450.0, 600.0, 520.0, 480.0]})
        sr = nest.Create("spike_recorder", params={"record_to": "ascii", "label": "spk"})
        mm = nest.Create("multimeter", params={"record_to": "ascii", "record_from": ["V_m"],
                                               "label": "trace", "interval": 1.0})
        nest.Connect(n, sr)
        nest.Connect(mm, n)
        nest.Simulate(30.0)
        files = sorted(glob.glob(os.path.join(folder, "*.dat")))
        return ([os.path.basename(f) for f in sr.filenames + mm.filenames],
                [os.path.basename(f) for f in files], [open(f).read() for f in files])

    ref, got = ab(run)
    assert ref[0] == got[0] and ref[1] == got[1]
    assert len(ref[1]) == 6
    assert ref[2] == got[2]
