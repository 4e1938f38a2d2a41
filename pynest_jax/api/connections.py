"""Connect, Disconnect, GetConnections: PyNEST's argument shapes, then the kernel.

The checks here are PyNEST's (hl_api_connections.py and its helpers: array
shapes, argument types); NEST's own rules are the kernel's
(kernel/connection_manager.py, kernel/legality.py).
"""

from __future__ import annotations

import numpy as np

from ._kernel import kernel
from ..errors import NESTErrors
from .nodecollection import NodeCollection
from .synapsecollection import SynapseCollection
from ..kernel import connection_manager
from ..kernel.host_pages import small_pages
from ..kernel.values import nest_type
from .helpers import check_pydict
from ..connect.parameters import Parameter
from ..spatial.connect import SPATIAL_CONN_KEYS


class CollocatedSynapses:
    """Several synapse specifications for one Connect: each pair of nodes the rule
    connects gets one connection per specification, in this order.

        nest.Connect(pre, post, "one_to_one",
                     nest.CollocatedSynapses({"weight": 4.0}, {"weight": -1.0, "delay": 2.0}))
    """

    def __init__(self, *args):
        """Each argument is one synapse specification (a dict, as Connect's ``syn_spec``)."""
        self.syn_specs = args

    def __len__(self):
        """The number of synapse specifications."""
        return len(self.syn_specs)


def _collocated_specs(syn_spec):
    """The kernel's list of dicts; PyNEST passes each dict on unprocessed, and NEST's
    kernel reads a list as an array, a matrix not at all."""
    specs = []
    for spec in syn_spec.syn_specs:
        entries = {}
        for key, value in spec.items():
            if isinstance(value, (list, tuple, np.ndarray)):
                value = np.asarray(value)
                if value.ndim > 1:
                    raise TypeError("only 0-dimensional arrays can be converted to Python scalars")
            entries[key] = value
        specs.append(entries)
    return specs


# --- PyNEST's argument processing (hl_api_connection_helpers.py) ---------------------

def _process_input_nodes(pre, post, conn_spec):
    one_to_one = (conn_spec if not isinstance(conn_spec, dict)
                  else conn_spec.get("rule", "all_to_all")) == "one_to_one"
    pre_nc = post_nc = True
    if not isinstance(pre, NodeCollection):
        if not one_to_one and len(set(pre)) == len(pre):
            pre = NodeCollection(pre)
        else:
            pre_nc = False
    if not isinstance(post, NodeCollection):
        if not one_to_one and len(set(post)) == len(post):
            post = NodeCollection(post)
        else:
            post_nc = False
    use_arrays = False
    if not pre_nc or not post_nc:
        if len(pre) != len(post):
            raise ValueError("If 'pre' or 'post' contain non-unique IDs, then they must have the "
                             "same length.")
        pre, post = np.asarray(pre), np.asarray(post)
        if not issubclass(pre.dtype.type, (int, np.integer)):
            raise TypeError("'pre' node IDs must be integers.")
        if not issubclass(post.dtype.type, (int, np.integer)):
            raise TypeError("'post' node IDs must be integers.")
        if not (pre.ndim == 1 and post.ndim == 1):
            raise ValueError("Sources and targets must be 1-dimensional arrays")
        use_arrays = True
    if use_arrays and not one_to_one:
        raise ValueError("When connecting two arrays with non-unique IDs, `conn_spec` must be "
                         "'one_to_one'.")
    return use_arrays, pre, post


def _process_conn_spec(conn_spec):
    if conn_spec is None:
        return {"rule": "all_to_all"}
    if isinstance(conn_spec, str):
        return {"rule": conn_spec}
    if isinstance(conn_spec, dict):
        return conn_spec
    raise TypeError("conn_spec must be a string or dict")


