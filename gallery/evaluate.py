"""Evaluate one script: run NEST, run the implementation under test, compare.

NEST is run again with shifted seeds only when the two runs are not identical, since
only then is it needed (to tell a deterministic script from a stochastic one). A
`differs` from statistics alone is confirmed with more seed runs before it stands: a
spread estimated from few runs is often too small (see `compare`'s module doc).
"""

from . import compare
from .run import run_script
from .table import Row, seconds_text

SEED_OFFSET = 1_000_003  # added to every rng_seed in the k-th seed run, times k
CONFIRM_SEED_RUNS = 8  # NEST seed runs in all before a statistical `differs` stands


def needs_confirmation(outcome, seed_runs, confirm_seed_runs=CONFIRM_SEED_RUNS):
    """Whether `outcome`, judged with `seed_runs` NEST seed runs, wants more of them."""
    wanted = outcome.verdict == compare.DIFFERS or outcome.unsettled
    return wanted and outcome.statistical and seed_runs < confirm_seed_runs


def evaluate(root, entry, impl, *, timeout=None, seed_runs=2, keep_dir=None, impl_seed_offset=0,
             confirm_seed_runs=CONFIRM_SEED_RUNS, snapshots_dir=None):
    """The table row for gallery script `entry` with `nest` bound to `impl`.

    `impl_seed_offset` shifts the seeds of the run under test; the self-check (NEST
    against NEST) uses it so that a stochastic script takes the statistical path.
    """
    options = dict(timeout=timeout, keep_dir=keep_dir, snapshots_dir=snapshots_dir)
    ref = run_script(root, entry, "nest", **options)
    nest_time = seconds_text(ref.seconds, ref.timed_out)
    if ref.failed:
        return Row(entry, nest_time, "", compare.NOT_RUN, ref.why)
    other = run_script(root, entry, impl, seed_offset=impl_seed_offset, **options)
    other_time = seconds_text(other.seconds, other.timed_out)
    failure = compare.failure_outcome(None, other.why if other.failed else None)
    if failure:
        return Row(entry, nest_time, other_time, failure.verdict, failure.reason)
    if compare.first_difference(ref.snapshots, other.snapshots) is None:
        outcome = compare.judge(ref.snapshots, other.snapshots)
        return Row(entry, nest_time, other_time, outcome.verdict, outcome.reason)

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
    return Row(entry, nest_time, other_time, outcome.verdict, reason)
