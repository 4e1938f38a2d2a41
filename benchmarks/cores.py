"""Issue 14, target 7 (both cores): brunel_delta on one host device against its neurons
split over two (kernel/sharding.py, PYNEST_JAX_SHARD=1), each run a process of its own.

    python -m benchmarks.cores [--scales 0.2 0.5 1] [--ms 100] [--repeat 2]

Per run: wall and CPU time (time.process_time) of one Simulate(ms) after a
Simulate(10 ms) warm-up (compilation out of the figure), the CPU time of the process's
busiest threads (/proc/self/task/*/stat, to see how the work is spread), and a hash of
the recorded spikes, a V_m multimeter (every 50th neuron) and the final V_m, which must be
equal between the two. Wall time means something only on a quiet machine: the load
average is printed with each run.
"""

import argparse
import json
import os
import subprocess
import sys


def _thread_cpu():
    out = {}
    tick = os.sysconf("SC_CLK_TCK")
    for name in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[name] = (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return out


def child(scale, ms):
    import hashlib
    import time
    import numpy as np
    import pynest_jax as nest
    from pynest_jax.api._kernel import kernel
    from benchmarks import networks

    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"rng_seed": 12})
    info = networks.brunel(nest, "iaf_psc_delta", scale, lambda n: None)
    neurons = nest.NodeCollection(list(range(1, info["neurons"] + 1)))
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
    nest.Connect(mm, neurons[::50])
    nest.Simulate(10.0)
    c0, w0, p0 = _thread_cpu(), time.perf_counter(), time.process_time()
    nest.Simulate(ms)
    w1, p1, c1 = time.perf_counter(), time.process_time(), _thread_cpu()
    threads = sorted((c1[k] - c0.get(k, 0.0) for k in c1), reverse=True)
    h = hashlib.sha256()
    for r in info["recorders"]:
        ev = r.get("events")
        h.update(np.asarray(ev["senders"]).tobytes())
        h.update(np.asarray(ev["times"]).tobytes())
    h.update(np.asarray(mm.get("events")["V_m"]).tobytes())
    h.update(np.asarray(neurons.get("V_m"), float).tobytes())
    devices = max(len(x.sharding.device_set) for pop in kernel.carry["pop"].values()
                  for x in pop.values())
    print(json.dumps({"wall": w1 - w0, "cpu": p1 - p0, "threads": threads[:4],
                      "devices": devices, "hash": h.hexdigest()[:16]}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=float, nargs="+", default=[0.2, 0.5, 1.0])
    ap.add_argument("--ms", type=float, default=100.0)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--child", type=float, default=None)
    a = ap.parse_args()
    if a.child is not None:
        child(a.child, a.ms)
        return
    print("scale  split  wall s  CPU s  busiest threads' CPU s   load   hash")
    for scale in a.scales:
        for _ in range(a.repeat):
            for split in ("0", "1"):  # interleaved
                env = dict(os.environ, PYNEST_JAX_SHARD=split)
                r = subprocess.run([sys.executable, "-m", "benchmarks.cores", "--child",
                                    str(scale), "--ms", str(a.ms)], env=env,
                                   capture_output=True, text=True)
                if r.returncode:
                    print(r.stderr[-2000:])
                    continue
                d = json.loads(r.stdout.strip().splitlines()[-1])
                load = open("/proc/loadavg").read().split()[0]
                threads = " ".join(f"{t:.2f}" for t in d["threads"])
                print(f"{scale:5}  {d['devices']:5}  {d['wall']:6.2f}  {d['cpu']:5.2f}  "
                      f"{threads:24s} {load:>5}   {d['hash']}", flush=True)


if __name__ == "__main__":
    main()
