"""The synapse models' A/B table: one row per model, run through the shared scenario
of compat_tests/test_ab_synapses.py.

``syn``: syn_spec values beyond weight and delay (per-connection keys of the model);
``defaults``: SetDefaults before connecting (common properties of ``_hom`` models);
``between``: SynapseCollection.set between the two runs; ``weight``: the weight the
connections are made with (None: the model's common weight, static_synapse_hom_w);
``delay``: the syn_spec delay (default 1.5; None: the model's default); ``post``:
the target model (it must archive spikes for STDP rules); ``stochastic``:
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
    "tsodyks_synapse": dict(syn={"U": 0.3, "tau_fac": 20.0, "tau_rec": 100.0, "tau_psc": 2.0},
                            between={"tau_rec": 50.0, "x": 0.6, "y": 0.1, "u": 0.2}),
    "tsodyks_synapse_hom": dict(weight=None, defaults={"U": 0.3, "tau_fac": 20.0,
                                                       "tau_rec": 100.0, "weight": 40.0},
                                between={"x": 0.8, "u": 0.2}),
    "ht_synapse": dict(syn={"tau_P": 50.0, "delta_P": 0.3}, between={"P": 0.7, "tau_P": 30.0}),
    # off-grid delays: the default (1.23 ms: 13 steps less 0.07 ms), a syn_spec delay
    # (rounded to the grid, the default's offset kept), one set between runs (1.37 ms)
    "cont_delay_synapse": dict(defaults={"delay": 1.23}, delay=None,
                               between={"delay": 1.37, "weight": 20.0}),
    "quantal_stp_synapse": dict(stochastic=True),
    "bernoulli_synapse": dict(stochastic=True),
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
    # thresholds the spike pairs reach; 2 synapses per driver read every 3 ms, so the
    # readout cycle grows as connections get their ids; between the runs some are given
    # a new id at their next spike (init_flag), others a later readout
    "stdp_facetshw_synapse_hom": dict(syn={"a_thresh_th": 0.5, "a_thresh_tl": 0.4},
                                      defaults={"synapses_per_driver": 2,
                                                "driver_readout_time": 3.0},
                                      between={"init_flag": False, "a_causal": 0.9,
                                               "next_readout_time": 62.0}),
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


# Refused values per model, each (where, params): "connect" (syn_spec), "set"
# (SynapseCollection.set), "defaults" (SetDefaults); one bad key each, so that NEST,
# which checks some keys after it has taken others, is left unchanged too.
BAD = {
    "tsodyks2_synapse": [("set", {"U": -0.5}), ("set", {"tau_rec": 0.0}),
                         ("connect", {"u": 1.5}), ("defaults", {"tau_fac": -1.0})],
    "tsodyks_synapse": [("set", {"x": 0.8, "y": 0.5}), ("set", {"U": 1.5}),
                        ("connect", {"tau_psc": 0.0}), ("defaults", {"tau_rec": -1.0}),
                        ("set", {"tau_fac": -1.0}), ("set", {"u": -0.1})],
    "tsodyks_synapse_hom": [("defaults", {"U": 1.5}), ("defaults", {"tau_psc": 0.0}),
                            ("defaults", {"tau_fac": -2.0}), ("set", {"x": 0.9, "y": 0.2}),
                            ("set", {"U": 0.4}), ("connect", {"weight": 2.0}),
                            ("connect", {"tau_rec": 10.0})],
    "ht_synapse": [("set", {"tau_P": 0.0}), ("set", {"delta_P": 1.5}), ("set", {"P": -0.1}),
                   ("connect", {"P": 2.0}), ("defaults", {"delta_P": -0.5})],
    "quantal_stp_synapse": [("set", {"U": 2.0}), ("set", {"u": -1.0}),
                            ("connect", {"tau_rec": 0.0}), ("defaults", {"tau_fac": -1.0})],
    "cont_delay_synapse": [("set", {"delay": 0.05}), ("set", {"delay": -1.0}),
                           ("defaults", {"delay": 0.05}), ("connect", {"delay": 0.04})],
    "bernoulli_synapse": [("set", {"p_transmit": 1.5}), ("connect", {"p_transmit": -0.1}),
                          ("defaults", {"p_transmit": 2.0})],
    "stdp_facetshw_synapse_hom": [
        ("defaults", {"lookuptable_0": [1] * 15}), ("defaults", {"lookuptable_1": [16] * 16}),
        ("defaults", {"lookuptable_2": [3] * 15 + [-1]}),
        ("defaults", {"lookuptable_0": [1.0] * 16}), ("defaults", {"configbit_0": [1, 1, 1]}),
        ("defaults", {"configbit_1": 1}), ("defaults", {"reset_pattern": [1] * 5}),
        ("defaults", {"no_synapses": 2.5}), ("defaults", {"init_flag": 1}),
        ("set", {"synapse_id": 2.5}), ("set", {"init_flag": 1}), ("set", {"tau_plus": 3.0}),
        ("connect", {"init_flag": True}), ("connect", {"Wmax": 3.0}),
        ("connect", {"synapse_id": 1.5})],
}
