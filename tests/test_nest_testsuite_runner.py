"""The NEST-testsuite runner: policy, records -> outcomes, reasons, the status page, the
ratchet, and one real child run on a fake suite with a fake implementation.

No NEST run: the child test binds `nest` to a stub package written into tmp_path.
"""

import json
import sys
import textwrap
from pathlib import Path

import pytest

# `nest_testsuite` lives at the repository root, next to this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nest_testsuite import (  # noqa: E402
    environment, outcomes, policy, ratchet, reasons, results, runfile, runsuite, suite, table)


# ---- policy -------------------------------------------------------------------------

@pytest.mark.parametrize("relpath", ["mpi_direct/2/test_x.py", "mpi_indirect/test_y.py", "sli2py_mpi/test_z.py"])
def test_mpi_folders_are_not_run(relpath):
    reason = policy.folder_reason(relpath)
    assert reason and policy.is_policy_skip(reason) and "MPI" in reason


@pytest.mark.parametrize("relpath", ["connect/test_mpi_like_name.py", "regressions/test_issue_1957.py", "test_top.py"])
def test_other_folders_are_run(relpath):
    assert policy.folder_reason(relpath) is None


def test_marker_reasons_prefer_mpi_and_ignore_other_markers():
    assert "threads" in policy.marker_reason(["parametrize", "skipif_missing_threads"])
    assert "MPI" in policy.marker_reason(["skipif_missing_threads", "skipif_incompatible_mpi"])
    assert "many cores" in policy.marker_reason(["requires_many_cores"])
    assert policy.marker_reason(["skipif_missing_gsl", "parametrize"]) is None  # the build's own answer


# ---- environment ----------------------------------------------------------------------

def test_declared_build_info_pins_policy_and_fills_missing_keys():
    info, missing = environment.declared({"have_gsl": True, "have_threads": True, "version": "3.10.0"})
    assert info["have_threads"] is False and info["have_mpi"] is False
    assert info["have_gsl"] is True and info["version"] == "3.10.0"
    assert set(missing) == {"have_mpi", "have_hdf5", "have_boost", "have_music"}
    info, missing = environment.declared({"have_threads": True}, policy_on=False)
    assert info["have_threads"] is True and info["have_mpi"] is False and "have_mpi" in missing


def test_pin_build_info_overrides_a_class_level_property_and_keeps_the_class():
    import types

    class Module(types.ModuleType):
        build_info = property(lambda self: {"have_threads": True, "have_gsl": True})

        def __setattr__(self, name, value):  # PyNEST refuses setattr on its module
            raise AttributeError(name)

    module = Module("fake")
    missing = environment.pin_build_info(module)
    assert module.build_info["have_threads"] is False and module.build_info["have_gsl"] is True
    assert "have_mpi" in missing and type(module) is Module  # PyNEST's lazy submodules need its class

    plain = types.ModuleType("plain")
    plain.build_info = {"have_threads": True}
    environment.pin_build_info(plain)
    assert plain.build_info["have_threads"] is False


# ---- suite ---------------------------------------------------------------------------

