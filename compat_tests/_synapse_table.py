"""The synapse models' A/B table: one row per model, run through the shared scenario
of compat_tests/test_ab_synapses.py.

``syn``: syn_spec values beyond weight and delay (per-connection keys of the model);
``defaults``: SetDefaults before connecting (common properties of ``_hom`` models);
``between``: SynapseCollection.set between the two runs; ``weight``: the weight the
connections are made with (None: the model's common weight, static_synapse_hom_w);
``post``: the target model (it must archive spikes for STDP rules); ``stochastic``:
compared statistically over seeds instead of exactly.
"""

ROWS = {
    "static_synapse_hom_w": dict(weight=None, defaults={"weight": 30.0}),
    "stdp_synapse": dict(syn={"lambda": 0.05, "mu_plus": 0.0, "alpha": 1.2, "Wmax": 120.0},
                         between={"tau_plus": 15.0, "lambda": 0.02}),
    "stdp_synapse_hom": dict(defaults={"lambda": 0.05, "mu_plus": 0.0, "alpha": 1.2},
                             between={"Kplus": 0.5}),
    "tsodyks2_synapse": dict(syn={"U": 0.3, "tau_fac": 20.0, "tau_rec": 100.0, "u": 0.3},
                             between={"tau_rec": 50.0, "x": 0.9}),
    "stdp_pl_synapse_hom": dict(defaults={"lambda": 0.05, "alpha": 1.1, "tau_plus": 15.0},
                                between={"Kplus": 0.5, "weight": 40.0}),
    "stdp_triplet_synapse": dict(syn={"Aplus": 0.5, "Aminus": 0.3, "Aplus_triplet": 0.1,
                                      "Aminus_triplet": 0.05, "Wmax": 60.0},
                                 between={"tau_plus_triplet": 50.0, "Kplus_triplet": 0.3}),
    "stdp_nn_symm_synapse": dict(syn={"lambda": 0.05, "mu_plus": 0.0, "alpha": 1.2,
                                      "Wmax": 120.0},
                                 between={"tau_plus": 15.0, "mu_minus": 0.5}),
    "stdp_nn_pre_centered_synapse": dict(syn={"lambda": 0.05, "mu_plus": 0.0, "alpha": 1.2,
                                              "Wmax": 120.0},
                                         between={"Kplus": 0.5, "lambda": 0.02}),
    "stdp_nn_restr_synapse": dict(syn={"lambda": 0.05, "mu_plus": 0.0, "alpha": 1.2,
                                       "Wmax": 120.0},
                                  between={"tau_plus": 15.0, "mu_minus": 0.5}),
    "vogels_sprekeler_synapse": dict(syn={"Wmax": 80.0, "eta": 2.0, "alpha": 0.3},
                                     between={"Kplus": 0.5, "tau": 10.0}),
    "jonke_synapse": dict(defaults={"lambda": 0.05, "mu_plus": 0.01, "mu_minus": 0.005,
                                    "beta": 0.1, "alpha": 1.5, "Wmax": 70.0},
                          between={"Kplus": 0.5, "weight": 40.0}),
}


def variants(rows):
    """Each row for the model and its _hpc and _lbl variants (the same dynamics)."""
    out = {}
    for name, row in rows.items():
        out[name] = row
        out[name + "_hpc"] = row
        out[name + "_lbl"] = dict(row, syn=dict(row.get("syn", {}), synapse_label=7))
    return out


DETERMINISTIC = {k: v for k, v in variants(ROWS).items() if not v.get("stochastic")}
STOCHASTIC = {k: v for k, v in variants(ROWS).items() if v.get("stochastic")}
