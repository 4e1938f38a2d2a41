"""Synthetic runs (snapshots as `_child.py` writes them) with known differences.

Used by tests/test_gallery_runner.py and by `python -m gallery.calibrate`, which measures
the statistical rule's false-alarm rate and power on them.
"""

import numpy as np


def rec(gid, model, **fields):
    return {"gid": gid, "model": model, "data": {k: np.asarray(v) for k, v in fields.items()}}


def run_of(*recorders, resets=0):
    """Snapshots of one run: `resets` empty ones before ResetKernel, then the end."""
    empty = [{"when": f"before ResetKernel #{i + 1}", "recorders": [], "error": None} for i in range(resets)]
    return empty + [{"when": "end", "recorders": list(recorders), "error": None}]


def spikes(seed, rate=1.0, n_neurons=50, t_stop=1000.0, gid=100):
    """Poisson spike trains of n_neurons at `rate` spikes/ms in total, as a spike_recorder."""
    rng = np.random.default_rng(seed)
    n = rng.poisson(rate * t_stop)
    times = np.round(np.sort(rng.uniform(0.0, t_stop, n)), 1)
    return rec(gid, "spike_recorder", times=times, senders=rng.integers(1, n_neurons + 1, n))


def trace(seed=None, n=1000, gid=101, shift=0.0):
    """A voltmeter trace: deterministic without seed, else with AR(1) noise."""
    t = np.arange(1.0, n + 1.0)
    v = -70.0 + 5.0 * np.sin(t / 50.0) + shift
    if seed is not None:
        rng, noise = np.random.default_rng(seed), np.zeros(n)
        for i in range(1, n):
            noise[i] = 0.95 * noise[i - 1] + rng.normal()
        v = v + noise
    return rec(gid, "voltmeter", times=t, senders=np.full(n, 1), V_m=v)


def diverging_run(seed, n_snapshots=40, factor=1.0):
    """An optimiser loop: each iteration's rate depends on the run's own history."""
    rng, snapshots = np.random.default_rng(seed), []
    for k in range(n_snapshots):
        n = rng.poisson(factor * np.exp(rng.normal(0.0, 0.5)) * 200)
        times = np.round(np.sort(rng.uniform(0, 1000, n)), 1)
        recorder = rec(10, "spike_recorder", times=times, senders=rng.integers(1, 50, n))
        snapshots.append({"when": f"before ResetKernel #{k + 1}", "recorders": [recorder], "error": None})
    return snapshots


def shared_noise_run(seed, factor=1.0, n_snapshots=40):
    """A loop whose iterations share their noise (NEST's stream restarts at each ResetKernel).

    Each iteration's count is Poisson around a rate that one draw per run moves by 2 %,
    so the count pooled over iterations varies from seed to seed ~3x more than Poisson.
    """
    rng, snapshots = np.random.default_rng(seed), []
    common = 1.0 + 0.02 * rng.normal()
    for k in range(n_snapshots):
        n = rng.poisson(500.0 * (1.0 + 0.5 * np.sin(k)) * common * factor)
        times = np.round(np.sort(rng.uniform(0, 1000, n)), 1)
        recorder = rec(100, "spike_recorder", times=times, senders=rng.integers(1, 51, n))
        snapshots.append({"when": f"before ResetKernel #{k + 1}", "recorders": [recorder], "error": None})
    return snapshots


def network_run(seed, factor=1.0):
    """A network whose activity swings from run to run (common fluctuation of 10 %), with a
    spike recorder and a noisy membrane trace, as the brunel and brette scripts record."""
    rng = np.random.default_rng(seed)
    common = np.exp(0.1 * rng.normal())
    return run_of(spikes(seed, rate=2.0 * common * factor), trace(seed=seed + 1, n=2000, shift=2.0 * (common - 1)))


def sparse_run(seed, factor=1.0, n_recorders=200, mean_events=2.0):
    """Many spike recorders of one parrot each, a few spikes apiece (urbanczik_synapse_example:
    200 parrots at 10 spikes/s for 200 ms), so some recorders hold fewer than 2 events."""
    rng = np.random.default_rng(seed)
    recorders = []
    for k in range(n_recorders):
        n = rng.poisson(mean_events * factor)
        times = np.round(np.sort(rng.uniform(0.0, 200.0, n)), 1)
        recorders.append(rec(401 + k, "spike_recorder", times=times, senders=np.full(n, 201 + k)))
    return run_of(*recorders)


def poisson_run(seed, factor=1.0):
    return run_of(spikes(seed, rate=factor))


def short_trace_run(seed, shift=0.0):
    """A noisy trace only a few correlation times long (the AR(1) time is 20 samples)."""
    return run_of(trace(seed=seed, n=120, shift=shift))


def grid_layer(n_side=15, extent=3.0, gid=-1):
    """The kernel-state record of a grid layer's positions (`_kernel_state.py`), node ids 1..n_side^2."""
    step = extent / n_side
    x, y = np.meshgrid(-extent / 2 + step * (np.arange(n_side) + 0.5), extent / 2 - step * (np.arange(n_side) + 0.5),
                       indexing="ij")
    return rec(gid, "kernel state: positions of layer 1 (iaf_psc_alpha)", node_ids=np.arange(1, n_side**2 + 1),
               x=x.ravel(), y=y.ravel())


def bernoulli_projection(seed, layer, p=0.5, radius=0.5, gid=-2):
    """The kernel-state record of a layer connected to itself as `spatial/connex.py` does:
    pairwise Bernoulli(p) within a circular mask, sorted; weights uniform in [0.5, 2),
    or 1 where p is 1 (a deterministic projection)."""
    rng = np.random.default_rng(seed)
    ids, pos = layer["data"]["node_ids"], np.stack([layer["data"]["x"], layer["data"]["y"]], axis=1)
    distance = np.linalg.norm(pos[None, :, :] - pos[:, None, :], axis=2)  # [source, target]
    source, target = np.nonzero((distance <= radius) & (rng.random(distance.shape) < p))
    return rec(gid, "kernel state: connections iaf_psc_alpha -> iaf_psc_alpha (static_synapse)",
               sources=ids[source], targets=ids[target], receptors=np.zeros(source.size, int),
               weights=rng.uniform(0.5, 2.0, source.size) if p < 1 else np.ones(source.size),
               delays=np.ones(source.size),
               distances=distance[source, target])


def spatial_run(seed, p=0.5, radius=0.5):
    layer = grid_layer()
    return run_of(bernoulli_projection(seed, layer, p, radius), layer)
