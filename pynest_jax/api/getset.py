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
    """Return the values of nodes or connections (deprecated in NEST 3.10: use ``.get()``).

    Parameters
    ----------
    nodes_or_conns : NodeCollection or SynapseCollection
    keys : str or list of str, optional
        One key, several keys, or (default) every key.
    output : str, optional
        ``"json"`` returns a JSON string.

    Returns
    -------
    tuple
        One entry per node or connection: a dict of all values, a value for one key, or a
        tuple of values for a list of keys.

    Prints NEST's deprecation note once per session.
    """
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
    """Set values of nodes or connections (deprecated in NEST 3.10: use ``.set()``).

    ``params`` is a dict for all, or a list of dicts, one per element; ``SetStatus(nodes,
    "key", value)`` sets one key.

    Differs from NEST: a value refused for one element changes no element at all, where NEST
    has already changed the elements before it (docs/divergences.md, "Atomic SetStatus").
    """
    _deprecated("SetStatus", "set")
    nodes_or_conns.set(params if val is None else {params: val})


def get(*args):
    """Return kernel attributes: ``nest.get()`` all of them as a dict, ``nest.get("key")``
    one value, ``nest.get("a", "b")`` a tuple. The same values as ``nest.<key>``.
    """
    if not args:
        return kernel_status.GetKernelStatus()
    if len(args) == 1:
        return kernel_status.GetKernelStatus(args[0])
    return kernel_status.GetKernelStatus(args)


def set(**params):
    """Set kernel attributes by keyword: ``nest.set(resolution=0.1, rng_seed=12)``.

    Unknown or read-only keys are refused (a warning instead, when ``dict_miss_is_error``
    is false). The same as assigning ``nest.<key> = value``.
    """
    return kernel_status.SetKernelStatus(params)
