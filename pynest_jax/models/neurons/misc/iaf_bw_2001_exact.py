"""iaf_bw_2001_exact: iaf_bw_2001 with the NMDA rise integrated exactly, one pair of
gating variables (x_j, s_j) per NMDA connection (NEST
models/iaf_bw_2001_exact.{h,cpp}); GSL rkf45.

Each NMDA connection to a node gets a receptor port of its own at Connect (rport
3, 4, ... in the order made: ``port_per_connection``), and only before the first
Simulate; unlike iaf_bw_2001 it takes NMDA input from any sender. A spike adds its multiplicity to its connection's x_j; the NMDA
conductance is the sum over connections of s_j times the connection's weight
(NEST takes each weight from the first spike through the port; one connection per
port, so here the connection's weight, read at Prepare).
"""

import jax.numpy as jnp
import numpy as np

from ...._brainunit import u
from ..._spec import NeuronModel, State
from ...integrators import RKF45
from .. import _gsl
from .._common import Archiving, neuron_state
from . import iaf_bw_2001 as bw

NMDA = 3
ODE = ("V_m", "s_AMPA", "s_GABA", "x_NMDA", "s_NMDA_j")


def _m(q):
    return q.mantissa if isinstance(q, u.Quantity) else q


def nmda_sum(s_j, w):
    """s_NMDA_sum: the weighted gating, summed in port order as NEST's loop does."""
    acc = jnp.zeros(s_j.shape[:1], s_j.dtype)
    for j in range(s_j.shape[1]):
        acc = acc + s_j[:, j] * w[:, j]
    return acc


def derivatives(p, y, aux):
    P = bw._plain(p)
    y = {k: _m(v) for k, v in y.items()}
    V = y["V_m"]
    s_sum = nmda_sum(y["s_NMDA_j"], aux["w"])
    currents = bw.synaptic_currents(P, V, y["s_AMPA"], y["s_GABA"], s_sum)
    tau_d = P["tau_decay_NMDA"][:, None]
    return dict(V_m=bw.dV_dt(P, V, currents, aux["I_stim"]),
                s_AMPA=-y["s_AMPA"] / P["tau_AMPA"], s_GABA=-y["s_GABA"] / P["tau_GABA"],
                s_NMDA_j=-y["s_NMDA_j"] / tau_d
                + P["alpha"][:, None] * y["x_NMDA"] * (1 - y["s_NMDA_j"]),
                x_NMDA=-y["x_NMDA"] / P["tau_rise_NMDA"][:, None])


def pre_run(v, ctx):
    """Each port's weight, from its connection (the connection table at Prepare)."""
    n = len(v["V_m"])
    W = np.asarray(v["x_NMDA"]).shape[1] if np.ndim(v["x_NMDA"]) == 2 else 1
    w = np.zeros((n, W))
    g = ctx.graph
    store = g.connections
    if len(store):
        alive = store.col("alive")
        tgt = store.col("target")
        rec = store.col("receptor")
        local = {int(gid): i for i, gid in enumerate(np.asarray(ctx.gids).tolist())}
        rows = np.nonzero(alive & (rec >= NMDA) & np.isin(tgt, list(local)))[0]
        for r in rows.tolist():
            j = int(rec[r]) - NMDA
            if j < W:
                w[local[int(tgt[r])], j] = float(store.col("weight")[r])
    return {"w_NMDA": w}


def update(p, d, s, x, ctx):
    P = bw._plain(p)
    w = s.w_NMDA
    s, _ = _gsl.advance(p, s, ODE, derivatives, ctx, dict(I_stim=_m(s.I_stim), w=w))
    s_sum = nmda_sum(s.s_NMDA_j, w)
    I_AMPA, I_GABA, I_NMDA = bw.synaptic_currents(P, _m(s.V_m), _m(s.s_AMPA), _m(s.s_GABA),
                                                  s_sum)
    ports = jnp.stack([x[f"port_{r}"] for r in range(1, s.x_NMDA.shape[1] + 1)], axis=1)
    s = s.replace(s_AMPA=s.s_AMPA + x.AMPA, s_GABA=s.s_GABA + x.GABA,
                  x_NMDA=s.x_NMDA + _m(ports))
    s, fire = bw.threshold(p, d, s, ctx)
    return s.replace(I_AMPA=I_AMPA, I_GABA=I_GABA, I_NMDA=I_NMDA, s_NMDA=s_sum,
                     I_stim=x.currents), fire.astype(jnp.int32)


iaf_bw_2001_exact = NeuronModel(
    name="iaf_bw_2001_exact",
    doc="Leaky integrate-and-fire-neuron model with conductance based synapses, and "
        "additional NMDA receptors.",
    params=bw.PARAMS,
    state=neuron_state(
        State("V_m", -70.0, u.mV, "membrane potential"),
        State("s_AMPA", 0.0, u.nS, "AMPA gating"), State("s_GABA", 0.0, u.nS, "GABA gating"),
        *[State(k, 0.0, None, f"{k} at the last evaluation", hidden=True)
          for k in ("I_AMPA", "I_GABA", "I_NMDA", "s_NMDA")],
        State("x_NMDA", 0.0, None, "each NMDA connection's rise variable", hidden=True,
              per_port=True),
        State("s_NMDA_j", 0.0, None, "each NMDA connection's gating", hidden=True,
              per_port=True),
        State("w_NMDA", 0.0, None, "each NMDA connection's weight", hidden=True,
              per_port=True),
        State("n_NMDA", 0, None, "number of NMDA connections", dtype="int", hidden=True),
        *bw.INTERNAL,
    ),
    channels=bw.CHANNELS[:2] + bw.CHANNELS[3:],
    spike_receptors={1: ("AMPA", "AMPA"), 2: ("GABA", "GABA")},
    ports="n_NMDA",
    port_weighted=False,
    port_per_connection=NMDA,
    extra_status={"receptor_types": bw.RECEPTOR_TYPES},
    recordables=bw.RECORDABLES,
    record=lambda p, s: {"V_m": s.V_m, "s_AMPA": s.s_AMPA, "s_GABA": s.s_GABA,
                         "s_NMDA": s.s_NMDA, "I_AMPA": s.I_AMPA, "I_GABA": s.I_GABA,
                         "I_NMDA": s.I_NMDA},
    check=bw.check,
    derive=bw.derive,
    update=update,
    pre_run=pre_run,
    integrator=RKF45(bw.control),
    archiving=Archiving(),
)
