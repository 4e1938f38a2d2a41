"""The catalogue: every implemented model by its NEST name.

Which module declares which model is written here, so that `nest.node_models`, `Models()`
and `in` need no model module: a model's module is imported when the model is first
looked up (`NODE_MODELS[name]`), which is when a script first Creates, Connects with or
asks the defaults of it. tests/test_registry.py checks these tables against the
declarations the modules actually make.
"""

import importlib

from ._lazy import LazyMapping

# node model -> its module under pynest_jax.models, which defines it under its own name
NODE_MODULES = {
    "iaf_psc_delta": "neurons.iaf.iaf_psc_delta",
    "iaf_psc_exp": "neurons.iaf.iaf_psc_exp",
    "iaf_psc_alpha": "neurons.iaf.iaf_psc_alpha",
    "parrot_neuron": "neurons.parrot_neuron",
    "parrot_neuron_ps": "neurons.parrot_neuron_ps",
    "iaf_psc_delta_ps": "neurons.ps.iaf_psc_delta_ps",
    "iaf_psc_exp_ps": "neurons.ps.iaf_psc_exp_ps",
    "iaf_psc_alpha_ps": "neurons.ps.iaf_psc_alpha_ps",
    "iaf_psc_exp_ps_lossless": "neurons.ps.iaf_psc_exp_ps_lossless",
    "iaf_cond_exp": "neurons.cond.iaf_cond_exp",
    "iaf_cond_alpha": "neurons.cond.iaf_cond_alpha",
    "iaf_cond_beta": "neurons.cond.iaf_cond_beta",
    "iaf_cond_alpha_mc": "neurons.cond.iaf_cond_alpha_mc",
    "aeif_cond_alpha": "neurons.aeif.aeif_cond_alpha",
    "aeif_cond_exp": "neurons.aeif.aeif_cond_exp",
    "aeif_psc_alpha": "neurons.aeif.aeif_psc_alpha",
    "aeif_psc_exp": "neurons.aeif.aeif_psc_exp",
    "aeif_psc_delta": "neurons.aeif.aeif_psc_delta",
    "hh_psc_alpha": "neurons.hh.hh_psc_alpha",
    "hh_cond_exp_traub": "neurons.hh.hh_cond_exp_traub",
    "aeif_psc_delta_clopath": "neurons.aeif.aeif_psc_delta_clopath",
    "hh_psc_alpha_clopath": "neurons.hh.hh_psc_alpha_clopath",
    "pp_cond_exp_mc_urbanczik": "neurons.cond.pp_cond_exp_mc_urbanczik",
    "izhikevich": "neurons.izh.izhikevich",
    "iaf_cond_exp_sfa_rr": "neurons.cond.iaf_cond_exp_sfa_rr",
    "iaf_chxk_2008": "neurons.cond.iaf_chxk_2008",
    "iaf_psc_exp_htum": "neurons.iaf.iaf_psc_exp_htum",
    "iaf_tum_2000": "neurons.iaf.iaf_tum_2000",
    "iaf_psc_alpha_multisynapse": "neurons.iaf.iaf_psc_alpha_multisynapse",
    "iaf_psc_exp_multisynapse": "neurons.iaf.iaf_psc_exp_multisynapse",
    "aeif_cond_alpha_multisynapse": "neurons.aeif.aeif_cond_alpha_multisynapse",
    "aeif_cond_beta_multisynapse": "neurons.aeif.aeif_cond_beta_multisynapse",
    "mat2_psc_exp": "neurons.mat.mat2_psc_exp",
    "amat2_psc_exp": "neurons.mat.amat2_psc_exp",
    "glif_psc": "neurons.glif.glif_psc",
    "glif_psc_double_alpha": "neurons.glif.glif_psc_double_alpha",
    "glif_cond": "neurons.glif.glif_cond",
    "pp_psc_delta": "neurons.pp.pp_psc_delta",
    "iaf_chs_2007": "neurons.misc.iaf_chs_2007",
    "ignore_and_fire": "neurons.misc.ignore_and_fire",
    "ht_neuron": "neurons.misc.ht_neuron",
    "iaf_bw_2001": "neurons.misc.iaf_bw_2001",
    "iaf_bw_2001_exact": "neurons.misc.iaf_bw_2001_exact",
    "gif_psc_exp": "neurons.gif.gif_psc_exp",
    "gif_cond_exp": "neurons.gif.gif_cond_exp",
    "gif_psc_exp_multisynapse": "neurons.gif.gif_psc_exp_multisynapse",
    "gif_cond_exp_multisynapse": "neurons.gif.gif_cond_exp_multisynapse",
    "gif_pop_psc_exp": "neurons.gif.gif_pop_psc_exp",
    "mcculloch_pitts_neuron": "neurons.binary.mcculloch_pitts_neuron",
    "ginzburg_neuron": "neurons.binary.ginzburg_neuron",
    "erfc_neuron": "neurons.binary.erfc_neuron",
    "dc_generator": "devices.dc_generator",
    "ac_generator": "devices.ac_generator",
    "step_current_generator": "devices.step_current_generator",
    "noise_generator": "devices.noise_generator",
    "poisson_generator": "devices.poisson_generator",
    "poisson_generator_ps": "devices.poisson_generator_ps",
    "spike_generator": "devices.spike_generator",
    "pulsepacket_generator": "devices.pulsepacket_generator",
    "sinusoidal_poisson_generator": "devices.sinusoidal_poisson_generator",
    "sinusoidal_gamma_generator": "devices.sinusoidal_gamma_generator",
    "mip_generator": "devices.mip_generator",
    "gamma_sup_generator": "devices.gamma_sup_generator",
    "ppd_sup_generator": "devices.ppd_sup_generator",
    "inhomogeneous_poisson_generator": "devices.inhomogeneous_poisson_generator",
    "spike_train_injector": "devices.spike_train_injector",
    "spike_dilutor": "devices.spike_dilutor",
    "spike_recorder": "devices.recorders",
    "multimeter": "devices.recorders",
    "voltmeter": "devices.recorders",
    "weight_recorder": "devices.recorders",
    "spin_detector": "devices.spin_detector",
    "correlation_detector": "devices.correlation_detector",
    "correlomatrix_detector": "devices.correlomatrix_detector",
    "correlospinmatrix_detector": "devices.correlospinmatrix_detector",
    "volume_transmitter": "devices.volume_transmitter",
}

