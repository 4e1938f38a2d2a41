"""The layers (issue 10): the kernel, models, numerics and connection rules never import
the facade, and the facade leaves the kernel's bookkeeping to the kernel's operations."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pynest_jax"


def _imports(path: Path):
    """Every module a file imports, at module level or inside functions, resolved."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.module
                continue
            base = package.split(".")
            base = base[:len(base) - (node.level - 1)]
            yield ".".join(base + ([node.module] if node.module else []))


@pytest.mark.parametrize("layer", ["kernel", "models", "numerics", "connect"])
def test_lower_layer_does_not_import_the_facade(layer):
    bad = [(str(p.relative_to(PACKAGE)), m) for p in sorted((PACKAGE / layer).rglob("*.py"))
           for m in _imports(p) if m and (m == "pynest_jax.api" or m.startswith("pynest_jax.api."))]
    assert not bad, bad


def test_facade_leaves_the_bookkeeping_to_the_kernel():
    """structure version, dirty state, frozen delays and the kernel's private fields are
    the kernel's to change (kernel/network.py, kernel/connection_manager.py)."""
    pattern = re.compile(r"structure_version|state_dirty|_frozen_delays|kernel\._")
    bad = [f"{p.name}:{i}" for p in sorted((PACKAGE / "api").glob("*.py"))
           for i, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert not bad, bad
