"""Where NEST's pytest suite is, and which files in it are test files.

The suite ships inside the installed `nest` package; it is found through the import system
(not a fixed path) so that any venv with `nest-simulator` works. `find_spec` locates the
package without importing it, so looking it up does not start NEST.
"""

import importlib.util
import pathlib

SUITE_SUBPATH = ("share", "nest", "testsuite", "pytests")
# Folders that hold helpers, not tests (NEST's conftest puts `utilities` on sys.path).
HELPER_DIRS = {"utilities", "__pycache__"}


def suite_dir():
    spec = importlib.util.find_spec("nest")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the `nest` package (nest-simulator) is not installed in this interpreter")
    for location in spec.submodule_search_locations:
        candidate = pathlib.Path(location).joinpath(*SUITE_SUBPATH)
        if (candidate / "conftest.py").is_file():
            return candidate
    raise RuntimeError(f"no pytest suite under {list(spec.submodule_search_locations)}")


def is_test_file(relpath):
    """pytest's default `python_files` (test_*.py, *_test.py), outside helper folders."""
    parts = pathlib.PurePosixPath(relpath).parts
    name = parts[-1]
    if any(p in HELPER_DIRS for p in parts[:-1]):
        return False
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def test_files(root, selectors=()):
    """Relative posix paths of test files under `root`, sorted; `selectors` (files or
    folders, relative to the suite or absolute) narrow the set."""
    files = sorted(rel for rel in (p.relative_to(root).as_posix() for p in root.rglob("*.py")) if is_test_file(rel))
    if not selectors:
        return files
    chosen = set()
    for sel in selectors:
        rel = _relative(root, sel)
        hits = [f for f in files if _matches(f, rel)]
        if not hits:
            raise SystemExit(f"nest_testsuite: {sel!r} matches no test file in {root}")
        chosen.update(hits)
    return sorted(chosen)


def _matches(relfile, rel):
    return rel in ("", ".") or relfile == rel or relfile.startswith(rel.rstrip("/") + "/")


def _relative(root, selector):
    sel = selector.split("::")[0]  # a node id selects its file
    path = pathlib.Path(sel)
    if path.is_absolute():
        return path.resolve().relative_to(root.resolve()).as_posix()
    return pathlib.PurePosixPath(sel).as_posix()


def folder_of(relpath):
    """The top-level folder of a test file ('.' for files at the suite root)."""
    parts = pathlib.PurePosixPath(relpath).parts
    return parts[0] if len(parts) > 1 else "."
