"""Evaluate one script: run NEST, run the implementation under test, compare.

NEST is run again with shifted seeds only when the two runs are not identical, since
only then is it needed (to tell a deterministic script from a stochastic one).
"""

from . import compare
from .run import run_script
from .table import Row, seconds_text

SEED_OFFSET = 1_000_003  # added to every rng_seed in the k-th seed run, times k


def evaluate(root, entry, impl, *, timeout=None, seed_runs=2, keep_dir=None, impl_seed_offset=0):
    """The table row for gallery script `entry` with `nest` bound to `impl`.

    `impl_seed_offset` shifts the seeds of the run under test; the self-check (NEST
    against NEST) uses it so that a stochastic script takes the statistical path.
    """
    options = dict(timeout=timeout, keep_dir=keep_dir)
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
    seeded = [run_script(root, entry, "nest", seed_offset=k * SEED_OFFSET, **options) for k in range(1, seed_runs + 1)]
    usable = [run.snapshots for run in seeded if not run.failed]
    outcome = compare.judge(ref.snapshots, other.snapshots, usable)
    reason = outcome.reason
    if len(usable) < len(seeded):
        reason += f" [NEST seed run failed: {next(r.why for r in seeded if r.failed)}]"
    return Row(entry, nest_time, other_time, outcome.verdict, reason)
