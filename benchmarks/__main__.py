"""`python -m benchmarks` (tox -e bench): NEST and pynest_jax side by side, one process per
measurement, ratios printed and written to docs/benchmarks.md with the machine.

    python -m benchmarks                  # everything (about 5-8 minutes on 2 cores)
    python -m benchmarks --only small brunel_delta --simtime 200 --out /tmp/b.md
    python -m benchmarks --only startup   # issue 14's start-up cases (benchmarks/startup.py)
    python -m benchmarks --only brunel_delta_ps --simtime 200 --threads 1 --repeat 2
                                          # issue 13: precise spikes, CPU times

NEST runs with local_num_threads equal to the cores JAX's CPU backend uses (all cores of
this process). Targets (issue 4) are checked and marked in the table.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "docs" / "benchmarks.md"
SCALES = (0.125, 0.25, 0.5, 1.0)
IMPLS = ("nest", "pynest_jax")


PLASTIC_SCALE = 0.2  # brunel_stdp: 2,500 neurons, 400,000 plastic of 625,000 synapses
PRECISE_SCALE = 0.2  # brunel_delta_ps (issue 13), with brunel_delta at the same scale


def cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def measure(impl, net, scale=1.0, simtime=1000.0, threads=1, timeout=3600, precision="float64",
            cache=None):
    """One child process. pynest_jax's persistent compilation cache is `cache` (a folder),
    else an empty temporary one: compile times are first-run times unless a run is meant
    to find its program compiled by the one before (the small network, measured twice)."""
    cmd = [sys.executable, "-m", "benchmarks.child", "--impl", impl, "--net", net,
           "--scale", str(scale), "--simtime", str(simtime), "--threads", str(threads),
           "--precision", precision]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as empty:
        env = dict(os.environ, PYNEST_JAX_CACHE_DIR=str(cache or empty))
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout,
                              env=env)
    wall = time.perf_counter() - t0
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            res = json.loads(line[7:])
            res["process_s"] = wall
            return res
    raise RuntimeError(f"{impl} {net} x{scale}: no result (exit {proc.returncode})\n{proc.stderr[-3000:]}")


def _log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_all(only, simtime, threads, float32=(), repeat=1):
    results = []
    plan = []
    if "small" in only:
        plan.append(("small", 1.0, 1000.0))
    for net in ("brunel_delta", "brunel_alpha"):
        if net in only:
            plan.append((net, 1.0, simtime))
    for net in ("aeif", "hh"):  # adaptive-step (GSL RKF45) models
        if net in only:
            plan.append((net, 1.0, simtime))
    if "brunel_stdp" in only:  # plastic: hpc_benchmark's STDP rule, 2,500 neurons
        # half the size too: the memory each further synapse costs, without the fixed part
        plan += [("brunel_stdp", PLASTIC_SCALE / 2, simtime), ("brunel_stdp", PLASTIC_SCALE, simtime)]
    if "brunel_delta_ps" in only:  # precise spikes, and the grid network beside it
        plan += [("brunel_delta", PRECISE_SCALE, simtime), ("brunel_delta_ps", PRECISE_SCALE, simtime)] * repeat
    if "scaling" in only:
        plan += [("brunel_delta", s, simtime) for s in SCALES if s != 1.0 or "brunel_delta" not in only]
    warm = tempfile.mkdtemp(prefix="pynest_jax_bench_cache_")
    for net, scale, t in plan:
        runs = [(impl, "float64", None) for impl in IMPLS]
        if net == "small":  # again, with the program in the persistent cache: a rerun
            runs = [("nest", "float64", None), ("pynest_jax", "float64", warm),
                    ("pynest_jax", "float64", warm)]
        if net in float32 and scale == 1.0:
            runs.append(("pynest_jax", "float32", None))  # the opt-in single precision
        for k, (impl, precision, cache) in enumerate(runs):
            _log(f"benchmarks: {net} x{scale:g} {t:g} ms with {impl} ({precision}) ...")
            r = measure(impl, net, scale, t, threads if impl == "nest" else 1, precision=precision,
                        cache=cache)
            if net == "small" and impl == "pynest_jax":
                r["cache"] = "cold" if k == 1 else "warm"
            _log(f"  build {r['build_s']:.2f} s, compile {r['compile_s']:.2f} s, simulate "
                 f"{r['simulate_s']:.2f} s, peak {r['peak_mb']:.0f} MB, rate {r['rate_hz']:.1f} Hz")
            results.append(r)
    return results


def pairs(results, precision="float64"):
    """(net, scale), NEST's result, ours in `precision`."""
    by = {}
    for r in results:
        if r["impl"] == "nest" or r.get("precision", "float64") == precision:
            by.setdefault((r["net"], r["scale"]), {})[r["impl"]] = r  # small: the warm run
    return [(k, v["nest"], v["pynest_jax"]) for k, v in by.items() if len(v) == 2]


