"""One measurement in its own process: `python -m benchmarks.child --impl nest|pynest_jax
--net brunel_delta|brunel_delta_ps|brunel_alpha|brunel_stdp|small|aeif|hh [--scale S] [--simtime T] [--threads N]
[--precision float64|float32]` (precision: pynest_jax's kernel attribute).
Prints one line `RESULT {json}`.

Phases: import; build (Create + Connect); a first Simulate of 10 ms (NEST: Prepare, the
presynaptic tables; pynest_jax: that plus compiling the program); the timed Simulate.
simulate_cpu_s is the process's CPU time over the timed Simulate
(all threads). compile_s is the first Simulate less what 10 ms cost in the timed run. Memory is the
process's resident size (VmRSS) between phases and its peak (VmHWM); bytes per synapse is
what building and preparing the recurrent connections added, over their number.
"""

import argparse
import importlib
import json
import time


def _status_kb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", required=True)
    ap.add_argument("--net", required=True)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--simtime", type=float, default=1000.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--precision", default="float64")
    a = ap.parse_args(argv)

    t = {"start": time.perf_counter()}
    rss = {"start": _status_kb("VmRSS")}
    nest = importlib.import_module(a.impl)
    t["import"], rss["import"] = time.perf_counter(), _status_kb("VmRSS")

    def mark(name):
        t[name], rss[name] = time.perf_counter(), _status_kb("VmRSS")

    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    nest.local_num_threads = a.threads
    if a.precision != "float64":
        nest.precision = a.precision
    mark("reset")
    from benchmarks import networks
    if a.net == "small":
        info = networks.small(nest, mark)
    elif a.net in ("aeif", "hh"):
        info = getattr(networks, a.net)(nest, mark)
    else:
        if a.net == "brunel_delta_ps":
            info = networks.brunel(nest, "iaf_psc_delta_ps", a.scale, mark,
                                   noise_model="poisson_generator_ps")
        elif a.net == "brunel_stdp":  # brunel_alpha with plastic E -> E connections
            info = networks.brunel(nest, "iaf_psc_alpha", a.scale, mark, plastic=True)
        else:
            info = networks.brunel(nest, "iaf_psc_" + a.net.split("_")[1], a.scale, mark)
    mark("built")
    n_syn = nest.num_connections
    nest.Simulate(10.0)
    mark("first")
    cpu0 = time.process_time()
    nest.Simulate(a.simtime)
    mark("run")
    simulate_cpu_s = time.process_time() - cpu0
    spikes = sum(r.n_events for r in info.pop("recorders"))

    simulate_s = t["run"] - t["first"]
    rate = spikes / info["recorded"] / ((a.simtime + 10.0) / 1000.0)
    events = rate * info["neurons"] * (info["recurrent_synapses"] / info["neurons"]) * a.simtime / 1000.0
    out = dict(
        impl=a.impl, net=a.net, precision=a.precision, scale=a.scale, simtime_ms=a.simtime, threads=a.threads,
        neurons=info["neurons"], synapses=n_syn, recurrent_synapses=info["recurrent_synapses"],
        import_s=t["import"] - t["start"], build_s=t["built"] - t["reset"],
        first_run_s=t["first"] - t["built"], simulate_s=simulate_s, simulate_cpu_s=simulate_cpu_s,
        compile_s=max(0.0, (t["first"] - t["built"]) - simulate_s * 10.0 / a.simtime),
        total_s=t["run"] - t["start"], rate_hz=rate, syn_events_per_s=events / simulate_s,
        rss_mb={k: v / 1024.0 for k, v in rss.items()}, peak_mb=_status_kb("VmHWM") / 1024.0,
        bytes_per_synapse_built=(rss["built"] - rss["devices"]) * 1024.0 / max(1, info["recurrent_synapses"]),
        bytes_per_synapse=(rss["first"] - rss["devices"]) * 1024.0 / max(1, info["recurrent_synapses"]),
    )
    print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
