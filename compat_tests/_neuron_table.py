"""The table of neuron models that run the shared A/B scenarios (_scenarios.py).

One row per model: the batch it belongs to (the test file that runs it and the docs page
that file writes), what the scenarios record and how they drive it, the parameters
changed between runs, the values NEST refuses, and any tolerance other than its batch's,
with the reason.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    reason: str


# The refractory periods of the strong-drive scenario: a multiple of h, zero, not a
# multiple, nearly one step more.
T_REFS = (2.0, 0.0, 3.33, 1.05)


@dataclass(frozen=True)
class Row:
    batch: str  # "gsl": test_ab_gsl_neurons.py; "catalogue2": test_ab_neurons_catalogue2.py
    rec: tuple  # recordables
    w: float  # a weight that moves V_m by a few mV
    I: float  # a current that fires
    strong: float  # a strong one
    change: dict  # parameters set between runs
    bad: tuple = ()  # values NEST refuses with BadProperty
    base: dict = field(default_factory=dict)  # creation parameters
    # strong drive: "t_ref" sets n.t_ref = T_REFS; a tuple of dicts sets n[i] to each;
    # None leaves the model's refractoriness alone (izhikevich has none)
    refractory: object = "t_ref"
    special: tuple = ()  # strong drive, then: (i, dict) set on n[i]
    off_grid: bool = False  # spike times are stamp - offset (compared within the step)
    status: tuple = ()  # further keys read back after the changes between runs
    tolerance: dict = field(default_factory=dict)  # scenario -> Tolerance


# Stated divergence (docs/divergences.md, "Last bits of GSL-integrated AdEx models under
# strong drive"): observed 1.5e-5 (w), 3.4e-6 (V_m); spike times stay identical. With
# NEST's arithmetic (no FMA, libm exp) the same scenario is bit-exact:
# test_ab_gsl_neurons.py::test_adex_equals_nest_bit_for_bit_with_libm_exp_and_no_fma.
ADEX_UPSWING = {"strong": Tolerance(1e-4, "AdEx upswing amplifies FMA and exp rounding")}

C_M = ({"C_m": 0.0}, {"C_m": -1.0})
AEIF_BAD = C_M + ({"V_peak": -55.0}, {"tau_w": 0.0}, {"V_reset": 5.0}, {"Delta_T": -1.0},
                  {"gsl_error_tol": 0.0}, {"Delta_T": 0.01, "V_peak": 100.0})
# AdEx: one neuron spikes at V_th (Delta_T = 0)
AEIF_SPECIAL = ((1, dict(Delta_T=0.0, V_peak=-45.0, t_ref=0.5)),)
CLOPATH_TRACES = ("u_bar_plus", "u_bar_minus", "u_bar_bar")
MAT_REFRACTORY = tuple({"t_ref": t} for t in (2.0, 0.1, 3.33, 1.05))

MODELS = {
    "iaf_cond_exp": Row(
        "gsl", ("V_m", "g_ex", "g_in"), w=15.0, I=500.0, strong=2000.0,
        change={"tau_syn_ex": 1.5, "g_L": 20.0},
        bad=C_M + ({"tau_syn_ex": 0.0}, {"V_reset": -50.0})),
    "iaf_cond_alpha": Row(
        "gsl", ("V_m", "g_ex", "g_in", "t_ref_remaining"), w=8.0, I=500.0, strong=2000.0,
        change={"tau_syn_in": 4.0, "E_L": -65.0},
        bad=C_M + ({"tau_syn_in": -1.0}, {"t_ref": -1.0})),
    "iaf_cond_beta": Row(
        "gsl", ("V_m", "g_ex", "g_in", "t_ref_remaining"), w=8.0, I=500.0, strong=2000.0,
        base={"tau_rise_ex": 0.3, "tau_decay_ex": 2.5, "tau_rise_in": 1.0, "tau_decay_in": 6.0},
        change={"tau_decay_ex": 4.0, "C_m": 300.0},
        bad=C_M + ({"tau_decay_in": 0.0}, {"tau_rise_ex": -2.0})),
    "aeif_cond_alpha": Row(
        "gsl", ("V_m", "g_ex", "g_in", "w"), w=8.0, I=800.0, strong=3000.0,
        change={"b": 20.0, "tau_syn_ex": 1.0}, bad=AEIF_BAD + ({"tau_syn_ex": 0.0},),
        special=AEIF_SPECIAL, tolerance=ADEX_UPSWING),
    "aeif_cond_exp": Row(
        "gsl", ("V_m", "g_ex", "g_in", "w"), w=15.0, I=800.0, strong=3000.0,
        change={"a": 10.0, "Delta_T": 1.0}, bad=AEIF_BAD, special=AEIF_SPECIAL,
        tolerance=ADEX_UPSWING),
    "aeif_psc_alpha": Row(
        "gsl", ("I_syn_ex", "I_syn_in", "V_m", "w"), w=300.0, I=800.0, strong=3000.0,
        change={"b": 0.0, "tau_syn_in": 5.0}, bad=AEIF_BAD, special=AEIF_SPECIAL,
        tolerance=ADEX_UPSWING),
    "aeif_psc_exp": Row(
        "gsl", ("I_syn_ex", "I_syn_in", "V_m", "w"), w=600.0, I=800.0, strong=3000.0,
        change={"tau_w": 50.0, "V_peak": -20.0}, bad=AEIF_BAD + ({"tau_syn_in": -1.0},),
        special=AEIF_SPECIAL),
    # one neuron keeps the input that arrives while it is refractory (NaN in NEST's
    # traces meanwhile, which must be ours too)
    "aeif_psc_delta": Row(
        "gsl", ("V_m", "w"), w=4.0, I=800.0, strong=3000.0,
        change={"g_L": 20.0, "V_reset": -55.0}, bad=AEIF_BAD,
        special=AEIF_SPECIAL + ((2, {"refractory_input": True}),)),
    # the Clopath neurons: their filtered potentials (what clopath_synapse reads) are
    # recordables like the rest; one neuron without the clamp, one without Delta_T
    "aeif_psc_delta_clopath": Row(
        "gsl", ("V_m", "V_th", "u_bar_bar", "u_bar_minus", "u_bar_plus", "w", "z"), w=4.0,
        I=1500.0, strong=3000.0,
        change={"tau_u_bar_minus": 20.0, "t_clamp": 1.0, "V_th_rest": -52.0, "u_bar_plus": -60.0},
        status=CLOPATH_TRACES,
        bad=C_M + ({"V_peak": -55.0}, {"tau_w": 0.0}, {"V_reset": 40.0}, {"Delta_T": -1.0},
                   {"gsl_error_tol": 0.0}, {"Delta_T": 0.01, "V_peak": 100.0}, {"V_th_max": -60.0},
                   {"t_clamp": -1.0}, {"tau_u_bar_bar": 0.0},
                   {"tau_z": -1.0}, {"u_ref_squared": 0.0}, {"tau_minus": 0.0}),
        special=AEIF_SPECIAL + ((2, {"t_clamp": 0.0, "V_clamp": 20.0}),)),
    "hh_psc_alpha_clopath": Row(
        "gsl", ("Act_m", "Act_n", "I_syn_ex", "I_syn_in", "Inact_h", "V_m", "u_bar_bar",
                "u_bar_minus", "u_bar_plus"), w=300.0, I=800.0, strong=3000.0,
        change={"g_K": 3000.0, "tau_u_bar_plus": 50.0, "u_bar_bar": -60.0}, status=CLOPATH_TRACES,
        bad=C_M + ({"tau_syn_ex": 0.0}, {"g_K": -1.0}, {"tau_u_bar_minus": 0.0},
                   {"u_ref_squared": -1.0})),
    "hh_psc_alpha": Row(
        "gsl", ("Act_m", "Act_n", "I_syn_ex", "I_syn_in", "Inact_h", "V_m"), w=300.0, I=800.0,
        strong=3000.0, change={"g_K": 3000.0, "tau_syn_ex": 1.0},
        bad=C_M + ({"tau_syn_ex": 0.0}, {"g_K": -1.0})),
    "hh_cond_exp_traub": Row(
        "gsl", ("Act_m", "Act_n", "Inact_h", "V_m", "g_ex", "g_in"), w=20.0, I=600.0,
        strong=3000.0, change={"V_T": -60.0, "g_L": 20.0},
        bad=C_M + ({"tau_syn_in": 0.0}, {"t_ref": -0.1})),
    # not GSL (NEST's own Euler step), tested alike
    "izhikevich": Row(
        "gsl", ("U_m", "V_m"), w=5.0, I=10.0, strong=40.0,
        change={"a": 0.1, "d": 2.0, "consistent_integration": False}, refractory=None,
        tolerance={"changes": Tolerance(1e-7, "consistent_integration=False near the spike: "
                                        "7.6e-9 observed, from fused multiply-adds alone "
                                        "(bit-exact with XLA_FLAGS=--xla_cpu_max_isa=AVX)")}),

    "iaf_cond_exp_sfa_rr": Row(
        "catalogue2", ("V_m", "g_ex", "g_in", "g_rr", "g_sfa"), w=15.0, I=800.0, strong=3000.0,
        change={"q_sfa": 30.0, "tau_rr": 3.0}, refractory=tuple({"t_ref": t} for t in T_REFS),
        bad=C_M + ({"V_reset": -50.0}, {"t_ref": -1.0}, {"tau_syn_ex": 0.0},
                   {"tau_sfa": -1.0}, {"tau_rr": 0.0})),
    # no reset, no refractoriness: the AHP conductance ends each spike; spike times are
    # off-grid (stamp minus the interpolated offset)
    "iaf_chxk_2008": Row(
        "catalogue2", ("I_ahp", "I_syn_ex", "I_syn_in", "V_m", "g_ahp", "g_ex", "g_in"), w=20.0,
        I=2500.0, strong=6000.0, off_grid=True,
        refractory=({"ahp_bug": True}, {"g_ahp": 100.0}, {"tau_ahp": 2.0}, {}),
        change={"g_ahp": 300.0, "E_L": -62.0, "ahp_bug": True},
        bad=C_M + ({"tau_ahp": 0.0}, {"tau_syn_in": -1.0})),
    "iaf_psc_exp_htum": Row(
        "catalogue2", ("I_syn_ex", "I_syn_in", "V_m"), w=300.0, I=500.0, strong=3000.0,
        base={"t_ref_tot": 5.0, "t_ref_abs": 2.0},
        refractory=(dict(t_ref_abs=2.0, t_ref_tot=2.0), dict(t_ref_abs=0.1, t_ref_tot=4.0),
                    dict(t_ref_abs=3.33, t_ref_tot=6.66), dict(t_ref_abs=1.05, t_ref_tot=1.06)),
        change={"tau_m": 15.0, "E_L": -65.0, "t_ref_tot": 3.0},
        bad=C_M + ({"V_reset": -50.0}, {"tau_m": 0.0}, {"tau_syn_in": -1.0},
                   {"t_ref_abs": 3.0}, {"t_ref_abs": 0.0}, {"t_ref_tot": -1.0, "t_ref_abs": -2.0})),
    "mat2_psc_exp": Row(
        "catalogue2", ("V_m", "V_th"), w=100.0, I=600.0, strong=2000.0,
        refractory=MAT_REFRACTORY, change={"omega": -55.0, "alpha_1": 20.0, "E_L": -65.0},
        status=("V_th", "V_th_alpha_1", "V_th_alpha_2"),
        bad=C_M + ({"tau_m": 0.0}, {"t_ref": 0.0}, {"tau_2": -1.0}, {"tau_syn_ex": 5.0},
                   {"tau_m": 3.0})),
    "amat2_psc_exp": Row(
        "catalogue2", ("I_syn_ex", "I_syn_in", "V_m", "V_th", "V_th_v"), w=100.0, I=400.0,
        strong=2000.0, base={"beta": 0.2, "alpha_2": 1.0}, refractory=MAT_REFRACTORY,
        change={"omega": -60.0, "beta": 0.5, "tau_v": 7.0, "E_L": -68.0},
        status=("V_th", "V_th_alpha_1", "V_th_alpha_2", "V_th_v"),
        bad=C_M + ({"tau_v": 0.0}, {"t_ref": 0.0}, {"tau_1": -1.0}, {"tau_syn_in": 10.0},
                   {"tau_v": 10.0}, {"tau_v": 1.0})),
}


def batch(name):
    """The rows of one batch, by model name."""
    return {m: row for m, row in MODELS.items() if row.batch == name}
