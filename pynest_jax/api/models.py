"""Model defaults and copies: GetDefaults, SetDefaults, CopyModel, Models (hl_api_models.py).

Unlike NEST, a CopyModel whose parameters are refused leaves no new model
behind, and a refused SetDefaults changes no default.
"""

from __future__ import annotations

import copy

import numpy as np

from ._kernel import kernel
from ..errors import NESTErrors
from ..connect.parameters import Parameter
from ..connect.rules import RULES
from ..kernel import network, values as V
from .helpers import check_pydict, deprecated_once, is_iterable, model_name
from .nodecollection import NodeCollection
from .serialize import to_json
from ..models._spec import NeuronModel, RecorderModel
from ..models.ids import model_id, synapse_id


def _deprecated(name, alt):
    deprecated_once(name, f"\n{name} is deprecated and will be removed in a future version of "
                    f"NEST.\nPlease use {alt} instead!")


def _node_defaults(name):
    entry = kernel.graph.models[name]
    spec = entry.spec
    d = V.nest_groups(spec, copy.deepcopy(entry.defaults), per_node=False)
    for p in spec.params:
        if p.dtype == "nodes":  # a node's filter, shown by nodes only (weight_recorder)
            d.pop(p.name, None)
    pop = kernel.graph.populations.get(spec.name)
    count = int(np.sum(pop.model_names == name)) if pop is not None else 0
    d.update({
        "element_type": spec.element_type, "frozen": False, "global_id": 0, "local": True,
        "model": name, "model_id": model_id(name), "node_uses_wfr": False, "thread": -1,
        "thread_local_id": -1, "vp": -1, "type_id": entry.base,
        "instantiations": np.array([count]), "capacity": np.array([count]),
        "available": np.array([0]), "elementsize": 0,
    })
    if isinstance(spec, NeuronModel) and spec.recordables:
        d["recordables"] = (spec.recordables_for(spec.port_count(d)) if spec.port_recordables
                            else list(spec.recordables))
    if isinstance(spec, RecorderModel) and "record_to" in d:  # a recording device
        d["events"] = {"senders": np.zeros(0), "times": np.zeros(0)}
    d.update(copy.deepcopy(dict(spec.extra_status)))
    return dict(sorted(d.items()))


def _synapse_defaults(name):
    graph = kernel.graph
    spec, defaults, base = graph.synapses[name]
    store = graph.connections
    d = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in defaults.items()}
    # The default connection holds its delay in steps: it reads back on the grid.
    grid = kernel.grid
    if spec.continuous_delay:  # the step it is delivered at, less the offset
        steps, offset = grid.continuous_delay(d["delay"])
        d["delay"] = float(grid.steps_to_ms(steps) - offset)
    else:
        d["delay"] = float(grid.delay_steps_to_ms(grid.delay_to_steps(d["delay"])))
    d.update({"element_type": "synapse", "has_delay": spec.has_delay,
              "num_connections": int(np.sum(store.col("alive")
                                            & (store.col("syn") == synapse_id(name)))),
              "requires_symmetric": False, "synapse_model": name,
              "synapse_modelid": synapse_id(name)})
    if spec.sizeof is not None:
        d["sizeof"] = spec.sizeof
    wr = d.get("weight_recorder")
    d["weight_recorder"] = NodeCollection._from_gids(np.asarray([wr] if wr else [], np.int64))
    if spec.on_trigger is not None:
        vt = d.get("volume_transmitter")
        d["volume_transmitter"] = NodeCollection._from_gids(np.asarray([vt] if vt else [],
                                                                       np.int64))
    return dict(sorted(d.items()))


def _defaults(model):
    """get_model_defaults: a node model, else a synapse model, else UnknownComponent."""
    if model in kernel.graph.models:
        return _node_defaults(model)
    if model in kernel.graph.synapses:
        return _synapse_defaults(model)
    raise NESTErrors.UnknownComponent(f"{model} is not a known component.")


