"""docs/api.md: NEST 3.10's public names against pynest_jax's.

A name is "present" when pynest_jax has it; a function, class or method whose body only
raises NotImplemented(Error) is "present, not implemented"; one that raises it for some
inputs (found in its source) is "present, partly implemented". Nothing is called.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import textwrap
import types

from ._page import header

SUBMODULES = ("random", "math", "spatial", "spatial_distributions", "logic", "raster_plot",
              "voltage_trace", "visualization")


def _public(names):
    return sorted(n for n in names if not n.startswith("_"))


def nest_names(module_name):
    """NEST's public names of a module; from its source when importing it fails (NEST's
    visualization needs pydot). (names, note) or (None, why) when NEST has no such module."""
    try:
        mod = importlib.import_module(module_name)
    except ImportError as err:  # the page must not depend on which extras are installed
        spec = importlib.util.find_spec(module_name)
        if spec is None or not spec.origin:
            return None, str(err)
        with open(spec.origin, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in tree.body:  # its __all__, as importing it would give
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__"
                                                    for t in node.targets):
                return _public(ast.literal_eval(node.value)), ""
        names = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        return _public(names), ""
    names = getattr(mod, "__all__", None) or dir(mod)
    if module_name == "nest":  # its submodules are names users call; reading one imports it
        return _public(names), ""
    return _public(n for n in names if not _is_module(mod, n)), ""


def _is_module(mod, name):
    """An imported module (numpy, hl_api_random) rather than a name of the API."""
    try:
        return isinstance(getattr(mod, name), types.ModuleType)
    except Exception:  # noqa: BLE001 - a lazily loaded part of NEST that fails to import
        return True


def _raises(node, what):
    return (isinstance(node, ast.Raise) and node.exc is not None
            and any(w in ast.unparse(node.exc) for w in what))


def stub_status(obj) -> str:
    """'', 'partly' or 'stub', from the source of a function or class. A stub: a function
    whose whole body (after its docstring) raises NotImplemented(Error). Partly: the source
    raises NESTErrors.NotImplemented on some path (Python's NotImplementedError inside a
    class is an abstract method or a refused comparison, as in PyNEST, and not counted)."""
    try:
        src = textwrap.dedent(inspect.getsource(obj))
    except (OSError, TypeError):
        return ""
    if "NotImplemented" not in src:
        return ""
    tree = ast.parse(src)
    if not inspect.isclass(obj):
        fn = tree.body[0]
        body = [s for s in getattr(fn, "body", ())
                if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        if body and all(_raises(s, ("NotImplemented",)) for s in body):
            return "stub"
    return "partly" if any(_raises(n, ("NESTErrors.NotImplemented",))
                           for n in ast.walk(tree)) else ""


def our_status(module, name, kernel_attributes=()) -> str:
    if name in kernel_attributes:
        return "present (kernel attribute)"
    try:
        obj = getattr(module, name)
    except Exception:  # noqa: BLE001 - absent, or a kernel attribute that refuses reading
        return "missing"
    kind = stub_status(obj) if callable(obj) else ""
    if kind == "stub":
        return "present, not implemented (raises NotImplemented)"
    if kind == "partly":
        return "present, some inputs not implemented (raises NotImplemented)"
    return "present"


def _section(title, names, ours, kernel_attributes=(), note=""):
    rows = [f"## {title}", ""]
    if note:
        rows += [note, ""]
    if ours is None:
        rows += [f"pynest_jax has no such module: all {len(names)} names missing.", ""]
    counts = {}
    table = ["| name | pynest_jax |", "|---|---|"]
    for n in names:
        st = "missing" if ours is None else our_status(ours, n, kernel_attributes)
        counts[st] = counts.get(st, 0) + 1
        table.append(f"| `{n}` | {st} |")
    summary = "; ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    many = "name" if len(names) == 1 else "names"
    return rows + [f"{len(names)} {many} ({summary}).", ""] + table + [""]


def render() -> str:
    import pynest_jax
    from ..api.kernel_status import KERNEL_ATTRIBUTES
    import nest
    names = _public(dir(nest))
    lines = header("API: NEST 3.10's public names in pynest_jax",
                   "It compares `dir(nest)` of the installed NEST 3.10 (names without a "
                   "leading underscore) and of its submodules with pynest_jax's.")
    lines += ["*present*: pynest_jax has the name (a kernel attribute is read and set as "
              "`nest.<name>`). *not implemented*: the function's body only raises NEST's "
              "NotImplemented or Python's NotImplementedError. *some inputs not implemented*:"
              " its source raises one of them on some path (found by reading the source, "
              "nothing is called). Known divergences: `docs/divergences.md`.", ""]
    lines += _section("`nest`", names, pynest_jax, set(KERNEL_ATTRIBUTES))
    for sub in SUBMODULES:
        names, note = nest_names(f"nest.{sub}")
        if names is None:
            lines += [f"## `nest.{sub}`", "", f"NEST 3.10 here has no such module: {note}", ""]
            continue
        try:
            ours = importlib.import_module(f"pynest_jax.{sub}")
        except ImportError:
            ours = None
        lines += _section(f"`nest.{sub}`", names, ours, note=note)
    return "\n".join(lines) + "\n"
