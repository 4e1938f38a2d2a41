"""`python -m gallery [script ...]`: run NEST's gallery against pynest_jax, write the table."""

import argparse
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from . import compare, entries, ratchet, table
from .evaluate import CONFIRM_SEED_RUNS, evaluate
from .run import REPO

SELF_CHECK_SEED_OFFSET = 7_777_777  # differs from the seed runs' multiples of SEED_OFFSET
DEFAULT_OUT = REPO / "docs" / "gallery_status.md"
RATCHET = REPO / "gallery" / "passing.txt"
PREAMBLE = (
    "NEST {version}'s example gallery, each script run unmodified in a fresh process with real "
    "NEST and with `nest` bound to `{impl}`; written by `python -m gallery` (verdicts defined in "
    "`gallery/compare.py`). Times are wall seconds of the whole process (interpreter, imports, "
    "script); `>N` is the time limit. `{impl}` runs each script twice: first on an empty persistent "
    "compile cache of its own (a user's first run; that run is the one judged), then again on the cache "
    "the first run filled (a user's later runs; for a script identical to NEST its results must be the "
    "first run's again); a row without a second-run figure was measured before the table had that "
    "column, with the shared default cache (its one figure may be a warm run). Compared: what every recorder recorded, and the values the "
    "script read back from the kernel (`get`, attribute access, `GetStatus`, the number of "
    "connections `GetConnections` found), at every `ResetKernel` and at the end. Where a snapshot holds "
    "nothing else (a script that only builds and plots a network), the kernel's state instead: each "
    "layer's positions, each projection's connections (sorted; ids exact, weights, delays and distances "
    "as values) and each neuron model's state variables (`gallery/_kernel_state.py`).\n\n"
    "*identical*: same recorders and reads, node ids and spike times exactly equal (precise, off-grid spike times and offsets: within {rtol:g} relative, issue 13), other values within "
    "{rtol:g} relative (two values both below {tiny:g} in magnitude count as equal: XLA on "
    "CPU flushes subnormals, docs/divergences.md). *statistically equal*: NEST's output changes with "
    "`rng_seed`; non-finite values sit where NEST's do; each count, mean and std per recorder lies within "
    "{z:g} standard deviations of the mean of NEST's runs (reference and seed runs; the prediction interval "
    "of one more NEST run, its sampling model inflated by NEST's own seed-to-seed deviations; from 8 seed "
    "runs on: around their median, with outlying runs clipped); a "
    "recorder NEST leaves empty may get at most 4 events with 2 seed runs, 2 with 8; no more statistics "
    "are outside than for NEST's own seed runs judged the same way (their mean, +3 sqrt of that, "
    "+{chance:g} % of them, and always fewer than a quarter of them). A script that differs by these "
    "statistics, or whose NEST runs disagree far beyond the sampling model, is judged again with "
    "{confirm} NEST seed runs. *nothing to compare*: both ran, neither recorded nor read anything, and "
    "the kernel held no node: not a match. *differs*: none of these. *fails*: `{impl}` raised (last line shown). *not run by "
    "NEST here*: NEST itself failed (missing package, MUSIC, ...).\n\n"
    "The statistical rule on synthetic runs (`python -m gallery.calibrate`, {calibration}."
)
# Measured with `python -m gallery.calibrate --trials 60` on the rules of this commit.
CALIBRATION = (
    "60 trials each, 2 NEST seed runs, 8 where the verdict asks for them): false alarms (a run from NEST's "
    "own distribution judged *differs*) / power (a changed run found): Poisson spiking, 1,000 spikes: 1/60 "
    "false alarms, a 15 % rate change found 46/60; a network with 10 % common swings of its rate, spikes and "
    "a trace: 2/60, +30 % found 21/60; an optimiser loop diverging across seeds (40 iterations): 3/60, +50 % "
    "found 52/60; a loop whose 40 iterations share their noise: 0/60, +30 % found 60/60; a noisy trace of 6 "
    "correlation times: 1/60, a shift of 1 noise sd found 3/60; 200 sparse recorders of about 2 spikes each "
    "(urbanczik_synapse_example's parrots; 30 trials): 0/30 (26/30 while a mean or std that a recorder of "
    "under 2 events lacks counted as missing), a doubled rate found 30/30. So a *differs* of a statistical script is a "
    "finding to examine, not proof, and an equal verdict misses changes of a few standard errors"
)


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m gallery", description=__doc__)
    parser.add_argument("scripts", nargs="*", help="names (stem, file name or relative path); all if none")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run (default 600)")
    parser.add_argument("--jobs", type=int, default=1, help="scripts run in parallel (default 1)")
    parser.add_argument("--out", type=Path, help=f"table path (default {DEFAULT_OUT.relative_to(REPO)})")
    parser.add_argument(
        "--seed-runs", type=int, default=2, help="NEST runs with other seeds, for scripts not identical (default 2)"
    )
    parser.add_argument("--keep", type=Path, help="copy each run's scratch folder and log here")
    parser.add_argument("--keep-snapshots", type=Path, metavar="DIR",
                        help="save each run's recorder snapshots here (to judge them again)")
    parser.add_argument("--no-second-run", action="store_true",
                        help="run the script under test once (no second-run time)")
    parser.add_argument("--list", action="store_true", help="print the entry points and exit")
    parser.add_argument("--ratchet", type=Path, metavar="FILE",
                        help="evaluate FILE's scripts only (see gallery/ratchet.py); exit 1 if one regressed; "
                             "docs/ is left alone")
    # Debug: bind real NEST in the second run too, to check the runner on itself; that run
    # gets other seeds (--impl-b-seed-offset) so that stochastic scripts are judged
    # statistically, while deterministic ones must still come out identical.
    parser.add_argument("--impl-b", default="pynest_jax", help=argparse.SUPPRESS)
    parser.add_argument("--impl-b-seed-offset", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _nest_version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nest-simulator")
    except PackageNotFoundError:
        return "?"


def preamble(impl):
    """The page's introduction, with the tolerances `compare` uses."""
    return PREAMBLE.format(
        version=_nest_version(),
        impl=impl,
        rtol=compare.RTOL,
        tiny=compare.TINY,
        z=compare.Z,
        chance=100 * compare.CHANCE_FRACTION,
        confirm=CONFIRM_SEED_RUNS,
        calibration=CALIBRATION,
    )


def main(argv=None):
    opts = _parse(argv)
    root = entries.gallery_dir()
    found = entries.entry_points(root)
    if len(found) != entries.EXPECTED_COUNT:
        print(f"warning: {len(found)} entry points, expected {entries.EXPECTED_COUNT}:", file=sys.stderr)
        print("\n".join(found), file=sys.stderr)
    if opts.list:
        print("\n".join(found))
        print(f"{len(found)} entry points in {root}")
        return 0
    if opts.ratchet:
        return _ratchet(root, opts)
    chosen = entries.select(found, opts.scripts)
    out = opts.out
    if out is None:
        # A self-check must not leave a table in docs/ that looks like real results.
        out = DEFAULT_OUT if opts.impl_b != "nest" else Path(tempfile.gettempdir()) / "gallery_selfcheck.md"

    impl_seed_offset = opts.impl_b_seed_offset
    if impl_seed_offset is None:
        impl_seed_offset = SELF_CHECK_SEED_OFFSET if opts.impl_b == "nest" else 0

    rows = {}
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        futures = {
            pool.submit(
                evaluate,
                root,
                entry,
                opts.impl_b,
                timeout=opts.timeout,
                seed_runs=opts.seed_runs,
                keep_dir=opts.keep,
                impl_seed_offset=impl_seed_offset,
                snapshots_dir=opts.keep_snapshots,
                second_run=not opts.no_second_run,
            ): entry
            for entry in chosen
        }
        for future in as_completed(futures):
            try:
                row = future.result()
            except Exception:  # noqa: BLE001 -- a runner bug in one script must not lose the others
                print(f"{futures[future]}: runner error, no row written", file=sys.stderr)
                traceback.print_exc()
                continue
            rows[row.script] = row
            times = (f"NEST {row.nest_seconds or '-'} s, {opts.impl_b} {row.impl_seconds or '-'} s, "
                     f"second run {row.impl_second or '-'} s")
            print(f"{row.script}: {row.verdict} ({times}) {row.reason}", flush=True)
            # Write after each script, so that a long run stopped early keeps what it measured.
            table.write(out, table.merge(table.read_rows(out), rows), found, opts.impl_b,
                        len(found), preamble(opts.impl_b))

    merged = table.merge(table.read_rows(out), rows)
    table.write(out, merged, found, opts.impl_b, len(found), preamble(opts.impl_b))
    print(f"{len(rows)} scripts in {time.perf_counter() - started:.0f} s; table: {out}")
    if opts.impl_b != "pynest_jax":
        return 0  # the ratchet's verdicts are pynest_jax's
    bad = regressions(ratchet.read(RATCHET), chosen, rows)
    for script, why in bad:
        print(f"REGRESSION against {RATCHET.relative_to(REPO)}: {script}: {why}")
    return 1 if bad else 0


def regressions(listed, chosen, rows):
    """[(script, why)] for the listed scripts of this run that fell below their verdict.

    A listed script that was run but has no row (a runner error) has regressed too.
    """
    bad = []
    for entry in listed:
        if entry.script not in chosen:
            continue
        row = rows.get(entry.script)
        why = ratchet.regressed(entry, row) if row else "no verdict (runner error)"
        if why:
            bad.append((entry.script, why))
    return bad


def _ratchet(root, opts):
    listed = ratchet.read(opts.ratchet)
    started = time.perf_counter()
    bad = []
    with ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        futures = {pool.submit(evaluate, root, e.script, opts.impl_b, timeout=opts.timeout,
                               seed_runs=e.seed_runs, keep_dir=opts.keep, second_run=False): e for e in listed}
        for future in as_completed(futures):
            entry = futures[future]
            row = future.result()
            why = ratchet.regressed(entry, row)
            print(f"{entry.script}: {row.verdict} (NEST {row.nest_seconds} s, {opts.impl_b} "
                  f"{row.impl_seconds} s){' REGRESSION: ' + why if why else ''}", flush=True)
            if why:
                bad.append(entry.script)
    print(f"gallery ratchet: {len(listed) - len(bad)} of {len(listed)} keep their verdict "
          f"({time.perf_counter() - started:.0f} s)" + (f"; regressed: {', '.join(bad)}" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
