"""Evaluate one script: run NEST, run the implementation under test, compare.

NEST is run again with shifted seeds only when the two runs are not identical, since
only then is it needed (to tell a deterministic script from a stochastic one). A
`differs` from statistics alone is confirmed with more seed runs before it stands: a
spread estimated from few runs is often too small (see `compare`'s module doc).
"""

import tempfile

from . import compare
from .run import run_script
from .table import Row, seconds_text

SEED_OFFSET = 1_000_003  # added to every rng_seed in the k-th seed run, times k
CONFIRM_SEED_RUNS = 8  # NEST seed runs in all before a statistical `differs` stands


def needs_confirmation(outcome, seed_runs, confirm_seed_runs=CONFIRM_SEED_RUNS):
    """Whether `outcome`, judged with `seed_runs` NEST seed runs, wants more of them."""
    wanted = outcome.verdict == compare.DIFFERS or outcome.unsettled
    return wanted and outcome.statistical and seed_runs < confirm_seed_runs


def _runs_under_test(root, entry, impl, seed_offset, second_run, options):
    """The run judged, on an empty compile cache of its own, and its wall time a second
    time on the cache it filled (what a user's first and later runs of a script cost);
    the second is None when it is not wanted or the first failed."""
    with tempfile.TemporaryDirectory(prefix="gallery_cache_") as cache:
        first = run_script(root, entry, impl, seed_offset=seed_offset, cache_dir=cache, **options)
        if not second_run or first.failed:
            return first, None
        return first, run_script(root, entry, impl, seed_offset=seed_offset, cache_dir=cache, timeout=options["timeout"])


def _second(again, first, verdict):
    """The second run's table cell, and what to add to the reason: a script identical to
    NEST must give the same snapshots again from the compile cache."""
    if again is None:
        return "", ""
    if again.failed and not again.timed_out:
        return "failed", f" [second run failed: {again.why}]"
    note = ""
    if verdict == compare.IDENTICAL and not again.timed_out:
        where = compare.first_difference(first.snapshots, again.snapshots)
        if where is not None:
            note = f" [second run, from the compile cache, differs from the first: {where}]"
    return seconds_text(again.seconds, again.timed_out), note


def evaluate(root, entry, impl, *, timeout=None, seed_runs=2, keep_dir=None, impl_seed_offset=0,
             confirm_seed_runs=CONFIRM_SEED_RUNS, snapshots_dir=None, second_run=True):
    """The table row for gallery script `entry` with `nest` bound to `impl`.

    `impl_seed_offset` shifts the seeds of the run under test; the self-check (NEST
    against NEST) uses it so that a stochastic script takes the statistical path.
    `second_run`: run the script under test a second time, for the time only.
    """
    options = dict(timeout=timeout, keep_dir=keep_dir, snapshots_dir=snapshots_dir)
    ref = run_script(root, entry, "nest", **options)
    nest_time = seconds_text(ref.seconds, ref.timed_out)
    if ref.failed:
        return Row(entry, nest_time, "", compare.NOT_RUN, ref.why)
    other, again = _runs_under_test(root, entry, impl, impl_seed_offset, second_run and impl != "nest", options)
    other_time = seconds_text(other.seconds, other.timed_out)
    failure = compare.failure_outcome(None, other.why if other.failed else None)
    if failure:
        return Row(entry, nest_time, other_time, failure.verdict, failure.reason)
    if compare.first_difference(ref.snapshots, other.snapshots) is None:
        outcome = compare.judge(ref.snapshots, other.snapshots)
        second, note = _second(again, other, outcome.verdict)
        return Row(entry, nest_time, other_time, outcome.verdict, outcome.reason + note, second)

    def seed_runs_up_to(n, seeded=()):
        more = [run_script(root, entry, "nest", seed_offset=k * SEED_OFFSET, **options)
                for k in range(len(seeded) + 1, n + 1)]
        return list(seeded) + more

    seeded = seed_runs_up_to(seed_runs)
    usable = [run.snapshots for run in seeded if not run.failed]
    outcome = compare.judge(ref.snapshots, other.snapshots, usable)
    confirmed = ""
    if needs_confirmation(outcome, len(seeded), confirm_seed_runs):
        first = outcome
        seeded = seed_runs_up_to(confirm_seed_runs, seeded)
        usable = [run.snapshots for run in seeded if not run.failed]
        outcome = compare.judge(ref.snapshots, other.snapshots, usable)
        why = "it differed" if first.verdict == compare.DIFFERS else "NEST's runs disagreed"
        confirmed = f"[{len(seeded)} NEST seed runs: with {seed_runs} {why}] "
    reason = confirmed + outcome.reason
    if len(usable) < len(seeded):
        reason += f" [NEST seed run failed: {next(r.why for r in seeded if r.failed)}]"
    second, note = _second(again, other, outcome.verdict)
    return Row(entry, nest_time, other_time, outcome.verdict, reason + note, second)
