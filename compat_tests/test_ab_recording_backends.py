"""A/B: the ascii and screen recording backends write what NEST writes.

Tolerance: none — the files are compared byte for byte (values are printed with
NEST's default precision of 3 decimals, so sub-1e-3 differences cannot show;
V_m agrees to 1e-12 in the trace tests)."""

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
