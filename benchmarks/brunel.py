"""The Brunel (2000) network of NEST's gallery (brunel_delta_nest / brunel_alpha_nest),
built the same way in any PyNEST-compatible simulator, with timings and memory.

Run one simulator per process: ``python -m benchmarks.brunel --impl nest|pynest_jax``.
Prints one JSON line with the measurements.
"""

import argparse
import importlib
import json
import resource
import sys
import time


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def build_and_run(nest, model, scale, simtime, threads):
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    nest.local_num_threads = threads
    order = int(2500 * scale)
    NE, NI = 4 * order, order
    CE, CI = int(0.1 * NE), int(0.1 * NI)
    J, g, eta, delay = 0.1, 5.0, 2.0, 1.5
    if model == "iaf_psc_delta":
        params = {"C_m": 1.0, "tau_m": 20.0, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0,
                  "V_m": 0.0, "V_th": 20.0}
        J_ex = J
        nu_th = 20.0 / (J * CE * 20.0)
    else:  # iaf_psc_alpha, as brunel_alpha_nest: PSP amplitude J mV via the PSC peak
        import math
        params = {"C_m": 250.0, "tau_m": 20.0, "tau_syn_ex": 0.5, "tau_syn_in": 0.5,
                  "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": 20.0}
        a, b = 20.0 / 0.5, 1.0 / 0.5 - 1.0 / 20.0
        t_max = 1.0 / b * (-_lambertw(-math.exp(-1.0 / a) / a) - 1.0 / a)
        psp = (math.exp(1.0) / (0.5 * 250.0 * b) * ((math.exp(-t_max / 20.0) - math.exp(-t_max / 0.5)) / b - t_max * math.exp(-t_max / 0.5)))
        J_ex = J / psp
        nu_th = (20.0 * 250.0) / (J_ex * CE * math.exp(1.0) * 20.0 * 0.5)
    p_rate = 1000.0 * eta * nu_th * CE
    m0 = rss_mb()
    t0 = time.perf_counter()
    ex = nest.Create(model, NE, params=params)
    inh = nest.Create(model, NI, params=params)
    noise = nest.Create("poisson_generator", params={"rate": p_rate})
    sr = nest.Create("spike_recorder")
    nest.CopyModel("static_synapse", "excitatory", {"weight": J_ex, "delay": delay})
    nest.CopyModel("static_synapse", "inhibitory", {"weight": -g * J_ex, "delay": delay})
    nest.Connect(noise, ex + inh, syn_spec="excitatory")
    nest.Connect(ex[:50] + inh[:50], sr, syn_spec="excitatory")
    nest.Connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
    nest.Connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": CI}, "inhibitory")
    t1 = time.perf_counter()
    n_syn = nest.num_connections
    nest.Simulate(10.0)  # first run: compile (pynest_jax) / prepare (NEST)
    t2 = time.perf_counter()
    m1 = rss_mb()
    nest.Simulate(simtime)
    t3 = time.perf_counter()
    n_spk = sr.n_events
    return {
        "build_s": t1 - t0, "first_run_10ms_s": t2 - t1, "simulate_s": t3 - t2,
        "synapses": n_syn, "neurons": NE + NI, "rate_hz": n_spk / (simtime + 10.0) * 1000.0 / 100,
        "mem_after_build_mb": m1 - m0, "peak_mb": peak_mb(),
        "bytes_per_synapse": (m1 - m0) * 1024 * 1024 / max(1, n_syn),
        "syn_events_per_s": n_spk / 100 * (NE + NI) * (CE + CI) * simtime / (simtime + 10) / (t3 - t2),
    }


def _lambertw(x):
    from scipy.special import lambertw
    return float(lambertw(x, -1).real)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", default="pynest_jax")
    ap.add_argument("--model", default="iaf_psc_delta")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--simtime", type=float, default=1000.0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    nest = importlib.import_module(a.impl)
    t_import = time.perf_counter() - t0
    res = build_and_run(nest, a.model, a.scale, a.simtime, a.threads)
    res.update(impl=a.impl, model=a.model, scale=a.scale, import_s=t_import)
    sys.stdout.flush()
    print("RESULT " + json.dumps(res))


if __name__ == "__main__":
    main()
