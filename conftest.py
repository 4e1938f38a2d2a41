"""Test-wide settings, read before any test module imports pynest_jax.

The persistent compilation cache is off in tests: tests count compilations
(tests/test_compile_once.py), and a cache left by an earlier run on the same machine
would make the first one vanish. Child processes (ratchets) inherit the setting.
"""

import os

os.environ.setdefault("PYNEST_JAX_CACHE_DIR", "0")

# pynest_jax sets its XLA flags when imported, before JAX starts its CPU backend: import it
# before any test can start the backend with jax alone, so that every worker compiles
# with the same flags whatever order its tests come in.
import pynest_jax  # noqa: E402,F401


def pytest_collection_modifyitems(config, items):
    """The two ratchets run for about a third of the whole test run each. Under
    pytest-xdist (setup.cfg: `-n auto --dist worksteal`), each worker starts on a
    contiguous share of the collected tests: put one ratchet at the head of each share so
    they start at once, on different workers, and the other tests fill in around them."""
    ratchets = [it for it in items if it.get_closest_marker("ratchet")]
    if not ratchets:
        return
    rest = [it for it in items if not it.get_closest_marker("ratchet")]
    half = len(rest) // 2
    first, second = ratchets[:1], ratchets[1:]
    items[:] = first + rest[:half] + second + rest[half:]