def _process_syn_spec(syn_spec, conn_spec, n_pre, n_post, use_arrays):
    """Arrays of the rule's shape are flattened in NEST's order; other shapes refused."""
    if syn_spec is None:
        return {"synapse_model": "static_synapse"} if use_arrays else None
    if isinstance(syn_spec, CollocatedSynapses):
        return syn_spec
    if isinstance(syn_spec, str):
        return {"synapse_model": syn_spec}
    if not isinstance(syn_spec, dict):
        raise TypeError("syn_spec must be a string, dict or CollocatedSynapses object")
    syn_spec = dict(syn_spec)
    if "synapse_model" in syn_spec and not isinstance(syn_spec["synapse_model"], str):
        raise TypeError("'synapse_model' must be specified by a 'str'.")
    rule = conn_spec.get("rule", "all_to_all")
    for key, value in list(syn_spec.items()):
        if isinstance(value, (list, tuple)):
            value = np.asarray(value)
        if not isinstance(value, (np.ndarray, np.generic)) or value.ndim == 0:
            continue
        if value.ndim == 1:
            if rule == "one_to_one":
                if value.shape[0] != n_pre:
                    tail = "." if use_arrays else ", a scalar or a dictionary."
                    raise ValueError(f"'{key}' has to be an array of dimension {n_pre}{tail}")
            elif rule == "fixed_total_number":
                if "N" in conn_spec and value.shape[0] != conn_spec["N"]:
                    raise ValueError(f"'{key}' has to be an array of dimension {conn_spec['N']}, a "
                                     "scalar or a dictionary")
            else:
                raise TypeError(f"'{key}' has the wrong type. One-dimensional parameter arrays can "
                                "only be used in conjunction with rule 'one_to_one' or "
                                "'fixed_total_number'.")
            syn_spec[key] = value
        elif value.ndim == 2:
            shapes = {"all_to_all": ((n_post, n_pre), "n_target x n_sources"),
                      "fixed_indegree": ((n_post, conn_spec.get("indegree")), "n_target x indegree"),
                      "fixed_outdegree": ((n_pre, conn_spec.get("outdegree")),
                                          "n_sources x outdegree")}
            if rule not in shapes:
                raise TypeError(f"'{key}' has the wrong type. Two-dimensional parameter arrays can "
                                "only be used in conjunction with rules 'all_to_all', "
                                "'fixed_indegree' or fixed_outdegree'.")
            shape, what = shapes[rule]
            if value.shape != shape:
                raise ValueError(f"'{key}' has to be an array of dimension {shape[0]}x{shape[1]} "
                                 f"({what}), a scalar or a dictionary.")
            syn_spec[key] = value.flatten()
    if use_arrays and "synapse_model" not in syn_spec:
        syn_spec["synapse_model"] = "static_synapse"
    return syn_spec


def _spatial_needed(conn_spec, syn_spec):
    """PyNEST's _connect_layers_needed: a mask, a spatial Parameter, or rule keys that
    only the spatial connection creator reads."""
    if any(isinstance(v, Parameter) and v.is_spatial() for v in conn_spec.values()):
        return True
    rule = str(conn_spec["rule"])
    if "mask" in conn_spec or "use_on_source" in conn_spec:
        return True
    if ("p" in conn_spec and "pairwise_bernoulli" not in rule) or \
            ("pairwise_avg_num_conns" in conn_spec and "pairwise_poisson" not in rule):
        return True
    if isinstance(syn_spec, CollocatedSynapses):
        return any(_spatial_needed(conn_spec, s) for s in syn_spec.syn_specs)
    return isinstance(syn_spec, dict) and any(
        isinstance(v, Parameter) and v.is_spatial() for v in syn_spec.values())


_SPATIAL_SYN_KEYS = ("weight", "delay", "synapse_model", "synapse_label", "receptor_type")


def _connect_spatial(pre, post, cspec, sspec):
    """PyNEST's checks of a spatial Connect (_process_spatial_projections), then the kernel."""
    if pre.spatial is None:
        raise TypeError("Presynaptic NodeCollection must have spatial information")
    if post.spatial is None:
        raise TypeError("Presynaptic NodeCollection must have spatial information")
    for key in cspec:
        if key not in SPATIAL_CONN_KEYS:
            raise ValueError(f"'{key}' is not allowed in conn_spec when connecting with mask or kernel")
    specs = sspec.syn_specs if isinstance(sspec, CollocatedSynapses) else ([sspec] if sspec else [{}])
    for spec in specs:
        for key in spec:
            if key not in _SPATIAL_SYN_KEYS:
                raise ValueError(f"'{key}' is not allowed in syn_spec when connecting with mask or kernel")
    rule = cspec["rule"]
    if rule in ("fixed_indegree", "fixed_outdegree", "pairwise_poisson") and "use_on_source" in cspec:
        raise ValueError("'use_on_source' can only be set when using pairwise_bernoulli")
    if rule not in ("fixed_indegree", "fixed_outdegree", "pairwise_bernoulli", "pairwise_poisson"):
        raise ValueError("When using kernel or mask, the only possible connection rules are "
                         "'pairwise_bernoulli', 'fixed_indegree', or 'fixed_outdegree'")
    syn = [dict(s) for s in specs]
    connection_manager.connect_spatial(kernel, pre._gids, post._gids, pre._layout.metadata,
                                       post._layout.metadata, cspec, syn if len(syn) > 1 else syn[0])


