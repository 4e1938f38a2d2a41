"""`python -m gallery.rejudge DIR [script ...]`: judge saved runs again, without running them.

DIR holds the result files `python -m gallery --keep-snapshots DIR` saved. Each script is
judged as `evaluate` judges it, with the NEST seed runs that were saved (more seed runs
cannot be added here: a verdict that asks for them says so). Prints one line per script.
"""

import argparse
import pickle
from pathlib import Path

from . import compare
from .evaluate import SEED_OFFSET, needs_confirmation


def load(directory, entry, impl, seed_offset=0):
    path = Path(directory) / f"{entry.replace('/', '__')}.{impl}.{seed_offset}.pkl"
    if not path.exists():
        return None
    with open(path, "rb") as f:
        return pickle.load(f)


def rejudge(directory, entry, impl="pynest_jax"):
    """(Outcome, NEST seed runs used), or None when the two main runs were not saved."""
    ref, other = load(directory, entry, "nest"), load(directory, entry, impl)
    if ref is None or other is None:
        return None
    if ref["exception"] or other["exception"]:
        return compare.failure_outcome(ref["exception"], other["exception"]), 0
    seeded = []
    while (run := load(directory, entry, "nest", (len(seeded) + 1) * SEED_OFFSET)) is not None:
        seeded.append(run)
    usable = [run["snapshots"] for run in seeded if not run["exception"]]
    if compare.first_difference(ref["snapshots"], other["snapshots"]) is None:
        return compare.judge(ref["snapshots"], other["snapshots"]), len(usable)
    return compare.judge(ref["snapshots"], other["snapshots"], usable), len(usable)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gallery.rejudge", description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("scripts", nargs="*")
    opts = parser.parse_args(argv)
    scripts = opts.scripts or sorted({p.name.split(".nest.0.pkl")[0].replace("__", "/")
                                      for p in opts.directory.glob("*.nest.0.pkl")})
    for entry in scripts:
        found = rejudge(opts.directory, entry if entry.endswith(".py") else entry + ".py")
        if found is None:
            print(f"{entry}: not saved")
            continue
        outcome, seed_runs = found
        more = " [wants more seed runs]" if needs_confirmation(outcome, seed_runs) else ""
        print(f"{entry}: {outcome.verdict} ({seed_runs} NEST seed runs){more} {outcome.reason}", flush=True)


if __name__ == "__main__":
    main()
