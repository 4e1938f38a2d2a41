"""The iaf_psc family's keys (NEST models/iaf_psc_{delta,alpha,exp}*.cpp,
iaf_psc_exp_htum.cpp, iaf_tum_2000.cpp): declared once, with the defaults they
all share; V_th, V_reset and V_m relative to E_L as these models store them."""

import brainunit as u

from ..._spec import Channel, Param, State
from .._keys import PSC, tau_syn

# Parameters_::get of iaf_psc_delta, iaf_psc_alpha, iaf_psc_exp and their multisynapse models
MEMBRANE = PSC("E_L C_m tau_m t_ref V_th V_reset")
# iaf_psc_exp_htum and iaf_tum_2000 list them in another order
MEMBRANE_HTUM = PSC("E_L I_e V_th V_reset C_m tau_m")
EXP_SYNAPSES = tau_syn("time constant of the {} synaptic current", 2.0, 2.0)
ESCAPE_NOISE = PSC("rho delta")


def V_min(default):
    return Param("V_min", default, u.mV, "lower bound of V_m", offset="E_L")




def exp_currents(receptor_1):
    """iaf_psc_exp's and iaf_tum_2000's: both synaptic currents, and the current input
    of receptors 0 and 1 (receptor 1 charges the excitatory synapse)."""
    return (
        State("I_syn_ex", 0.0, u.pA, f"excitatory synaptic current (with {receptor_1})",
              hidden=True),
        *PSC("I_syn_in", hidden=True),
        State("i_0", 0.0, u.pA, "receptor-0 input current of the last step", hidden=True),
        State("i_1", 0.0, u.pA, "receptor-1 input current of the last step", hidden=True),
    )
CHANNELS = (Channel("ex", u.pA), Channel("in", u.pA), Channel("currents", u.pA))
TWO_CURRENT_CHANNELS = (Channel("ex", u.pA), Channel("in", u.pA), Channel("I0", u.pA),
                        Channel("I1", u.pA))
