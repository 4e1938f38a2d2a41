"""The catalogue: every implemented model by its NEST name."""

from .devices.ac_generator import ac_generator
from .devices.dc_generator import dc_generator
from .devices.noise_generator import noise_generator
from .devices.poisson_generator import poisson_generator
from .devices.poisson_generator_ps import poisson_generator_ps
from .devices.pulsepacket_generator import pulsepacket_generator
from .devices.sinusoidal_poisson_generator import sinusoidal_poisson_generator
from .devices.mip_generator import mip_generator
from .devices.sinusoidal_gamma_generator import sinusoidal_gamma_generator
from .devices.spike_generator import spike_generator
from .devices.gamma_sup_generator import gamma_sup_generator
from .devices.ppd_sup_generator import ppd_sup_generator
from .devices.inhomogeneous_poisson_generator import inhomogeneous_poisson_generator
from .devices.spike_train_injector import spike_train_injector
from .devices.spike_dilutor import spike_dilutor
from .devices.step_current_generator import step_current_generator
from .devices.recorders import multimeter, spike_recorder, voltmeter, weight_recorder
from .devices.volume_transmitter import volume_transmitter
from .devices.spin_detector import spin_detector
from .devices.correlation_detector import correlation_detector
from .devices.correlomatrix_detector import correlomatrix_detector
from .devices.correlospinmatrix_detector import correlospinmatrix_detector
from .neurons.iaf.iaf_psc_alpha import iaf_psc_alpha
from .neurons.iaf.iaf_psc_delta import iaf_psc_delta
from .neurons.iaf.iaf_psc_exp import iaf_psc_exp
from .neurons.iaf.iaf_psc_exp_htum import iaf_psc_exp_htum
from .neurons.iaf.iaf_tum_2000 import iaf_tum_2000
from .neurons.iaf.iaf_psc_alpha_multisynapse import iaf_psc_alpha_multisynapse
from .neurons.iaf.iaf_psc_exp_multisynapse import iaf_psc_exp_multisynapse
from .neurons.aeif.aeif_cond_alpha_multisynapse import aeif_cond_alpha_multisynapse
from .neurons.aeif.aeif_cond_beta_multisynapse import aeif_cond_beta_multisynapse
from .neurons.parrot_neuron import parrot_neuron
from .neurons.parrot_neuron_ps import parrot_neuron_ps
from .neurons.ps.iaf_psc_delta_ps import iaf_psc_delta_ps
from .neurons.ps.iaf_psc_exp_ps import iaf_psc_exp_ps
from .neurons.ps.iaf_psc_alpha_ps import iaf_psc_alpha_ps
from .neurons.ps.iaf_psc_exp_ps_lossless import iaf_psc_exp_ps_lossless
from .neurons.izh.izhikevich import izhikevich
from .neurons.hh.hh_cond_exp_traub import hh_cond_exp_traub
from .neurons.hh.hh_psc_alpha import hh_psc_alpha
from .neurons.hh.hh_psc_alpha_clopath import hh_psc_alpha_clopath
from .neurons.aeif.aeif_cond_alpha import aeif_cond_alpha
from .neurons.aeif.aeif_cond_exp import aeif_cond_exp
from .neurons.aeif.aeif_psc_alpha import aeif_psc_alpha
from .neurons.aeif.aeif_psc_delta import aeif_psc_delta
from .neurons.aeif.aeif_psc_delta_clopath import aeif_psc_delta_clopath
from .neurons.aeif.aeif_psc_exp import aeif_psc_exp
from .neurons.cond.iaf_cond_alpha import iaf_cond_alpha
from .neurons.cond.iaf_cond_alpha_mc import iaf_cond_alpha_mc
from .neurons.cond.pp_cond_exp_mc_urbanczik import pp_cond_exp_mc_urbanczik
from .neurons.cond.iaf_cond_beta import iaf_cond_beta
from .neurons.cond.iaf_cond_exp import iaf_cond_exp
from .neurons.cond.iaf_cond_exp_sfa_rr import iaf_cond_exp_sfa_rr
from .neurons.cond.iaf_chxk_2008 import iaf_chxk_2008
from .neurons.mat.mat2_psc_exp import mat2_psc_exp
from .neurons.mat.amat2_psc_exp import amat2_psc_exp
from .neurons.glif.glif_psc import glif_psc
from .neurons.pp.pp_psc_delta import pp_psc_delta
from .neurons.binary.mcculloch_pitts_neuron import mcculloch_pitts_neuron
from .neurons.binary.ginzburg_neuron import ginzburg_neuron
from .neurons.binary.erfc_neuron import erfc_neuron
from .neurons.misc.iaf_chs_2007 import iaf_chs_2007
from .neurons.misc.ignore_and_fire import ignore_and_fire
from .neurons.misc.ht_neuron import ht_neuron
from .neurons.misc.iaf_bw_2001 import iaf_bw_2001
from .neurons.misc.iaf_bw_2001_exact import iaf_bw_2001_exact
from .neurons.glif.glif_cond import glif_cond
from .neurons.glif.glif_psc_double_alpha import glif_psc_double_alpha
from .neurons.gif.gif_psc_exp import gif_psc_exp
from .neurons.gif.gif_cond_exp import gif_cond_exp
from .neurons.gif.gif_psc_exp_multisynapse import gif_psc_exp_multisynapse
from .neurons.gif.gif_cond_exp_multisynapse import gif_cond_exp_multisynapse
from .neurons.gif.gif_pop_psc_exp import gif_pop_psc_exp
from ._spec import variants
from .synapses.static import static_synapse, static_synapse_hom_w
from .synapses.stdp import stdp_synapse, stdp_synapse_hom
from .synapses.tsodyks import tsodyks2_synapse, tsodyks_synapse, tsodyks_synapse_hom
from .synapses.ht import ht_synapse
from .synapses.cont_delay import cont_delay_synapse
from .synapses.stochastic import bernoulli_synapse, quantal_stp_synapse
from .synapses.stdp_nn import (stdp_nn_pre_centered_synapse, stdp_nn_restr_synapse,
                               stdp_nn_symm_synapse)
