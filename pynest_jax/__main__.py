"""Run an unmodified PyNEST script, or a tool built on PyNEST, on pynest_jax.

    python -m pynest_jax script.py [args...]
    python -m pynest_jax -m module [args...]

`import nest` (and `nest.X`) in the script and in everything it imports gives
pynest_jax. The script runs as `python script.py args` would run it: as __main__,
its folder first on sys.path, sys.argv its own.
"""

import os
import runpy
import sys

from ._bind import bind

USAGE = "usage: python -m pynest_jax script.py [args...] | -m module [args...]"


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    bind()
    if argv[0] == "-m":
        if len(argv) < 2:
            print(USAGE, file=sys.stderr)
            return 2
        sys.argv = argv[1:]
        sys.path[0] = os.getcwd()
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return 0
    script = os.path.abspath(argv[0])
    sys.argv = [argv[0]] + argv[1:]
    sys.path[0] = os.path.dirname(script)
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
