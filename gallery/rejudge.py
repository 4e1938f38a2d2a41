"""`python -m gallery.rejudge DIR [script ...]`: judge saved runs again, without running them.

DIR holds the result files `python -m gallery --keep-snapshots DIR` saved. Each script is
judged as `evaluate` judges it, with the NEST seed runs that were saved (more seed runs
cannot be added here: a verdict that asks for them says so). Prints one line per script.
"""

import argparse
import pickle
from dataclasses import replace
from pathlib import Path

from . import compare, table
from .evaluate import SEED_OFFSET, needs_confirmation


def load(directory, entry, impl, seed_offset=0):
    path = Path(directory) / f"{entry.replace('/', '__')}.{impl}.{seed_offset}.pkl"
    if not path.exists():
        return None
    with open(path, "rb") as f:
        payload = pickle.load(f)
    return dict(payload, snapshots=compare.drop_recorded_reads(payload["snapshots"]))


def rejudge(directory, entry, impl="pynest_jax", seed_runs=2):
    """(Outcome, NEST seed runs used, reason prefix), or None when the main runs were not saved.

    As `evaluate` does: `seed_runs` seed runs first, all that were saved where the verdict
    asks for more (the prefix then says so, as in the table).
    """
    ref, other = load(directory, entry, "nest"), load(directory, entry, impl)
    if ref is None or other is None:
        return None
    if ref["exception"] or other["exception"]:
        return compare.failure_outcome(ref["exception"], other["exception"]), 0, ""
    seeded = []
    while (run := load(directory, entry, "nest", (len(seeded) + 1) * SEED_OFFSET)) is not None:
        seeded.append(run)
    usable = [run["snapshots"] for run in seeded if not run["exception"]]
    if compare.first_difference(ref["snapshots"], other["snapshots"]) is None:
        return compare.judge(ref["snapshots"], other["snapshots"]), 0, ""
    first = compare.judge(ref["snapshots"], other["snapshots"], usable[:seed_runs])
    if not needs_confirmation(first, len(usable[:seed_runs])) or len(usable) <= seed_runs:
        return first, len(usable[:seed_runs]), ""
    why = "it differed" if first.verdict == compare.DIFFERS else "NEST's runs disagreed"
    outcome = compare.judge(ref["snapshots"], other["snapshots"], usable)
    return outcome, len(usable), f"[{len(usable)} NEST seed runs: with {seed_runs} {why}] "


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gallery.rejudge", description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("scripts", nargs="*")
    parser.add_argument("--table", type=Path, help="update these scripts' verdicts and reasons in this table")
    opts = parser.parse_args(argv)
    rows = table.read_rows(opts.table) if opts.table else {}
    scripts = opts.scripts or sorted({p.name.split(".nest.0.pkl")[0].replace("__", "/")
                                      for p in opts.directory.glob("*.nest.0.pkl")})
    for entry in scripts:
        found = rejudge(opts.directory, entry if entry.endswith(".py") else entry + ".py")
        if found is None:
            print(f"{entry}: not saved")
            continue
        outcome, seed_runs, prefix = found
        more = " [wants more seed runs]" if needs_confirmation(outcome, seed_runs) else ""
        print(f"{entry}: {outcome.verdict} ({seed_runs} NEST seed runs){more} {prefix}{outcome.reason}", flush=True)
        if entry in rows:
            rows[entry] = replace(rows[entry], verdict=outcome.verdict, reason=prefix + outcome.reason)
    if opts.table:
        from .__main__ import preamble  # noqa: PLC0415 -- the table's page, as python -m gallery writes it
        from .entries import entry_points, gallery_dir

        found = entry_points(gallery_dir())
        table.write(opts.table, rows, found, "pynest_jax", len(found), preamble("pynest_jax"))


if __name__ == "__main__":
    main()
