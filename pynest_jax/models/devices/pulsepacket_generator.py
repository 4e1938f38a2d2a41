"""pulsepacket_generator: Gaussian packets of spikes (models/pulsepacket_generator.cpp).

Around each pulse time, ``activity`` spikes at times drawn from
N(pulse, sdev), the same spikes to all targets. NEST draws a pulse's spikes in
the first min_delay slice whose start ``T`` is within ``10 sdev`` (1 ms when
sdev = 0) before the pulse, drops those before ``T``, and sends a spike at
time x (ms) in step ceil(x / h), stamp one later; the device is active for a
slice when ``t_min < T <= t_max``. Prepare re-selects pulses within that
tolerance of the current time, so a pulse near the end of one Simulate is
drawn again in the next (its spikes after the new start then come twice), as
in NEST.

The slices of a run are replayed here on the host, in host_prepare, with
numpy's generator seeded by (rng_seed, node id, run); spike_generator's
device code then sends them.
"""

import numpy as np

from ..._brainunit import u
from .._spec import GeneratorModel, Param, State
from . import _common as C
from ._pointer import NEVER, ragged
from .spike_generator import emit

_SDEV_TOLERANCE = 10.0


def check(p):
    if np.any(np.asarray(p["activity"]) < 0):
        return "The activity cannot be negative."
    if np.any(np.asarray(p["sdev"]) < 0):
        return "The standard deviation cannot be negative."
    return C.device_check(p)


def on_set(old, new, ctx):
    new = C.device_on_set(old, new, ctx)
    if any(k in new for k in ("pulse_times", "activity", "sdev")):
        n = len(old["sdev"])
        if "pulse_times" in new:
            new["pulse_times"] = [np.sort(np.asarray(t, float).reshape(-1))
                                  for t in new["pulse_times"]]
        new["pending"] = [np.zeros(0, np.int64) for _ in range(n)]  # spiketimes_.clear()
    return new


def _tolerance(sdev):
    return sdev * _SDEV_TOLERANCE if sdev > 0.0 else 1.0


def pre_run(v, ctx):
    now = C.now_ms(ctx)
    start, stop = [], []
    for pulses, sdev in zip(v["pulse_times"], v["sdev"]):
        tol = _tolerance(sdev)
        near = pulses - now <= tol  # sorted: a prefix
        stop.append(int(np.sum(near)))
        start.append(int(np.sum(near & (np.abs(pulses - now) > tol))))
    return {"start_idx": start, "stop_idx": stop}


def _run_one(v, i, ctx, rng):
    """Replay NEST's update for the slices of [now, until):
    (steps sent, start_idx, stop_idx, pending)."""
    grid, md = ctx.grid, ctx.min_delay
    first = ctx.now // md * md
    T = np.arange(first, ctx.until, md)
    t_min, t_max = C.window(grid, v["origin"][i], v["start"][i], v["stop"][i])
    T = T[(t_min < T) & (T <= t_max)]
    pending = np.asarray(v["pending"][i], np.int64)
    start = int(v["start_idx"][i])
    if len(T) == 0:
        return np.zeros(0, np.int64), start, int(v["stop_idx"][i]), pending
    A, B = int(T[0]), int(T[-1])
    pulses = np.asarray(v["pulse_times"][i], float)[start:]
    tol = _tolerance(float(v["sdev"][i]))
    tps = grid.tics_per_step
    p_tics = C.tics(grid, pulses)
    # First slice start T (a multiple of md) with (P - T) in ms <= tol; pulses
    # already selected at Prepare are drawn in the first active slice.
    k = np.ceil((p_tics - tol * grid.tics_per_ms) / (md * tps)).astype(np.int64)
    def ok(k):
        return (1.0 / grid.tics_per_ms) * (p_tics - k * md * tps) <= tol
    k = np.where(ok(k - 1), k - 1, k)  # settle the float rounding of the estimate
    k = np.where(ok(k), k, k + 1)
    Tk = np.maximum(k * md, A)
    Tk[: max(0, int(v["stop_idx"][i]) - start)] = A
    done = Tk <= B
    a = int(v["activity"][i])
    x = float(v["sdev"][i]) * rng.standard_normal((int(done.sum()), a)) + pulses[done][:, None]
    x_tics = C.tics(grid, x)
    keep = x_tics >= (Tk[done] * tps)[:, None]
    born = np.broadcast_to(Tk[done][:, None], x.shape)[keep]
    spikes = np.concatenate([pending, C.steps_of_tics(grid, x_tics[keep])])
    avail = np.concatenate([np.full(len(pending), A), born])
    # Sent in the first active slice at or after both; a spike left behind by an
    # inactive slice goes out at the start of the run (NEST sends it "late").
    slice_of = np.maximum(avail, spikes // md * md)
    sent = (slice_of <= B) & (spikes < ctx.until)
    step = np.maximum(spikes[sent], np.maximum(slice_of[sent], ctx.now))
    start += int(done.sum())
    return np.sort(step), start, start, np.sort(spikes[~sent])


def host_prepare(v, ctx):
    n = len(v["origin"])
    sent, starts, stops, pend = [], [], [], []
    for i in range(n):
        gid = int(ctx.gids[i]) if ctx.gids is not None else i
        rng = np.random.default_rng([ctx.seed, gid, ctx.now, ctx.until])
        step, start, stop, pending = _run_one(v, i, ctx, rng)
        sent.append(step)
        starts.append(start)
        stops.append(stop)
        pend.append(pending)
    uniq = [np.unique(s, return_counts=True) for s in sent]
    # The number of steps with spikes varies from run to run: keep the padded
    # length at its high-water mark so that it rarely changes (and compiles).
    pad = int(np.max(v["pad"]))
    steps, base = ragged([s + 1 for s, _ in uniq], NEVER, np.int64, min_len=pad)  # stamps
    L = len(steps)
    return {"spk_steps": steps, "spk_base": base,
            "spk_count": ragged([c for _, c in uniq], 0, np.int32, min_len=L)[0],
            "spk_amount": ragged([c for _, c in uniq], 0.0, float, min_len=L)[0],
            "pos": np.zeros(n, np.int64), "start_idx": starts, "stop_idx": stops,
            "pending": pend, "pad": np.full(n, L)}


pulsepacket_generator = GeneratorModel(
    name="pulsepacket_generator", event="spike", uses_rng=True, ds_test_event=False,
    doc="Gaussian packets of spikes around given pulse times.",
    params=C.STIMULATION_PARAMS + (
        Param("pulse_times", np.zeros(0), u.ms, "times of the pulse centres", dtype="vector"),
        Param("activity", 0, None, "spikes per pulse", dtype="int"),
        Param("sdev", 0.0, u.ms, "standard deviation of the spike times in a pulse"),
    ),
    state=(State("pos", 0, None, "next spike", dtype="int", hidden=True),
           State("start_idx", 0, None, "first pulse not yet drawn", dtype="int", hidden=True),
           State("stop_idx", 0, None, "end of the pulses selected", dtype="int", hidden=True),
           State("pending", np.zeros(0, np.int64), None, "drawn spike steps not yet sent",
                 dtype="vector", hidden=True),
           C.PAD_STATE),
    check=check, on_set=on_set, pre_run=pre_run, host_prepare=host_prepare, emit=emit)
