"""A small network built with bmtk's NetworkBuilder and run by bmtk's point-neuron
simulator (bmtk.simulator.pointnet), as bmtk's users run it.

    python bmtk_network.py OUT.json               (real NEST)
    python -m pynest_jax bmtk_network.py OUT.json (pynest_jax)

Files go to the working folder. Virtual inputs are fixed spike trains (no random
numbers). Writes the spikes and membrane potentials bmtk saved (SONATA files).
"""

import json
import os
import sys

import h5py
import numpy as np
from bmtk.builder import NetworkBuilder
from bmtk.utils.reports.spike_trains import SpikeTrains

HERE = os.getcwd()


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=1)


# --- components: NEST parameters of the cell and synapse models -----------------------
models = os.path.join(HERE, "components", "point_neuron_models")
synapses = os.path.join(HERE, "components", "synaptic_models")
write_json(os.path.join(models, "exc.json"), {"tau_m": 12.0, "V_th": -55.0, "I_e": 150.0, "C_m": 250.0})
write_json(os.path.join(models, "inh.json"), {"tau_m": 8.0, "V_th": -52.0, "I_e": 250.0,
                                              "tau_syn_ex": 1.5})
write_json(os.path.join(synapses, "static.json"), {})
write_json(os.path.join(synapses, "stdp.json"), {"tau_plus": 16.8, "lambda": 0.05, "alpha": 1.1,
                                                 "mu_plus": 0.0, "mu_minus": 0.0, "Wmax": 600.0})
write_json(os.path.join(synapses, "tm.json"), {"U": 0.4, "u": 0.4, "tau_rec": 120.0, "tau_fac": 15.0})
# TODO(issue 11): a "tsodyks_synapse" edge type too, once pynest_jax has that model.

# --- the network -----------------------------------------------------------------------
net = NetworkBuilder("cortex")
net.add_nodes(N=3, pop_name="exc", model_type="point_neuron", model_template="nest:iaf_psc_alpha",
              dynamics_params="exc.json")
net.add_nodes(N=2, pop_name="inh", model_type="point_neuron", model_template="nest:iaf_psc_exp",
              dynamics_params="inh.json")
net.add_edges(source={"pop_name": "exc"}, target={"pop_name": "inh"},
              connection_rule=lambda s, t: 1, syn_weight=400.0, delay=1.5,
              model_template="stdp_synapse_recorded", dynamics_params="stdp.json")
net.add_edges(source={"pop_name": "inh"}, target={"pop_name": "exc"},
              connection_rule=lambda s, t: 1, syn_weight=-200.0, delay=0.8,
              model_template="static_synapse", dynamics_params="static.json")
net.build()
net.save(output_dir="network")

inputs = NetworkBuilder("inputs")
inputs.add_nodes(N=3, pop_name="spikes", model_type="virtual")
inputs.add_edges(source=inputs.nodes(), target=net.nodes(pop_name="exc"),
                 connection_rule=lambda s, t: 1 if s.node_id == t.node_id else 0,
                 syn_weight=3000.0, delay=1.0, model_template="tsodyks2_synapse",
                 dynamics_params="tm.json")
inputs.add_edges(source=inputs.nodes(), target=net.nodes(pop_name="inh"),
                 connection_rule=lambda s, t: 1, syn_weight=500.0, delay=2.0,
                 model_template="stdp_synapse", dynamics_params="stdp.json")
inputs.build()
inputs.save(output_dir="network")

trains = SpikeTrains(population="inputs")
for node_id, times in enumerate([[5.0, 12.0, 20.5, 31.0, 44.0, 62.0], [7.3, 15.0, 22.0, 50.0],
                                 [10.0, 10.5, 40.0, 41.0, 70.2]]):
    trains.add_spikes(node_ids=node_id, timestamps=times)
trains.to_sonata(os.path.join(HERE, "inputs.h5"))

config = {
    "run": {"tstop": 80.0, "dt": 0.1},
    "target_simulator": "NEST",
    "inputs": {"input_spikes": {"input_type": "spikes", "module": "sonata",
                                "input_file": os.path.join(HERE, "inputs.h5"), "node_set": "inputs",
                                "use_parrot_neurons": True}},
    "output": {"output_dir": os.path.join(HERE, "output"), "log_file": "log.txt",
               "spikes_file": "spikes.h5", "overwrite_output_dir": True, "quiet_simulator": True},
    "reports": {"membrane_potential": {"cells": {"population": "cortex"}, "variable_name": "V_m",
                                       "module": "multimeter_report", "sections": "soma"},
                "stdp_weights": {"module": "weight_recorder", "nest_model": "stdp_synapse",
                                 "model_template": "stdp_synapse_recorded",
                                 "file_name": "stdp_weights.csv"}},
    "networks": {
        "nodes": [{"nodes_file": f"network/{n}_nodes.h5", "node_types_file": f"network/{n}_node_types.csv"}
                  for n in ("cortex", "inputs")],
        "edges": [{"edges_file": f"network/{a}_{b}_edges.h5", "edge_types_file": f"network/{a}_{b}_edge_types.csv"}
                  for a, b in (("cortex", "cortex"), ("inputs", "cortex"))],
    },
    "components": {"point_neuron_models_dir": models, "synaptic_models_dir": synapses},
}
write_json(os.path.join(HERE, "config.json"), config)

# --- the run, as bmtk's users start it ---------------------------------------------------
from bmtk.simulator import pointnet  # noqa: E402

configure = pointnet.Config.from_json(os.path.join(HERE, "config.json"))
configure.build_env()
network = pointnet.PointNetwork.from_config(configure)
simulator = pointnet.PointSimulator.from_config(configure, network)
simulator.run()

out = {}
with h5py.File(os.path.join(HERE, "output", "spikes.h5"), "r") as f:
    group = f["spikes"]["cortex"]
    order = np.lexsort((group["node_ids"][()], group["timestamps"][()]))
    out["spikes.node_ids"] = group["node_ids"][()][order].tolist()
    out["spikes.timestamps"] = group["timestamps"][()][order].tolist()
with h5py.File(os.path.join(HERE, "output", "membrane_potential.h5"), "r") as f:
    report = f["report"]["cortex"]
    out["v.node_ids"] = report["mapping"]["node_ids"][()].tolist()
    out["v.time"] = report["mapping"]["time"][()].tolist()
    out["v.data"] = report["data"][()].tolist()
with open(os.path.join(HERE, "output", "stdp_weights.csv")) as f:
    header, *rows = [line.split() for line in f if line.strip()]
for i, column in enumerate(header):
    values = [row[i] for row in rows]
    out[f"weights.{column}"] = values if column.endswith("population") else [float(v) for v in values]
# the plastic input weights, which no recorder sees, from the kernel bmtk ran on
import nest  # noqa: E402

plastic = nest.GetConnections(synapse_model="stdp_synapse")
out["stdp.source_target_weight"] = [list(map(float, row)) for row in zip(
    plastic.get("source"), plastic.get("target"), plastic.get("weight"))]
short_term = nest.GetConnections(synapse_model="tsodyks2_synapse")
out["tm.source_target_u_x"] = [list(map(float, row)) for row in zip(
    short_term.get("source"), short_term.get("target"), short_term.get("u"), short_term.get("x"))]
out["_nest_module"] = nest.__name__  # which simulator bmtk ran on
with open(sys.argv[1], "w") as f:
    json.dump(out, f)
