"""The ratchet: tests that pass today must keep passing.

`--list-passing > nest_testsuite/passing.txt` writes the node ids that pass; `--ratchet
FILE` runs only those (each file once, only its listed tests, via the plugin's
NEST_TESTSUITE_ONLY) and fails when one of them no longer passes.

A listed id that does not run fails the ratchet like one that fails: about 600 of the
listed ids are parametrized over pynest_jax's own `nest.node_models` or recordables, so a
model that breaks or disappears takes its tests with it, and only their absence shows it.
When a file or a class no longer collects, its listed tests count as failed with that
error; when the id alone is gone ("vanished"), it fails as not run. Where ids are renamed
on purpose (pytest numbers parameters it cannot name, 'recordables2', so adding a model
can renumber them), the list is regenerated in the same commit.
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


def _collector(nodeid, seen):
    """The nearest enclosing collector of `nodeid` (class, then file) that did not pass."""
    parts = nodeid.split("::")
    for depth in range(len(parts) - 1, 0, -1):
        outcome = seen.get("::".join(parts[:depth]))
        if outcome is not None and outcome[0] != "passed":
            return outcome
    return None


def regressions(nodeids, run):
    """([(nodeid, what happened)] that failed, [vanished node ids]); both fail the ratchet.

    Vanished: not run although its file was run and neither the file nor its class
    reported an error.
    """
    seen = {n: (o, m) for e in run["files"].values() for n, (o, m) in e["results"].items()}
    bad, vanished = [], []
    for nodeid in nodeids:
        relfile = nodeid.split("::", 1)[0]
        if nodeid in seen:
            outcome, message = seen[nodeid]
        elif relfile not in run["files"]:
            outcome, message = "missing", "the file is gone"
        else:
            found = _collector(nodeid, seen)
            if found is None:
                vanished.append(nodeid)
                continue
            outcome, message = found
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
        log(f"REGRESSION {nodeid}: not run (vanished; if renamed on purpose, regenerate the list)")
    for nodeid, what in bad:
        log(f"REGRESSION {nodeid}: {what}")
    log(f"nest_testsuite: ratchet: {len(nodeids) - len(bad) - len(vanished)} of {len(nodeids)} still pass, "
        f"{len(bad)} regressed, {len(vanished)} vanished ({run['wall_s']:.0f} s)")
    return 1 if bad or vanished else 0
