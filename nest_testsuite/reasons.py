"""Failure messages -> groups: a normalised pattern, and the missing name behind it.

`pattern` folds messages that differ only in names and numbers into one line, so that
"UnknownModelName: aeif_cond_alpha is not a known model name." and the same for
"hh_psc_alpha" count as one reason. `blocker` does the opposite where it can: it pulls out
the one missing thing (a model, a `nest.X` attribute, a method, a module) so that the
features that block most tests can be ranked.
"""

import re

_DOTTED_TYPE = re.compile(r"^(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)(:|$)")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")  # model and parameter names
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")
_LONG_BRACKETS = re.compile(r"\[[^\[\]]{16,}\]|\([^()]{24,}\)")
MAX_PATTERN = 110


def exception_line(message):
    """The 'Type: text' line of a message, the type without its module path
    ('nest.lib.hl_api_exceptions.NESTErrors.BadProperty: x' -> 'BadProperty: x').
    A type with an empty text borrows the next line (numpy's assertions read that way)."""
    lines = [ln.strip() for ln in (message or "").splitlines() if ln.strip()]
    if not lines:
        return ""
    line = _DOTTED_TYPE.sub(r"\1\2", lines[0])
    if line.endswith(":") and len(lines) > 1:
        line = f"{line} {lines[1]}"
    return line


def pattern(message):
    line = exception_line(message)
    line = _QUOTED.sub("'…'", line)
    line = _SNAKE.sub("<name>", line)
    line = _NUMBER.sub("N", line)
    line = _LONG_BRACKETS.sub("[…]", line)
    line = " ".join(line.split())
    return line if len(line) <= MAX_PATTERN else line[: MAX_PATTERN - 1] + "…"


def _nest_name(module):
    # pynest_jax answers as itself where the test asked for `nest`.
    return re.sub(r"^pynest_jax\b", "nest", module)


# (regex on the exception line, how to name what is missing), first match wins.
_BLOCKERS = [
    (r"UnknownModelName: (?:Model )?'?([\w.-]+)'? (?:is not a known model name|does not exist)",
     lambda m: f"model {m[1]}"),
    (r"UnknownSynapseType: Synapse with name '?([\w.-]+)'? does not exist", lambda m: f"synapse model {m[1]}"),
    (r"UnknownSynapseType: '?([\w.-]+)'?", lambda m: f"synapse model {m[1]}"),
    (r"UnknownModelName: '?([\w.-]+)'?", lambda m: f"model {m[1]}"),
    (r"UnknownComponent: '?([\w.-]+)'? is not a known component", lambda m: f"model {m[1]}"),
    (r"UnaccessedDictionaryEntry: Unaccessed elements in (\w+), in function [\w:]+:\s*(.+)",
     lambda m: f"{m[1]} key(s) {' '.join(m[2].split())}"),  # parameters the model does not take
    (r"AttributeError: module '([\w.]+)' has no attribute '(\w+)'", lambda m: f"{_nest_name(m[1])}.{m[2]}"),
    (r"AttributeError: '(\w+)' object has no attribute '(\w+)'", lambda m: f"{m[1]}.{m[2]}"),
    (r"AttributeError: type object '(\w+)' has no attribute '(\w+)'", lambda m: f"{m[1]}.{m[2]}"),
    (r"ImportError: cannot import name '(\w+)' from '([\w.]+)'", lambda m: f"{_nest_name(m[2])}.{m[1]}"),
    (r"(?:ModuleNotFound|Import)Error: No module named '([\w.]+)'", lambda m: f"module {_nest_name(m[1])}"),
    (r"TypeError: ([\w.]+)\(\) got an unexpected keyword argument '(\w+)'", lambda m: f"{m[1]}({m[2]}=…)"),
    (r"NotImplementedError: (.+)", lambda m: f"not implemented: {pattern(m[1])[:70]}"),
    (r"KeyError: '([\w.-]+)'$", lambda m: f"key '{m[1]}'"),  # mostly a status key the model lacks
    (r"UnknownConnectionRule: .*?'?(\w+)'?", lambda m: f"connection rule {m[1]}"),
]
_BLOCKERS = [(re.compile(rx), name) for rx, name in _BLOCKERS]


def blocker(message):
    """The missing feature a failure points at, or None when it is not a 'missing' kind."""
    line = exception_line(message)
    for rx, name in _BLOCKERS:
        match = rx.match(line)
        if match:
            return name(match)
    return None
