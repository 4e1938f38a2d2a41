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
