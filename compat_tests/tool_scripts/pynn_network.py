"""A small network built and run through PyNN's NEST backend, as PyNN's users write it.

    python pynn_network.py OUT.json [PRECISION]              (real NEST)
    python -m pynest_jax pynn_network.py OUT.json [PRECISION] (pynest_jax)

PRECISION: PyNN's spike_precision, "on_grid" (the default here) or "off_grid" (PyNN's
default, which makes pyNN.nest use NEST's precise-timing models).

Spike sources are arrays (no random numbers), so the run is deterministic. Writes the
spikes, v, gsyn_exc and gsyn_inh PyNN recorded, and the weights PyNN reads back.
"""

import json
import sys

import numpy as np
import pyNN.nest as sim

sim.setup(timestep=0.1, min_delay=0.5, spike_precision=sys.argv[2] if len(sys.argv) > 2 else "on_grid")

spike_times = [[5.0, 12.0, 20.5, 31.0, 44.0, 45.0, 62.0], [7.3, 15.0, 22.0, 50.0, 51.2],
               [10.0, 10.5, 40.0, 41.0, 70.2], [3.0, 33.3, 66.6]]
sources = sim.Population(4, sim.SpikeSourceArray(spike_times=spike_times), label="sources")
exc = sim.Population(4, sim.IF_cond_exp(tau_m=15.0, v_thresh=-55.0, tau_syn_E=3.0, tau_syn_I=6.0,
                                        i_offset=[0.05, 0.1, 0.15, 0.2]), label="exc")
inh = sim.Population(3, sim.IF_curr_alpha(tau_m=10.0, v_thresh=-52.0, tau_syn_E=1.5,
                                          i_offset=[0.3, 0.5, 0.7]), label="inh")
exc.initialize(v=[-62.0, -64.0, -66.0, -68.0])
inh.initialize(v=-60.0)

static = sim.StaticSynapse(weight=0.02, delay=1.0)
stdp = sim.STDPMechanism(
    timing_dependence=sim.SpikePairRule(tau_plus=16.8, tau_minus=33.7, A_plus=0.05, A_minus=0.06),
    weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=3.0),
    weight=1.2, delay=1.3)
projections = {
    "sources_exc_static": sim.Projection(sources, exc, sim.AllToAllConnector(), static,
                                         receptor_type="excitatory"),
    "exc_inh_static": sim.Projection(
        exc, inh, sim.FromListConnector([(0, 0, 1.5, 1.5), (1, 0, 1.0, 2.0), (2, 1, 2.0, 0.7),
                                         (3, 2, 1.8, 1.1), (0, 2, 0.9, 3.0)],
                                        column_names=["weight", "delay"]),
        receptor_type="excitatory"),
    "inh_exc_static": sim.Projection(inh, exc, sim.AllToAllConnector(),
                                     sim.StaticSynapse(weight=0.03, delay=0.8),
                                     receptor_type="inhibitory"),
    "sources_inh_stdp": sim.Projection(sources, inh, sim.OneToOneConnector(), stdp,
                                       receptor_type="excitatory"),
    # Tsodyks-Markram short-term plasticity as NEST's tsodyks2_synapse, through PyNN's
    # native synapse types (NEST's units: nS for these conductance-based cells).
    "sources_exc_tm": sim.Projection(
        sources, exc, sim.FromListConnector([(0, 0), (1, 0), (2, 1), (3, 2), (0, 3), (3, 3)]),
        sim.native_synapse_type("tsodyks2_synapse")(weight=6.0, delay=0.6, U=0.4, u=0.4,
                                                     tau_rec=150.0, tau_fac=20.0),
        receptor_type="excitatory"),
    # PyNN's standard Tsodyks-Markram type: pyNN.nest makes it NEST's tsodyks_synapse and
    # copies tau_psc from the targets' tau_syn_E (1.5 ms); depression and facilitation
    "sources_inh_tm": sim.Projection(
        sources, inh, sim.AllToAllConnector(),
        sim.TsodyksMarkramSynapse(weight=0.15, delay=0.9, U=0.3, tau_rec=120.0, tau_facil=30.0),
        receptor_type="excitatory"),
}

exc.record(["spikes", "v", "gsyn_exc", "gsyn_inh"])
inh.record(["spikes", "v"])
sim.run(40.0)
weights_mid = projections["sources_inh_stdp"].get("weight", format="list")
sim.run(40.0)

out = {"stdp_weights_mid": [list(map(float, w)) for w in weights_mid]}
for pop in (exc, inh):
    segment = pop.get_data().segments[0]
    out[f"{pop.label}.spikes"] = [np.asarray(st.magnitude).tolist() for st in segment.spiketrains]
    for signal in segment.analogsignals:
        out[f"{pop.label}.{signal.name}"] = np.asarray(signal.magnitude).tolist()
for name, prj in projections.items():
    out[f"{name}.weights"] = [list(map(float, c)) for c in prj.get(["weight", "delay"], format="list")]
out["sources_exc_tm.u_x"] = [list(map(float, c)) for c in
                             projections["sources_exc_tm"].get(["u", "x"], format="list")]
out["sources_inh_tm.params"] = [list(map(float, c)) for c in projections["sources_inh_tm"].get(
    ["U", "tau_rec", "tau_facil"], format="list")]
# the synapses' state and the tau_psc pyNN.nest gave them, read from NEST's connections
tm = projections["sources_inh_tm"].nest_connections.get(["u", "x", "y", "tau_psc"])
out["sources_inh_tm.state"] = [list(map(float, tm[k])) for k in ("u", "x", "y", "tau_psc")]
sim.end()
out["_nest_module"] = sys.modules["nest"].__name__  # which simulator PyNN ran on

with open(sys.argv[1], "w") as f:
    json.dump(out, f)