def Connect(pre, post, conn_spec=None, syn_spec=None, return_synapsecollection=False):
    """Connect nodes ``pre`` to nodes ``post`` by a connection rule.

    Parameters
    ----------
    pre, post : NodeCollection
        Sources and targets. Two arrays of node ids (equal length) connect one to one
        through NEST's connect_arrays, with per-connection values in ``syn_spec`` arrays.
    conn_spec : str or dict, optional
        The rule and its options. ``"all_to_all"`` (default), ``"one_to_one"``,
        ``{"rule": "fixed_indegree", "indegree": k}``, ``"fixed_outdegree"`` (``outdegree``),
        ``"fixed_total_number"`` (``N``), ``"pairwise_bernoulli"`` (``p``),
        ``"symmetric_pairwise_bernoulli"``, ``"pairwise_poisson"`` (``pairwise_avg_num_conns``);
        ``allow_autapses`` and ``allow_multapses`` (default True) as in NEST.
    syn_spec : str, dict or CollocatedSynapses, optional
        The synapse model (default ``"static_synapse"``) and its values: ``weight``,
        ``delay`` (ms, rounded to the grid), ``receptor_type`` and the model's own keys. A
        value is a number, an array with one entry per connection (shape as NEST requires
        for the rule), or a ``nest.random``/``nest.math`` Parameter drawn per connection.
    return_synapsecollection : bool, optional
        Return the connections between ``pre`` and ``post`` as a SynapseCollection.

    Raises
    ------
    NEST's errors: ``IllegalConnection`` (a pair of models or a receptor that cannot be
    connected), ``UnknownSynapseType``, ``BadDelay``, ``BadProperty``, ...

    Differs from NEST: random rules draw from numpy's generator seeded by ``rng_seed``, so
    the connections are NEST's in distribution, not draw for draw; a Connect that fails makes
    no connection at all, where NEST keeps those made before the failure. See
    docs/divergences.md.

    Between layers (nodes created with ``positions``), ``conn_spec`` may hold a ``mask``
    (a dict or ``nest.CreateMask``), a distance-dependent ``p`` (``nest.spatial.distance``,
    ``nest.spatial_distributions``), ``use_on_source`` and ``allow_oversized_mask``, with
    the rules pairwise_bernoulli, fixed_indegree, fixed_outdegree and pairwise_poisson;
    ``syn_spec`` values may be spatial Parameters.
    """
    with small_pages():  # numpy's huge-page advice costs more than it saves here
        use_arrays, pre, post = _process_input_nodes(pre, post, conn_spec)
        cspec = _process_conn_spec(conn_spec)
        if "rule" not in cspec:  # PyNEST reads the rule of a conn_spec dict
            raise KeyError("rule")
        sspec = _process_syn_spec(syn_spec, cspec, len(pre), len(post), use_arrays)
        if isinstance(sspec, dict):
            check_pydict(sspec)
        if use_arrays:
            if return_synapsecollection:
                raise ValueError("SynapseCollection cannot be returned when connecting two arrays of "
                                 "node IDs")
            connection_manager.connect_arrays(kernel, pre, post, sspec)
            return None
        if not isinstance(pre, NodeCollection):
            raise TypeError("Not implemented, presynaptic nodes must be a NodeCollection")
        if not isinstance(post, NodeCollection):
            raise TypeError("Not implemented, postsynaptic nodes must be a NodeCollection")
        cspec = dict(cspec)
        cspec.setdefault("rule", "all_to_all")  # PyNEST fills in the rule the dict lacks
        valid = pre._generation == kernel.generation and post._generation == kernel.generation
        if _spatial_needed(cspec, sspec):
            if not valid:  # NEST looks the layer's nodes up in the new kernel
                raise NESTErrors.UnknownNode("The layer's nodes do not exist: ResetKernel was called.")
            _connect_spatial(pre, post, cspec, sspec)
            return GetConnections(pre, post) if return_synapsecollection else None
        if isinstance(sspec, CollocatedSynapses):
            sspec = _collocated_specs(sspec)
        connection_manager.connect(kernel, pre._gids, post._gids, cspec,
                                   {} if sspec is None else sspec, valid)
        if return_synapsecollection:
            return GetConnections(pre, post)
        return None


