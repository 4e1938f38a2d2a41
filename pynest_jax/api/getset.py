"""GetStatus/SetStatus and nest.get/nest.set (PyNEST's hl_api_info.py, NestModule.get/set).

GetStatus and SetStatus are deprecated in NEST 3.10 and say so once, as PyNEST does;
they are thin forms of ``get``/``set`` on the collection.
"""

from __future__ import annotations

from . import kernel_status
from .helpers import deprecated_once
from .serialize import to_json


def _deprecated(name, alt):
    deprecated_once(name, f"\n{name}() is deprecated and will be removed in a future version of "
                    f"NEST. Instead of {name}(nrns|conns, args), use nrns|conns.{alt}(args).")


def GetStatus(nodes_or_conns, keys=None, output=""):
    _deprecated("GetStatus", "get")
    if len(nodes_or_conns) == 0:
        return "[]" if output == "json" else tuple()
    if keys:
        result = nodes_or_conns.get(keys)
        if isinstance(keys, str):
            if len(nodes_or_conns) == 1:
                result = (result,)
        elif len(nodes_or_conns) == 1:
            result = (tuple(result.values()),)
        else:
            result = tuple(zip(*result.values()))
    else:
        result = nodes_or_conns.get()
        if len(nodes_or_conns) == 1:
            result = (result,)
        else:
            result = tuple({k: v[j] for k, v in result.items()} for j in range(len(nodes_or_conns)))
    if output == "json":
        result = to_json(result)
    return result


def SetStatus(nodes_or_conns, params, val=None):
    _deprecated("SetStatus", "set")
    nodes_or_conns.set(params if val is None else {params: val})


def get(*args):
    if not args:
        return kernel_status.GetKernelStatus()
    if len(args) == 1:
        return kernel_status.GetKernelStatus(args[0])
    return kernel_status.GetKernelStatus(args)


def set(**params):
    return kernel_status.SetKernelStatus(params)
