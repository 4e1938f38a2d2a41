"""The compiled cores, shared by programs of the same structure (kernel/program.py).

Scripts that scan parameters rebuild the same network after ResetKernel again and again
(NEST's gallery: brunel_alpha_evolution_strategies, parameter sweeps); only values change,
so the compiled program must not. The core holds exactly what the trace reads from Python
(population plans, the projections' static shape, the recording plan, the grid), and
`signature` is that content: two programs with equal signatures share one jitted function
and its compilations. The core holds no connection arrays, so the cache pins no network.
"""

import numpy as np

from ..numerics import libm_exp

CORES: dict = {}
CORES_MAX = 16


def freeze(x):
    """A hashable form of the static data (arrays by content)."""
    if isinstance(x, dict):
        return tuple((k, freeze(v)) for k, v in sorted(x.items(), key=lambda kv: str(kv[0])))
    if isinstance(x, (list, tuple)):
        return tuple(freeze(v) for v in x)
    if isinstance(x, np.ndarray):
        return (x.dtype.str, x.shape, x.tobytes())
    if isinstance(x, (set, frozenset)):
        return tuple(sorted(freeze(v) for v in x))
    return x


def signature(prog):
    plans = tuple((p.name, id(p.spec), p.n, p.kind, freeze({k: str(v) for k, v in p.units.items()}),
                   p.device_keys, p.n_channels, p.packed) for p in prog.plans)
    # (min_d: the least delay, which only the host reads, for the slice's length)
    shapes = tuple(freeze({k: v for k, v in vars(pr).items() if k != "min_d"})
                   for pr in prog.layout.projections)
    rec = prog.recording
    recorded = (freeze(rec.spiking), freeze({k: (tuple(v["vars"]), v["local"])
                                                 for k, v in rec.sampled.items()}))
    g = prog.grid
    return (plans, shapes, recorded, g.h, g.tics_per_ms, g.tics_per_step, prog.L, prog.chunk,
            prog.D_shape, libm_exp.enabled())


def core_for(prog, make):
    sig = signature(prog)
    core = CORES.pop(sig, None)
    if core is None:
        core = make(prog)
        while len(CORES) >= CORES_MAX:
            CORES.pop(next(iter(CORES)))
    CORES[sig] = core  # most recently used last
    return core
