"""stdp_facetshw_synapse_hom: STDP as the FACETS/BrainScaleS hardware does it
(models/stdp_facetshw_synapse_hom.h, _impl.h; Pfeil et al. 2012).

Each connection accumulates spike pairs on two "capacitors" (a_causal, a_acausal:
the first and the last post-synaptic spike since the previous presynaptic one, reduced
symmetric nearest-neighbour pairing). Its weight changes only when the STDP controller
reads its row: at a presynaptic spike after the connection's next_readout_time, the
weight is taken to a 4-bit entry, two evaluation bits compare the capacitors with the
thresholds, and the bits pick a look-up table (or none), whose entry is the new weight;
the capacitors are reset as reset_pattern says. The event carries the weight after
this.

A connection gets its synapse_id at its first presynaptic spike, in NEST's delivery
order: the model's common no_synapses counts them, and the readout cycle follows
(NEST's send writes into its common properties; SynapseModel.common_state).
"""

import jax
import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from ...errors import NESTErrors
from .._spec import Param, State, SynapseModel

LUT_0 = (2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 14, 15)  # intermediate Guetig, mu=0.4
LUT_1 = (0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 11, 12, 13)
LUT_2 = tuple(range(16))


def readout_cycle(no_synapses, synapses_per_driver, driver_readout_time):
    """calc_readout_cycle_duration_: whole drivers (C's int(), toward zero) times the
    driver's readout time."""
    return jnp.trunc((no_synapses - 1.0) / synapses_per_driver + 1.0) * driver_readout_time


def _round(x):
    """C's round(): halves away from zero."""
    r = jnp.trunc(x)
    return jnp.where(jnp.abs(x - r) >= 0.5, r + jnp.sign(x), r)


def _eval(c, bits):
    """eval_function_: the evaluation bit of one configuration."""
    b = bits.astype(jnp.float64)
    lhs = (c.a_thresh_tl + b[2] * c.a_causal + b[1] * c.a_acausal) / (1.0 + b[2] + b[1])
    rhs = (c.a_thresh_th + b[0] * c.a_causal + b[3] * c.a_acausal) / (1.0 + b[0] + b[3])
    return lhs > rhs


def on_pre(c, post, t, ctx):
    ms = lambda q: q.to_decimal(u.ms)  # noqa: E731
    t_ms, dd = ms(t), ms(c.delay)
    # a connection's first spike: the next synapse id, and the readout cycle for as many
    # synapses (each row sees the cycle as it stands after the rows before it)
    new = (c.init_flag == 0) & ctx.real
    seen = jnp.cumsum(new)
    count = c.no_synapses + seen
    spd, drt = c.synapses_per_driver, ms(c.driver_readout_time)
    cycle = jnp.where(seen > 0, readout_cycle(count, spd, drt), ms(c.readout_cycle_duration))
    synapse_id = jnp.where(new, count - 1.0, c.synapse_id)
    first = jax.lax.div(synapse_id.astype(jnp.int64), spd.astype(jnp.int64)) * drt
    nrt = jnp.where(new, first, ms(c.next_readout_time))

    # the controller reads this row: the weight through a look-up table
    read = t_ms > nrt
    wple = c.weight_per_lut_entry
    entry = jnp.clip(_round(c.weight / wple), 0, c.lookuptable_0.shape[0] - 1).astype(jnp.int32)
    e0, e1 = _eval(c, c.configbit_0), _eval(c, c.configbit_1)
    which = jnp.where(e0 & ~e1, 0, jnp.where(~e0 & e1, 1, jnp.where(e0 & e1, 2, 3)))
    luts = jnp.stack([c.lookuptable_0, c.lookuptable_1, c.lookuptable_2,
                      jnp.arange(c.lookuptable_0.shape[0], dtype=c.lookuptable_0.dtype)])
    entry = luts[which, entry]
    reset = jnp.concatenate([c.reset_pattern, jnp.zeros(2, c.reset_pattern.dtype)]) != 0
    a_causal = jnp.where(read & reset[2 * which], 0.0, c.a_causal)
    a_acausal = jnp.where(read & reset[2 * which + 1], 0.0, c.a_acausal)
    weight = jnp.where(read, entry * wple, c.weight)

    # the next readout: whole cycles after the spike, added one by one as NEST does
    # (a cycle of 0 would never get there: NEST loops forever, here the time stays)
    def behind(n):
        return read & (t_ms > n) & (cycle > 0)
    nrt = jax.lax.while_loop(lambda n: jnp.any(behind(n)),
                             lambda n: jnp.where(behind(n), n + cycle, n), nrt)

    # pairs: the first and the last post-synaptic spike since the previous presynaptic one
    t_last = ms(c.t_lastspike)

    def pair(v, e):
        found, t_first, _ = v
        te = ms(e.t)
        return found | True, jnp.where(found, t_first, te), te

    zero = jnp.zeros_like(t_last)
    found, t_first, t_post = post.fold(c.t_lastspike - c.delay, t - c.delay, pair,
                                       (zero > 0, zero, zero))
    a_causal = a_causal + jnp.where(
        found, jnp.exp((t_last - (t_first + dd)) / ms(c.tau_plus)), 0.0)
    a_acausal = a_acausal + jnp.where(
        found, jnp.exp(((t_post + dd) - t_ms) / ms(c.tau_minus_stdp)), 0.0)

    changes = {"weight": weight, "a_causal": a_causal, "a_acausal": a_acausal,
               "init_flag": jnp.ones_like(weight), "synapse_id": synapse_id,
               "next_readout_time": u.Quantity(nrt, unit=u.ms), "t_lastspike": t,
               # the common properties after the batch
               "no_synapses": count[-1],
               "readout_cycle_duration": u.Quantity(cycle[-1], unit=u.ms)}
    return changes, weight


