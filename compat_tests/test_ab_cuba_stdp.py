"""A/B: the network of the gallery's brette_et_al_2007/cuba_stdp.py made deterministic
(issue 11): iaf_psc_exp neurons, E->E stdp_synapse (alpha 1.05, Wmax 70) with
normal-distributed initial weights, static E->I, I->E, I->I, delays 1.5 ms, fixed
in-degrees with autapses and multapses, connected from arrays. Its Poisson drive is
replaced by one spike_generator per neuron with pre-drawn counts per step (multiplicities
up to 5 or more, as poisson_generator sends them), weights and initial V_m drawn in numpy.
Spike times must be identical, final weights the same up to rounding (rtol 1e-9: the same
exponentials of the same times). The script's full size (9,000 + 2,250 neurons, 300 ms,
26,581 spikes) and 2,000 + 500 neurons over 2,000 ms (71,778 spikes) gave the same
result; this is the small version."""

import numpy as np

from conftest import assert_spikes_identical

NE, NI, T, DT = 400, 100, 200.0, 0.1
JE, G, DELAY = 35.0, 5.0, 1.5


def _network(nest):
    rng = np.random.default_rng(1)
    nest.resolution = DT
    nest.SetDefaults("iaf_psc_exp", {"E_L": 0.0, "V_m": 0.0, "V_th": 20.0, "V_reset": 0.0,
                                     "C_m": 250.0, "tau_m": 20.0})
    e = nest.Create("iaf_psc_exp", NE)
    i = nest.Create("iaf_psc_exp", NI)
    neurons = e + i
    neurons.V_m = np.clip(rng.normal(7.0, 5.0, NE + NI), -np.inf, 19.9).tolist()
    lam = 4050.0 * DT * 1e-3  # the script's 4.05 kHz per neuron
    trains = []
    for _ in range(NE + NI):
        c = rng.poisson(lam, int(round(T / DT)))
        k = np.nonzero(c)[0]
        trains.append({"spike_times": np.round((k + 1) * DT, 1).tolist(),
                       "spike_multiplicities": c[k].tolist()})
    drive = nest.Create("spike_generator", NE + NI, params=trains)
    nest.CopyModel("static_synapse", "syn_ex", {"weight": JE, "delay": DELAY})
    nest.CopyModel("static_synapse", "syn_in", {"weight": -JE * G, "delay": DELAY})
    nest.SetDefaults("stdp_synapse", {"delay": DELAY, "alpha": 1.05, "weight": JE,
                                      "Wmax": 2.0 * JE})
    nest.Connect(drive, neurons, "one_to_one", syn_spec="syn_ex")
    ids_e, ids_i = np.asarray(e.tolist()), np.asarray(i.tolist())

    def indegree(src, tgt, k):
        return src[rng.integers(0, len(src), (len(tgt), k))].ravel(), np.repeat(tgt, k)

    s, t = indegree(ids_e, ids_e, NE // 10)
    nest.Connect(s, t, "one_to_one", syn_spec={"synapse_model": "stdp_synapse",
                                               "weight": rng.normal(JE, 3.0, len(s)),
                                               "delay": np.full(len(s), DELAY)})
    for src, tgt, k, model in ((ids_e, ids_i, NE // 10, "syn_ex"),
                               (ids_i, ids_e, NI // 10, "syn_in"),
                               (ids_i, ids_i, NI // 10, "syn_in")):
        s, t = indegree(src, tgt, k)
        nest.Connect(s, t, "one_to_one", syn_spec={"synapse_model": model})
    sr = nest.Create("spike_recorder")
    nest.Connect(neurons, sr)
    w0 = nest.GetConnections(synapse_model="stdp_synapse").get(["target", "weight"])
    by_target0 = np.bincount(w0["target"], w0["weight"])
    nest.Simulate(T / 2)
    nest.Simulate(T / 2)
    w = nest.GetConnections(synapse_model="stdp_synapse").get(["source", "target", "weight"])
    moved = np.max(np.abs(np.bincount(w["target"], w["weight"]) - by_target0))
    return sr.get("events"), {k: np.asarray(v, float) for k, v in w.items()}, moved


def test_cuba_stdp_network_spike_for_spike(ab):
    (rsp, rw, moved), (gsp, gw, _) = ab(_network)
    assert moved > 1.0  # STDP changed the summed weights onto some target by over 1 pA
    assert len(rsp["times"]) > 1000
    assert_spikes_identical(rsp, gsp)
    # multapses: one (source, target) pair holds several connections; sorted by weight too
    r = np.lexsort((rw["weight"], rw["target"], rw["source"]))
    g = np.lexsort((gw["weight"], gw["target"], gw["source"]))
    for k in ("source", "target"):
        np.testing.assert_array_equal(gw[k][g], rw[k][r])
    np.testing.assert_allclose(gw["weight"][g], rw["weight"][r], rtol=1e-9, atol=1e-12)
