"""Kernel attributes as PyNEST shows them: ``nest.<name>``, Get/SetKernelStatus.

The attributes, their types, setters and defaults are the kernel's
(kernel/attributes.py); here are PyNEST's descriptors on the module and its
Python-side refusal of unknown and read-only keys.
"""

from __future__ import annotations

import warnings

from ._kernel import kernel
from .helpers import check_pydict
from ..kernel.attributes import (ATTRS, KERNEL_ATTRIBUTES, READ_ONLY,  # noqa: F401
                                 documented_default, get_status, set_status)


class KernelAttribute:
    """A kernel attribute on the nest module's class, as PyNEST declares them (ll_api.py)."""

    def __init__(self, name):
        self._name = name
        self._readonly = name in READ_ONLY
        self._default = documented_default(name)
        self.__doc__ = ATTRS[name].doc + ("" if not self._readonly else "\n\n**read only**")

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        return attribute(self._name)

    def __set__(self, instance, value):
        set_attribute(self._name, value)


def attribute(name):
    """nest.<name>: KernelAttribute.__get__ reads the key from the kernel status."""
    a = ATTRS[name]
    if a.get is None:
        raise KeyError(name)
    return a.get(kernel)


def set_attribute(name, value):
    """nest.<name> = value: KernelAttribute.__set__."""
    if name in READ_ONLY:
        raise AttributeError(f"`{name}` is a read only kernel attribute.")
    set_status(kernel, {name: value})


def GetKernelStatus(keys=None):
    """Return kernel attributes (NEST's older form of ``nest.get``): all as a dict, one
    key's value, or a tuple for several keys. A key that is not a kernel attribute raises
    KeyError.
    """
    if keys is None:
        return get_status(kernel)
    if isinstance(keys, str):
        if keys not in ATTRS or not ATTRS[keys].status:
            raise KeyError(keys)
        return ATTRS[keys].get(kernel)
    try:
        keys = list(iter(keys))
    except TypeError:
        raise TypeError("keys should be either a string or an iterable") from None
    return tuple(GetKernelStatus(k) for k in keys)


def SetKernelStatus(params):
    """Set kernel attributes from a dict (NEST's older form of ``nest.set``).

    Unknown and read-only keys are refused with ValueError before anything is set, as
    PyNEST does; with ``dict_miss_is_error`` false they are dropped with a warning.
    """
    if not isinstance(params, dict):
        raise AttributeError(f"'{type(params).__name__}' object has no attribute 'get'")
    params = dict(check_pydict(params))
    raise_errors = params.get("dict_miss_is_error", kernel.status["dict_miss_is_error"])
    for key in list(params):
        msg = None
        if key not in KERNEL_ATTRIBUTES:
            valid = ", ".join(f"'{p}'" for p in sorted(KERNEL_ATTRIBUTES))
            msg = f"`{key}` is not a valid kernel parameter, valid parameters are: {valid}"
        elif key in READ_ONLY:
            msg = f"`{key}` is a readonly kernel parameter"
        if msg is not None:
            if raise_errors:
                raise ValueError(msg)
            warnings.warn(msg + f" \n`{key}` has been ignored")
            del params[key]
    set_status(kernel, params)