def test_test_files_and_selectors(tmp_path):
    for rel in ["conftest.py", "connect/test_a.py", "connect/helper.py", "neurons/test_b.py",
                "neurons/b_test.py", "utilities/test_not_a_test.py"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    assert suite.test_files(tmp_path) == ["connect/test_a.py", "neurons/b_test.py", "neurons/test_b.py"]
    assert suite.test_files(tmp_path, ["neurons"]) == ["neurons/b_test.py", "neurons/test_b.py"]
    assert suite.test_files(tmp_path, ["connect/test_a.py::test_x"]) == ["connect/test_a.py"]
    with pytest.raises(SystemExit):
        suite.test_files(tmp_path, ["synapses"])
    assert suite.folder_of("connect/test_a.py") == "connect" and suite.folder_of("test_top.py") == "."


# ---- outcomes ------------------------------------------------------------------------

def phase(nodeid, when, outcome, message="", xfail=False):
    return {"kind": "phase", "nodeid": nodeid, "when": when, "outcome": outcome, "message": message, "xfail": xfail}


def test_classify_follows_pytest_counting():
    ok = ("passed", "", False)
    assert outcomes.classify({"setup": ok, "call": ok, "teardown": ok}) == ("passed", "")
    both_fail = {"setup": ok, "call": ("failed", "E: x", False), "teardown": ("failed", "T: y", False)}
    assert outcomes.classify(both_fail) == ("failed", "E: x")
    assert outcomes.classify({"setup": ("failed", "KeyError: 'have_mpi'", False), "teardown": ok})[0] == "error"
    assert outcomes.classify({"setup": ok, "call": ok, "teardown": ("failed", "T", False)}) == ("error", "T")
    assert outcomes.classify({"setup": ("skipped", "Skipped: no GSL", False)}) == ("skipped", "no GSL")
    assert outcomes.classify({"setup": ok, "call": ("skipped", "known bug", True)}) == ("skipped", "xfail: known bug")
    assert outcomes.classify({"setup": ok, "call": ("passed", "", True)})[0] == "passed"  # non-strict xpass


def test_results_merge_children_interruptions_and_file_records():
    f = "neurons/test_x.py"
    ids = [f"{f}::t{i}" for i in range(5)]
    records = [
        {"kind": "attempt", "n": 0},
        {"kind": "collected", "nodeids": ids},
        phase(ids[0], "setup", "passed"), phase(ids[0], "call", "passed"), phase(ids[0], "teardown", "passed"),
        {"kind": "start", "nodeid": ids[1]}, phase(ids[1], "setup", "passed"),
        {"kind": "interrupted", "nodeid": ids[1], "message": "timeout: no progress for 5 s"},
        {"kind": "attempt", "n": 1},
        {"kind": "collected", "nodeids": ids[2:]},  # the resumed child leaves out what ran
        phase(ids[2], "setup", "passed"), phase(ids[2], "call", "failed", "AssertionError: x"),
        phase(ids[2], "teardown", "passed"),
        {"kind": "interrupted", "nodeid": ids[3], "message": "crashed: exit code -11"},
    ]
    res = outcomes.results(records)
    assert list(res) == ids  # collection order survives the restart
    assert res[ids[0]] == ("passed", "") and res[ids[2]] == ("failed", "AssertionError: x")
    assert res[ids[1]] == ("error", "timeout: no progress for 5 s")
    assert res[ids[3]][1].startswith("crashed")
    assert res[ids[4]] == ("error", outcomes.STOPPED_EARLY)
    assert outcomes.counts(res) == {"passed": 1, "failed": 1, "error": 3, "skipped": 0}


def test_results_of_files_that_do_not_collect_or_are_not_run():
    assert outcomes.results([{"kind": "collect", "nodeid": "a/test_a.py", "outcome": "failed",
                              "message": "ModuleNotFoundError: No module named 'nest.spatial'"}]) == {
        "a/test_a.py": ("error", "ModuleNotFoundError: No module named 'nest.spatial'")}
    assert outcomes.results([{"kind": "collect", "nodeid": "a/test_b.py", "outcome": "skipped",
                              "message": "Skipped: no pydot"}]) == {"a/test_b.py": ("skipped", "no pydot")}
    assert outcomes.results([{"kind": "not_run", "nodeid": "mpi_direct/2/t.py", "message": "not run: MPI"}]) == {
        "mpi_direct/2/t.py": ("skipped", "not run: MPI")}


def test_batches_respect_size_balance_time_and_never_pair_files_of_one_name():
    files = ["a/test_1.py", "a/test_2.py", "a/test_3.py", "b/test_1.py", "b/test_4.py"]
    assert sorted(map(sorted, runsuite.make_batches(files, 1))) == [[f] for f in sorted(files)]
    times = {"a/test_1.py": 50.0, "a/test_2.py": 40.0, "a/test_3.py": 30.0, "b/test_1.py": 20.0, "b/test_4.py": 5.0}
    assert runsuite.make_batches(files, 1, times)[0] == ["a/test_1.py"]  # longest first
    batches = runsuite.make_batches(files, 3, times)
    assert {f for b in batches for f in b} == set(files) and max(map(len, batches)) <= 3
    assert not any({"a/test_1.py", "b/test_1.py"} <= set(b) for b in batches)
    distinct = {f"x/test_{i}.py": t for i, t in enumerate([50.0, 40.0, 30.0, 20.0, 5.0])}
    loads = sorted(sum(distinct[f] for f in b) for b in runsuite.make_batches(list(distinct), 3, distinct))
    assert loads == [70.0, 75.0]  # 50+20+5 | 40+30: as even as a greedy longest-first split gets
    assert all(len({f.split("/")[1] for f in b}) == len(b) for b in runsuite.make_batches(files, 10))


def test_split_by_file_gives_each_file_its_results_and_times():
    records = [{"kind": "collected", "nodeids": ["a/test_1.py::x", "b/test_2.py::y"]},
               phase("a/test_1.py::x", "setup", "passed"), dict(phase("a/test_1.py::x", "call", "passed"), duration=2.0),
               dict(phase("b/test_2.py::y", "setup", "failed", "KeyError: 'k'"), duration=0.5)]
    split = runsuite.split_by_file(["a/test_1.py", "b/test_2.py", "c/test_3.py"], records)
    assert split["a/test_1.py"] == ({"a/test_1.py::x": ("passed", "")}, {"a/test_1.py::x": 2.0})
    assert split["b/test_2.py"] == ({"b/test_2.py::y": ("error", "KeyError: 'k'")}, {"b/test_2.py::y": 0.5})
    assert split["c/test_3.py"] == ({}, {})  # deselected by -k: no tests


# ---- reasons -------------------------------------------------------------------------

def test_exception_line_drops_module_paths_and_borrows_numpy_second_line():
    assert reasons.exception_line("nest.lib.hl_api_exceptions.NESTErrors.BadProperty: x\nmore") == "BadProperty: x"
    numpy_style = "AssertionError: \nArrays are not almost equal\n"
    assert reasons.exception_line(numpy_style) == "AssertionError: Arrays are not almost equal"
    assert reasons.exception_line("") == ""


def test_pattern_folds_names_numbers_and_quotes():
    a = reasons.pattern("NESTErrors.UnknownModelName: aeif_cond_alpha is not a known model name.")
    b = reasons.pattern("UnknownModelName: hh_psc_alpha_gap is not a known model name.")
    assert a == b == "UnknownModelName: <name> is not a known model name."
    assert reasons.pattern("AssertionError: assert 3.5 == -4.25e-3") == "AssertionError: assert N == N"
    assert reasons.pattern("KeyError: 'V_m'") == reasons.pattern('KeyError: "tau_syn"')
    assert len(reasons.pattern("ValueError: " + "x " * 500)) <= reasons.MAX_PATTERN


@pytest.mark.parametrize("message, expected", [
    ("UnknownModelName: aeif_cond_alpha is not a known model name.", "model aeif_cond_alpha"),
    ("UnknownSynapseType: Synapse with name stdp_synapse does not exist.", "synapse model stdp_synapse"),
    ("AttributeError: module 'nest' has no attribute 'spatial'", "nest.spatial"),
    ("AttributeError: module 'pynest_jax.random' has no attribute 'lognormal'", "nest.random.lognormal"),
    ("AttributeError: 'NodeCollection' object has no attribute 'spatial'", "NodeCollection.spatial"),
    ("ModuleNotFoundError: No module named 'pynest_jax.lib'", "module nest.lib"),
    ("ImportError: cannot import name 'spatial' from 'pynest_jax' (/x/__init__.py)", "nest.spatial"),
    ("TypeError: Connect() got an unexpected keyword argument 'return_synapsecollection'",
     "Connect(return_synapsecollection=…)"),
    ("KeyError: 'have_mpi'", "key 'have_mpi'"),
    ("NESTErrors.UnknownComponent: stdp_synapse is not a known component.", "model stdp_synapse"),
    ("UnaccessedDictionaryEntry: Unaccessed elements in syn_spec, in function Connect:  pre_synaptic_element post",
     "syn_spec key(s) pre_synaptic_element post"),
    ("AssertionError: assert 1 == 2", None),
])
def test_blocker_names_the_missing_thing(message, expected):
    assert reasons.blocker(message) == expected


# ---- results, table, ratchet ---------------------------------------------------------

def synthetic_run():
    model = "UnknownModelName: {} is not a known model name."
    return {
        "impl": "pynest_jax", "policy": True, "started": "2026-01-01T00:00:00", "jobs": 2, "timeout": 300,
        "keyword": None, "nest_version": "3.10.0", "python": "3.11", "wall_s": 12.0,
        "missing_build_info": ["have_mpi", "have_threads"],
        "files": {
            "neurons/test_a.py": {"wall_s": 3.0, "results": {
                "neurons/test_a.py::t1": ["passed", ""],
                "neurons/test_a.py::t2": ["failed", model.format("aeif_cond_alpha")],
                "neurons/test_a.py::t3": ["failed", model.format("hh_psc_alpha")],
                "neurons/test_a.py::t4": ["skipped", "not run: threads: needs multithreading (skipif_missing_threads)"],
                "neurons/test_a.py::t5": ["passed", ""],
            }},
            "spatial/test_b.py": {"wall_s": 1.0, "results": {
                "spatial/test_b.py": ["error", "ImportError: cannot import name 'spatial' from 'pynest_jax'"]}},
            "mpi_direct/2/test_c.py": {"wall_s": 0.0, "results": {
                "mpi_direct/2/test_c.py": ["skipped", "not run: MPI: mpi_direct/ runs under mpirun"]}},
        },
    }


def synthetic_baseline():
    nest_run = synthetic_run()
    nest_run["files"]["neurons/test_a.py"]["results"] = {
        f"neurons/test_a.py::t{i}": ["passed", ""] for i in (1, 2, 3)} | {
        "neurons/test_a.py::t4": ["skipped", "not run: threads"], "neurons/test_a.py::t5": ["failed", "x"]}
    nest_run["files"]["spatial/test_b.py"]["results"] = {f"spatial/test_b.py::s{i}": ["passed", ""] for i in range(7)}
    return results.baseline_from(nest_run)


def test_totals_baseline_and_passing_ids():
    run, base = synthetic_run(), synthetic_baseline()
    assert results.totals(run) == {"passed": 2, "failed": 2, "error": 1, "skipped": 2}
    assert base["totals"] == {"passed": 10, "failed": 1, "error": 0, "skipped": 2}
    assert base["files"]["neurons/test_a.py"]["not_passed"] == {
        "neurons/test_a.py::t4": "skipped", "neurons/test_a.py::t5": "failed"}
    assert results.nest_passes(base, "neurons/test_a.py", "neurons/test_a.py::t1") is True
    assert results.nest_passes(base, "neurons/test_a.py", "neurons/test_a.py::t5") is False
    assert results.nest_passes(base, "other/test_z.py", "other/test_z.py::z") is None
    assert results.passing_ids(run) == (["neurons/test_a.py::t1", "neurons/test_a.py::t5"], 0)
    run["files"]["neurons/test_a.py"]["seconds"] = {"neurons/test_a.py::t1": 30.0, "neurons/test_a.py::t5": 0.5}
    assert results.passing_ids(run, max_seconds=10) == (["neurons/test_a.py::t5"], 1)
    assert results.test_seconds(run)["neurons/test_a.py::t1"] == 30.0


def test_baseline_file_round_trips_one_line_per_file(tmp_path):
    base = synthetic_baseline()
    results.save_baseline(tmp_path / "b.json", base)
    assert results.load_json(tmp_path / "b.json") == base
    assert len((tmp_path / "b.json").read_text().splitlines()) == (len(base) - 1) + len(base["files"]) + 4


def test_top_reasons_and_blockers_weigh_uncollectable_files_by_nests_passes():
    run, base = synthetic_run(), synthetic_baseline()
    top = table.top_reasons(run)
    assert top[0][:2] == (2, "UnknownModelName: <name> is not a known model name.")
    assert top[0][2] == [(1, "model aeif_cond_alpha"), (1, "model hh_psc_alpha")]
    blockers = table.top_blockers(run, base)
    assert blockers[0] == (7, "nest.spatial", 1)  # the file NEST passes 7 tests in
    assert {name for _, name, _ in blockers} == {"nest.spatial", "model aeif_cond_alpha", "model hh_psc_alpha"}
    assert (1, "nest.spatial", 1) in table.top_blockers(run, None)  # no baseline: one per file


def test_render_has_totals_tables_and_notes():
    page = table.render(synthetic_run(), synthetic_baseline())
    assert "| pynest_jax | 2 | 2 | 1 | 2 | 7 |" in page
    assert "| NEST 3.10.0 (same machine, same policy; 12 s) | 10 | 1 | 0 | 2 | 13 |" in page
    assert "passes 2 tests; NEST passes 10 (20.0% of NEST's count)" in page
    assert "| neurons | 1 | 5 | 2 | 2 | 0 | 1 | 3 |" in page  # by folder, NEST passed 3
    assert "| spatial/test_b.py | 1 | 0 | 0 | 1 | 0 | 7 | 1 |" in page
    assert "lacks have_mpi, have_threads" in page
    assert "`neurons/test_a.py::t5`" in page  # passes here, not in NEST: flagged
    assert "1 tests marked for threads/MPI, and 1 files in MPI folders" in page
    assert "No NEST baseline" in table.render(synthetic_run(), None)


def test_cells_cannot_break_the_markdown_table():
    assert table._cell("a | b `c`\nd") == "a \\| b 'c' d"
    assert len(table._cell("x" * 500, 50)) == 50


def test_ratchet_reads_groups_and_detects_regressions(tmp_path):
    listing = tmp_path / "passing.txt"
    listing.write_text("# header\nneurons/test_a.py::t1\n\nneurons/test_a.py::t2\nother/test_gone.py::g\n")
    ids = ratchet.read_ids(listing)
    assert ids == ["neurons/test_a.py::t1", "neurons/test_a.py::t2", "other/test_gone.py::g"]
    assert ratchet.by_file(ids) == {"neurons/test_a.py": {"neurons/test_a.py::t1", "neurons/test_a.py::t2"},
                                    "other/test_gone.py": {"other/test_gone.py::g"}}
    bad, vanished = ratchet.regressions(ids, synthetic_run())
    bad = dict(bad)
    assert set(bad) == {"neurons/test_a.py::t2", "other/test_gone.py::g"} and vanished == []
    assert bad["neurons/test_a.py::t2"].startswith("failed: UnknownModelName")
    assert bad["other/test_gone.py::g"].startswith("missing")


def test_ratchet_tells_renamed_tests_from_files_that_stopped_collecting():
    ids = ["neurons/test_a.py::t_renamed[x3]", "spatial/test_b.py::s1", "neurons/test_a.py::t1"]
    bad, vanished = ratchet.regressions(ids, synthetic_run())
    assert vanished == ["neurons/test_a.py::t_renamed[x3]"]  # its file still collects
    assert [n for n, _ in bad] == ["spatial/test_b.py::s1"]  # its file no longer collects
    assert "ImportError" in dict(bad)["spatial/test_b.py::s1"]


def test_ratchet_counts_a_class_that_stopped_collecting_as_failed():
    # Issue 16: a collection error at class level made its tests "vanish", which passed.
    run = synthetic_run()
    run["files"]["neurons/test_a.py"]["results"]["neurons/test_a.py::TestModels"] = [
        "error", "UnknownModelName: iaf_psc_alpha is not a known model name."]
    bad, vanished = ratchet.regressions(["neurons/test_a.py::TestModels::test_x[iaf_psc_alpha]"], run)
    assert vanished == [] and "UnknownModelName" in dict(bad)["neurons/test_a.py::TestModels::test_x[iaf_psc_alpha]"]


def test_ratchet_fails_when_a_listed_id_does_not_run(tmp_path, monkeypatch):
    # Issue 16: ids parametrized over nest.node_models vanish with their model; "vanished"
    # was only logged and the ratchet exited 0.
    listing = tmp_path / "passing.txt"
    listing.write_text("neurons/test_a.py::t1\nneurons/test_a.py::t_model[gone_model]\n")
    (tmp_path / "neurons").mkdir()
    (tmp_path / "neurons" / "test_a.py").write_text("")
    monkeypatch.setattr(ratchet.runsuite, "run_suite", lambda *a, **k: synthetic_run())
    monkeypatch.setattr(ratchet.results, "save_json", lambda *a, **k: None)
    lines = []
    assert ratchet.check(tmp_path, listing, impl="pynest_jax", jobs=1, timeout=10, log=lines.append) == 1
    assert any("REGRESSION neurons/test_a.py::t_model[gone_model]: not run" in ln for ln in lines)
    assert "0 regressed, 1 vanished" in lines[-1]
    listing.write_text("neurons/test_a.py::t1\n")
    assert ratchet.check(tmp_path, listing, impl="pynest_jax", jobs=1, timeout=10, log=lines.append) == 0


# ---- one real child run: plugin, binding, time limit, resume --------------------------

def test_child_run_on_a_fake_suite(tmp_path, monkeypatch):
    impl = tmp_path / "impl"
    (impl / "fake_nest_impl").mkdir(parents=True)
    (impl / "fake_nest_impl" / "__init__.py").write_text("build_info = {'have_gsl': True}\n")
    (impl / "fake_nest_impl" / "extra.py").write_text("VALUE = 42\n")
    root = tmp_path / "suite"
    root.mkdir()
    (root / "test_fake.py").write_text(textwrap.dedent("""
        import os, time, pytest
        import nest
        from nest.extra import VALUE

        def test_bound():
            assert nest.__name__ == "fake_nest_impl" and VALUE == 42
            assert nest.build_info["have_threads"] is False and nest.build_info["have_gsl"] is True

        def test_hangs():
            time.sleep(120)

        def test_fails():
            assert nest.build_info["have_mpi"], "no MPI"

        def test_crashes():
            os._exit(3)

        @pytest.mark.skipif_missing_threads
        def test_threads():
            pass

        def test_last():
            pass
    """))
    (root / "test_broken.py").write_text("import nest.no_such_module\n")
    ids = tmp_path / "only.txt"
    ids.write_text("test_fake.py::test_bound\ntest_fake.py::test_last\n")

    monkeypatch.setenv("PYTHONPATH", str(impl))  # the children find the fake implementation
    records, _ = runfile.run_file(root, "test_fake.py", "fake_nest_impl", tmp_path / "s1", timeout=8)
    res = outcomes.results(records)
    broken = outcomes.results(runfile.run_file(root, "test_broken.py", "fake_nest_impl", tmp_path / "s2", timeout=8)[0])
    only = outcomes.results(runfile.run_file(root, "test_fake.py", "fake_nest_impl", tmp_path / "s3", timeout=8,
                                             only=ids)[0])
    assert {k.split("::")[1]: v[0] for k, v in res.items()} == {
        "test_bound": "passed", "test_hangs": "error", "test_fails": "failed", "test_crashes": "error",
        "test_threads": "skipped", "test_last": "passed"}, json.dumps(res, indent=1)
    assert res["test_fake.py::test_hangs"][1].startswith("timeout")
    assert res["test_fake.py::test_crashes"][1] == "crashed: exit code 3"
    assert res["test_fake.py::test_threads"][1].startswith(policy.PREFIX)
    assert broken["test_broken.py"][0] == "error" and "no_such_module" in broken["test_broken.py"][1]
    assert only == {"test_fake.py::test_bound": ("passed", ""), "test_fake.py::test_last": ("passed", "")}
