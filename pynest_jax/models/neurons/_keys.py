"""NEST's neuron keys, each declared once with its unit and meaning.

A model names the keys it has, in its own order, and gives a default only where
its NEST default differs from the one here (models/<model>.cpp, Parameters_ and
State_ constructors): ``CONDUCTANCE("V_th V_reset t_ref", t_ref=0.5)``. The
iaf_psc family keeps V_th, V_reset and V_m relative to E_L (its vocabulary
``PSC``); the conductance-based and GSL models keep them absolute.
"""

import dataclasses

import brainunit as u

from .._spec import Param, State


class Keys(dict):
    """A vocabulary: key -> its Param or State with the usual default."""

    def __call__(self, names, hidden=None, **defaults):
        """The entries of ``names`` (space separated, the model's order); ``defaults``
        where the model's differ, ``hidden`` to mark state entries internal."""
        out = []
        for name in names.split():
            entry = self[name]
            changes = {"default" if isinstance(entry, Param) else "initial": defaults.pop(name)} \
                if name in defaults else {}
            if hidden is not None:
                changes["hidden"] = hidden
            out.append(dataclasses.replace(entry, **changes) if changes else entry)
        assert not defaults, f"not in {names!r}: {sorted(defaults)}"
        return tuple(out)

    def extended(self, *entries):
        """This vocabulary with ``entries`` added or replacing the ones of their name."""
        return Keys({**self, **{e.name: e for e in entries}})


def ex_in(kind, name, default, unit, doc, **kw):
    """The excitatory and the inhibitory entry of one synaptic quantity: ``name`` and
    ``doc`` with ``{}`` for ex/in and excitatory/inhibitory; ``default`` one value or
    an (ex, in) pair."""
    ex, in_ = default if isinstance(default, tuple) else (default, default)
    return (kind(name.format("ex"), ex, unit, doc.format("excitatory"), **kw),
            kind(name.format("in"), in_, unit, doc.format("inhibitory"), **kw))


def tau_syn(doc, ex, in_):
    """tau_syn_ex, tau_syn_in (ms); ``doc`` with ``{}`` for excitatory/inhibitory."""
    return ex_in(Param, "tau_syn_{}", (ex, in_), u.ms, doc)


def alpha_kinetics(value, derivative, unit, what, hidden=False, derivative_first=False):
    """The state of alpha (or beta) kinetics in NEST's State_ order: value_ex,
    derivative_ex, value_in, derivative_in (or each derivative first); ``what`` is
    'conductance' or 'current'."""
    v = ex_in(State, value, 0.0, unit, "{} " + ("synaptic current" if what == "current"
                                                else what), hidden=hidden)
    d = ex_in(State, derivative, 0.0, unit / u.ms, f"derivative of the {{}} {what}",
              hidden=hidden)
    if derivative_first:
        return d[0], v[0], d[1], v[1]
    return v[0], d[0], v[1], d[1]


CONDUCTANCE = Keys({p.name: p for p in (
    Param("V_th", -55.0, u.mV, "spike threshold"),
    Param("V_reset", -60.0, u.mV, "reset potential"),
    Param("t_ref", 2.0, u.ms, "duration of the refractory period"),
    Param("g_L", 16.6667, u.nS, "leak conductance"),
    Param("C_m", 250.0, u.pF, "membrane capacitance"),
    Param("tau_m", 10.0, u.ms, "membrane time constant"),
    Param("E_ex", 0.0, u.mV, "excitatory reversal potential"),
    Param("E_in", -85.0, u.mV, "inhibitory reversal potential"),
    Param("E_L", -70.0, u.mV, "leak reversal potential"),
    Param("I_e", 0.0, u.pA, "constant input current"),
    Param("g_Na", 12000.0, u.nS, "sodium peak conductance"),
    Param("g_K", 3600.0, u.nS, "potassium peak conductance"),
    Param("E_Na", 50.0, u.mV, "sodium reversal potential"),
    Param("E_K", -77.0, u.mV, "potassium reversal potential"),
)} | {s.name: s for s in (
    State("V_m", -70.0, u.mV, "membrane potential"),
    State("g_ex", 0.0, u.nS, "excitatory conductance"),
    State("g_in", 0.0, u.nS, "inhibitory conductance"),
    State("I_syn_ex", 0.0, u.pA, "excitatory synaptic current"),
    State("I_syn_in", 0.0, u.pA, "inhibitory synaptic current"),
    State("r", 0, None, "refractory steps left", dtype="int", hidden=True),
    State("I_stim", 0.0, u.pA, "input current of the last step", hidden=True),
    State("Act_m", 0.0, None, "sodium activation"),
    State("Inact_h", 0.0, None, "sodium inactivation"),
    State("Act_n", 0.0, None, "potassium activation"),
)})

PSC = CONDUCTANCE.extended(
    Param("E_L", -70.0, u.mV, "resting membrane potential"),
    Param("V_th", -55.0, u.mV, "spike threshold", offset="E_L"),
    Param("V_reset", -70.0, u.mV, "reset potential", offset="E_L"),
    Param("rho", 0.01, u.Hz, "stochastic firing intensity at threshold"),
    Param("delta", 0.0, u.mV, "width of the threshold region (0: deterministic)"),
    State("V_m", -70.0, u.mV, "membrane potential", offset="E_L"),
    State("i_0", 0.0, u.pA, "input current of the last step", hidden=True),
    State("y0", 0.0, u.pA, "input current of the last step", hidden=True),
)
