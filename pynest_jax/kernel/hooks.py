"""Host-side hooks of model declarations, called by the kernel around a run.

``pre_run`` is NEST's pre_run_hook (at Prepare); ``host_prepare`` runs before
every Run and turns host values (vectors) into device arrays; ``calibrate``
adjusts model defaults when the resolution changes. Each hook sees one
population's values and returns updates; this module writes them back.
"""

from __future__ import annotations

import numpy as np

from . import ports
from .graph import calibrate_defaults


def _ctx(kernel, pop, until=None):
    return kernel.host_ctx(pop.gids, until)


def _values(pop):
    return {**pop.arrays, **pop.host}


def _write(pop, updates) -> dict:
    """Write updates of declared keys; return the rest (extra device arrays)."""
    extra = {}
    for k, v in updates.items():
        if k in pop.arrays:
            v = np.asarray(v, pop.arrays[k].dtype)
            # one value per node, or a row per node (per-target state of a generator)
            pop.arrays[k] = v.reshape((len(pop),) + v.shape[1:]).copy()
        elif k in pop.host:
            pop.host[k] = list(v)
        else:
            extra[k] = v
    return extra


def pre_run(kernel) -> bool:
    """Call every population's pre_run; True when state was written."""
    wrote = False
    ports.spike_weight_check(kernel.graph)
    for pop in kernel.graph.pop_list:
        if ports.resize_state(pop):  # a new number of port channels: a new structure
            kernel.graph.structure_version += 1
            wrote = True
        hook = getattr(pop.spec, "pre_run", None)
        if hook is None or len(pop) == 0:
            continue
        extra = _write(pop, hook(_values(pop), _ctx(kernel, pop)))
        assert not extra, f"{pop.spec.name}.pre_run returned undeclared keys {sorted(extra)}"
        wrote = True
    return wrote


def after_run(kernel):
    """Call every population's after_run (host values mirroring device state)."""
    for pop in kernel.graph.pop_list:
        hook = getattr(pop.spec, "after_run", None)
        if hook is not None and len(pop):
            extra = _write(pop, hook(_values(pop), _ctx(kernel, pop)))
            assert not extra, f"{pop.spec.name}.after_run returned undeclared keys {sorted(extra)}"


def host_prepare(kernel, until: int):
    """Call every population's host_prepare: (extra device arrays by population, wrote state)."""
    extras, wrote = {}, False
    for pop in kernel.graph.pop_list:
        hook = getattr(pop.spec, "host_prepare", None)
        if hook is None or len(pop) == 0:
            continue
        updates = hook(_values(pop), _ctx(kernel, pop, until))
        extras[pop.spec.name] = _write(pop, updates)
        wrote = wrote or len(extras[pop.spec.name]) < len(updates)
    return extras, wrote


def calibrate(graph, grid):
    """NEST's calibrate_time on model prototypes after a change of resolution: those made
    so far now, the others when they are made (Graph)."""
    for _, entry in graph.models.made():
        calibrate_defaults(entry, grid)
    graph.calibrations.append(grid)


def feeds_structure(spec, key) -> bool:
    """Whether changing a host value of a node needs the program rebuilt.

    Strings never reach the program; vectors of a model with host_prepare, and
    per-port vectors, become device arrays at every Run, so changing them
    compiles nothing (unless a padded shape grows).
    """
    decl = {d.name: d for d in spec.params + spec.state}.get(key)
    if decl is None or decl.dtype == "str":
        return False
    if getattr(decl, "per_port", False):  # values: arguments; a new width: at Prepare (ports.py)
        return False
    return getattr(spec, "host_prepare", None) is None


def spike_offsets(kernel, pop, loc, senders, stamps, offsets):
    """Offsets of recorded spikes sent with precise times (GeneratorModel.spike_offsets)."""
    v, ctx = _values(pop), _ctx(kernel, pop)
    out = offsets.copy()
    for g in np.unique(senders):
        sel = senders == g
        got = pop.spec.spike_offsets(v, int(kernel.graph.node_local[g]), ctx, stamps[sel])
        if len(got):
            out[sel] = got
    return out
