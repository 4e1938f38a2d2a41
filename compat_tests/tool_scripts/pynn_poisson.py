"""PyNN with random numbers: SpikeSourcePoisson drive through a random connector.

    python pynn_poisson.py OUT.json [SEED]
    python -m pynest_jax pynn_poisson.py OUT.json [SEED]

NEST's random streams cannot be reproduced, so the A/B test compares statistics:
the spike counts of the sources and of the driven cells.
"""

import json
import sys

import pyNN.nest as sim

seed = int(sys.argv[2]) if len(sys.argv) > 2 else 12345
sim.setup(timestep=0.1, min_delay=1.0, rng_seed=seed, spike_precision="on_grid")
sources = sim.Population(200, sim.SpikeSourcePoisson(rate=20.0), label="sources")
cells = sim.Population(40, sim.IF_curr_exp(tau_m=20.0, v_thresh=-50.0, tau_refrac=2.0), label="cells")
sim.Projection(sources, cells, sim.FixedNumberPreConnector(50),
               sim.StaticSynapse(weight=0.2, delay=1.0), receptor_type="excitatory")
sources.record("spikes")
cells.record("spikes")
sim.run(1000.0)

out = {}
for pop in (sources, cells):
    trains = pop.get_data().segments[0].spiketrains
    out[f"{pop.label}.counts"] = [len(st) for st in trains]
sim.end()
out["_nest_module"] = sys.modules["nest"].__name__

with open(sys.argv[1], "w") as f:
    json.dump(out, f)
