"""Spatial Connect, NEST vs pynest_jax (issue 12): `python -m benchmarks.spatial [--case C]`.

Each (case, implementation) runs in its own process (`--child`), which prints one line
`RESULT {json}`: the Connect's process CPU time (the machine is shared, so CPU time is
the figure to compare, wall time is given too; `--repeat N` keeps the least of N runs),
the connections made and the resident
memory (VmRSS) that Connect added per connection, and its peak (VmHWM) over the RSS before.
The ``*_plain`` cases (``--case``, not run by default) make about as many connections
without positions, for the memory per connection that positions may add.
"""

import argparse
import importlib
import json
import subprocess
import sys
import time

CASES = ("bernoulli", "indegree", "free")
# the same numbers of connections (and per-connection weights and delays) without
# positions, for the memory per connection that positions may add
PLAIN = ("bernoulli_plain", "indegree_plain")


def _rss_kb(key="VmRSS:"):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def _build(nest, case):
    """Layers and Connect arguments of one case; returns the Connect as a closure."""
    if case.endswith("_plain"):
        nodes = nest.Create("iaf_psc_alpha", 10000)
        if case == "indegree_plain":
            return lambda: nest.Connect(nodes, nodes, {"rule": "fixed_indegree", "indegree": 50})
        # about as many connections as the masked Gaussian, a weight and delay each
        conn = {"rule": "pairwise_bernoulli", "p": 4.2323e6 / 1e8}
        syn = {"weight": nest.random.uniform(0.85, 1.0), "delay": nest.random.uniform(1.0, 2.5)}
        return lambda: nest.Connect(nodes, nodes, conn, syn)
    if case == "free":
        n = 3000
        pos = nest.spatial.free(nest.random.uniform(-0.5, 0.5), num_dimensions=2)
        layer = nest.Create("iaf_psc_alpha", n, positions=pos)
        conn = {"rule": "pairwise_bernoulli", "p": nest.spatial_distributions.gaussian(
            nest.spatial.distance, std=0.25)}
        return lambda: nest.Connect(layer, layer, conn)
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid([100, 100], extent=[1.0, 1.0],
                                                                      edge_wrap=True))
    mask = {"circular": {"radius": 0.15}}
    if case == "bernoulli":
        conn = {"rule": "pairwise_bernoulli", "mask": mask,
                "p": nest.spatial_distributions.gaussian(nest.spatial.distance, std=0.1)}
        syn = {"weight": 1.0 - nest.spatial.distance,
               "delay": 1.0 + 10.0 * nest.spatial.distance}
    else:
        conn = {"rule": "fixed_indegree", "indegree": 50, "mask": mask}
        syn = {}
    return lambda: nest.Connect(layer, layer, conn, syn)


def child(impl, case):
    nest = importlib.import_module(impl)
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    connect = _build(nest, case)
    rss0, c0, w0 = _rss_kb(), time.process_time(), time.perf_counter()
    connect()
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    n = nest.num_connections
    # the peak is the high-water mark over the run less the RSS before the Connect
    # (import and Create may have set the mark higher: then it says 0)
    peak = max(_rss_kb("VmHWM:") - rss0, 0)
    print("RESULT " + json.dumps(dict(impl=impl, case=case, connections=n, cpu_s=cpu, wall_s=wall,
                                      bytes_per_conn=(_rss_kb() - rss0) * 1024.0 / max(n, 1),
                                      peak_bytes_per_conn=peak * 1024.0 / max(n, 1))))


def _run(impl, case):
    out = subprocess.run([sys.executable, "-m", "benchmarks.spatial", "--child", impl, "--case", case],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(next(l for l in out.splitlines() if l.startswith("RESULT "))[7:])


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", choices=CASES + PLAIN, action="append")
    ap.add_argument("--child")
    ap.add_argument("--impl", action="append", default=None)
    ap.add_argument("--repeat", type=int, default=1, help="runs per case; the least CPU time is kept")
    a = ap.parse_args(argv)
    if a.child:
        return child(a.child, a.case[0])
    print(f"{'case':15} {'impl':10} {'conns':>9} {'cpu_s':>7} {'wall_s':>7} {'B/conn':>7} {'peak':>7}")
    for case in a.case or CASES:
        r = {impl: min((_run(impl, case) for _ in range(a.repeat)), key=lambda x: x["cpu_s"])
             for impl in (a.impl or ("nest", "pynest_jax"))}
        for x in r.values():
            print(f"{case:15} {x['impl']:10} {x['connections']:9d} {x['cpu_s']:7.2f} {x['wall_s']:7.2f} "
                  f"{x['bytes_per_conn']:7.1f} {x['peak_bytes_per_conn']:7.1f}")
        if len(r) == 2:
            print(f"{case:15} ratio cpu ours/NEST {r['pynest_jax']['cpu_s'] / r['nest']['cpu_s']:.2f}")


if __name__ == "__main__":
    main()
