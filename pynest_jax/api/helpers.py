"""Small facade helpers, as PyNEST's hl_api_helper.py has them."""

import warnings

_warned = set()


def is_iterable(x) -> bool:
    try:
        iter(x)
    except TypeError:
        return False
    return True


def deprecated_once(name, message):
    """PyNEST warns of a deprecated function the first time it is called, not after."""
    if name not in _warned:
        _warned.add(name)
        warnings.warn(message)


def check_pydict(d):
    """PyNEST's conversion of a dictionary for the kernel (pydict_to_Dictionary): a value
    of a type it does not know fails there with an AttributeError."""
    for k, v in d.items():
        if v is None or isinstance(v, (set, frozenset, complex)):
            raise AttributeError(f"when converting Python Dictionary: value of key ({k}) is not "
                                 f"a known type, got {type(v)}")
    return d


def model_name(x, looked_up=False):
    """PyNEST encodes a model name for the kernel: anything but a string fails there;
    ``looked_up``: PyNEST looks the name up in a dict first (Create, CopyModel's model)."""
    if looked_up and isinstance(x, (list, dict, set)):
        raise TypeError(f"unhashable type: '{type(x).__name__}'")
    if not isinstance(x, str):
        raise AttributeError(f"'{type(x).__name__}' object has no attribute 'encode'")
    return x
