"""``nest.verbosity``'s deprecated forms set_/get_verbosity; the level lives in the kernel."""

from .helpers import deprecated_once
from ..kernel.verbosity import VerbosityLevel, get_level, set_level  # noqa: F401


def _deprecated(name):
    what = "Set `nest.verbosity = nest.VerbosityLevel.XYZ`" if name == "set" else \
        "Look up `nest.verbosity`"
    deprecated_once(f"{name}_verbosity",
                    f"\nProvided for backward compatibility only. {what} instead.")


def set_verbosity(level):
    """Set the kernel's verbosity from a string such as ``"M_WARNING"`` or ``"M_ERROR"``
    (deprecated: assign ``nest.verbosity = nest.VerbosityLevel.WARNING``)."""
    _deprecated("set")
    set_level(getattr(VerbosityLevel, level.split("_")[1]))


def get_verbosity():
    """The kernel's verbosity level as an int (deprecated: read ``nest.verbosity``)."""
    _deprecated("get")
    return int(get_level())
