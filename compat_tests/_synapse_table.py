"""The synapse models' A/B table: one row per model, run through the shared scenario
of compat_tests/test_ab_synapses.py.

``syn``: syn_spec values beyond weight and delay (per-connection keys of the model);
``defaults``: SetDefaults before connecting (common properties of ``_hom`` models);
``between``: SynapseCollection.set between the two runs; ``weight``: the weight the
connections are made with (None: the model's common weight, static_synapse_hom_w);
``post``: the target model (it must archive spikes for STDP rules); ``stochastic``:
compared statistically over seeds instead of exactly; ``dopamine``: the model reads a
volume transmitter, fed by a parrot relaying a spike train (the scenario makes them).
"""

ROWS = {
    "static_synapse_hom_w": dict(weight=None, defaults={"weight": 30.0}),
    "stdp_synapse": dict(syn={"lambda": 0.05, "mu_plus": 0.0, "alpha": 1.2, "Wmax": 120.0},
                         between={"tau_plus": 15.0, "lambda": 0.02}),
    "stdp_synapse_hom": dict(defaults={"lambda": 0.05, "mu_plus": 0.0, "alpha": 1.2},
                             between={"Kplus": 0.5}),
    "stdp_dopamine_synapse": dict(dopamine=True, syn={"c": 0.2, "n": 0.05},
                                  defaults={"tau_c": 80.0, "tau_n": 60.0, "b": 0.02,
                                            "A_plus": 0.8, "Wmax": 110.0},
                                  between={"c": -0.3, "Kplus": 0.4, "n": 0.1}),
    "tsodyks2_synapse": dict(syn={"U": 0.3, "tau_fac": 20.0, "tau_rec": 100.0, "u": 0.3},
                             between={"tau_rec": 50.0, "x": 0.9}),
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
