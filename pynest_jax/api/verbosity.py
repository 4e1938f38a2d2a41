"""NEST's verbosity levels (``nest.verbosity``, and the deprecated set_/get_verbosity)."""

import enum
import warnings


class VerbosityLevel(enum.IntEnum):
    ALL = 0
    DEBUG = 5
    STATUS = 7
    INFO = 10
    PROGRESS = 15
    DEPRECATED = 18
    WARNING = 20
    ERROR = 30
    FATAL = 40
    QUIET = 100


_level = [VerbosityLevel.INFO]
_warned = set()


def set_level(v):
    _level[0] = VerbosityLevel(int(v))


def get_level():
    return _level[0]


def _deprecated(name):
    if name not in _warned:
        _warned.add(name)
        what = "Set `nest.verbosity = nest.VerbosityLevel.XYZ`" if name == "set" else \
            "Look up `nest.verbosity`"
        warnings.warn(f"\nProvided for backward compatibility only. {what} instead.")


def set_verbosity(level):
    """PyNEST's form: a string 'M_XYZ'."""
    _deprecated("set")
    set_level(getattr(VerbosityLevel, level.split("_")[1]))


def get_verbosity():
    _deprecated("get")
    return int(get_level())