def _ratio(a, b):
    return a / b if b else float("nan")


def slope_bytes(results, impl, net="brunel_delta"):
    """Marginal memory per recurrent synapse from the scaling runs (largest two scales)."""
    rs = sorted((r for r in results if r["impl"] == impl and r["net"] == net
                 and r.get("precision", "float64") == "float64"),
                key=lambda r: r["scale"])
    if len(rs) < 2:
        return None
    a, b = rs[-2], rs[-1]
    dm = (b["rss_mb"]["first"] - b["rss_mb"]["devices"]) - (a["rss_mb"]["first"] - a["rss_mb"]["devices"])
    return dm * 1024 * 1024 / max(1, b["recurrent_synapses"] - a["recurrent_synapses"])


def machine():
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            names = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) / 1024 / 1024
    except OSError:
        mem = float("nan")
    import jax
    from importlib.metadata import version
    return (f"{cpu}, {cores()} cores available to this process, {mem:.0f} GiB; Python "
            f"{platform.python_version()}, NEST {version('nest-simulator')}, jax {jax.__version__} "
            f"({jax.default_backend()}), float64 unless a table says float32")


def render(results, simtime, threads, wall):
    L = ["# Benchmarks: pynest_jax against NEST on the same machine", "",
         f"Generated by `python -m benchmarks` (`tox -e bench`) on {time.strftime('%Y-%m-%d')} in "
         f"{wall / 60:.0f} min. Do not edit by hand.", "",
         f"Machine: {machine()}.", "",
         f"NEST runs with `local_num_threads = {threads}` (the cores JAX's CPU backend uses); "
         "each measurement is its own process. *build*: Create + Connect; *compile*: the first "
         "Simulate (10 ms) less what 10 ms cost afterwards (NEST: Prepare and its presynaptic "
         "tables; pynest_jax: that and compiling the program); *simulate*: the timed Simulate; "
         "*memory*: peak resident size of the process; pynest_jax's persistent compilation "
         "cache starts empty for every run (compile times are first-run times) except the "
         "small network's, run twice; *B/syn*: resident memory that building "
         "and preparing the recurrent connections added, per recurrent synapse; *events/s*: "
         "synaptic events delivered per second of simulate time (recorded rate x neurons x "
         "in-degree). Ratios are pynest_jax / NEST.", "",
         "| network | neurons | synapses | sim ms | NEST build s | ours build s | NEST compile s | "
         "ours compile s | NEST simulate s | ours simulate s | simulate ratio | NEST MB | ours MB | "
         "NEST B/syn | ours B/syn | NEST rate Hz | ours rate Hz | ours events/s |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for (net, scale), a, b in pairs(results):
        L.append(f"| {net} x{scale:g} | {a['neurons']} | {a['synapses']} | {a['simtime_ms']:g} | "
                 f"{a['build_s']:.2f} | {b['build_s']:.2f} | {a['compile_s']:.2f} | {b['compile_s']:.2f} | "
                 f"{a['simulate_s']:.2f} | {b['simulate_s']:.2f} | **{_ratio(b['simulate_s'], a['simulate_s']):.2f}** | "
                 f"{a['peak_mb']:.0f} | {b['peak_mb']:.0f} | {a['bytes_per_synapse']:.0f} | "
                 f"{b['bytes_per_synapse']:.0f} | {a['rate_hz']:.1f} | {b['rate_hz']:.1f} | "
                 f"{b['syn_events_per_s']:.3g} |")
    single = pairs(results, "float32")
    if single:
        L += ["", "### float32 (opt-in: `nest.precision = \"float32\"`)", "",
              "The same networks with pynest_jax in single precision, against the same NEST "
              "runs (NEST computes in double). Results are not NEST's to the last bit; rates "
              "are shown for comparison.", "",
              "| network | ours float32 compile s | NEST simulate s | ours float32 simulate s | "
              "simulate ratio | ours float32 MB | ours float32 rate Hz |",
              "|---|---:|---:|---:|---:|---:|---:|"]
        for (net, scale), a, c in single:
            L.append(f"| {net} x{scale:g} | {c['compile_s']:.2f} | {a['simulate_s']:.2f} | "
                     f"{c['simulate_s']:.2f} | **{_ratio(c['simulate_s'], a['simulate_s']):.2f}** | "
                     f"{c['peak_mb']:.0f} | {c['rate_hz']:.1f} |")
    L += ["", "## Targets (issues 4 and 11)", "", "| target | measured | met |", "|---|---|---|"]

    def row(name, value, ok):
        L.append(f"| {name} | {value} | {'yes' if ok else '**no**'} |")

    for (net, scale), a, b in pairs(results):
        if net.startswith("brunel") and scale == 1.0:
            r = _ratio(b["simulate_s"], a["simulate_s"])
            row(f"{net}: simulate time <= 0.2x NEST", f"{r:.2f}x", r <= 0.2)
            r = _ratio(b["build_s"], a["build_s"])
            row(f"{net}: build time <= NEST", f"{r:.2f}x", r <= 1.0)
            row(f"{net}: compile time <= 5 s", f"{b['compile_s']:.1f} s", b["compile_s"] <= 5.0)
            r = _ratio(b["bytes_per_synapse"], a["bytes_per_synapse"])
            row(f"{net}: bytes per synapse <= 0.5x NEST", f"{b['bytes_per_synapse']:.0f} vs "
                f"{a['bytes_per_synapse']:.0f} B: {r:.2f}x", r <= 0.5)
        if net == "small":
            cold = [x for x in results if x.get("cache") == "cold"]
            r = _ratio(b["process_s"], a["process_s"])
            text = f"{b['process_s']:.2f} s vs {a['process_s']:.2f} s: {r:.2f}x"
            if cold:
                rc = _ratio(cold[0]["process_s"], a["process_s"])
                text += (f" (program in the persistent cache, a rerun); first run, cache empty: "
                         f"{cold[0]['process_s']:.2f} s, {rc:.2f}x")
            row("small: whole process <= 2x NEST", text, r <= 2.0)
    sa, sb = slope_bytes(results, "nest"), slope_bytes(results, "pynest_jax")
    if sa and sb:
        row("scaling: marginal bytes per synapse <= 0.5x NEST", f"{sb:.0f} vs {sa:.0f} B: "
            f"{sb / sa:.2f}x", sb / sa <= 0.5)
    for (net, scale), a, b in pairs(results):
        if net == "brunel_stdp" and scale == PLASTIC_SCALE:
            r = _ratio(b["simulate_s"], a["simulate_s"])
            row(f"brunel_stdp x{scale:g}: simulate time <= 0.5x NEST (issue 11)", f"{r:.2f}x",
                r <= 0.5)
    pa, pb = slope_bytes(results, "nest", "brunel_stdp"), slope_bytes(results, "pynest_jax", "brunel_stdp")
    if pa and pb:
        row("brunel_stdp: marginal bytes per synapse (64 % plastic) <= NEST (issue 11)",
            f"{pb:.0f} vs {pa:.0f} B: {pb / pa:.2f}x", pb <= pa)
    for (net, scale), a, b in pairs(results):
        if net in ("aeif", "hh"):
            steps = a["simtime_ms"] / 0.1 * a["neurons"]
            ca, cb = a["simulate_s"] / steps * 1e6, b["simulate_s"] / steps * 1e6
            model = {"aeif": "aeif_cond_alpha (issue 5)", "hh": "hh_cond_exp_traub (issue 14)"}[net]
            L += ["", f"{model}: simulate cost per neuron and step "
                  f"{cb:.2f} us against NEST's {ca:.2f} us ({_ratio(cb, ca):.2f}x), firing at "
                  f"{b['rate_hz']:.1f} Hz against NEST's {a['rate_hz']:.1f} Hz."]
    L += precise_section(results)
    L += ["", "Compilation when only values change (second Simulate, another length, after "
          "SetStatus, the same structure rebuilt after ResetKernel) is counted by "
          "`tests/test_compile_once.py` in the default test command: zero.", ""]
    analysis = Path(__file__).with_name("analysis.md")
    if analysis.exists():
        L += [analysis.read_text(encoding="utf-8")]
    return "\n".join(L) + "\n"


def precise_section(results):
    """Issue 13: every run of the precise network and the grid network beside it, with
    the CPU time of the timed Simulate (the machine is shared: wall time waits)."""
    runs = [r for r in results if r["scale"] == PRECISE_SCALE and r["net"] in ("brunel_delta", "brunel_delta_ps")
            and "simulate_cpu_s" in r]
    if not runs:
        return []
    L = ["", f"### Precise spikes (issue 13): brunel_delta_ps x{PRECISE_SCALE:g}", "",
         "iaf_psc_delta_ps with poisson_generator_ps noise, against brunel_delta at the same "
         "scale; every run listed, in order. CPU: the process's CPU time over the timed "
         "Simulate.", "",
         "| network | impl | threads | sim ms | compile s | simulate CPU s | simulate wall s | rate Hz |",
         "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        L.append(f"| {r['net']} | {r['impl']} | {r['threads']} | {r['simtime_ms']:g} | {r['compile_s']:.1f} | "
                 f"{r['simulate_cpu_s']:.2f} | {r['simulate_s']:.2f} | {r['rate_hz']:.1f} |")
    for net in ("brunel_delta", "brunel_delta_ps"):
        cpu = {i: [r["simulate_cpu_s"] for r in runs if r["net"] == net and r["impl"] == i] for i in IMPLS}
        if all(cpu.values()):
            ratio = min(cpu["pynest_jax"]) / min(cpu["nest"])
            L.append(f"\n{net}: simulate CPU time ours / NEST's (best of each) **{ratio:.2f}**"
                     + (f"; target (<= 1) {'met' if ratio <= 1 else '**not met**'}." if net.endswith("_ps") else "."))
    return L


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*",
                    default=["small", "brunel_delta", "brunel_alpha", "brunel_stdp", "aeif", "scaling",
                             "startup"])
    ap.add_argument("--float32", nargs="*", default=["brunel_delta", "brunel_alpha"],
                    help="networks also run with pynest_jax in float32 (full size)")
    ap.add_argument("--simtime", type=float, default=1000.0, help="ms simulated by the brunel networks")
    ap.add_argument("--threads", type=int, default=cores(), help="NEST's local_num_threads")
    ap.add_argument("--repeat", type=int, default=1, help="runs of the brunel_delta_ps pair")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--json", type=Path, help="also save the raw results here")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    results = run_all(a.only, a.simtime, a.threads, a.float32, a.repeat)
    text = render(results, a.simtime, a.threads, time.perf_counter() - t0)
    if "startup" in a.only:  # fresh processes of their own: import, first run, per-call cost
        from . import startup
        text = text.replace("\n## Targets (issues 4 and 11)", "\n## Start-up (issue 14)\n\n"
                            + startup.render(startup.run(2000, 3)) + "\n\n## Targets (issues 4 and 11)", 1)
    a.out.write_text(text, encoding="utf-8")
    if a.json:
        a.json.write_text(json.dumps(results, indent=1))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
