"""Test-wide settings, read before any test module imports pynest_jax.

The persistent compilation cache is off in tests: tests count compilations
(tests/test_compile_once.py), and a cache left by an earlier run on the same machine
would make the first one vanish. Child processes (ratchets) inherit the setting.
"""

import os

os.environ.setdefault("PYNEST_JAX_CACHE_DIR", "0")
