"""gif_cond_exp_multisynapse: gif_cond_exp with receptor ports 1..n, each an
exponential conductance with its own tau_syn and E_rev (NEST
models/gif_cond_exp_multisynapse.{h,cpp}); GSL rkf45, y = (V_m, g_1, g_2, ...).

NEST allocates a new node's state vector one port too long and resizes it at the node's
first SetStatus: GetStatus shows ``g`` = [0, 0] for one port until then. ``g`` is
therefore a host vector (resized by every SetStatus, refreshed after every Run from the
device's ``g_port``)."""

import numpy as np

from ...._brainunit import u
from ..._spec import State
from .. import _gsl
from .. import _multisynapse as ms
from .._common import neuron_state
from . import _common as c
from ._common import m, mV, nS
from .gif_cond_exp import GSL_TOL, gif_cond_exp, integrate, membrane

ODE = ("V_m", "g_port")
BOTH_MSG = ("If the number of receptor ports is changed, both arrays E_rev and tau_syn must "
            "be provided.")
SAME_MSG = "The reversal potential, and synaptic time constant arrays must have the same size."
WEIGHTS_MSG = ("Synaptic weights for conductance-based multisynapse models must be "
               "non-negative.")


def derivatives(p, y, aux):
    g = y.g_port
    R = g.shape[1]

    def currents(V):  # NEST sums -g (V - E_rev) port by port and adds the sum
        return -ms.sequential_sum([-g[:, i] * (V - p.E_rev[:, i]) for i in range(R)],
                                  0.0 * u.pA)

    _, dV = membrane(p, y.V_m, currents, aux)
    return dict(V_m=dV, g_port=-g / p.tau_syn)


def update(p, d, s, x, ctx):
    """gif_cond_exp_multisynapse::update: as gif_cond_exp's, the spikes per port."""
    s, adapt = integrate(p, s, ODE, derivatives, ctx)
    R = s.g_port.shape[1]
    g = s.g_port + u.math.stack(ms.ports_input(x, R), axis=1)
    out, V, spike = c.fire(p, s, m(s.V_m, mV), *adapt, d.refr_steps, ctx)
    return s.replace(V_m=u.Quantity(V, unit=mV), g_port=g, I_stim=x.currents, **out), spike


def _port_rules(i, vals, old, new):
    for (t,) in ms.each_port(vals, i, ("tau_syn",)):
        if t <= 0:
            return "All synaptic time constants must be strictly positive"
    return None


PORTS = ms.on_set("n_receptors", ("E_rev", "tau_syn"), _port_rules, both_msg=BOTH_MSG,
                  same_msg=SAME_MSG, grow_only=True)


def on_set(old, new, ctx):
    """Parameters_::set, then State_::set's resize of g to the number of ports."""
    new = PORTS(old, c.on_set(old, new, ctx), ctx)
    count = np.asarray(new.get("n_receptors", old["n_receptors"])).reshape(-1)
    g = [np.asarray(v, float).reshape(-1) for v in old["g"]]
    if len(g) == 1 and len(count) > 1:
        g = g * len(count)
    new["g"] = [np.pad(v[:k], (0, max(0, int(k) - len(v)))) for v, k in zip(g, count)]
    return new


def after_run(v, ctx):
    n = len(v["r"])
    g = np.asarray(v["g_port"], float).reshape(n, -1)
    count = np.asarray(v["n_receptors"]).reshape(-1)
    return {"g": [np.pad(g[i, :k], (0, max(0, int(k) - g.shape[1]))) for i, k in
                  enumerate(count)]}

gif_cond_exp_multisynapse = ms.variant(
    gif_cond_exp, "gif_cond_exp_multisynapse",
    doc="Conductance-based generalized integrate-and-fire neuron with escape noise and "
        "exponential conductances on any number of receptor ports.",
    drop=("E_ex", "E_in", "tau_syn_ex", "tau_syn_in", "gsl_error_tol"),
    params=(ms.port_param("tau_syn", 2.0, u.ms, "time constant of each port's conductance"),
            ms.port_param("E_rev", 0.0, mV, "reversal potential of each port"),
            ms.count_param("n_receptors"), ms.HAS_CONNECTIONS, GSL_TOL),
    state=neuron_state(*c.state(
        State("V_m", -70.0, mV, "membrane potential"),
        State("g_port", 0.0, nS, "each port's conductance", per_port=True, hidden=True),
        State("g", np.zeros(2), nS, "each port's conductance, as NEST shows it",
              dtype="vector")),
        _gsl.INTEGRATION_STEP),
    channels=ms.CURRENTS, spike_receptors={}, current_receptors={0: "currents"},
    ports="n_receptors", port_unit=nS, port_recordables=(),
    positive_spike_weights=WEIGHTS_MSG,
    recordables=("E_sfa", "I_stc", "V_m"),
    check=c.check(),
    on_set=on_set,
    update=update,
    after_run=after_run,
)
