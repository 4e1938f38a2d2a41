"""Small facade helpers, as PyNEST's hl_api_helper.py has them."""

import warnings

from ..kernel.values import check_pydict  # noqa: F401  (the facade's callers import it here)

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


def model_name(x, looked_up=False):
    """PyNEST encodes a model name for the kernel: anything but a string fails there;
    ``looked_up``: PyNEST looks the name up in a dict first (Create, CopyModel's model)."""
    if looked_up and isinstance(x, (list, dict, set)):
        raise TypeError(f"unhashable type: '{type(x).__name__}'")
    if not isinstance(x, str):
        raise AttributeError(f"'{type(x).__name__}' object has no attribute 'encode'")
    return x
