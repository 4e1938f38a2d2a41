"""Run one test file (or a small batch of files) of the suite in child pytest processes,
with a time limit per test.

The child loads our plugin, which writes one JSON line per event. The parent watches that
file: a child that shows no progress for `timeout` seconds (one test, or the file's
imports and collection, running that long) is killed with its process group. The test it
was in is recorded as interrupted and the rest of the file goes on in a fresh child that
leaves out what already ran, so one hanging or crashing test costs one result, not the
file's. After `max_interruptions` the rest of the file is abandoned.

The parent adds its own records to the same file, between children: `attempt`,
`interrupted`, `file_error`, `not_run`. `outcomes` turns the records into results.
"""

import json
import os
import pathlib
import signal
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
POLL_S = 0.25


def read_records(path):
    records = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:  # a line cut short by a kill
                    pass
    return records


def _append(path, **fields):
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(fields) + "\n")


def child_command(root, relfiles, keyword=None, python=None):
    # `-c os.devnull`: no ini file from wherever the suite or the cwd happens to be;
    # rootdir = the suite, so node ids read 'connect/test_x.py::test_y'.
    cmd = [python or sys.executable, "-m", "pytest", "-p", "nest_testsuite.plugin", "-p", "no:cacheprovider",
           "-c", os.devnull, "--rootdir", str(root), "--confcutdir", str(root), "-q", "-rN",
           *(str(root / f) for f in relfiles)]
    if keyword:
        cmd += ["-k", keyword]
    return cmd


def child_env(impl, record, policy_on, only=None, skip=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # leave the installed suite as it is
    env["MPLBACKEND"] = "Agg"  # plotting tests must not look for a display
    env.update(NEST_TESTSUITE_IMPL=impl, NEST_TESTSUITE_RECORD=str(record),
               NEST_TESTSUITE_POLICY="1" if policy_on else "0")
    for name, value in (("NEST_TESTSUITE_ONLY", only), ("NEST_TESTSUITE_SKIP", skip)):
        if value:
            env[name] = str(value)
        else:
            env.pop(name, None)
    return env


def _watch(proc, record, timeout):
    """Wait for the child; kill it after `timeout` s without a new record. -> killed?"""
    last = time.time()
    while proc.poll() is None:
        time.sleep(POLL_S)
        try:
            last = max(last, os.path.getmtime(record))
        except OSError:
            pass
        if time.time() - last > timeout:
            os.killpg(proc.pid, signal.SIGKILL)  # the group we started: pytest and its children
            proc.wait()
            return True
    return False


def _attempt_records(records):
    """Records of the latest child (after the last `attempt` record)."""
    starts = [i for i, r in enumerate(records) if r.get("kind") == "attempt"]
    return records[starts[-1] + 1 :] if starts else records


def _reported(records):
    return {r["nodeid"] for r in records if r.get("kind") in ("phase", "interrupted")}


def _unfinished(records):
    """The node id the child had started and not finished (no teardown record), if any."""
    open_id = None
    for r in records:
        if r.get("kind") == "start":
            open_id = r["nodeid"]
        elif r.get("kind") == "phase" and r.get("when") == "teardown" and r["nodeid"] == open_id:
            open_id = None
    return open_id


def run_file(root, relfiles, impl, scratch, *, timeout, keyword=None, only=None, policy_on=True,
             max_interruptions=3, python=None):
    """Run `relfiles` (one path or a list) in one child; returns (records, wall seconds).
    `scratch` is this run's own folder (the child's cwd, so files a test writes stay there).
    If the child dies before any test starts, every file gets a `file_error` record."""
    relfiles = [relfiles] if isinstance(relfiles, str) else list(relfiles)
    scratch = pathlib.Path(scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    record, skip_file, log = scratch / "records.jsonl", scratch / "skip.txt", scratch / "log.txt"
    t0 = time.time()
    for attempt in range(max_interruptions + 1):
        _append(record, kind="attempt", n=attempt, t=time.time())
        done = _reported(read_records(record))
        if done:
            skip_file.write_text("".join(n + "\n" for n in sorted(done)), encoding="utf-8")
        env = child_env(impl, record, policy_on, only=only, skip=skip_file if done else None)
        with open(log, "a", encoding="utf-8") as out:
            proc = subprocess.Popen(child_command(root, relfiles, keyword, python), cwd=scratch, env=env,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            killed = _watch(proc, record, timeout)
        latest = _attempt_records(read_records(record))
        if any(r.get("kind") == "finished" for r in latest):
            break
        why = f"timeout: no progress for {timeout:g} s" if killed else f"crashed: exit code {proc.returncode}"
        nodeid = _unfinished(latest)
        if nodeid is None:  # died while importing or collecting: nothing to resume from
            for relfile in relfiles:
                _append(record, kind="file_error", nodeid=relfile, message=f"{why} ({_last_line(log)})")
            break
        _append(record, kind="interrupted", nodeid=nodeid, message=why)
    return read_records(record), time.time() - t0


def _last_line(log):
    try:
        lines = [ln.strip() for ln in pathlib.Path(log).read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "no output"
    return lines[-1][:200] if lines else "no output"
