"""The ratchet: tests that pass today must keep passing.

`--list-passing > nest_testsuite/passing.txt` writes the node ids that pass; `--ratchet
FILE` runs only those (each file once, only its listed tests, via the plugin's
NEST_TESTSUITE_ONLY) and fails when one of them no longer passes.

A listed id that is no longer collected while its file still collects is reported, not
failed: many of the suite's tests are parametrized over `nest.node_models` and the like,
and pytest numbers parameters it cannot name ('recordables2'), so adding a model can
rename a test. If the file itself no longer collects, its listed tests count as failed.
"""

import collections

from nest_testsuite import results, runsuite

# Files per child: a child's start (interpreter, jax or NEST, conftest) costs more than
# most files' tests, and NEST's conftest resets the kernel before every module anyway.
BATCH = 8


def read_ids(path):
    with open(path, encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]


def by_file(nodeids):
    grouped = collections.defaultdict(set)
    for nodeid in nodeids:
        grouped[nodeid.split("::", 1)[0]].add(nodeid)
    return dict(grouped)


def regressions(nodeids, run):
    """([(nodeid, what happened)] that count as failures, [vanished node ids])."""
    seen = {n: (o, m) for e in run["files"].values() for n, (o, m) in e["results"].items()}
    bad, vanished = [], []
    for nodeid in nodeids:
        relfile = nodeid.split("::", 1)[0]
        if nodeid not in seen and seen.get(relfile, ("passed",))[0] == "passed" and relfile in run["files"]:
            vanished.append(nodeid)
            continue
        outcome, message = seen.get(nodeid, seen.get(relfile, ("missing", "the file is gone")))
        if outcome != "passed":
            bad.append((nodeid, f"{outcome}: {message.splitlines()[0] if message else ''}"))
    return bad, vanished


def check(root, path, *, impl, jobs, timeout, batch=BATCH, log=print):
    nodeids = read_ids(path)
    grouped = by_file(nodeids)
    present = {f: ids for f, ids in grouped.items() if (root / f).is_file()}
    log(f"nest_testsuite: ratchet: {len(nodeids)} tests in {len(grouped)} files with nest = {impl}")
    seconds = results.test_seconds(results.load_json(results.run_path(impl)) or {"files": {}})
    expected = {f: sum(seconds.get(n, 1.0) for n in ids) for f, ids in present.items()}
    run = runsuite.run_suite(root, sorted(present), impl, jobs=jobs, timeout=timeout, only=present, batch=batch,
                             previous_times=expected, log=log)
    results.save_json(results.RUNS / f"{impl}-ratchet.json", run)
    bad, vanished = regressions(nodeids, run)
    for nodeid in vanished:
        log(f"vanished (renamed parameter? regenerate the list) {nodeid}")
    for nodeid, what in bad:
        log(f"REGRESSION {nodeid}: {what}")
    log(f"nest_testsuite: ratchet: {len(nodeids) - len(bad) - len(vanished)} of {len(nodeids)} still pass, "
        f"{len(bad)} regressed, {len(vanished)} vanished ({run['wall_s']:.0f} s)")
    return 1 if bad else 0
