"""NEST's numeric model ids (``model_id``, ``synapse_modelid``).

nest_ids.json was read off NEST 3.10 (GetDefaults of every model); copies made
with CopyModel get the next free id, as in NEST's model manager.
"""

import json
import os

with open(os.path.join(os.path.dirname(__file__), "nest_ids.json")) as f:
    _IDS = json.load(f)

_copies = {"node_models": {}, "synapse_models": {}}


def _lookup(kind, name):
    if name in _IDS[kind]:
        return _IDS[kind][name]
    table = _copies[kind]
    if name not in table:
        table[name] = len(_IDS[kind]) + len(table)
    return table[name]


def model_id(name: str) -> int:
    return _lookup("node_models", name)


def synapse_id(name: str) -> int:
    return _lookup("synapse_models", name)


def reset_copies():
    for t in _copies.values():
        t.clear()
