"""spike_dilutor: relays the spikes it receives, each to each target with probability
``p_copy`` (models/spike_dilutor.{h,cpp}; deprecated in NEST 3.10, still built).

It sums the multiplicities arriving on receptor 0 (weights are ignored) and, while
active, sends them on in the step they arrive as one event. NEST thins that event in
the event hook of each receiver, recorders included: every target draws its own
binomial count of the event's multiplicity. Here that is the NeuronModel field
``copy_probability``: the slice delivery draws per connection
(kernel/delivery.py) and the spike recorders per recorder connection
(kernel/recording.py), so the streams are the kernel's, not NEST's, and the
agreement is statistical. Connections of a plastic synapse model take the plastic
delivery path, which does not thin (they get every relayed spike): not reproduced.

It is a neuron here so that its input takes the neurons' delivery path; NEST shows
it as a stimulator. Like mip_generator it tests its window once per min_delay slice,
at the slice's first step (_windows.py: active_at). While inactive it does not read
its ring buffer, so what arrives stays there and is read, added to that step's input,
when the slot comes round again (every min_delay + max_delay steps, NEST's ring-buffer
length) in an active slice: the ``stale`` rows keep that per node.
"""

import numpy as np

import jax.numpy as jnp

from ...errors import NESTErrors
from .._spec import Channel, NeuronModel, Param, State
from ..integrators import Exact
from . import _common as C
from ._windows import active_at


def check(p):
    pc = np.asarray(p["p_copy"])
    if np.any((pc < 0) | (pc > 1)):
        return "Copy probability must be in [0, 1]."
    return C.device_check(p)


def pre_run(v, ctx):
    if ctx.threads > 1:  # NEST's init_state_, at the first Prepare
        raise NESTErrors.KernelException(
            "The network contains a spike_dilutor which cannot be used with multiple threads.")
    n = len(v["p_copy"])
    out = {"min_delay_steps": np.full(n, int(ctx.min_delay), np.int64)}
    size = int(ctx.min_delay) + int(ctx.max_delay)
    stale = np.asarray(v["stale"])
    if stale.shape != (n, size):  # the ring buffer as init_buffers_ makes it
        out["stale"] = np.zeros((n, size))
    return out


def update(p, d, s, x, ctx):
    md = s.min_delay_steps
    on = active_at(p, ctx, ctx.n - ctx.n % md)  # the step that opens this min_delay slice
    size = s.stale.shape[1]
    slot = ctx.n % size  # NEST's moduli: the absolute step modulo the buffer's length
    total = s.stale[:, slot] + x.spikes
    stale = s.stale.at[:, slot].set(jnp.where(on, 0.0, total))
    return s.replace(stale=stale), jnp.where(on, jnp.floor(total), 0).astype(jnp.int32)


spike_dilutor = NeuronModel(
    name="spike_dilutor", element_type="stimulator",
    doc="Repeats incoming spikes, each to each target with probability p_copy.",
    params=C.STIMULATION_PARAMS + (
        Param("p_copy", 1.0, None, "probability of copying an incoming spike to a target"),
    ),
    state=(State("min_delay_steps", 1, None, "min_delay in steps", dtype="int", hidden=True),
           State("stale", 0.0, None, "unread ring-buffer slots", hidden=True)),
    # unweighted: the ring buffer receives the multiplicity, not weight x multiplicity
    channels=(Channel("spikes", weighted=False),),
    spike_receptors={0: ("spikes", "spikes")}, current_receptors={},
    copy_probability="p_copy",
    check=check, pre_run=pre_run, update=update, integrator=Exact())