# spiking synapse model -> (its module, the sizeof NEST shows for its _lbl variant where
# NEST shows none for the model itself); each comes with its _hpc and _lbl variants, as
# NEST registers them
SYNAPSE_MODULES = {
    "static_synapse": ("synapses.static", None),
    "static_synapse_hom_w": ("synapses.static", None),
    "stdp_synapse": ("synapses.stdp", None),
    "stdp_synapse_hom": ("synapses.stdp", None),
    "tsodyks2_synapse": ("synapses.tsodyks", None),
    "tsodyks_synapse": ("synapses.tsodyks", None),
    "ht_synapse": ("synapses.ht", None),
    "bernoulli_synapse": ("synapses.stochastic", None),
    "cont_delay_synapse": ("synapses.cont_delay", None),
    "stdp_pl_synapse_hom": ("synapses.stdp_pl", None),
    "stdp_nn_symm_synapse": ("synapses.stdp_nn", None),
    "stdp_nn_pre_centered_synapse": ("synapses.stdp_nn", None),
    "stdp_nn_restr_synapse": ("synapses.stdp_nn", None),
    "vogels_sprekeler_synapse": ("synapses.vogels_sprekeler", None),
    "jonke_synapse": ("synapses.jonke", None),
    "stdp_triplet_synapse": ("synapses.stdp_triplet", 120),
    "tsodyks_synapse_hom": ("synapses.tsodyks", 64),
    "quantal_stp_synapse": ("synapses.stochastic", 88),
    "stdp_dopamine_synapse": ("synapses.stdp_dopamine", 88),
    "stdp_facetshw_synapse_hom": ("synapses.stdp_facetshw", 112),
    "clopath_synapse": ("synapses.clopath", None),
    "urbanczik_synapse": ("synapses.urbanczik", None),
}

_VARIANTS = ("", "_hpc", "_lbl")


def _declaration(module, name):
    from .._deferred_matplotlib import import_brainunit
    import_brainunit()  # before the module's own `import`s of it: see _deferred_matplotlib
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


def _node_model(name):
    return _declaration(NODE_MODULES[name], name)


_SYNAPSE_BASES = {base + v: (base, i) for base in SYNAPSE_MODULES
                  for i, v in enumerate(_VARIANTS)}


def _synapse_model(name):
    from ._spec import variants
    base, which = _SYNAPSE_BASES[name]
    module, sizeof_lbl = SYNAPSE_MODULES[base]
    return variants(_declaration(module, base), sizeof_lbl)[which]


NODE_MODELS = LazyMapping(NODE_MODULES, _node_model)
SYNAPSE_MODELS = LazyMapping(_SYNAPSE_BASES, _synapse_model)
