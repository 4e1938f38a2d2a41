"""hpc_benchmark's network (the gallery script's own build_network, from the installed
NEST's examples) at a scale, on pynest_jax: resident memory (sampled every 5 ms), traced
host memory (with "trace"), JAX arrays alive and CPU time at stages and around Prepare's
steps; with "hash", a hash of the recorded spikes and of the plastic and inhibitory
connections (sources, targets, weights) to compare two versions bit for bit.

    python -m benchmarks.hpc_memory 0.1 mem,hash      (scale, modes: mem, trace, hash)
"""
import os, sys, time, threading, hashlib, resource, tracemalloc
scale = float(sys.argv[1]); mode = sys.argv[2] if len(sys.argv) > 2 else "mem"
trace = "trace" in mode
import numpy as np
import importlib.util
# the installed NEST's copy of the script, found without importing NEST (its memory)
F = os.path.join(os.path.dirname(importlib.util.find_spec("nest").origin),
                 "doc/examples/pynest/hpc_benchmark.py")
import pynest_jax as nest
sys.modules["nest"] = nest
import pynest_jax.raster_plot; sys.modules["nest.raster_plot"] = pynest_jax.raster_plot
import jax
src = open(F).read().replace('"scale": 1.0', f'"scale": {scale}').replace('"Nrec": 1000', '"Nrec": 100')
g = {"__name__": "hpc"}
exec(compile(src, F, "exec"), g)

def rss():
    for l in open("/proc/self/status"):
        if l.startswith("VmRSS"):
            return int(l.split()[1]) / 1e6
peak = [0.0]
def sampler():
    while True:
        peak[0] = max(peak[0], rss()); time.sleep(0.005)
threading.Thread(target=sampler, daemon=True).start()
def live():
    return sum(a.nbytes for a in jax.live_arrays()) / 1e9
rows = []
def stage(name):
    tm = tracemalloc.get_traced_memory() if trace else (0, 0)
    rows.append((name, rss(), peak[0], tm[0] / 1e9, tm[1] / 1e9, live(), time.process_time()))
    peak[0] = 0
    if trace: tracemalloc.reset_peak()
    print(f"{name:14s} rss {rows[-1][1]:.3f} peak {rows[-1][2]:.3f} traced {rows[-1][3]:.3f} tpeak {rows[-1][4]:.3f} jax {rows[-1][5]:.3f} cpu {rows[-1][6]:.1f}", flush=True)
if trace: tracemalloc.start()
import functools
from pynest_jax.kernel import projections as P, program as PR, kernel as K
def wrap(mod, qual):
    obj, name = (mod, qual) if "." not in qual else (getattr(mod, qual.split(".")[0]), qual.split(".")[1])
    f = getattr(obj, name)
    @functools.wraps(f)
    def w(*a, **k):
        p0 = peak[0]; peak[0] = 0; r0 = rss(); c0 = time.process_time()
        if trace:
            t0 = tracemalloc.get_traced_memory()[0]; tracemalloc.reset_peak()
        out = f(*a, **k)
        tm = tracemalloc.get_traced_memory() if trace else (0, 0)
        print(f"  {qual:32s} rss {r0:.3f}->{rss():.3f} peak {peak[0]:.3f} traced +{(tm[0]-t0)/1e9 if trace else 0:.3f} tpeak +{(tm[1]-t0)/1e9 if trace else 0:.3f} jax {live():.3f} cpu {time.process_time()-c0:.1f}", flush=True)
        peak[0] = max(p0, peak[0])
        return out
    setattr(obj, name, w)
for m, q in [(P, "ProjectionLayout.__init__"), (P, "ProjectionLayout.device_arrays"), (PR, "Program.plastic_rows"),
             (PR, "Program.__init__"), (PR, "Program.initial_carry"), (P, "_event_projection"), (P, "_make_plastic"),
             (P, "_plastic_device_arrays"), (P, "_event_device_arrays"), (PR, "Program.read_state")]:
    wrap(m, q)
stage("start")
class L:
    def log(self, v): pass
nest.set_verbosity("M_WARNING") if hasattr(nest, "set_verbosity") else None
sr = g["build_network"](L())
sr.record_to = "memory"
stage("connected")
t = time.time(); nest.Simulate(15.0); w1 = time.time() - t
stage("presim")
t = time.time(); nest.Simulate(15.0); w2 = time.time() - t
stage("sim")
print(f"wall presim {w1:.1f} sim {w2:.1f} maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1e6:.3f} GB")
if "hash" in mode:
    ev = sr.events
    h = hashlib.sha256(np.asarray(ev["senders"], np.int64).tobytes() + np.asarray(ev["times"], np.float64).tobytes()).hexdigest()[:16]
    print("spikes", len(ev["times"]), h)
    c = nest.GetConnections(synapse_model="stdp_pl_synapse_hom_hpc")
    s = np.asarray(c.get("source"), np.int64); tg = np.asarray(c.get("target"), np.int64); w = np.asarray(c.get("weight"), np.float64)
    print("plastic", len(w), hashlib.sha256(s.tobytes() + tg.tobytes() + w.tobytes()).hexdigest()[:16])
    c = nest.GetConnections(synapse_model="syn_in")
    s = np.asarray(c.get("source"), np.int64); w = np.asarray(c.get("weight"), np.float64)
    print("syn_in", len(w), hashlib.sha256(s.tobytes() + w.tobytes()).hexdigest()[:16])
    stage("read")
