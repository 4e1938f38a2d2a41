"""iaf_tum_2000: iaf_psc_exp with Tsodyks-Markram short-term plasticity computed
in the sender (NEST models/iaf_tum_2000.{h,cpp}).

The neuron integrates the release variables x (recovered), y (in the cleft) and
u (release probability) of its own outgoing synapses from one spike to the next,
and sends each spike with the released fraction u * x in the spike event's
offset field. A receiving iaf_tum_2000 multiplies spikes on receptor port 1 by
that value (port 0: plain weight). NEST flags the model as off-grid for this, so
spike recorders write stamp minus that value as the spike time: we reproduce it
by returning the value as the spike's offset (``off_grid``).
"""

import jax.numpy as jnp

from ...._brainunit import u
from ....errors import NESTErrors
from ..._spec import NeuronModel, Param, State
from ...integrators import Exact
from .._common import Archiving, neuron_params, neuron_state, spike_time_ms
from .._keys import PSC
from . import _common as c
from ._checks import RESET_BELOW_THRESHOLD, first_violation
from .iaf_psc_exp import derive, update as psc_exp_update

# Parameters_::set, in its order
_param_check = first_violation(
    RESET_BELOW_THRESHOLD,
    (lambda p: p["C_m"] <= 0, "Capacitance must be strictly positive."),
    (lambda p: (p["tau_m"] <= 0) | (p["tau_syn_ex"] <= 0) | (p["tau_syn_in"] <= 0)
     | (p["tau_psc"] <= 0) | (p["tau_rec"] <= 0),
     "Membrane and synapse time constants must be strictly positive."),
    (lambda p: p["tau_fac"] < 0.0, "'tau_fac' must be >= 0."),
    (lambda p: p["t_ref"] < 0, "Refractory time must not be negative."),
    (lambda p: (p["U"] > 1.0) | (p["U"] < 0.0), "'U' must be in [0,1]."),
    (lambda p: p["rho"] < 0, "Stochastic firing intensity must not be negative."),
    (lambda p: p["delta"] < 0, "Width of threshold region must not be negative."),
)

# State_::set, after the parameters
_state_check = first_violation(
    (lambda s: s["x"] + s["y"] > 1.0, "x + y must be <= 1.0."),
    (lambda s: (s["u"] > 1.0) | (s["u"] < 0.0), "'u' must be in [0,1]."),
)


def on_set(old, new, ctx):
    """The state constraints need x, y, u, which the parameter check does not see:
    test parameters, then state, on the values after the update (NEST's order)."""
    merged = dict(old)
    merged.update(new)
    msg = _param_check(merged) or _state_check(merged)
    if msg:
        raise NESTErrors.BadProperty(msg)
    return new


def _is_tum(spec):
    return getattr(spec, "check_connection", None) is check_connection


def check_connection(sspec, tspec, receptor):
    """send_test_event / handles_test_event of iaf_tum_2000 (the header): the neuron
    does not send to another model that is off-grid, and two iaf_tum_2000 connect
    through port 1 only. NEST compares model ids: a copy of the model is another model."""
    if _is_tum(sspec) and tspec.name != sspec.name and getattr(tspec, "off_grid", False):
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because: iaf_tum_2000 neurons cannot "
            "be connected to precise spiking neurons.")
    if _is_tum(tspec) and sspec.name == tspec.name and receptor == 0:
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because: iaf_tum_2000 neurons must be "
            "connected via receptor_type 1.")


def _release(p, s, spike, ctx):
    """At a spike: propagate u, x, y from the last spike to this one, then release
    u * x (iaf_tum_2000::update; the order of the updates is NEST's)."""
    t_spike = spike_time_ms(ctx)
    dt = t_spike - s.t_last
    tau_fac = p.tau_fac.to_decimal(u.ms)
    tau_psc = p.tau_psc.to_decimal(u.ms)
    tau_rec = p.tau_rec.to_decimal(u.ms)
    Puu = jnp.where(tau_fac == 0.0, 0.0, jnp.exp(-dt / jnp.where(tau_fac == 0.0, 1.0, tau_fac)))
    Pyy = jnp.exp(-dt / tau_psc)
    Pzz = jnp.expm1(-dt / tau_rec)
    Pxy = (Pzz * tau_rec - (Pyy - 1.0) * tau_psc) / (tau_psc - tau_rec)
    z = 1.0 - s.x - s.y
    uu = s.u * Puu
    x = s.x + Pxy * s.y - Pzz * z
    y = s.y * Pyy
    uu = uu + p.U * (1.0 - uu)
    released = uu * x
    x = x - released
    y = y + released
    return (jnp.where(spike, x, s.x), jnp.where(spike, y, s.y), jnp.where(spike, uu, s.u),
            jnp.where(spike, t_spike, s.t_last), jnp.where(spike, released, 0.0))


def update(p, d, s, x, ctx):
    """One step of iaf_tum_2000::update: iaf_psc_exp's step, then the release of the
    neuron's own spikes (sent with them as the offset)."""
    s2, spike = psc_exp_update(p, d, s, x, ctx)
    xr, yr, ur, t_last, released = _release(p, s, spike, ctx)
    return s2.replace(x=xr, y=yr, u=ur, t_last=t_last), (spike, released)


iaf_tum_2000 = NeuronModel(
    name="iaf_tum_2000",
    doc="Leaky integrate-and-fire neuron with exponential-shaped postsynaptic currents and "
        "Tsodyks-Markram short-term plasticity of its outgoing spikes.",
    params=neuron_params(
        *c.MEMBRANE_HTUM, *c.EXP_SYNAPSES, *PSC("t_ref"), *c.ESCAPE_NOISE,
        Param("tau_fac", 1000.0, u.ms, "facilitation time constant of u (0: none)"),
        Param("tau_psc", 2.0, u.ms, "decay time constant of y (released resources)"),
        Param("tau_rec", 400.0, u.ms, "recovery time constant of x"),
        Param("U", 0.5, None, "increment of u at each spike, in [0, 1]"),
    ),
    state=neuron_state(
        *PSC("V_m"),
        State("x", 0.0, None, "fraction of resources ready for release"),
        State("y", 0.0, None, "fraction of resources in the cleft"),
        State("u", 0.0, None, "release probability"),
        *c.exp_currents("receptor-1 current"), *PSC("r"),
        # ArchivingNode's last spike time, taken as 0 before the first spike (NEST
        # replaces its initial -1 by 0 for the release propagators)
        State("t_last", 0.0, None, "time of the last spike (ms) for x, y, u", hidden=True),
    ),
    # handle(SpikeEvent&): port 1's weight times the offset
    **c.inputs({0: "I0", 1: "I1"}, spike_ports=(0, 1)),
    offset_receptors=frozenset({1}),
    check=_param_check,
    on_set=on_set,
    check_connection=check_connection,
    derive=derive,
    update=update,
    uses_rng=True,
    off_grid=True,
    integrator=Exact(),
    archiving=Archiving(),
)
