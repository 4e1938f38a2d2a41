"""The multisynapse option of a neuron declaration (NEST models/*_multisynapse.cpp).

A ``*_multisynapse`` model is its family's model with the two fixed synapses
(ex, in) replaced by receptor ports 1..n set per node: per-port parameter lists
(``tau_syn``; ``E_rev``; ``tau_rise``, ``tau_decay``) whose common length is the
node's number of ports, kept in a read-only count (``n_synapses``,
``n_receptors``), and ``has_connections`` (set by the first spike connection:
from then on the number of ports may not change). ``variant`` derives the
declaration from the base model; the kernel lays the ports out (kernel/ports.py).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..._brainunit import u
from .._spec import Channel, Param
from ...errors import NESTErrors

CURRENTS = (Channel("currents", u.pA),)
HAS_CONNECTIONS = Param("has_connections", False, None,
                        "a spike connection exists (the number of ports is then fixed)",
                        dtype="bool", readonly=True)


def count_param(name):
    return Param(name, 1, None, "number of receptor ports", dtype="int", readonly=True)


def port_param(name, default, unit, doc):
    return Param(name, np.array([float(default)]), unit, doc, dtype="vector", per_port=True)


def variant(base, name, drop=(), params=(), state=(), **fields):
    """``base`` with its fixed synapses' parameters (``drop``) replaced by the port
    parameters; ``params`` and ``state`` go before the base's neuron-generic keys."""
    keep = tuple(p for p in base.params if p.name not in drop)
    return dataclasses.replace(base, name=name, params=keep + tuple(params),
                               state=tuple(state) or base.state, **fields)


def ports_input(x, n_ports):
    """This step's spike input of every port, ``(n_ports, n)``."""
    return [x[f"port_{r}"] for r in range(1, n_ports + 1)]


def n_ports_of(p, key):
    """The population's number of port columns (static: the arrays' width)."""
    return p[key].shape[-1]


def _arrays(values):
    """Per-node vectors as float arrays; a vector shared by all nodes converted once."""
    if len(values) and all(v is values[0] for v in values):
        a = np.asarray(values[0], float).reshape(-1)
        return [a] * len(values)
    return [np.asarray(v, float).reshape(-1) for v in values]


def on_set(count, lists, rules, both_msg=None, same_msg=None, grow_only=False):
    """NEST's Parameters_::set for the port lists.

    ``count``: the count key; ``lists``: the per-port keys, all of one length;
    ``rules(i, new) -> message or None`` per node, on the new lists (positivity,
    ordering of time constants, ...). ``both_msg``: a change of the number of ports
    must give every list; ``same_msg``: the lists must have one length.
    ``grow_only``: with connections only a reduction is refused (aeif), else any
    change (iaf)."""

    def hook(old, new, ctx):
        given = [k for k in lists if k in new]
        if not given:
            return new
        new = dict(new)
        for k in given:
            new[k] = _arrays(new[k])
        n = len(new[given[0]])
        old_count = np.asarray(old[count]).reshape(-1)
        has_conn = np.asarray(old["has_connections"]).reshape(-1)
        vals = {k: (new[k] if k in new else [np.asarray(v, float) for v in old[k]]) for k in lists}
        lens = {k: np.array([len(v) for v in vals[k]]) for k in lists}
        first = lens[lists[0]]
        for i in range(n):
            changed = any(lens[k][i] != old_count[i] for k in lists)
            if both_msg and changed and len(given) < len(lists):
                raise NESTErrors.BadProperty(both_msg)
            if same_msg and any(lens[k][i] != first[i] for k in lists):
                raise NESTErrors.BadProperty(same_msg)
            refused = first[i] < old_count[i] if grow_only else first[i] != old_count[i]
            if refused and has_conn[i]:
                raise NESTErrors.BadProperty(
                    "The neuron has connections, therefore the number of ports cannot be "
                    "reduced.")
            msg = rules(i, vals, old, new)
            if msg:
                raise NESTErrors.BadProperty(msg)
        new[count] = first.astype(np.int64)
        return new

    return hook


def each_port(vals, i, keys):
    """Node i's per-port values, port by port: [(v_key1, v_key2, ...), ...]."""
    return list(zip(*(vals[k][i] for k in keys)))


def value(old, new, key, i):
    src = new if key in new else old
    return float(np.asarray(src[key]).reshape(-1)[i])


def sequential_sum(terms, zero):
    """A sum in port order, as NEST's loop adds (not a tree reduction)."""
    acc = zero
    for t in terms:
        acc = acc + t
    return acc
