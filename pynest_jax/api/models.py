"""Model defaults and copies: GetDefaults, SetDefaults, CopyModel, Models."""

from __future__ import annotations

import copy

import numpy as np

from ._kernel import kernel
from .errors import NESTErrors
from ..kernel import values as V
from ..kernel.graph import ModelEntry
from ..models._spec import NeuronModel, RecorderModel
from ..models.ids import model_id, synapse_id


def _node_defaults(name):
    entry = kernel.graph.model(name)
    spec = entry.spec
    d = copy.deepcopy(entry.defaults)
    d.update({
        "element_type": spec.element_type, "frozen": False, "global_id": 0, "local": True,
        "model": name, "model_id": model_id(name), "node_uses_wfr": False, "thread": -1,
        "thread_local_id": -1, "vp": -1, "type_id": entry.base,
        "instantiations": np.array([0]), "capacity": np.array([0]),
        "available": np.array([0]), "elementsize": 0,
    })
    if isinstance(spec, NeuronModel) and spec.recordables:
        d["recordables"] = list(spec.recordables)
    if isinstance(spec, RecorderModel):
        d["events"] = {"senders": np.zeros(0), "times": np.zeros(0)}
    d.update(copy.deepcopy(dict(spec.extra_status)))
    return d


def _synapse_defaults(name):
    spec, defaults, base = kernel.graph.synapses[name]
    d = dict(defaults)
    d.update({"element_type": "synapse", "has_delay": spec.has_delay,
              "num_connections": int(np.sum(kernel.graph.connections.col("alive")
                                            & (kernel.graph.connections.col("syn")
                                               == synapse_id(name)))),
              "requires_symmetric": False, "sizeof": 32, "synapse_model": name,
              "synapse_modelid": synapse_id(name)})
    from .nodecollection import NodeCollection
    d.setdefault("weight_recorder", NodeCollection())
    return d


def GetDefaults(model, keys=None, output=""):
    if model in kernel.graph.synapses:
        d = _synapse_defaults(model)
    else:
        d = _node_defaults(model)
    if keys is None:
        result = d
    elif isinstance(keys, str):
        if keys not in d:
            raise NESTErrors.KeyError(f"'{keys}' is not a property of model {model}.")
        result = d[keys]
    else:
        result = tuple(d[k] for k in keys)
    if output == "json":
        import json
        from .nodecollection import _jsonable
        return json.dumps(_jsonable(result))
    return result


def SetDefaults(model, params, val=None):
    if val is not None:
        params = {params: val}
    graph = kernel.graph
    if model in graph.synapses:
        spec, defaults, base = graph.synapses[model]
        allowed = {"weight", "delay", "receptor_type"} | {p.name for p in spec.params}
        bad = [k for k in params if k not in allowed]
        if bad:
            raise NESTErrors.UnaccessedDictionaryEntry(
                f"Unaccessed elements in params, in function set_synapse_defaults:  {' '.join(bad)}")
        if "delay" in params and kernel.grid.delay_to_steps(params["delay"]) < 1:
            raise NESTErrors.BadDelay("Delay must be greater than or equal to resolution.")
        graph.synapses[model] = (spec, {**defaults, **params}, base)
        return
    entry = graph.model(model)
    entry.defaults = V.updated_defaults(entry.spec, entry.defaults, params, model)


def CopyModel(existing, new, params=None):
    graph = kernel.graph
    if new in graph.models or new in graph.synapses:
        raise NESTErrors.NewModelNameExists(f"Model {new} already exists.")
    params = params or {}
    if existing in graph.synapses:
        spec, defaults, base = graph.synapses[existing]
        graph.copy_synapse(existing, new, {})
        if params:
            try:
                SetDefaults(new, params)
            except BaseException:
                del graph.synapses[new]
                raise
        return
    entry = graph.model(existing)
    defaults = V.updated_defaults(entry.spec, entry.defaults, params, new)
    graph.models[new] = ModelEntry(entry.spec, defaults, entry.base)
    model_id(new)


def Models(mtype="all", sel=None):
    nodes = sorted(kernel.graph.models)
    syns = sorted(kernel.graph.synapses)
    out = {"all": nodes + syns, "nodes": nodes, "synapses": syns}[mtype]
    if sel is not None:
        out = [m for m in out if sel in m]
    return tuple(out)


def ConnectionRules():
    from ..connect.rules import RULES
    return tuple(sorted(RULES))
