"""`python -m benchmarks.startup`: issue 14's start-up targets, NEST and pynest_jax side by
side, every measurement in a fresh process, best of `--repeat`, CPU time (process_time:
this machine is shared) and wall time.

    python -m benchmarks.startup                 # all three cases, 3 processes each
    python -m benchmarks.startup --repeat 5 --calls 2000

* import: `import jax` alone, then `import nest` / `import pynest_jax` (each its own process).
  Target: pynest_jax costs at most 0.2 s more than jax.
* first: the first Simulate(1000) of 1 iaf_psc_alpha with I_e, a spike_recorder and a
  voltmeter, compile included, pynest_jax's persistent cache empty. Target: <= 0.5 s.
* overhead: 100 iaf_psc_alpha with I_e and a spike_recorder, compiled, then `--calls` x
  Simulate(1) (10 steps). Fixed cost per call = time per call less 10 steps at the per-step
  cost of one Simulate(1000). Target: <= 0.1 ms (NEST about 0.02 ms).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
IMPLS = ("nest", "pynest_jax")


def _now():
    return time.process_time(), time.perf_counter()


def _since(t0):
    c, w = _now()
    return {"cpu": c - t0[0], "wall": w - t0[1]}


def child(impl, case, calls):
    if case == "jax":
        t0 = _now()
        import jax  # noqa: F401
        return {"import": _since(t0)}
    t0 = _now()
    nest = __import__(impl)
    out = {"import": _since(t0)}
    nest.set_verbosity("M_ERROR")
    if case == "first":
        n = nest.Create("iaf_psc_alpha", params={"I_e": 376.0})
        sr, vm = nest.Create("spike_recorder"), nest.Create("voltmeter")
        nest.Connect(n, sr)
        nest.Connect(vm, n)
        t0 = _now()
        nest.Simulate(1000.0)
        out["first"] = _since(t0)
        out["events"] = int(sr.n_events)
    elif case == "overhead":
        n = nest.Create("iaf_psc_alpha", 100, params={"I_e": 376.0})
        sr = nest.Create("spike_recorder")
        nest.Connect(n, sr)
        nest.Simulate(1.0)
        t0 = _now()
        nest.Simulate(1000.0)
        per_step = _since(t0)
        t0 = _now()
        for _ in range(calls):
            nest.Simulate(1.0)
        total = _since(t0)
        steps = round(1.0 / nest.resolution)
        for k in ("cpu", "wall"):
            per_call = total[k] / calls
            step = per_step[k] / round(1000.0 / nest.resolution)
            out[f"call_{k}_ms"] = per_call * 1e3
            out[f"fixed_{k}_ms"] = (per_call - steps * step) * 1e3
    return out


def measure(impl, case, calls, repeat, cache=None):
    """Best of `repeat` fresh processes; pynest_jax's compile cache empty each time, or
    `cache` (a folder a run before has filled: a script run again)."""
    best = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as empty:
            env = dict(os.environ, PYNEST_JAX_CACHE_DIR=cache or empty)
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "benchmarks.startup", "--child", impl,
                                   case, "--calls", str(calls)], cwd=REPO, env=env,
                                  capture_output=True, text=True, timeout=1200)
            process_s = time.perf_counter() - t0
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        if not lines:
            raise RuntimeError(f"{impl} {case}: no result\n{proc.stderr[-3000:]}")
        r = json.loads(lines[-1][7:])
        r["process_s"] = process_s
        key = {"jax": ("import",), "first": ("first",)}.get(case)
        score = r[key[0]]["cpu"] if key else r["fixed_cpu_ms"]
        if best is None or score < best[0]:
            best = (score, r)
    return best[1]


def run(calls, repeat):
    res = {"jax": measure("pynest_jax", "jax", calls, repeat)}
    for impl in IMPLS:
        res[impl, "import"] = measure_import(impl, repeat)
        for case in ("first", "overhead"):
            res[impl, case] = measure(impl, case, calls, repeat)
    with tempfile.TemporaryDirectory() as cache:
        measure("pynest_jax", "first", calls, 1, cache)  # fills the cache
        res["pynest_jax", "rerun"] = measure("pynest_jax", "first", calls, repeat, cache)
    return res


def measure_import(impl, repeat):
    best = None
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, "-m", "benchmarks.startup", "--child", impl,
                               "import"], cwd=REPO, capture_output=True, text=True, timeout=600)
        r = json.loads([ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1][7:])
        if best is None or r["import"]["cpu"] < best["import"]["cpu"]:
            best = r
    return best


def render(res):
    jx = res["jax"]["import"]
    L = ["| measure | NEST cpu / wall | pynest_jax cpu / wall | target | met |",
         "|---|---:|---:|---|---|"]
    a, b = res["nest", "import"]["import"], res["pynest_jax", "import"]["import"]
    extra = b["cpu"] - jx["cpu"]
    L.append(f"| import (s); `import jax` alone: {jx['cpu']:.2f} / {jx['wall']:.2f} | "
             f"{a['cpu']:.2f} / {a['wall']:.2f} | {b['cpu']:.2f} / {b['wall']:.2f} | "
             f"<= jax + 0.2 s (measured jax + {extra:.2f} s cpu, "
             f"{b['wall'] - jx['wall']:+.2f} s wall) | {'yes' if extra <= 0.2 else '**no**'} |")
    a, b = res["nest", "first"]["first"], res["pynest_jax", "first"]["first"]
    L.append(f"| first Simulate(1000) of 1 neuron + 2 recorders, compile included (s) | "
             f"{a['cpu']:.3f} / {a['wall']:.3f} | {b['cpu']:.3f} / {b['wall']:.3f} | <= 0.5 s | "
             f"{'yes' if b['cpu'] <= 0.5 else '**no**'} |")
    a, b = res["nest", "first"]["first"], res["pynest_jax", "rerun"]["first"]
    L.append(f"| ... the same script run again (program in the persistent cache) (s) | "
             f"{a['cpu']:.3f} / {a['wall']:.3f} | {b['cpu']:.3f} / {b['wall']:.3f} | <= 0.5 s | "
             f"{'yes' if b['cpu'] <= 0.5 else '**no**'} |")
    a, b = res["nest", "overhead"], res["pynest_jax", "overhead"]
    L.append(f"| Simulate(1) of 100 neurons, per call (ms) | {a['call_cpu_ms']:.3f} / "
             f"{a['call_wall_ms']:.3f} | {b['call_cpu_ms']:.3f} / {b['call_wall_ms']:.3f} | | |")
    L.append(f"| ... of which fixed overhead (ms) | {a['fixed_cpu_ms']:.3f} / "
             f"{a['fixed_wall_ms']:.3f} | {b['fixed_cpu_ms']:.3f} / {b['fixed_wall_ms']:.3f} | "
             f"<= 0.1 ms | {'yes' if b['fixed_cpu_ms'] <= 0.1 else '**no**'} |")
    a, b = res["nest", "first"]["process_s"], res["pynest_jax", "first"]["process_s"]
    c = res["pynest_jax", "rerun"]["process_s"]
    L.append(f"| whole process of the 'first' case, wall (s) | {a:.2f} | {b:.2f} ({b / a:.1f}x); "
             f"run again {c:.2f} ({c / a:.1f}x) | | |")
    return "\n".join(L)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--child", nargs=2, metavar=("IMPL", "CASE"), help=argparse.SUPPRESS)
    ap.add_argument("--calls", type=int, default=2000, help="Simulate(1) calls timed")
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per measurement")
    ap.add_argument("--json", type=Path, help="also save the raw results here")
    a = ap.parse_args(argv)
    if a.child:
        print("RESULT " + json.dumps(child(*a.child, a.calls)), flush=True)
        return 0
    res = run(a.calls, a.repeat)
    text = render(res)
    if a.json:
        a.json.write_text(json.dumps({" ".join(k) if isinstance(k, tuple) else k: v
                                      for k, v in res.items()}, indent=1))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