from .synapses.stdp_pl import stdp_pl_synapse_hom
from .synapses.stdp_triplet import stdp_triplet_synapse
from .synapses.vogels_sprekeler import vogels_sprekeler_synapse
from .synapses.jonke import jonke_synapse
from .synapses.stdp_dopamine import stdp_dopamine_synapse
from .synapses.stdp_facetshw import stdp_facetshw_synapse_hom
from .synapses.clopath import clopath_synapse
from .synapses.urbanczik import urbanczik_synapse

NODE_MODELS = {m.name: m for m in (
    iaf_psc_delta,
    iaf_psc_exp,
    iaf_psc_alpha,
    parrot_neuron, parrot_neuron_ps, iaf_psc_delta_ps, iaf_psc_exp_ps, iaf_psc_alpha_ps,
    iaf_psc_exp_ps_lossless,
    iaf_cond_exp, iaf_cond_alpha, iaf_cond_beta, iaf_cond_alpha_mc,
    aeif_cond_alpha, aeif_cond_exp, aeif_psc_alpha, aeif_psc_exp, aeif_psc_delta,
    hh_psc_alpha, hh_cond_exp_traub,
    aeif_psc_delta_clopath, hh_psc_alpha_clopath, pp_cond_exp_mc_urbanczik,
    izhikevich,
    iaf_cond_exp_sfa_rr, iaf_chxk_2008,
    iaf_psc_exp_htum,
    iaf_tum_2000,
    iaf_psc_alpha_multisynapse, iaf_psc_exp_multisynapse,
    aeif_cond_alpha_multisynapse, aeif_cond_beta_multisynapse,
    mat2_psc_exp, amat2_psc_exp,
    glif_psc, glif_psc_double_alpha, glif_cond,
    pp_psc_delta, iaf_chs_2007, ignore_and_fire, ht_neuron, iaf_bw_2001, iaf_bw_2001_exact,
    gif_psc_exp, gif_cond_exp, gif_psc_exp_multisynapse, gif_cond_exp_multisynapse,
    gif_pop_psc_exp,
    mcculloch_pitts_neuron, ginzburg_neuron, erfc_neuron,
    dc_generator,
    ac_generator, step_current_generator, noise_generator,
    poisson_generator, poisson_generator_ps, spike_generator, pulsepacket_generator,
    sinusoidal_poisson_generator, sinusoidal_gamma_generator, mip_generator,
    gamma_sup_generator, ppd_sup_generator, inhomogeneous_poisson_generator,
    spike_train_injector, spike_dilutor,
    spike_recorder, multimeter, voltmeter, weight_recorder,
    spin_detector, correlation_detector, correlomatrix_detector, correlospinmatrix_detector,
    volume_transmitter,
)}

# Each spiking synapse model with its _hpc and _lbl variants, as NEST registers them.
SYNAPSE_MODELS = {m.name: m for base in (
    static_synapse, static_synapse_hom_w,
    stdp_synapse, stdp_synapse_hom,
    tsodyks2_synapse,
    tsodyks_synapse, ht_synapse, bernoulli_synapse, cont_delay_synapse,
    stdp_pl_synapse_hom, stdp_nn_symm_synapse, stdp_nn_pre_centered_synapse,
    stdp_nn_restr_synapse, vogels_sprekeler_synapse, jonke_synapse,
    # NEST shows a sizeof only for these models' _lbl variants
    (stdp_triplet_synapse, 120), (tsodyks_synapse_hom, 64), (quantal_stp_synapse, 88),
    (stdp_dopamine_synapse, 88), (stdp_facetshw_synapse_hom, 112),
    clopath_synapse, urbanczik_synapse,
) for m in variants(*(base if isinstance(base, tuple) else (base,)))}
