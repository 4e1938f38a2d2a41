"""correlospinmatrix_detector's counts, computed from a few entries a pulse pair
(difference arrays along the lag bins, all the pulses of a chunk at once), equal those
of NEST's loops over pulses and lags. The reference is the implementation the fast one
replaced (kept here): one numpy call a pulse, pulses x lag bins, event by event; both
run on random pulses and random binary event streams (several lag widths, ports,
chunkings), and the counts must be equal integer by integer."""

import bisect

import numpy as np
import pytest

from pynest_jax.kernel.time import TimeGrid
from pynest_jax.models._spec import HostCtx
from pynest_jax.models.devices import correlospinmatrix_detector as csd


# --- the reference: the implementation before (commit 6b569ad) ------------------------

def _ref_overlaps(cc, i, t_on, t_off, pulses, dt, tmax):
    t0 = tmax // dt
    p = np.asarray(pulses, np.int64).reshape(-1, 3)
    on, off, j = p[:, 0], p[:, 1], p[:, 2]
    lag = np.minimum(t_off, off) - np.maximum(t_on, on)
    hit = lag > 0
    np.add.at(cc, (i, j[hit], t0), lag[hit])
    other = hit & (j != i)
    np.add.at(cc, (j[other], i, t0), lag[other])
    lo = np.trunc(np.maximum(on - t_off, -tmax) / dt).astype(np.int64)
    hi = np.trunc(np.minimum(off - t_on, tmax) / dt).astype(np.int64)
    D = np.concatenate([np.arange(-t0, 0), np.arange(1, t0 + 1)])[None, :]
    use = np.where(D < 0, D >= lo[:, None], (D <= hi[:, None]) & (j != i)[:, None])
    lag = (np.minimum(t_off, off[:, None] - D * dt)
           - np.maximum(t_on, on[:, None] - D * dt))
    use &= lag > 0
    rows, cols = np.nonzero(use)
    d, jj, lg = D[0, cols], j[rows], lag[rows, cols]
    np.add.at(cc, (i, jj, t0 - d), lg)
    np.add.at(cc, (jj, i, t0 + d), lg)


def _ref_handle(v, ev, dt, tmax, min_delay):
    cc = v["count_covariance"].copy()
    pulses = list(v["incoming"])
    dec = dict(v["decoder"])
    state, last_change = list(dec["state"]), list(dec["last_change"])
    for stamp, port, m in zip(ev["stamps"].tolist(), ev["rports"].tolist(),
                              ev["multiplicities"].tolist()):
        down = False
        if m == 1:
            if port == dec["last_i"] and stamp == dec["t_last"]:
                state[port] = True
                last_change[port] = stamp
                dec["tentative_down"] = False
            else:
                down = dec["tentative_down"]
                dec["tentative_down"] = True
        elif m == 2:
            state[port] = True
            down = dec["tentative_down"]
            state[dec["last_i"]] = False
            last_change[port] = stamp
            dec["tentative_down"] = False
        if down:
            i = dec["last_i"]
            t_on, t_off = last_change[i], dec["t_last"]
            t_min_on = min([t_on] + [last_change[n] for n in range(len(state)) if state[n]])
            tau_edge = tmax + dt
            drop = 0
            while drop < len(pulses) and t_min_on - pulses[drop][1] >= tau_edge + min_delay:
                drop += 1
            del pulses[:drop]
            pulses.insert(bisect.bisect_right([p[1] for p in pulses], t_off), (t_on, t_off, i))
            _ref_overlaps(cc, i, t_on, t_off, pulses, dt, tmax)
            last_change[i] = t_off
        dec["last_i"], dec["t_last"] = port, stamp
    dec["state"], dec["last_change"] = state, last_change
    return {"count_covariance": cc, "incoming": pulses, "decoder": dec}


