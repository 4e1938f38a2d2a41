"""The command line. Progress goes to stderr so that `--list-passing > file` gets node ids only."""

import argparse
import pathlib
import sys

import nest_testsuite
from nest_testsuite import ratchet, results, runsuite, suite, table

DEFAULT_OUT = results.HERE.parent / "docs" / "nest_testsuite_status.md"
# The ratchet must run in a few minutes on 2 cores; a handful of slow tests (pynest_jax
# compiling many programs) would take most of that, and they are caught by the full run.
MAX_SECONDS = 3.0


def _log(message):
    print(message, file=sys.stderr, flush=True)


def _parse(argv):
    p = argparse.ArgumentParser(prog="python -m nest_testsuite", description=nest_testsuite.__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", help="files or folders of the suite (relative to it); default: all")
    p.add_argument("--impl", choices=("pynest_jax", "nest"), default="pynest_jax")
    p.add_argument("-k", dest="keyword", help="pytest -k expression, passed to every file")
    p.add_argument("--jobs", type=int, default=2, help="pytest processes at once (default 2)")
    p.add_argument("--timeout", type=float, default=120,
                   help="seconds one test (or a file's collection) may run before it is killed (default 120)")
    p.add_argument("--batch", type=int, help="files per pytest process (default 1; --ratchet: 8)")
    p.add_argument("--out", type=pathlib.Path, help=f"status page (default for a full pynest_jax run: {DEFAULT_OUT})")
    p.add_argument("--no-policy", action="store_true",
                   help="also run tests that need threads/MPI by their markers (MPI folders stay unrun)")
    p.add_argument("--from-last", action="store_true", help="use the saved last full run instead of running")
    p.add_argument("--list-passing", action="store_true", help="print the node ids that pass, one a line")
    p.add_argument("--max-seconds", type=float, default=MAX_SECONDS,
                   help=f"--list-passing leaves out tests slower than this (default {MAX_SECONDS:g}; 0: keep all)")
    p.add_argument("--ratchet", type=pathlib.Path, metavar="FILE",
                   help="run only FILE's node ids; exit 1 if one does not pass")
    return p.parse_args(argv)


def main(argv=None):
    args = _parse(argv)
    root = suite.suite_dir()
    if args.ratchet:
        return ratchet.check(root, args.ratchet, impl=args.impl, jobs=args.jobs, timeout=args.timeout,
                             batch=args.batch or ratchet.BATCH, log=_log)
    full = not args.paths and not args.keyword and not args.no_policy
    if args.from_last:
        run = results.load_json(results.run_path(args.impl))
        if run is None:
            raise SystemExit(f"nest_testsuite: no saved run at {results.run_path(args.impl)}")
    else:
        files = suite.test_files(root, args.paths)
        _log(f"nest_testsuite: {len(files)} files of {root} with nest = {args.impl}, {args.jobs} at a time")
        previous = results.file_times(results.load_json(results.run_path(args.impl)))
        run = runsuite.run_suite(root, files, args.impl, jobs=args.jobs, timeout=args.timeout,
                                 keyword=args.keyword, policy_on=not args.no_policy, batch=args.batch or 1,
                                 previous_times=previous, log=_log)
        run["full"] = full
        results.save_json(results.run_path(args.impl) if full else results.RUNS / f"{args.impl}-subset.json", run)
        if full and args.impl == "nest":
            results.save_baseline(results.BASELINE, results.baseline_from(run))
            _log(f"nest_testsuite: NEST baseline written to {results.BASELINE}")
    c = results.totals(run)
    _log(f"nest_testsuite: {args.impl}: " + ", ".join(f"{n} {o}" for o, n in c.items()) + f" in {run['wall_s']:.0f} s")
    if args.list_passing:
        ids, slow = results.passing_ids(run, args.max_seconds or None)
        print(f"# {len(ids)} tests of NEST's suite that pass with nest = {args.impl} ({run['started']});"
              f" check with: python -m nest_testsuite --ratchet FILE")
        if slow:
            print(f"# left out: {slow} passing tests slower than {args.max_seconds:g} s (see --max-seconds)")
        sys.stdout.writelines(n + "\n" for n in ids)
    out = args.out or (DEFAULT_OUT if full and args.impl == "pynest_jax" and not args.list_passing else None)
    if out:
        out.write_text(table.render(run, results.load_json(results.BASELINE)), encoding="utf-8")
        _log(f"nest_testsuite: status page written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
