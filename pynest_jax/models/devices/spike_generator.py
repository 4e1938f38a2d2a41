"""spike_generator: spikes at given times (models/spike_generator.cpp).

Times are rounded as NEST rounds them when they are set (Parameters_::set):
on the grid, or up to it with ``allow_offgrid_times``; with
``precise_times`` up to it, the difference kept as the spike's offset; a
spike at the current time moves one step later with ``shift_now_spikes``.
A spike with stamp ``s`` (steps, after origin) is sent in step ``s - 1``
when ``t_min < s <= t_max``; stamps not after the current time are skipped.
All of this is decided on the host; the device reads one entry per step.
"""

import jax.numpy as jnp
import numpy as np

from ..._brainunit import u
from ...errors import NESTErrors
from .._spec import GeneratorModel, Param, State
from . import _common as C
from ._pointer import NEVER, at, pointer_start, ragged

_NAME = "spike_generator"
_FLAGS = ("precise_times", "shift_now_spikes", "allow_offgrid_times")


def _stamp(t, flags, origin_tics, ctx, name=_NAME):
    """assert_valid_spike_time_and_insert_: (stamp in tics, offset in ms)."""
    grid = ctx.grid
    precise, shift, allow = flags
    if t == 0.0 and not shift:
        # spike_train_injector's message is capitalised
        raise NESTErrors.BadProperty(
            f"{'s' if name == _NAME else 'S'}pike time cannot be set to 0.")
    if precise:
        x = int(C.stamp_tics(grid, t))
    else:
        x = C.grid_tics(name, grid, t, allow)
        if shift and origin_tics + x == ctx.now * grid.tics_per_step:
            x += grid.tics_per_step
    if not precise:
        return x, 0.0
    ms = float(C.ms_of_tics(grid, x))
    offset = ms - t
    if abs(offset) < np.finfo(float).eps * abs(ms + t) * 2.0 or abs(offset) < np.finfo(float).tiny:
        offset = 0.0
    return x, offset


def _node(i, old, new, ctx, name=_NAME):
    """Parameters_::set for one node: the keys to write."""
    get = lambda k: new[k][i] if k in new else old[k][i]
    flags = tuple(bool(get(k)) for k in _FLAGS)
    out = {}
    if flags[0] and (flags[1] or flags[2]):
        raise NESTErrors.BadProperty(
            "Option precise_times cannot be set to true when either allow_offgrid_times or "
            "shift_now_spikes is set to true.")
    if any(k in new for k in _FLAGS) and not (
            "spike_times" in new or len(old["spike_times"][i]) == 0):
        raise NESTErrors.BadProperty(
            "Options can only be set together with spike times or if no spike times have "
            "been set.")
    n_spikes = len(old["spike_times"][i])
    if "spike_times" in new:
        times = np.asarray(new["spike_times"][i], float).reshape(-1)
        origin = int(C.tics(ctx.grid, get("origin")))
        stamps, offsets = [], []
        for j, t in enumerate(times):
            if j and times[j - 1] > t:
                raise NESTErrors.BadProperty("Spike times must be sorted in non-descending order.")
            x, off = _stamp(float(t), flags, origin, ctx, name)
            stamps.append(x)
            offsets.append(off)
        stamps, offsets = np.array(stamps, np.int64), np.array(offsets, float)
        out["spike_times"] = C.ms_of_tics(ctx.grid, stamps) - offsets
        n_spikes = len(stamps)
    for key, what in (("spike_weights", "spike_times,"), ("spike_multiplicities", "spike_times")):
        if key in new and key in old:
            v = np.asarray(new[key][i]).reshape(-1)
            if len(v) and len(v) != n_spikes:
                raise NESTErrors.BadProperty(
                    f"{key} must have the same number of elements as {what} or 0 elements "
                    "to clear the property.")
            out[key] = v.astype(float if key == "spike_weights" else np.int64)
    return out


def on_set(old, new, ctx, name=_NAME):
    new = C.device_on_set(old, new, ctx)
    if not any(k in new for k in ("spike_times", "spike_weights", "spike_multiplicities")
               + _FLAGS):
        return new
    n = len(next(iter(old.values())))
    rows = [_node(i, old, new, ctx, name) for i in range(n)]
    for k in rows[0]:
        new[k] = [r[k] for r in rows]
    return new


def _stamps(v, i, grid):
    """(stamps in tics, offsets in ms) of node i's spikes, from its spike_times as NEST
    reports them: grid times, or with precise_times a stamp minus its offset."""
    t = np.asarray(v["spike_times"][i], float)
    if not v["precise_times"][i]:
        return C.tics(grid, t), np.zeros(len(t))
    x = C.stamp_tics(grid, t)
    return x, C.ms_of_tics(grid, x) - t


