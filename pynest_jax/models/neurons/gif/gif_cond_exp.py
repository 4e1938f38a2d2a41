"""gif_cond_exp: generalized integrate-and-fire with escape noise, a spike-triggered
current and a moving threshold, exponential synaptic conductances (NEST
models/gif_cond_exp.{h,cpp}); GSL rkf45 with gsl_error_tol."""

from ...._brainunit import u
from ..._spec import NeuronModel, Param, State
from ...integrators import RKF45
from .. import _gsl
from .._common import neuron_state
from . import _common as c
from ._common import m, mV, nS, pA

ms = u.ms
ODE = ("V_m", "g_ex", "g_in")


def control(p):
    return _gsl.control_y(p.gsl_error_tol, 0.0)


def membrane(p, V, currents, aux):
    """dV/dt of gif_cond_exp_dynamics: ``currents`` the synaptic currents at V; while
    refractory V is held at V_reset and does not move."""
    refractory = aux["r"] > 0
    V = u.math.where(refractory, p.V_reset, V)
    I_L = p.g_L * (V - p.E_L)
    dV = (-I_L + aux["I_stim"] + p.I_e - currents(V) - aux["stc"]) / p.C_m
    return V, u.math.where(refractory, 0.0 * dV, dV)


def derivatives(p, y, aux):
    V, dV = membrane(p, y.V_m, lambda V: y.g_ex * (V - p.E_ex) + y.g_in * (V - p.E_in), aux)
    return dict(V_m=dV, g_ex=-y.g_ex / p.tau_syn_ex, g_in=-y.g_in / p.tau_syn_in)


def derive(p, ctx):
    return dict(refr_steps=ctx.steps(p.t_ref))


def integrate(p, s, ode, dynamics, ctx):
    """The step's adaptation sums (read by the right-hand side as S_.stc_), then GSL."""
    stc, sfa, stc_e, sfa_e = c.adaptation(p, s)
    aux = dict(r=s.r, I_stim=s.I_stim, stc=u.Quantity(stc, unit=pA))
    s, _ = _gsl.advance(p, s, ode, dynamics, ctx, aux)
    return s, (stc, sfa, stc_e, sfa_e)


def update(p, d, s, x, ctx):
    """gif_cond_exp::update: adaptation sums and decay, integration, this step's spikes
    onto the conductances, then the escape-noise draw on the new V_m."""
    s, adapt = integrate(p, s, ODE, derivatives, ctx)
    g_ex = s.g_ex + x.ex
    g_in = s.g_in - x["in"]  # inhibitory weights arrive negative; NEST stores -w
    out, V, spike = c.fire(p, s, m(s.V_m, mV), *adapt, d.refr_steps, ctx)
    return s.replace(V_m=u.Quantity(V, unit=mV), g_ex=g_ex, g_in=g_in, I_stim=x.currents,
                     **out), spike


GSL_TOL = Param("gsl_error_tol", 1e-3, None, "error tolerance of the GSL integrator")

gif_cond_exp = NeuronModel(
    name="gif_cond_exp",
    doc="Conductance-based generalized integrate-and-fire neuron with escape noise, "
        "spike-triggered current and threshold adaptation.",
    params=c.params(Param("E_ex", 0.0, mV, "excitatory reversal potential"),
                    Param("E_in", -85.0, mV, "inhibitory reversal potential"),
                    Param("tau_syn_ex", 2.0, ms, "decay time of the excitatory conductance"),
                    Param("tau_syn_in", 2.0, ms, "decay time of the inhibitory conductance"),
                    GSL_TOL),
    state=neuron_state(*c.state(
        State("V_m", -70.0, mV, "membrane potential"),
        State("g_ex", 0.0, nS, "excitatory conductance"),
        State("g_in", 0.0, nS, "inhibitory conductance")), _gsl.INTEGRATION_STEP),
    **c.tables(nS, ("E_sfa", "I_stc", "V_m", "g_ex", "g_in"), "tau_syn_ex", "tau_syn_in"),
    derive=derive,
    update=update,
    integrator=RKF45(control),
)