def GetConnections(source=None, target=None, synapse_model=None, synapse_label=None):
    """Return the connections that match all the given filters, as a SynapseCollection.

    Parameters
    ----------
    source, target : NodeCollection, optional
        Only connections from these sources / to these targets.
    synapse_model : str, optional
        Only connections of this synapse model.
    synapse_label : int, optional
        Only connections of a ``_lbl`` model with this label.

    The connections come in NEST's order (by source when ``source`` is given, ...).
    Differs from NEST only in the order of connections of one source beyond 23 of them, which
    NEST's unstable sort leaves arbitrary (docs/divergences.md, "Listing order").
    """
    if source is not None and not isinstance(source, NodeCollection):
        raise TypeError("source must be NodeCollection.")
    if target is not None and not isinstance(target, NodeCollection):
        raise TypeError("target must be NodeCollection.")
    graph = kernel.graph
    store = graph.connections
    for nc, what in ((source, "source"), (target, "target")):
        if nc is not None and nc._generation != kernel.generation:
            raise NESTErrors.KernelException(f"GetConnection requires valid {what} NodeCollection.")
    mask = store.col("alive").copy()
    if synapse_model is not None:
        if not isinstance(synapse_model, str):
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast 'synapse_model' from {nest_type(synapse_model)} "
                "to type std::string")
        if synapse_model not in graph.synapses:
            raise NESTErrors.UnknownSynapseType(
                f"Synapse with name {synapse_model} does not exist.")
        mask &= store.col("syn") == graph.synapse_index(synapse_model)
    if source is not None:
        mask &= np.isin(store.col("source"), source._gids)
    if target is not None:
        mask &= np.isin(store.col("target"), target._gids)
    if synapse_label is not None:
        mask &= (store.col("synapse_label") == synapse_label) if store.has("synapse_label") \
            else np.zeros_like(mask)
    rows = store.listing(np.nonzero(mask)[0], by_source=source is not None,
                         by_target=target is not None)
    return SynapseCollection(rows)


def Disconnect(*args, conn_spec=None, syn_spec=None):
    """Remove connections.

    ``Disconnect(synapse_collection)`` removes those connections.
    ``Disconnect(pre, post, conn_spec="one_to_one", syn_spec="static_synapse")`` removes,
    for each pair the rule names (``one_to_one`` or ``all_to_all``), one connection of the
    synapse model. Raises NEST's error when a named connection does not exist.
    """
    if len(args) == 1:
        sc = args[0]
        if not isinstance(sc, SynapseCollection):
            raise TypeError("Arguments must be either a SynapseCollection or two NodeCollections")
        if conn_spec is not None or syn_spec is not None:
            raise ValueError("When disconnecting with a SynapseCollection, conn_spec and syn_spec "
                             "cannot be specified")
        connection_manager.disconnect_rows(kernel, sc._rows)
        return
    if len(args) != 2:
        raise TypeError("Arguments must be either a SynapseCollection or two NodeCollections")
    conn_spec = "one_to_one" if conn_spec is None else conn_spec
    syn_spec = "static_synapse" if syn_spec is None else syn_spec
    if isinstance(conn_spec, str):
        conn_spec = {"rule": conn_spec}
    if isinstance(syn_spec, str):
        syn_spec = {"synapse_model": syn_spec}
    pre, post = args
    if not isinstance(pre, NodeCollection) or not isinstance(post, NodeCollection):
        raise TypeError("Arguments must be either a SynapseCollection or two NodeCollections")
    conn_spec = dict(conn_spec)
    conn_spec.setdefault("rule", "all_to_all")
    connection_manager.disconnect(kernel, pre._gids, post._gids, conn_spec, syn_spec)
