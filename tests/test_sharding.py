"""Large populations split over two host devices (kernel/sharding.py, PYNEST_JAX_SHARD=1)
give bit for bit the one-device run's results, and so does XLA's thread pool of one
thread (PYNEST_JAX_XLA_THREADS=1).

Each run is a process of its own (the number of host devices is fixed when JAX's CPU
backend starts). The network is NEST's brunel_delta at 0.12 scale (1,500 iaf_psc_delta
neurons in one population, split; a poisson_generator with one draw per connection;
static recurrent connections), with a multimeter on V_m and a SetStatus of state and of a
parameter between two Simulate calls. The sharded run must really be split (its neurons'
state on 2 devices), so the comparison can fail.
"""

import json
import os
import subprocess
import sys



ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = r"""
import hashlib, json, sys
import numpy as np
import pynest_jax as nest
from pynest_jax.api._kernel import kernel
from benchmarks import networks

nest.set_verbosity("M_ERROR")
nest.ResetKernel()
nest.SetKernelStatus({"rng_seed": 7})
info = networks.brunel(nest, "iaf_psc_delta", 0.12, lambda n: None)
neurons = nest.NodeCollection(list(range(1, info["neurons"] + 1)))
mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
nest.Connect(mm, neurons[::37])
nest.Simulate(25.0)
neurons[::3].V_m = 12.5
neurons[1::7].I_e = 3.0
nest.Simulate(40.0)
h = hashlib.sha256()
for r in info["recorders"]:
    ev = r.get("events")
    h.update(np.asarray(ev["senders"]).tobytes())
    h.update(np.asarray(ev["times"]).tobytes())
ev = mm.get("events")
for k in ("senders", "times", "V_m"):
    h.update(np.asarray(ev[k]).tobytes())
h.update(np.asarray(neurons.get("V_m"), float).tobytes())
devices = max(len(x.sharding.device_set) for pop in kernel.carry["pop"].values()
              for x in pop.values())
spikes = sum(len(r.get("events")["times"]) for r in info["recorders"])
print(json.dumps({"hash": h.hexdigest(), "devices": devices, "spikes": spikes}))
"""


def _run(shard, **env_more):
    env = dict(os.environ, PYNEST_JAX_SHARD=shard, **env_more)
    r = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_split_over_two_devices_is_bit_identical():
    one = _run("0")
    two = _run("1")
    assert one["devices"] == 1
    assert two["devices"] == 2  # the neurons' state really was split
    assert one["spikes"] > 20  # the network is active: the hash covers spikes
    assert two["hash"] == one["hash"]
    # XLA's pool of one thread (PYNEST_JAX_XLA_THREADS, pynest_jax/__init__.py): the same
    one_thread = _run("0", PYNEST_JAX_XLA_THREADS="1")
    assert one_thread["hash"] == one["hash"]
