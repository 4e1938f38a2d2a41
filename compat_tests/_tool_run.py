"""Run a script that uses a PyNEST-based tool (PyNN, bmtk) under real NEST and under
pynest_jax, each in a fresh process, and compare what the tool recorded.

The tools `import nest` by name, so one process cannot hold both simulators. Real
NEST runs the script as `python script.py OUT.json`; pynest_jax as its users run
a tool, `python -m pynest_jax script.py OUT.json` (the binding the gallery and the
NEST-suite runners use too). Each run gets a folder of its own as working folder.
"""

import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, "compat_tests", "tool_scripts")


def run_both(script, tmp_path, timeout=300, args=()):
    """(NEST's result, pynest_jax's result): the JSON each run of `script` wrote."""
    procs = {}
    for impl in ("nest", "pynest_jax"):
        work = tmp_path / impl
        work.mkdir()
        out = work / "result.json"
        command = [sys.executable] + (["-m", "pynest_jax"] if impl == "pynest_jax" else [])
        command += [os.path.join(SCRIPTS, script), str(out), *args]
        env = dict(os.environ, PYNEST_QUIET="1", MPLBACKEND="Agg",
                   PYTHONPATH=os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p))
        log = open(work / "log.txt", "wb")
        procs[impl] = (subprocess.Popen(command, cwd=work, env=env, stdin=subprocess.DEVNULL,
                                        stdout=log, stderr=subprocess.STDOUT), out, log)
    results = []
    for impl, (proc, out, log) in procs.items():
        try:
            proc.wait(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
            log.close()
        tail = "\n".join((out.parent / "log.txt").read_text(errors="replace").splitlines()[-25:])
        assert proc.returncode == 0, f"{script} under {impl} exited {proc.returncode}:\n{tail}"
        result = json.loads(out.read_text())
        ran_on = result.pop("_nest_module")
        assert ran_on == impl, f"{script} meant for {impl} ran on {ran_on}"
        results.append(result)
    return tuple(results)


def assert_same_results(ref, got, exact, rtol=1e-9, atol=1e-12):
    """The same keys; keys for which `exact(key)` holds equal exactly (spikes, ids),
    the others within rtol (atol for values near zero)."""
    assert sorted(got) == sorted(ref)
    for key in sorted(ref):
        if exact(key):
            assert got[key] == ref[key], f"{key}: NEST {ref[key]}\npynest_jax {got[key]}"
        else:
            a, b = np.asarray(ref[key], float), np.asarray(got[key], float)
            assert a.shape == b.shape, f"{key}: shape {a.shape} vs {b.shape}"
            np.testing.assert_allclose(b, a, rtol=rtol, atol=atol, err_msg=key)
