"""Run one gallery script once, in a fresh child process in a scratch copy of its folder."""

import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import compare, entries

REPO = Path(__file__).resolve().parents[1]
CHILD = Path(__file__).resolve().with_name("_child.py")
KILL_GRACE_S = 10.0  # after SIGTERM, time for the child to write its partial snapshots
LOG_TAIL_LINES = 5


@dataclass
class RunResult:
    impl: str
    seconds: float  # wall time of the whole child (interpreter, imports, script), or the limit
    snapshots: list = field(default_factory=list)
    exception: str | None = None  # last line of what the script (or the bootstrap) raised
    timed_out: bool = False

    @property
    def failed(self):
        return self.timed_out or self.exception is not None or self.snapshot_error is not None

    @property
    def snapshot_error(self):
        return next((s["error"] for s in self.snapshots if s.get("error")), None)

    @property
    def why(self):
        """One line saying why the run failed."""
        if self.timed_out:
            return f"timed out (limit {self.seconds:.0f} s)"
        if self.exception:
            return self.exception
        return f"recorder snapshot failed: {self.snapshot_error}"


def _copy_folder(source, target, recursive):
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    if recursive:
        shutil.copytree(source, target, ignore=ignore)
        return
    target.mkdir()
    for item in source.iterdir():
        if item.is_file() and item.suffix != ".pyc":
            shutil.copy2(item, target / item.name)


def _stop(proc):
    """SIGTERM the child's process group (the script may start processes), then SIGKILL."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=KILL_GRACE_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def _log_tail(path):
    try:
        lines = [ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return " / ".join(lines[-LOG_TAIL_LINES:])


def run_script(root, entry, impl, *, timeout=None, seed_offset=0, keep_dir=None, repo=REPO, snapshots_dir=None,
               cache_dir=None):
    """Run gallery script `entry` (relative to `root`) with `nest` bound to `impl`.

    `impl` is "nest" or the name of a package importable from `repo` (pynest_jax).
    `keep_dir`, if given, receives a copy of the scratch folder and the child's log;
    `snapshots_dir` only the result file, to judge the runs again without running them.
    `cache_dir`: pynest_jax's persistent compile cache for this run (PYNEST_JAX_CACHE_DIR).
    """
    source, recursive = entries.scratch_source(root, entry)
    with tempfile.TemporaryDirectory(prefix="gallery_") as tmp:
        work = Path(tmp) / source.name
        _copy_folder(source, work, recursive)
        script = work / Path(entry).name
        out = Path(tmp) / "snapshots.pkl"
        log = Path(tmp) / "child.log"
        command = [sys.executable, str(CHILD), "--impl", impl, "--script", str(script), "--out", str(out)]
        command += ["--repo", str(repo), "--seed-offset", str(seed_offset), "--"]
        command += entries.SCRIPT_ARGS.get(entry, [])
        env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
        if cache_dir is not None:
            env["PYNEST_JAX_CACHE_DIR"] = str(cache_dir)
        started = time.perf_counter()
        with open(log, "wb") as log_file:
            proc = subprocess.Popen(
                command, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            try:
                proc.wait(timeout=timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                _stop(proc)
                timed_out = True
        seconds = timeout if timed_out else time.perf_counter() - started
        result = RunResult(impl=impl, seconds=seconds, timed_out=timed_out)
        if out.exists():
            with open(out, "rb") as f:
                payload = pickle.load(f)
            result.snapshots = compare.drop_recorded_reads(payload["snapshots"])
            result.exception = payload["exception"]
        elif not timed_out:
            # No result file: the child died in C code (segfault, abort) or out of memory.
            result.exception = f"child exited with status {proc.returncode}: {_log_tail(log)}"
        if snapshots_dir is not None and out.exists():
            Path(snapshots_dir).mkdir(parents=True, exist_ok=True)
            shutil.copy2(out, Path(snapshots_dir) / f"{entry.replace('/', '__')}.{impl}.{seed_offset}.pkl")
        if keep_dir is not None:
            shutil.copytree(tmp, Path(keep_dir) / f"{entry.replace('/', '__')}.{impl}.{seed_offset}")
        return result
