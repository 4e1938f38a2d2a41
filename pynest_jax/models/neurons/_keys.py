"""NEST's neuron keys, each declared once with its unit and meaning.

A model names the keys it has, in its own order, and gives a default only where
its NEST default differs from the one here (models/<model>.cpp, Parameters_ and
State_ constructors): ``CONDUCTANCE("V_th V_reset t_ref", t_ref=0.5)``. The
iaf_psc family keeps V_th, V_reset and V_m relative to E_L (its vocabulary
``PSC``); the conductance-based and GSL models keep them absolute.
"""

import dataclasses

from ..._brainunit import u
from .._spec import Param, State


class Keys(dict):
    """A vocabulary: key -> its Param or State with the usual default."""

    def __call__(self, names, hidden=None, **defaults):
        """The entries of ``names`` (space separated, the model's order); ``defaults``
        where the model's differ, ``hidden`` to mark state entries internal."""
        out = []
        for name in names.split():
            entry = self[name]
            changes = {}
            if name in defaults:
                changes["default" if isinstance(entry, Param) else "initial"] = defaults.pop(name)
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


def _rows(kind, text, **fields):
    """Entries from rows of ``key default unit meaning`` (unit ``-``: dimensionless)."""
    out = {}
    for row in text.strip().splitlines():
        name, default, unit, doc = row.split(None, 3)
        value = int(default) if default.lstrip("-").isdigit() else float(default)
        out[name] = kind(name, value, None if unit == "-" else getattr(u, unit), doc, **fields)
    return out


# The conductance-based and GSL models (iaf_cond_*, aeif_*, hh_*): absolute potentials
CONDUCTANCE = Keys(_rows(Param, """
    V_th     -55.0    mV  spike threshold
    V_reset  -60.0    mV  reset potential
    t_ref    2.0      ms  duration of the refractory period
    g_L      16.6667  nS  leak conductance
    C_m      250.0    pF  membrane capacitance
    tau_m    10.0     ms  membrane time constant
    E_ex     0.0      mV  excitatory reversal potential
    E_in     -85.0    mV  inhibitory reversal potential
    E_L      -70.0    mV  leak reversal potential
    I_e      0.0      pA  constant input current
    g_Na     12000.0  nS  sodium peak conductance
    g_K      3600.0   nS  potassium peak conductance
    E_Na     50.0     mV  sodium reversal potential
    E_K      -77.0    mV  potassium reversal potential
""") | _rows(State, """
    V_m       -70.0  mV  membrane potential
    g_ex      0.0    nS  excitatory conductance
    g_in      0.0    nS  inhibitory conductance
    I_syn_ex  0.0    pA  excitatory synaptic current
    I_syn_in  0.0    pA  inhibitory synaptic current
    Act_m     0.0    -   sodium activation
    Inact_h   0.0    -   sodium inactivation
    Act_n     0.0    -   potassium activation
""") | _rows(State, "r 0 - refractory steps left", dtype="int", hidden=True)
    | _rows(State, "I_stim 0.0 pA input current of the last step", hidden=True))

# The iaf_psc family: potentials relative to E_L, E_L the resting potential
PSC = CONDUCTANCE.extended(
    *_rows(Param, """
        E_L    -70.0  mV  resting membrane potential
        rho    0.01   Hz  stochastic firing intensity at threshold
        delta  0.0    mV  width of the threshold region (0: deterministic)
    """).values(),
    *_rows(Param, """
        V_th     -55.0  mV  spike threshold
        V_reset  -70.0  mV  reset potential
    """, offset="E_L").values(),
    *_rows(State, "V_m -70.0 mV membrane potential", offset="E_L").values(),
    *_rows(State, """
        i_0  0.0  pA  input current of the last step
        y0   0.0  pA  input current of the last step
    """, hidden=True).values(),
)