def report(before, after):
    """NEST's send prints each synapse id it gives (at the connection's first spike;
    here at the end of the run, in the same order) with its first readout time, as a
    C++ stream writes a double (six significant digits)."""
    spd, drt = after["synapses_per_driver"], after["driver_readout_time"]
    for sid in range(before["no_synapses"], after["no_synapses"]):
        first = int(np.trunc(sid / spd)) * drt if spd else 0.0
        print(f"init synapse {sid} - first readout time: {first:g}")


def set_common(v, given):
    """STDPFACETSHWHomCommonProperties::set_status, in its order: the weight of one
    table entry follows Wmax, the readout cycle follows the synapse count and the
    driver; tables of 16 entries in [0, 15], 4 configuration and 6 reset bits."""
    v = dict(v)
    if "Wmax" in given:
        v["weight_per_lut_entry"] = v["Wmax"] / (len(v["lookuptable_0"]) - 1)
    if "weight_per_lut_entry" in given:
        v["weight_per_lut_entry"] = given["weight_per_lut_entry"]
    if given.keys() & {"no_synapses", "synapses_per_driver", "driver_readout_time"}:
        v["readout_cycle_duration"] = float(readout_cycle(
            np.float64(v["no_synapses"]), v["synapses_per_driver"], v["driver_readout_time"]))
    for k in ("lookuptable_0", "lookuptable_1", "lookuptable_2"):
        if k in given:
            other = v["lookuptable_1" if k == "lookuptable_0" else "lookuptable_0"]
            if len(v[k]) != len(other):
                raise NESTErrors.BadProperty("Look-up table has not 2^4 entries!")
            if np.any((v[k] < 0) | (v[k] > 15)):
                raise NESTErrors.BadProperty("Look-up table entries must be integers in [0,15]")
    for k in ("configbit_0", "configbit_1"):
        if k in given and len(v[k]) != 4:
            raise NESTErrors.BadProperty("Wrong number of configuration bits (!=4).")
    if "reset_pattern" in given and len(v["reset_pattern"]) != 6:
        raise NESTErrors.BadProperty("Wrong number of reset bits (!=6).")
    return v


stdp_facetshw_synapse_hom = SynapseModel(
    name="stdp_facetshw_synapse_hom",
    doc="STDP with the constraints of the FACETS hardware, parameters common to all "
    "connections.",
    params=(Param("a_causal", 0.0, None, "accumulated causal spike pairs"),
            Param("a_acausal", 0.0, None, "accumulated anti-causal spike pairs"),
            Param("a_thresh_th", 21.835, None, "evaluation threshold"),
            Param("a_thresh_tl", 21.835, None, "evaluation threshold"),
            Param("init_flag", False, None, "synapse id given (at the first spike)",
                  dtype="bool"),
            Param("synapse_id", 0, None, "the group the controller reads it with",
                  dtype="int"),
            Param("next_readout_time", 0.0, u.ms, "when the controller next reads it")),
    common=(Param("tau_plus", 20.0, u.ms, "time constant of the causal window"),
            Param("tau_minus_stdp", 20.0, u.ms, "time constant of the anti-causal window"),
            Param("Wmax", 100.0, None, "maximal weight"),
            Param("weight_per_lut_entry", 100.0 / 15, None, "weight of one table entry"),
            Param("no_synapses", 0, None, "synapses with an id", dtype="int"),
            Param("synapses_per_driver", 50, None, "synapses read at once", dtype="int"),
            Param("driver_readout_time", 15.0, u.ms, "time to read one driver's row"),
            Param("readout_cycle_duration", 0.0, u.ms, "time between two readouts of a row"),
            Param("lookuptable_0", LUT_0, None, "table of evaluation (1, 0)",
                  dtype="ints"),
            Param("lookuptable_1", LUT_1, None, "table of evaluation (0, 1)",
                  dtype="ints"),
            Param("lookuptable_2", LUT_2, None, "table of evaluation (1, 1)",
                  dtype="ints"),
            Param("configbit_0", (0, 0, 1, 0), None, "configuration of evaluation 0",
                  dtype="ints"),
            Param("configbit_1", (0, 1, 0, 0), None, "configuration of evaluation 1",
                  dtype="ints"),
            Param("reset_pattern", (1,) * 6, None, "capacitor resets per table",
                  dtype="ints")),
    hidden=(State("t_lastspike", 0.0, u.ms, "time of the last presynaptic spike"),),
    on_pre=on_pre, post="stdp", common_state=("no_synapses", "readout_cycle_duration"),
    set_common=set_common, report_common=report, sizeof=None)
