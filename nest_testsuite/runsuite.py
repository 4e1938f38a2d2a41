"""Run many files of the suite, `jobs` child processes at a time, and gather one run.

Each child gets `batch` files (default 1: every file in a fresh interpreter, so that no
file's leftovers can fail the next; the ratchet uses more per child to save start-up
time, which is most of a NEST file's time). Files with the same name never share a child,
since pytest's default import mode cannot hold two test modules of one name. A batch
whose child dies before any test starts is run again file by file. Longest files start
first when a previous run's times are known, so that the last to finish is a short one;
batches of several files are balanced by those times.
"""

import concurrent.futures
import datetime
import importlib.metadata
import itertools
import pathlib
import sys
import tempfile
import threading
import time

from nest_testsuite import outcomes, policy, runfile


def _nest_version():
    try:
        return importlib.metadata.version("nest-simulator")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def make_batches(files, size, times=None):
    """Files in groups of at most `size`, the groups as even in expected time as a greedy
    longest-first split makes them (times: {relfile: seconds}, from a previous run), the
    longest group first. No group holds two files of one name."""
    times = times or {}
    n_groups = -(-len(files) // max(1, size))
    groups = [[] for _ in range(n_groups)]
    load = [0.0] * n_groups
    for relfile in sorted(files, key=lambda f: -times.get(f, 0.0)):
        name = pathlib.PurePosixPath(relfile).name
        fits = [i for i, g in enumerate(groups)
                if len(g) < size and name not in {pathlib.PurePosixPath(f).name for f in g}]
        if not fits:
            groups.append([])
            load.append(0.0)
            fits = [len(groups) - 1]
        best = min(fits, key=lambda i: load[i])
        groups[best].append(relfile)
        load[best] += times.get(relfile, 0.0)
    order = sorted(range(len(groups)), key=lambda i: -load[i])
    return [groups[i] for i in order if groups[i]]


def split_by_file(relfiles, records):
    """{relfile: (results, {nodeid: seconds})} from the records of one child run."""
    per_file = {f: ({}, {}) for f in relfiles}
    for nodeid, result in outcomes.results(records).items():
        per_file.setdefault(nodeid.split("::", 1)[0], ({}, {}))[0][nodeid] = result
    for nodeid, seconds in outcomes.durations(records).items():
        per_file.setdefault(nodeid.split("::", 1)[0], ({}, {}))[1][nodeid] = seconds
    return per_file


def run_suite(root, files, impl, *, jobs=2, timeout=120, keyword=None, only=None, policy_on=True,
              batch=1, previous_times=None, log=None):
    """only: {relfile: set of node ids} to run just those (the ratchet). Returns the run."""
    previous_times = previous_times or {}
    run = {"impl": impl, "policy": policy_on, "started": datetime.datetime.now().isoformat(timespec="seconds"),
           "jobs": jobs, "timeout": timeout, "batch": batch, "keyword": keyword, "nest_version": _nest_version(),
           "python": sys.version.split()[0], "missing_build_info": [], "files": {}}
    lock, done = threading.Lock(), [0]
    t0 = time.time()

    def record(relfile, file_results, wall, missing, seconds=None):
        with lock:
            run["files"][relfile] = {"wall_s": round(wall, 2), "results": {k: list(v) for k, v in file_results.items()},
                                     "seconds": {k: round(v, 2) for k, v in (seconds or {}).items()}}
            run["missing_build_info"] = sorted(set(run["missing_build_info"]) | set(missing))
            done[0] += 1
            if log:
                summary = " ".join(f"{n} {o}" for o, n in outcomes.counts(file_results).items() if n)
                log(f"[{done[0]}/{len(files)}] {relfile}: {summary or 'no tests'} ({wall:.1f} s)")

    with tempfile.TemporaryDirectory(prefix="nest_testsuite_") as scratch:
        counter = itertools.count()  # scratch folder names; next() is atomic under the GIL

        def child(relfiles):
            index = next(counter)
            ids_file = None
            if only is not None:
                ids_file = f"{scratch}/only_{index}.txt"
                with open(ids_file, "w", encoding="utf-8") as f:
                    f.writelines(n + "\n" for rel in relfiles for n in sorted(only.get(rel, ())))
            records, wall = runfile.run_file(root, relfiles, impl, f"{scratch}/{index}", timeout=timeout,
                                             keyword=keyword, only=ids_file, policy_on=policy_on)
            if len(relfiles) > 1 and any(r.get("kind") == "file_error" for r in records):
                for relfile in relfiles:
                    child([relfile])
                return
            missing = next((r["missing_build_info"] for r in records if r.get("kind") == "environment"), [])
            for relfile, (file_results, seconds) in split_by_file(relfiles, records).items():
                record(relfile, file_results, wall if len(relfiles) == 1 else sum(seconds.values()), missing, seconds)

        to_run = []
        for relfile in files:
            reason = policy.folder_reason(relfile)  # even without the policy: NEST runs them under mpirun only
            if reason:
                record(relfile, {relfile: ("skipped", reason)}, 0.0, [])
            else:
                to_run.append(relfile)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for future in [pool.submit(child, b) for b in make_batches(to_run, batch, previous_times)]:
                future.result()  # re-raise a bug in the runner itself
    run["files"] = dict(sorted(run["files"].items()))
    run["wall_s"] = round(time.time() - t0, 1)
    return run
