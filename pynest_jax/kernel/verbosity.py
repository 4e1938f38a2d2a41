"""NEST's verbosity levels and the current level (NEST's LoggingManager).

The level belongs to the kernel, which prints NEST's warnings by it; it is not
reset by ResetKernel, as NEST keeps it."""

import enum
import sys
import time


class VerbosityLevel(enum.IntEnum):
    """NEST's message levels, lowest first: messages below ``nest.verbosity`` are not
    printed (``nest.verbosity = nest.VerbosityLevel.ERROR`` keeps only errors).
    """
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


def set_level(v):
    _level[0] = VerbosityLevel(int(v))


def get_level():
    return _level[0]


def publish(severity, function, message, filename, lineno):
    """LoggingManager::publish_log as NEST 3.10 writes it: shown from the current level
    up, warnings and worse on stderr; where it came from only at DEBUG level or below."""
    severity = int(severity)
    if severity < get_level():
        return
    try:
        name = VerbosityLevel(severity).name
    except ValueError:
        name = f"Undefined ({severity})"
    when = time.strftime("%Y-%m-%d %H:%M:%S")
    if get_level() <= VerbosityLevel.DEBUG:
        when = f"{when} {filename}:{lineno} @ {function}"
    stream = sys.stderr if severity >= VerbosityLevel.WARNING else sys.stdout
    print(f"[{name}] [{when}] {message}", file=stream)
    if stream is sys.stdout:
        # NEST's logger pads the date with a fill of '0' on std::cout and leaves it
        # there: its progress line (print_time) shows the share as 007% from then on
        _stdout_fill[0] = "0"


_stdout_fill = [" "]


def stdout_fill():
    """The fill character NEST's std::cout has at this point of the process."""
    return _stdout_fill[0]