def _events(v, i, ctx):
    """(steps of sending, count, weighted amount, offset) of node i's spikes, grouped by
    step, and with precise_times by offset within a step (earliest first): a precise
    target receives each offset as its own event."""
    grid = ctx.grid
    tics, offsets = _stamps(v, i, grid)
    stamps = C.steps_of_tics(grid, C.tics(grid, v["origin"][i]) + tics)
    t_min, t_max = C.window(grid, v["origin"][i], v["start"][i], v["stop"][i])
    keep = (t_min < stamps) & (stamps <= t_max)
    mult = v["spike_multiplicities"][i]
    mult = np.asarray(mult if len(mult) else np.ones(len(stamps)), float)
    w = v["spike_weights"][i] if "spike_weights" in v else ()
    w = np.asarray(w if len(w) else np.ones(len(stamps)), float)
    if v["precise_times"][i]:
        pairs, inv = np.unique(np.stack([stamps[keep], -offsets[keep]]), axis=1,
                               return_inverse=True)
        steps, offsets = pairs[0].astype(np.int64), -pairs[1]
    else:
        steps, inv = np.unique(stamps[keep], return_inverse=True)
        offsets = np.zeros(len(steps))
    inv = inv.reshape(-1)
    count = np.bincount(inv, mult[keep], len(steps))
    amount = np.bincount(inv, (w * mult)[keep], len(steps))
    sent = count > 0
    return steps[sent], count[sent], amount[sent], offsets[sent]


def host_prepare(v, ctx):
    ev = [_events(v, i, ctx) for i in range(len(v["origin"]))]
    steps = [e[0] for e in ev]
    table, base = ragged(steps, NEVER, np.int64, min_len=int(np.max(v["pad"])))
    L = len(table)
    out = {"spk_steps": table, "spk_base": base,
           "spk_count": ragged([e[1] for e in ev], 0, np.int32, min_len=L)[0],
           "spk_amount": ragged([e[2] for e in ev], 0.0, float, min_len=L)[0],
           "pos": pointer_start(steps, ctx.now), "pad": np.full(len(steps), L)}
    if np.any(v["precise_times"]):
        # lanes: the most entries (distinct offsets) one node sends in one step
        lanes = max([int(np.unique(r, return_counts=True)[1].max()) for r in steps if len(r)]
                    + [1])
        out.update(spk_offset=ragged([e[3] for e in ev], 0.0, float, min_len=L)[0],
                   spk_lanes=np.zeros((len(steps), lanes), np.int8))
    return out


def emit(p, d, s, ctx):
    """This step's entries: their totals (recorders, grid targets) and each entry as a
    lane of (count, amount, offset) for precise targets."""
    lanes, pos = [], s.pos
    precise = "spk_lanes" in p  # (pulsepacket_generator sends on the grid, one lane)
    for _ in range(p.spk_lanes.shape[1] if precise else 1):
        hit = at(p.spk_steps, p.spk_base, pos) == ctx.n + 1
        lanes.append((jnp.where(hit, at(p.spk_count, p.spk_base, pos), 0),
                      jnp.where(hit, at(p.spk_amount, p.spk_base, pos), 0.0),
                      jnp.where(hit, at(p.spk_offset, p.spk_base, pos), 0.0) if precise
                      else jnp.zeros(pos.shape)))
        pos = pos + hit
    count, amount, offset = (jnp.stack(x) for x in zip(*lanes))
    return s.replace(pos=pos), (jnp.sum(count, 0), jnp.sum(amount, 0), (count, amount, offset))


def spike_offsets(v, i, ctx, stamps):
    """Offsets of node i's spikes sent with the given stamps (precise_times), one per
    spike and multiplicity, in the order they were sent; for the spike recorder."""
    if not v["precise_times"][i]:
        return np.zeros(0)
    grid = ctx.grid
    tics, offsets = _stamps(v, i, grid)
    own = C.steps_of_tics(grid, C.tics(grid, v["origin"][i]) + tics)
    mult = v["spike_multiplicities"][i]
    mult = np.asarray(mult if len(mult) else np.ones(len(own)), np.int64)
    out = []
    for st in np.unique(stamps):
        sel = own == st
        out.append(np.repeat(offsets[sel], mult[sel]))
    return np.concatenate(out) if out else np.zeros(0)


# what spike_train_injector shares (after spike_times)
TRAIN_PARAMS = (
    Param("spike_multiplicities", np.zeros(0), None, "multiplicity of each spike",
          dtype="vector"),
    Param("precise_times", False, None, "keep off-grid times as offsets", dtype="bool"),
    Param("allow_offgrid_times", False, None, "round times up to the grid", dtype="bool"),
    Param("shift_now_spikes", False, None, "move spikes at the current time one step on",
          dtype="bool"),
)

spike_generator = GeneratorModel(
    name=_NAME, event="spike", doc="Spikes at given times.", sends_signal="all",
    repeats=True,
    params=C.STIMULATION_PARAMS + (
        Param("spike_times", np.zeros(0), u.ms, "spike times", dtype="vector"),
        Param("spike_weights", np.zeros(0), None, "weight factor of each spike", dtype="vector"),
    ) + TRAIN_PARAMS,
    state=(State("pos", 0, None, "next spike", dtype="int", hidden=True),
           C.PAD_STATE),
    check=C.device_check, on_set=on_set, host_prepare=host_prepare, emit=emit,
    spike_offsets=spike_offsets)
