"""What aeif_cond_alpha_multisynapse and aeif_cond_beta_multisynapse share (NEST
models/aeif_cond_{alpha,beta}_multisynapse.cpp): the AdEx membrane of the family
(_common.py) with one conductance pair (dg, g) per receptor port, GSL's vector
``y = (V_m, w, dg_1, g_1, dg_2, g_2, ...)``; a spike of port i kicks dg_i by its
weight times the port's normalisation g0_i."""

from ...._brainunit import u
from ..._spec import State
from .. import _gsl
from .. import _multisynapse as ms
from .._common import neuron_state
from . import _common as c
from .aeif_cond_alpha import aeif_cond_alpha

ODE = ("V_m", "w", "dg", "g")
WEIGHTS_MSG = "Synaptic weights for conductance-based multisynapse models must be positive."


def derivatives_with(decay_dg, decay_g):
    """The right-hand side; ``decay_dg``/``decay_g`` name the time constants of dg
    and g (alpha: tau_syn both; beta: tau_rise, tau_decay)."""

    def derivatives(p, y, aux):
        V = c.clamped_V(p, y.V_m, aux)
        R = y.g.shape[1]
        # I_syn = sum_k g_k (E_rev_k - V), summed port by port from 0
        I_syn = ms.sequential_sum([y.g[:, i] * (p.E_rev[:, i] - V) for i in range(R)],
                                  0.0 * u.pA)
        return dict(V_m=c.dV_dt(p, V, I_syn, y.w, aux), w=c.dw_dt(p, V, y.w),
                    dg=-y.dg / p[decay_dg], g=y.dg - y.g / p[decay_g])

    return derivatives


def update_with(derivatives):
    def update(p, d, s, x, ctx):
        s, spikes, _ = c.advance(p, s, ODE, derivatives, ctx)
        R = s.g.shape[1]
        kicks = u.math.stack(ms.ports_input(x, R), axis=1)  # (n, ports)
        return s.replace(dg=s.dg + kicks * d.g0, I_stim=x.currents), spikes
    return update


def record(p, s):
    return {f"g_{i + 1}": s.g[:, i] for i in range(s.g.shape[1])}


STATE = neuron_state(
    c.V_M, c.W,
    State("g", 0.0, u.nS, "each port's conductance", per_port=True),
    State("dg", 0.0, u.nS / u.ms, "derivative of each port's conductance", per_port=True),
    c.REFRACTORY, c.I_STIM, _gsl.INTEGRATION_STEP,
)

CHECK = c.check("peak_reset", "Capacitance must be strictly positive.", ("tau_w",))


E_REV = ms.port_param("E_rev", 0.0, u.mV, "reversal potential of each port")


def declare(name, shape, time_constants, rules, both_msg, same_msg, derivatives, derive,
            port_host_derive=None):
    """The declaration: aeif_cond_alpha's membrane, the ports instead of ex/in, each
    with its reversal potential and the ``time_constants`` of its ``shape``."""
    port_params = (E_REV, *time_constants)
    lists = tuple(p.name for p in port_params)
    return ms.variant(
        aeif_cond_alpha, name,
        doc=f"Conductance-based adaptive exponential integrate-and-fire neuron, {shape}-shaped "
            "conductances on any number of receptor ports.",
        drop=("E_ex", "E_in", "tau_syn_ex", "tau_syn_in"),
        params=port_params + (ms.count_param("n_receptors"), ms.HAS_CONNECTIONS),
        state=STATE,
        channels=ms.CURRENTS, spike_receptors={}, current_receptors={0: "currents"},
        ports="n_receptors", port_unit=u.nS, port_recordables=("g_{}",),
        positive_spike_weights=WEIGHTS_MSG,
        recordables=("V_m", "w"), record=record, check=CHECK,
        on_set=ms.on_set("n_receptors", lists, rules, both_msg=both_msg, same_msg=same_msg,
                         grow_only=True),
        derive=derive, update=update_with(derivatives), port_host_derive=port_host_derive,
    )
