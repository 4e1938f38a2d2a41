"""hl_api_types.serialize_data and to_json: values as JSON can hold them.

NodeCollection and SynapseCollection say how they serialize (``_serialized``),
so that this module needs neither of them."""

import json

import numpy as np


def serialize(data):
    """``data`` with numpy values, arrays, NodeCollections (their ids) and
    SynapseCollections (their values) made into plain Python values that JSON can hold.
    """
    if isinstance(data, np.ndarray):
        return serialize(data.tolist())
    if hasattr(data, "_serialized"):  # NodeCollection (its ids), SynapseCollection (get())
        return serialize(data._serialized())
    if isinstance(data, np.floating):
        return float(data)
    if isinstance(data, np.integer):
        return int(data)
    if isinstance(data, np.bool_):
        return bool(data)
    if isinstance(data, (list, tuple)):
        return [serialize(d) for d in data]
    if isinstance(data, dict):
        return {serialize(k): serialize(v) for k, v in data.items()}
    return data


def to_json(data, **kwargs):
    """``data`` as a JSON string (``serialize`` first); keyword arguments go to ``json.dumps``."""
    return json.dumps(serialize(data), **kwargs)
