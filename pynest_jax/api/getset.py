"""GetStatus/SetStatus and nest.get/nest.set: the deprecated but ubiquitous forms."""

from __future__ import annotations

from .errors import NESTErrors
from .nodecollection import NodeCollection
from .synapsecollection import SynapseCollection
from . import kernel_status


def GetStatus(nodes, keys=None, output=""):
    if not isinstance(nodes, (NodeCollection, SynapseCollection)):
        raise TypeError("The first input (nodes) must be NodeCollection or a SynapseCollection.")
    if len(nodes) == 0:
        return ()
    if isinstance(nodes, SynapseCollection):
        if keys is None:
            return tuple(sc.get() for sc in nodes)
        if isinstance(keys, str):
            return tuple(sc.get(keys) for sc in nodes)
        return tuple(tuple(sc.get(k) for k in keys) for sc in nodes)
    if keys is None:
        result = tuple(nc.get() for nc in nodes)
    elif isinstance(keys, str):
        result = tuple(nc.get(keys) for nc in nodes) if len(nodes) > 1 else (nodes.get(keys),)
    else:
        result = tuple(tuple(nc.get(k) for k in keys) for nc in nodes)
    if output == "json":
        import json
        from .nodecollection import _jsonable
        return json.dumps(_jsonable(result))
    return result


def SetStatus(nodes, params, val=None):
    if not isinstance(nodes, (NodeCollection, SynapseCollection)):
        raise TypeError("The first input (nodes) must be NodeCollection or a SynapseCollection.")
    if val is not None:
        if not isinstance(params, str):
            raise TypeError("params must be a string when val is given")
        params = {params: val}
    if isinstance(params, (list, tuple)) and len(params) == 1 and len(nodes) > 1:
        params = params[0]
    nodes.set(params)


def get(*args):
    if not args:
        return kernel_status.GetKernelStatus()
    if len(args) == 1:
        return kernel_status.GetKernelStatus(args[0])
    return kernel_status.GetKernelStatus(list(args))


def set(**params):
    kernel_status.SetKernelStatus(params)
