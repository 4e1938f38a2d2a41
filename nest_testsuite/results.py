"""Saved runs, and NEST's baseline derived from a run of real NEST.

A run (see `runsuite`) keeps every test's outcome and message; the latest full run of
each implementation is saved under nest_testsuite/runs/ (not committed) for
`--list-passing --from-last` and for ordering the next run by file time. The baseline is
the small, committed summary of NEST's own run: counts per file and the few tests NEST
itself does not pass, enough to set pynest_jax's counts against NEST's, file by file.
"""

import json
import pathlib

from nest_testsuite import outcomes

HERE = pathlib.Path(__file__).resolve().parent
RUNS = HERE / "runs"
BASELINE = HERE / "nest_baseline.json"


def totals(run):
    c = dict.fromkeys(outcomes.OUTCOMES, 0)
    for entry in run["files"].values():
        for outcome, _ in entry["results"].values():
            c[outcome] += 1
    return c


def passing_ids(run, max_seconds=None):
    """(node ids that passed, how many of those were left out as slower than max_seconds)."""
    ids, slow = [], 0
    for entry in run["files"].values():
        for nodeid, (outcome, _) in entry["results"].items():
            if outcome != "passed":
                continue
            if max_seconds is not None and entry.get("seconds", {}).get(nodeid, 0.0) > max_seconds:
                slow += 1
            else:
                ids.append(nodeid)
    return sorted(ids), slow


def test_seconds(run):
    """{nodeid: seconds} over the run (runs before durations were kept give {})."""
    return {n: s for e in run["files"].values() for n, s in e.get("seconds", {}).items()}


def save_json(path, data):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def save_baseline(path, baseline):
    """One line per file, so that a new NEST baseline reads as a small diff."""
    head = {k: v for k, v in baseline.items() if k != "files"}
    lines = ["{"] + [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()] + [' "files": {']
    rows = [f"  {json.dumps(f)}: {json.dumps(e, sort_keys=True)}" for f, e in sorted(baseline["files"].items())]
    lines += [",\n".join(rows), " }", "}"]
    pathlib.Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_json(path):
    path = pathlib.Path(path)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def run_path(impl):
    return RUNS / f"{impl}.json"


def file_times(run):
    return {f: e["wall_s"] for f, e in (run or {"files": {}})["files"].items()}


def baseline_from(run):
    files = {}
    for relfile, entry in run["files"].items():
        files[relfile] = {
            "counts": outcomes.counts({k: tuple(v) for k, v in entry["results"].items()}),
            "not_passed": {n: o for n, (o, _) in entry["results"].items() if o != "passed"},
        }
    return {"nest_version": run["nest_version"], "date": run["started"], "wall_s": run["wall_s"],
            "jobs": run["jobs"], "policy": run["policy"], "totals": totals(run), "files": files}


def nest_passes(baseline, relfile, nodeid):
    """Did NEST pass this test? None when the baseline does not know the file."""
    entry = (baseline or {}).get("files", {}).get(relfile)
    if entry is None:
        return None
    return nodeid not in entry["not_passed"]
