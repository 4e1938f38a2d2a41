"""Issue 14, target 2: fixed CPU cost per simulation step of small networks, NEST and
pynest_jax side by side (each in its own process, so that XLA_FLAGS given to this command
reach pynest_jax's JAX only).

    python -m benchmarks.stepcost [--ms 20000] [--repeat 3]

CPU time (time.process_time) of one long Simulate after a warm-up Simulate, divided by
the steps; the warm-up takes compilation and first-call costs out of the figure.
"""

import argparse
import json
import subprocess
import sys


def build(nest, name):
    nest.ResetKernel()
    if name == "poisson_1":
        n = nest.Create("iaf_psc_alpha")
        pg = nest.Create("poisson_generator", params={"rate": 20000.0})
        sr = nest.Create("spike_recorder")
        nest.Connect(pg, n, syn_spec={"weight": 40.0})
        nest.Connect(n, sr)
    elif name == "balancedneuron":  # the gallery's network, inhibitory rate 20.5/s
        n = nest.Create("iaf_psc_alpha")
        noise = nest.Create("poisson_generator", 2)
        vm = nest.Create("voltmeter")
        sr = nest.Create("spike_recorder")
        noise.rate = [16000 * 5.0, 4000 * 20.5]
        nest.Connect(n, sr)
        nest.Connect(vm, n)
        nest.Connect(noise, n, syn_spec={"weight": [[45.0, -45.0]], "delay": 1.0})
    elif name == "dc_100":
        n = nest.Create("iaf_psc_alpha", 100, params={"I_e": 0.0})
        dc = nest.Create("dc_generator", params={"amplitude": 400.0})
        mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
        nest.Connect(dc, n)
        nest.Connect(mm, n)
    elif name.startswith("recurrent_"):  # all-to-all, driven to spike by a bias current
        n = nest.Create("iaf_psc_alpha", int(name.split("_")[1]), params={"I_e": 380.0})
        sr = nest.Create("spike_recorder")
        nest.Connect(n, n, syn_spec={"weight": 5.0, "delay": 1.0})
        nest.Connect(n, sr)
    else:
        raise ValueError(name)


NETWORKS = ("poisson_1", "balancedneuron", "dc_100", "recurrent_10", "recurrent_100")


def child(impl, ms, repeat):
    if impl == "nest":
        import nest
        nest.set_verbosity("M_WARNING")
    else:
        import pynest_jax as nest
    import time
    out = {}
    for name in NETWORKS:
        best = None
        for _ in range(repeat):
            build(nest, name)
            nest.Simulate(100.0)
            t0 = time.process_time()
            nest.Simulate(float(ms))
            us = (time.process_time() - t0) / (ms / nest.resolution) * 1e6
            best = us if best is None else min(best, us)
        out[name] = best
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ms", type=float, default=20000.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=("nest", "pynest_jax"))
    ap.add_argument("--child", choices=("nest", "pynest_jax"))
    a = ap.parse_args()
    if a.child:
        return child(a.child, a.ms, a.repeat)
    res = {}
    for impl in ([a.only] if a.only else ["nest", "pynest_jax"]):
        r = subprocess.run([sys.executable, "-m", "benchmarks.stepcost", "--child", impl,
                            "--ms", str(a.ms), "--repeat", str(a.repeat)],
                           capture_output=True, text=True, check=True)
        res[impl] = json.loads(r.stdout.strip().splitlines()[-1])
    print(f"CPU us per step, min of {a.repeat}, {a.ms:g} ms runs")
    print(f"{'network':16s}" + "".join(f"{i:>12s}" for i in res))
    for name in NETWORKS:
        print(f"{name:16s}" + "".join(f"{res[i][name]:12.3f}" for i in res))


if __name__ == "__main__":
    main()
