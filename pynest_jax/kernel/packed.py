"""A large population's state, stacked: one (keys, n) array per kind of value.

A population's state travels in the run's carry as one array per state variable
(iaf_psc_alpha: a dozen). Each is an argument and a result of every jitted call, a
loop-carried value of the step loop (XLA copies each one per step) and a device-to-host
copy when the state is read back after the run: at a short Simulate call of a
100-neuron network about a fifth of the Python thread's time. A population of more than
``PACK_OVER`` nodes (whose arrays are too large for XLA CPU's in-order execution of a
loop body anyway: kernel/chunk.py, ``_SMALL``) and at most ``PACK_UP_TO`` keeps its
one-value-per-node arrays of each declared kind (float, int, bool) stacked into one
array, ``"#float"`` and so on; the step unpacks them (slices, which XLA fuses into their
readers) and stacks them again. Smaller populations keep one array per variable: their
step loop runs in order on the calling thread only while every buffer it touches is
small. Larger ones do too: stacking is one more pass over the state per step, which
costs more than it saves there (20,000 iaf_psc_alpha: 680 -> 750-800 us of CPU per
step; 2,000 in a network with connections: +1-2 %; 200 and 600: no change).

The layout is static (``PopPlan.packed``, part of the compiled core's signature); the
host packs with numpy (Program.initial_carry, write_state) and unpacks after the run
(Program.read_state).
"""

from __future__ import annotations

PACK_OVER = 64  # nodes: 64 float64 values are XLA CPU's 512 bytes
PACK_UP_TO = 1024


def layout(spec, n: int, arrays) -> tuple:
    """((kind, keys), ...): the state variables of a population of ``n`` nodes that are
    kept stacked, by declared kind (two or more of a kind, one value per node)."""
    if not PACK_OVER < n <= PACK_UP_TO:
        return ()
    groups: dict = {}
    for s in spec.state:
        if s.dtype in ("float", "int", "bool") and getattr(arrays.get(s.name), "ndim", 0) == 1:
            groups.setdefault(s.dtype, []).append(s.name)
    return tuple((kind, tuple(keys)) for kind, keys in groups.items() if len(keys) > 1)


def pack(state: dict, lay, stack) -> dict:
    """``state`` ({key: array}) with the keys of ``lay`` stacked (``stack``: np.stack or
    jnp.stack)."""
    if not lay:
        return state
    out = dict(state)
    for kind, keys in lay:
        out["#" + kind] = stack([out.pop(k) for k in keys])
    return out


def unpack(state: dict, lay) -> dict:
    """pack undone: the stacked arrays' rows under their keys."""
    if not lay:
        return state
    out = dict(state)
    for kind, keys in lay:
        rows = out.pop("#" + kind)
        for i, k in enumerate(keys):
            out[k] = rows[i]
    return out
