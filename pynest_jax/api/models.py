"""Model defaults and copies: GetDefaults, SetDefaults, CopyModel, Models (hl_api_models.py).

Unlike NEST, a CopyModel whose parameters are refused leaves no new model
behind, and a refused SetDefaults changes no default.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np

from ._kernel import kernel
from ..errors import NESTErrors
from ..connect.parameters import Parameter
from ..kernel import values as V
from ..kernel.graph import ModelEntry
from ..models._spec import NeuronModel, RecorderModel
from ..models.ids import model_id, synapse_id

_warned = set()
MAX_NUM_SYN_MODELS = 511  # NEST's synindex limit (kernel status max_num_syn_models)



def _deprecated(name, alt):
    if name not in _warned:
        _warned.add(name)
        warnings.warn(f"\n{name} is deprecated and will be removed in a future version of NEST.\n"
                      f"Please use {alt} instead!")


def _node_defaults(name):
    entry = kernel.graph.models[name]
    spec = entry.spec
    d = V.nest_groups(spec, copy.deepcopy(entry.defaults), per_node=False)
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
        d["recordables"] = (spec.recordables_for(int(d[spec.ports])) if spec.ports is not None
                            else list(spec.recordables))
    if isinstance(spec, RecorderModel):
        d["events"] = {"senders": np.zeros(0), "times": np.zeros(0)}
    d.update(copy.deepcopy(dict(spec.extra_status)))
    return dict(sorted(d.items()))


def _synapse_defaults(name):
    graph = kernel.graph
    spec, defaults, base = graph.synapses[name]
    store = graph.connections
    d = dict(defaults)
    # The default connection holds its delay in steps: it reads back on the grid.
    grid = kernel.grid
    d["delay"] = float(grid.delay_steps_to_ms(grid.delay_to_steps(d["delay"])))
    d.update({"element_type": "synapse", "has_delay": spec.has_delay,
              "num_connections": int(np.sum(store.col("alive")
                                            & (store.col("syn") == synapse_id(name)))),
              "requires_symmetric": False, "sizeof": 32, "synapse_model": name,
              "synapse_modelid": synapse_id(name)})
    from .nodecollection import NodeCollection
    d.setdefault("weight_recorder", NodeCollection())
    return dict(sorted(d.items()))


def _defaults(model):
    """get_model_defaults: a node model, else a synapse model, else UnknownComponent."""
    if model in kernel.graph.models:
        return _node_defaults(model)
    if model in kernel.graph.synapses:
        return _synapse_defaults(model)
    raise NESTErrors.UnknownComponent(f"{model} is not a known component.")


def GetDefaults(model, keys=None, output=""):
    result = _defaults(model)
    if keys is not None:
        if _iterable(keys) and not isinstance(keys, str):
            result = [result[k] for k in keys]
        else:
            result = result[keys]
    if output == "json":
        from .nodecollection import to_json
        result = to_json(result)
    return result


def _iterable(x):
    try:
        iter(x)
    except TypeError:
        return False
    return True


def SetDefaults(model, params, val=None):
    if val is None:
        if not isinstance(params, dict):
            raise TypeError("params must be dictionary unless val is given.")
        if not params:
            return
    elif isinstance(params, str):
        params = {params: val}
    else:
        raise TypeError("If val is given, params must be string giving the parameter name.")
    defaults = _defaults(model)
    if any((_iterable(v) and not isinstance(v, str) and not _iterable(defaults[k]))
           or isinstance(v, Parameter) for k, v in params.items()):
        raise ValueError("SetDefaults() accepts only explicit, single parameter values.")
    _set_defaults(model, params)


def _set_defaults(model, params):
    graph = kernel.graph
    if model in graph.synapses:
        spec, defaults, base = graph.synapses[model]
        allowed = {"weight", "delay", "receptor_type"} | {p.name for p in spec.params}
        bad = [k for k in params if k not in allowed]
        if bad:
            raise NESTErrors.UnaccessedDictionaryEntry(
                "Unaccessed elements in params, in function ModelManager::set_synapse_defaults_:  "
                + " ".join(bad))
        new = dict(defaults)
        for k, v in params.items():
            new[k] = _synapse_value(k, v, defaults[k])
        if "delay" in params:
            # ConnectorModel::set_status checks the delay but freezes the extrema.
            steps = int(kernel.grid.delay_to_steps(new["delay"]))
            kernel.delays.check(steps, steps, kernel.simulated, kernel._frozen_delays,
                                kernel.grid, freeze=True)
        graph.synapses[model] = (spec, new, base)
    elif model in graph.models:
        entry = graph.models[model]
        entry.defaults = V.updated_defaults(entry.spec, entry.defaults, params, model)
    else:
        raise NESTErrors.UnknownComponent(f"{model} is not a known component.")
    kernel.model_defaults_modified = True


def _synapse_value(key, v, current):
    kind = "long" if isinstance(current, (int, np.integer)) and not isinstance(current, bool) \
        else "double"
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast '{key}' from {type(v).__name__} to type "
            f"{'long' if kind == 'long' else 'double.'}")
    if kind == "long":
        if not isinstance(v, (int, np.integer)):
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{key}' from double to type long")
        return int(v)
    return float(v)


def CopyModel(existing, new, params=None):
    graph = kernel.graph
    params = {} if params is None else params
    if new in graph.models or new in graph.synapses:
        raise NESTErrors.NewModelNameExists(
            f"Model {new} is the name of an existing model and cannot be re-used.")
    if existing in graph.models:
        entry = graph.models[existing]
        defaults = V.updated_defaults(entry.spec, entry.defaults, params, new) if params \
            else copy.deepcopy(entry.defaults)
        graph.models[new] = ModelEntry(entry.spec, defaults, entry.base)
        model_id(new)
    elif existing in graph.synapses:
        if len(graph.synapses) >= MAX_NUM_SYN_MODELS:
            raise NESTErrors.KernelException("Synapse model count exceeded")
        graph.copy_synapse(existing, new, {})
        if params:
            try:
                _set_defaults(new, params)
            except BaseException:
                del graph.synapses[new]
                graph.synapse_names.pop(synapse_id(new), None)
                raise
    else:
        raise NESTErrors.UnknownModelName(f"{existing} is not a known model name.")
    kernel.model_defaults_modified = True  # ModelManager sets the new model's defaults


def Models(mtype="all", sel=None):
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
    _deprecated("ConnectionRules", "nest.connection_rules")
    from ..connect.rules import RULES
    return tuple(sorted(RULES))