def GetDefaults(model, keys=None, output=""):
    """Return the default values of a node or synapse model.

    Parameters
    ----------
    model : str
        A model name (built in or made by CopyModel).
    keys : str or list of str, optional
        One key (its value is returned) or several (a list of values).
    output : str, optional
        ``"json"`` returns a JSON string.

    Returns
    -------
    dict, value or list
        For a node model: parameters, state and information such as ``element_type`` and
        ``recordables``; for a synapse model: ``weight``, ``delay``, its own parameters and
        its common properties.

    Raises
    ------
    NESTErrors.UnknownComponent
        For a name that is neither a node nor a synapse model.

    ``elementsize`` is 0 here (the size of NEST's C++ object has no meaning in pynest_jax).
    """
    result = _defaults(model_name(model))
    if keys is not None:
        if is_iterable(keys) and not isinstance(keys, str):
            result = [result[k] for k in keys]
        else:
            result = result[keys]
    if output == "json":
            result = to_json(result)
    return result


def SetDefaults(model, params, val=None):
    """Change the defaults of a model: later Create and Connect calls use them.

    ``SetDefaults(model, {"key": value, ...})`` or ``SetDefaults(model, "key", value)``.
    Only single explicit values are taken (no per-node lists, no random Parameters). For a
    synapse model this also sets its common properties (e.g. ``tau_plus`` of
    ``stdp_synapse_hom``).

    Differs from NEST: a refused value leaves every default unchanged, where NEST may keep
    the values it stored before checking (docs/divergences.md, "Atomic SetStatus").
    """
    if val is None:
        if not isinstance(params, dict):
            raise TypeError("params must be dictionary unless val is given.")
        if not params:
            return
    elif isinstance(params, str):
        params = {params: val}
    else:
        raise TypeError("If val is given, params must be string giving the parameter name.")
    defaults = _defaults(model_name(model))
    check_pydict(params)
    if any((is_iterable(v) and not isinstance(v, str) and not is_iterable(defaults[k]))
           or isinstance(v, Parameter) for k, v in params.items()):
        raise ValueError("SetDefaults() accepts only explicit, single parameter values.")
    network.set_defaults(kernel, model, _node_ids(params))


def CopyModel(existing, new, params=None):
    """Make model ``new`` as a copy of model ``existing``, optionally with other defaults.

    The copy is a model of its own: its defaults can be changed with SetDefaults, and
    nodes or connections made with it report ``model``/``synapse_model`` ``new``. Copying
    a synapse model with its common properties changed makes a model whose connections
    share the new values.

    Raises NEST's errors for an unknown ``existing``, a ``new`` name already taken, or
    refused values; differs from NEST in that a refused value leaves no copy behind.
    """
    model_name(existing, looked_up=True), model_name(new)
    if params is not None:
        check_pydict(params)
    network.copy_model(kernel, existing, new, {} if params is None else _node_ids(params))


def _node_ids(params):
    """NodeCollection values (a synapse model's weight_recorder or volume_transmitter)
    as node ids for the kernel."""
    if "volume_transmitter" in params and not isinstance(params["volume_transmitter"],
                                                         NodeCollection):
        v = params["volume_transmitter"]
        kind = ("std::vector<long, std::allocator<long> >" if isinstance(v, (list, tuple))
                else "long" if isinstance(v, (int, np.integer)) else type(v).__name__)
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast 'volume_transmitter' from {kind} to type "
            "std::shared_ptr<nest::NodeCollection>")
    return {k: (v.tolist() if isinstance(v, NodeCollection) else v) for k, v in params.items()}


def Models(mtype="all", sel=None):
    """Return the names of the available models (deprecated in NEST 3.10: use
    ``nest.node_models`` or ``nest.synapse_models``).

    ``mtype`` is ``"all"``, ``"nodes"`` or ``"synapses"``; ``sel`` keeps the names that
    contain this string. Returns a sorted tuple.
    """
    _deprecated("Models", "nest.node_models or nest.synapse_models")
    if mtype not in ("all", "nodes", "synapses"):
        raise ValueError("mtype has to be one of 'all', 'nodes', or 'synapses'")
    models = []
    if mtype in ("all", "nodes"):
        models += sorted(kernel.graph.models)
    if mtype in ("all", "synapses"):
        models += sorted(kernel.graph.synapses)
    if sel is not None:
        models = [m for m in models if sel in m]
    return tuple(sorted(models))


def ConnectionRules():
    """Return the names of the connection rules (deprecated in NEST 3.10: use
    ``nest.connection_rules``).
    """
    _deprecated("ConnectionRules", "nest.connection_rules")
    return tuple(sorted(RULES))
