"""The benchmark networks, written against the PyNEST API only, so that the very same code
builds them in real NEST and in pynest_jax.

brunel: NEST's gallery brunel_delta_nest / brunel_alpha_nest (Brunel 2000, regime of
synchronous irregular activity: g = 5, eta = 2, J = 0.1 mV, delay 1.5 ms, fixed in-degree
10 % of each population, 50 + 50 neurons recorded) at `scale` times 12,500 neurons.
brunel_delta_ps: brunel_delta with iaf_psc_delta_ps neurons and poisson_generator_ps noise
(spikes off the grid, issue 13).
small: 10 iaf_psc_alpha neurons with DC drive and a ring of connections, 1 s.
aeif: 1,000 aeif_cond_alpha neurons (800 excitatory, 200 inhibitory, fixed in-degree 10 %,
conductance weights 2 nS and -8 nS, delay 1.5 ms) driven by Poisson input (15 kHz, 2 nS),
1 s: the cost per neuron of an adaptive-step (GSL RKF45) model.
hh: the same network of 1,000 hh_cond_exp_traub neurons with the gallery's
brette_et_al_2007/hh_coba neuron parameters and weights (6 nS, -67 nS), Poisson input
(1 kHz, 6 nS): an adaptive-step model with stiff spikes.
"""

import math


def _lambertw_m1(x):
    from scipy.special import lambertw
    return float(lambertw(x, -1).real)


def _psp_norm(tau_m, c_m, tau_syn):
    """Peak PSP (mV) of iaf_psc_alpha for a PSC of unit amplitude (as brunel_alpha_nest)."""
    a = tau_m / tau_syn
    b = 1.0 / tau_syn - 1.0 / tau_m
    t_max = 1.0 / b * (-_lambertw_m1(-math.exp(-1.0 / a) / a) - 1.0 / a)
    return (math.exp(1.0) / (tau_syn * c_m * b)
            * ((math.exp(-t_max / tau_m) - math.exp(-t_max / tau_syn)) / b
               - t_max * math.exp(-t_max / tau_syn)))


def brunel(nest, model, scale, mark, plastic=False, noise_model="poisson_generator"):
    """Create and connect; `mark(name)` is called between phases (for timing and memory).
    `plastic`: excitatory -> excitatory connections are hpc_benchmark's
    stdp_pl_synapse_hom_hpc (its STDP parameters, tau_minus 30 ms on the neurons).
    brunel_delta_ps: model iaf_psc_delta_ps (the same parameter names) and
    noise_model poisson_generator_ps, the precise input of NEST's precise Brunel examples."""
    order = int(round(2500 * scale))
    NE, NI = 4 * order, order
    CE, CI = int(0.1 * NE), int(0.1 * NI)
    J, g, eta, delay, theta, tau_m = 0.1, 5.0, 2.0, 1.5, 20.0, 20.0
    if model in ("iaf_psc_delta", "iaf_psc_delta_ps"):
        params = {"C_m": 1.0, "tau_m": tau_m, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0,
                  "V_m": 0.0, "V_th": theta}
        J_ex = J
        nu_th = theta / (J * CE * tau_m)
    else:
        tau_syn, c_m = 0.5, 250.0
        params = {"C_m": c_m, "tau_m": tau_m, "tau_syn_ex": tau_syn, "tau_syn_in": tau_syn,
                  "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": theta}
        J_ex = J / _psp_norm(tau_m, c_m, tau_syn)
        nu_th = (theta * c_m) / (J_ex * CE * math.exp(1.0) * tau_m * tau_syn)
    p_rate = 1000.0 * eta * nu_th * CE

    ex = nest.Create(model, NE, params=params)
    inh = nest.Create(model, NI, params=params)
    noise = nest.Create(noise_model, params={"rate": p_rate})
    espikes = nest.Create("spike_recorder")
    ispikes = nest.Create("spike_recorder")
    nest.CopyModel("static_synapse", "excitatory", {"weight": J_ex, "delay": delay})
    nest.CopyModel("static_synapse", "inhibitory", {"weight": -g * J_ex, "delay": delay})
    nest.Connect(noise, ex, syn_spec="excitatory")
    nest.Connect(noise, inh, syn_spec="excitatory")
    nest.Connect(ex[:50], espikes, syn_spec="excitatory")
    nest.Connect(inh[:50], ispikes, syn_spec="excitatory")
    mark("devices")
    if plastic:
        nest.SetStatus(ex + inh, {"tau_minus": 30.0})
        nest.SetDefaults("stdp_pl_synapse_hom_hpc", {"alpha": 0.0513, "lambda": 0.1, "mu": 0.4,
                                                     "tau_plus": 15.0, "delay": delay})
        nest.Connect(ex, ex, {"rule": "fixed_indegree", "indegree": CE},
                     {"synapse_model": "stdp_pl_synapse_hom_hpc", "weight": J_ex})
        nest.Connect(ex, inh, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
    else:
        nest.Connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
    nest.Connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": CI}, "inhibitory")
    mark("recurrent")
    return {"neurons": NE + NI, "recurrent_synapses": (NE + NI) * (CE + CI),
            "recorded": 100, "recorders": (espikes, ispikes)}


def small(nest, mark):
    n = nest.Create("iaf_psc_alpha", 10, params={"I_e": 400.0})
    sr = nest.Create("spike_recorder")
    vm = nest.Create("voltmeter")
    nest.Connect(n, n[1:] + n[:1], "one_to_one", {"weight": 50.0, "delay": 2.0})
    nest.Connect(n, sr)
    nest.Connect(vm, n[:1])
    mark("devices")
    mark("recurrent")
    return {"neurons": 10, "recurrent_synapses": 10, "recorded": 10, "recorders": (sr,)}


def aeif(nest, mark):
    NE, NI, w, g = 800, 200, 2.0, 4.0
    neurons = nest.Create("aeif_cond_alpha", NE + NI)
    noise = nest.Create("poisson_generator", params={"rate": 15000.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(noise, neurons, syn_spec={"weight": w, "delay": 1.0})
    nest.Connect(neurons[:100], sr)
    mark("devices")
    return _recurrent(nest, mark, neurons, sr, NE, NI, w, -g * w)


HH_COBA = {"g_Na": 20000.0, "g_K": 6000.0, "g_L": 10.0, "C_m": 200.0, "E_Na": 50.0,
           "E_K": -90.0, "E_L": -60.0, "E_ex": 0.0, "E_in": -80.0, "tau_syn_ex": 5.0,
           "tau_syn_in": 10.0}


def hh(nest, mark):
    NE, NI = 800, 200
    neurons = nest.Create("hh_cond_exp_traub", NE + NI, params=HH_COBA)
    noise = nest.Create("poisson_generator", params={"rate": 1000.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(noise, neurons, syn_spec={"weight": 6.0, "delay": 1.0})
    nest.Connect(neurons[:100], sr)
    mark("devices")
    return _recurrent(nest, mark, neurons, sr, NE, NI, 6.0, -67.0)


def _recurrent(nest, mark, neurons, sr, NE, NI, w_ex, w_in):
    nest.Connect(neurons[:NE], neurons, {"rule": "fixed_indegree", "indegree": NE // 10},
                 {"weight": w_ex, "delay": 1.5})
    nest.Connect(neurons[NE:], neurons, {"rule": "fixed_indegree", "indegree": NI // 10},
                 {"weight": w_in, "delay": 1.5})
    mark("recurrent")
    return {"neurons": NE + NI, "recurrent_synapses": (NE + NI) * (NE + NI) // 10,
            "recorded": 100, "recorders": (sr,)}
