"""NEST's verbosity levels (``nest.verbosity``, ``set_verbosity``)."""

import enum


class VerbosityLevel(enum.IntEnum):
    ALL = 0
    DEBUG = 5
    STATUS = 7
    INFO = 10
    DEPRECATED = 18
    WARNING = 20
    ERROR = 30
    FATAL = 40
    QUIET = 100


_level = [VerbosityLevel.INFO]


def set_level(v):
    if isinstance(v, str):
        v = VerbosityLevel[v.replace("M_", "")]
    _level[0] = VerbosityLevel(int(v))


def get_level():
    return _level[0]


def set_verbosity(level):
    set_level(level)


def get_verbosity():
    return get_level()
