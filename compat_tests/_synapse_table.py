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
    # the target keeps the Clopath archive; the delta input depolarises it strongly
    "clopath_synapse": dict(post="aeif_psc_delta_clopath",
                            syn={"tau_x": 12.0, "Wmin": 2.0, "Wmax": 90.0, "x_bar": 0.1},
                            between={"x_bar": 0.3, "Wmax": 60.0}),
    # pp_cond_exp_mc_urbanczik spikes only at random: its own scenario (``own``)
    "urbanczik_synapse": dict(post="pp_cond_exp_mc_urbanczik",
                              own="test_ab_clopath_urbanczik_synapses.py"),
}


def variants(rows):
    """Each row for the model and its _hpc and _lbl variants (the same dynamics)."""
    out = {}
    for name, row in rows.items():
        out[name] = row
        out[name + "_hpc"] = row
        out[name + "_lbl"] = dict(row, syn=dict(row.get("syn", {}), synapse_label=7))
    return out


DETERMINISTIC = {k: v for k, v in variants(ROWS).items()
                 if not v.get("stochastic") and not v.get("own")}
OWN = {k: v for k, v in variants(ROWS).items() if v.get("own")}  # tested in their own file
STOCHASTIC = {k: v for k, v in variants(ROWS).items() if v.get("stochastic")}