# --- the comparisons ------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(40))
def test_pair_overlaps_equal_reference(seed):
    """Random pulses (overlapping, nested, disjoint, reversed, on the same port and
    not), random lag widths and ranges: all pairs at once equal pulse by pulse."""
    rng = np.random.default_rng(seed)
    N = int(rng.integers(1, 4))
    dt = int(rng.integers(1, 6))
    t0 = int(rng.integers(0, 12))
    tmax = t0 * dt
    span = int(rng.integers(3, 4 * tmax + 10))
    ref = np.zeros((N, N, 2 * t0 + 1), np.int64)
    got = ref.copy()
    a, b = [], []
    for _ in range(int(rng.integers(1, 30))):
        t_on = int(rng.integers(-span, span))
        t_off = t_on + int(rng.integers(-3, span))  # some empty or reversed
        kept = [(int(x), int(x + rng.integers(-3, span)), int(rng.integers(0, N)))
                for x in rng.integers(-span, span, int(rng.integers(1, 8)))]
        i = int(rng.integers(0, N))
        kept.append((t_on, t_off, i))
        _ref_overlaps(ref, i, t_on, t_off, kept, dt, tmax)
        a += [(t_on, t_off, i)] * len(kept)
        b += kept
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    csd._overlaps(got, a[:, 2], a[:, 0], a[:, 1], b[:, 0], b[:, 1], b[:, 2], dt, tmax)
    np.testing.assert_array_equal(got, ref)
    assert ref.any() or seed % 7  # most draws count something


def _events(rng, N, T, n):
    """Binary events as neurons send them: an up-transition a double spike (two
    events of multiplicity 1 in the same step from the same port, or one of
    multiplicity 2), a down-transition one; some in the same step on other ports."""
    out = []
    up = [False] * N
    for t in np.sort(rng.integers(1, T, n)):
        port = int(rng.integers(0, N))
        if up[port]:
            out.append((t, port, 1))
        elif rng.random() < 0.5:
            out += [(t, port, 1), (t, port, 1)]
        else:
            out.append((t, port, 2))
        up[port] = not up[port]
    return np.asarray(out, np.int64).reshape(-1, 3)


@pytest.mark.parametrize("seed", range(24))
def test_handle_equals_reference(seed, monkeypatch):
    """Random binary event streams in random chunks through the detector's handle (its
    overlaps counted in batches of random sizes, and after some chunks as after a run)
    and through the reference: the same counts, the same pulses kept, the same
    decoder."""
    rng = np.random.default_rng(100 + seed)
    monkeypatch.setattr(csd, "BATCH", int(rng.choice([1, 7, 50, 8192])))
    grid = TimeGrid(0.1)
    N = int(rng.integers(1, 4))
    dt = int(rng.integers(1, 6))
    tmax = dt * int(rng.integers(1, 30))
    min_delay = int(rng.integers(1, 4))
    ev = _events(rng, N, int(rng.integers(50, 3000)), int(rng.integers(5, 400)))
    v = csd._fresh(grid, {"N_channels": N, "delta_tau": dt * grid.h, "tau_max": tmax * grid.h})
    ref = {**v, "incoming": []}  # (the reference kept the pulses as a list)
    ctx = HostCtx(grid=grid, min_delay=min_delay)
    cuts = np.sort(rng.integers(0, len(ev), int(rng.integers(0, 6))))
    parts = np.split(ev, cuts)
    for n, part in enumerate(parts):
        chunk = {"stamps": part[:, 0], "rports": part[:, 1], "multiplicities": part[:, 2]}
        ref = _ref_handle(ref, chunk, dt, tmax, min_delay)
        new, written = csd.handle(v, chunk, ctx)
        assert written is None
        v = {**v, **new}
        inc = v["incoming"]
        assert [inc["pulses"][k] for k in inc["kept"]] == ref["incoming"]
        assert v["decoder"] == ref["decoder"]
        if n == len(parts) - 1 or rng.random() < 0.5:  # a run ends
            v.update({k: x[0] for k, x in csd.after_run(
                {k: [x] for k, x in v.items()}, ctx).items()})
            assert not v["incoming"]["new"]
            np.testing.assert_array_equal(v["count_covariance"], ref["count_covariance"])
    assert ref["count_covariance"].sum() > 0
