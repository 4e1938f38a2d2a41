"""Plastic projections' rows: one padded row per source whose places carry each
connection's plastic values (the carry's "syn"), built from the graph's connection
columns at Prepare and read back into them (kernel/projections.py lays the tables out)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .._brainunit import u
from .table_reads import _chunks, _rows, _signs, padded

PLASTIC_BATCH = 16384  # connections per batch of the plastic delivery (kernel/plasticity.py)
HISTORY_BATCH = 64  # the same for readers of a per-step history (kernel/archives.py)


def _plastic_models(graph, conns, rows):
    """[(synapse id, model name)] of the plastic models with live connections, by id."""
    syn = conns.col("syn")[rows] if len(rows) else np.zeros(0, np.int16)
    out = []
    for sid in np.unique(syn):
        name = graph.synapse_names[int(sid)]
        spec, defaults, _ = graph.synapses[name]
        # a model with a weight recorder goes the same way: its events are seen one by one
        if spec.plastic or defaults.get("weight_recorder"):
            out.append((int(sid), name))
    return out


def _make_plastic(proj, arrays, graph, model, tpop):
    """An event projection whose rows carry per-connection values (the carry's "syn")."""
    spec, defaults, _ = graph.synapses[model]
    proj.kind = "plastic"
    proj.model = model
    proj.spec = spec
    proj.recorder = int(defaults["weight_recorder"]) if defaults.get("weight_recorder") else None
    proj.units = {"weight": None, "delay": u.ms,
                  **{p.name: p.unit for p in spec.params + spec.hidden + spec.common}}
    proj.keys = ("weight",) + spec.connection_keys
    delay = graph.connections.col("delay")[_rows(arrays)]
    proj.one_delay = bool(len(delay) and np.all(delay == delay[0]))
    if proj.one_delay:
        # one delay: not a row, and not a constant of the compiled chunk either but a
        # value among the device arrays (``delay_ms``, in steps ``d_one``), so that
        # networks that differ in it share one compilation (NEST's tests run one
        # network under several delays)
        arrays["delay_ms"] = np.float64(delay[0])
        arrays["d_one"] = np.int32(proj.const.pop("d"))
    else:
        proj.keys = proj.keys + ("delay",)
    # events (a source's spike) per batch: a slice's events go in batches of about
    # PLASTIC_BATCH connections. A reader of a per-step history (Clopath, Urbanczik)
    # walks every entry since its last spike for every row of its batch, real or
    # padding: its batches are small (urbanczik_synapse_example: 1,600 rows per batch
    # for 0.2 events per step made the walk most of the run)
    # for 0.2 events per step made the walk most of the run). At least 2: XLA turns the
    # gather and scatter of a single row into a dynamic slice, which it does not update
    # in place next to the other rows' arrays: every batch then copied every row of the
    # projection (hpc_benchmark's 9,000 connections per source: 30 ms per spike).
    size = HISTORY_BATCH if spec.post in ("clopath", "urbanczik") else PLASTIC_BATCH
    proj.batch = int(max(2, min(proj.n_src, 256, size // proj.width)))


def _plastic_device_arrays(proj, a, w, L):
    """Delivery tables of a plastic projection: where each connection adds (channel
    by the sign of its weight at Prepare; NEST's plastic models keep the sign) and
    whether its channel counts spikes instead of adding weights."""
    N, C = proj.n_tgt, proj.n_chan
    const = proj.const
    big = L * C * N
    itype = np.int32 if 2 * big < 2 ** 31 else np.int64
    out = {"tgt": jnp.asarray(a["tgt"])}
    for k in ("d", "row_of", "delay_ms", "d_one"):
        if k in a:
            out[k] = jnp.asarray(a[k])
    if "cp" in const and "cn" in const and all(proj.weighted):
        # one port (the common case): the channel from the weights' signs alone, no
        # table of the padded size
        cp, cn = const["cp"], const["cn"]
        real = bool((a["row_of_place"] >= 0).any())
        if cp == cn or not real:
            one = cp if real else 0
        else:
            pos, all_pos = _signs(a, w)
            one = cp if all_pos else cn if not pos else None
        if one is not None:
            out["ch"] = jnp.asarray(np.int64(one), itype)
            return out
    wpad = padded(a, w)
    cp = const["cp"] if "cp" in const else a["cp"]
    cn = const["cn"] if "cn" in const else a["cn"]
    ch = np.where(wpad >= 0, cp, cn) * np.ones(a["tgt"].shape, np.int64)
    real = a["tgt"] < N
    one = ch[real][:1] if real.any() else np.zeros(1, np.int64)
    if np.all((ch == one) | ~real):  # one channel: the places made from the targets
        out["ch"] = jnp.asarray(one[0], itype)
    else:
        out["fi"] = jnp.asarray(np.where(real, ch * N + a["tgt"], big).astype(itype))
    if not all(proj.weighted):
        out["counts"] = jnp.asarray(~np.asarray(proj.weighted)[ch])
    return out


def plastic_rows(graph, proj, arrays, dtype):
    """The per-connection values of a plastic projection as padded rows (n_src + 1,
    width), from the graph's connection table. A key of the model's ``per_source``
    that is equal over each source's connections is one value per source (n_src + 1,):
    the model keeps it so (SynapseModel.per_source)."""
    conns = graph.connections
    out = {}
    for k in proj.keys:
        t = padded(arrays, conns.col(k))
        if k in proj.spec.per_source and _equal_per_source(arrays, t):
            t = t[:, 0]
        out[k] = jnp.asarray(t.astype(dtype, copy=False))
        del t
    return out


def _equal_per_source(a, t):
    """Whether every connection's value in ``t`` equals its row's first (a source's
    connections fill its row from the first place on; padding places do not count)."""
    tf, width = t.reshape(-1), t.shape[1]
    for f, _ in _chunks(a):
        if not np.all(tf[f] == tf[f - f % width]):
            return False
    return True


def per_connection(v, shape):
    """A plastic row value on the padded table's shape (per-source values repeated)."""
    if v.ndim == 2:
        return v
    return (np if isinstance(v, np.ndarray) else jnp).broadcast_to(v[:, None], shape)


def read_plastic_rows(graph, proj, arrays, rows):
    """Device rows back into the graph's columns (no structural change)."""
    conns = graph.connections
    width = arrays["row_of_place"].shape[1]
    for k in proj.keys:
        if k == "delay":
            continue
        v = np.asarray(rows[k])
        for f, r in _chunks(arrays):  # (a chunk's temporaries at a time)
            x = v[f // width] if v.ndim == 1 else v.reshape(-1)[f]  # (per source, or each)
            conns.write_state(r, k, x.astype(np.float64, copy=False))
