"""Verdict for one gallery script from the recorder snapshots of its runs.

A run's result is a list of snapshots, one before each `ResetKernel` and one at the end:
`{"when": str, "recorders": [{"gid": int, "model": str, "data": {field: ndarray}}],
"error": str | None}`, recorders sorted by gid (see `_child.py`).

Verdicts, from NEST's reference run (`ref`), the run under test (`other`) and runs of
NEST with other rng_seeds (`seed_runs`):

- identical: same snapshots, recorders (gid, model) and fields; node ids (senders,
  targets, ports) and the times of spike-like events exactly equal; every other value
  within RTOL of the larger magnitude of the pair (NaN equals NaN), or both of magnitude
  below TINY: XLA on CPU flushes subnormal intermediates to zero, so values that decay
  that far (conductances long after their last input) end in 0 here where NEST's go on
  shrinking (docs/divergences.md, "subnormals").
- statistically equal: not identical, NEST's own output changes with the seed, the
  recorders and fields are the same, every recorder that NEST reproduces exactly under
  every seed is identical, and the other recorders' statistics (events per recorder;
  mean and std of each field per recorder and snapshot) deviate from NEST's no more than
  NEST's own runs with other seeds do. Per statistic:
      tolerance = max(SPREAD_FACTOR * seed spread, Z * inflation * sigma)
  seed spread: the largest |NEST(other seed) - NEST(ref)|. sigma: the standard deviation
  of the difference under a sampling model, so that a spread that happens to be small
  (or zero: counts can coincide) does not decide alone: counts are Poisson,
  sqrt(n_ref + n_other); means and stds of spike-like fields iid, s/sqrt(n) and
  s/sqrt(2(n-1)); sampled traces (multimeter) are autocorrelated, so the spread of
  BATCHES contiguous batch means (batch stds) is used. Means and stds need 2 values.
  inflation: the rms of NEST's seed-to-seed deviations in units of sigma (at least 1),
  pooled per statistic over snapshots or else per recorder (`_inflation`), which
  corrects the model where a network's common fluctuations or slow traces break it.
  A spread from few runs is a poor estimate (with one seed run, 18 % of statistically
  equal pairs exceed 3x it), so some statistics fall outside by chance. The run under
  test may have as many outside as the worst of NEST's seed runs checked the same way
  (against `ref`, with spread and inflation from the other runs, the run under test
  included), plus 3 sqrt(that number), plus CHANCE_FRACTION of the statistics: when
  the implementations agree the runs are exchangeable, and a run that deviates widens
  the others' tolerance while its own statistics fall outside. Statistics per snapshot
  and pooled over all snapshots of a recorder (a loop of simulations) count apart.
  Measured on synthetic runs like those in tests/test_gallery_runner.py, 60 trials, 2
  seed runs: Poisson spiking, no false alarm, a 15 % rate change found 85 % of the
  time; an optimiser loop whose trajectory diverges across seeds, no false alarm, a 50 %
  change found 75 % of the time; traces shorter than a few correlation times, 13 %
  false alarms (2 % with 4 seed runs). So a statistical `differs` is confirmed with
  more seed runs (`evaluate.CONFIRM_SEED_RUNS`) before it stands. A loop of simulations
  that restarts NEST's random stream at every ResetKernel (the same seed each time) is
  the case that needs it: its iterations share their noise, so the statistics pooled
  over them vary from seed to seed far more than the sampling model says, and two seed
  runs rarely show how much (if_curve: seed-to-seed SD of the pooled count 790 from 8
  NEST runs, where two gave a spread of 282).
- differs: anything else; in particular any difference where NEST gave identical output
  for every seed (a deterministic script must be identical).
- fails / not run by NEST here: the run under test / NEST's reference run raised.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

IDENTICAL = "identical"
STAT_EQUAL = "statistically equal"
DIFFERS = "differs"
FAILS = "fails"
NOT_RUN = "not run by NEST here"
VERDICTS = (IDENTICAL, STAT_EQUAL, DIFFERS, FAILS, NOT_RUN)

RTOL = 1e-9
TINY = 1e-290  # below this both sides count as zero (see the module doc)
SPREAD_FACTOR = 3.0
Z = 3.0
BATCHES = 20
MIN_POOLED = 8
ALL = -1  # the snapshot index of statistics over all snapshots

# Fields of events that are spikes (or synaptic events), as opposed to sampled traces.
SPIKE_FIELDS = frozenset({"times", "offsets", "senders", "targets", "weights", "receptors", "ports", "rports"})
# Node ids and ports: equal or not, never "close".
ID_FIELDS = frozenset({"senders", "targets", "receptors", "ports", "rports"})


@dataclass(frozen=True)
class Outcome:
    verdict: str
    reason: str = ""
    # Reached by comparing statistics against NEST's seed runs: more seed runs may change it.
    statistical: bool = False


def failure_outcome(nest_error, other_error):
    """The verdict when a run raised (NEST's reference run first), else None."""
    if nest_error:
        return Outcome(NOT_RUN, nest_error)
    if other_error:
        return Outcome(FAILS, other_error)
    return None


def is_sampled(data):
    """A recorder that samples traces (multimeter, voltmeter) rather than collecting spikes."""
    return any(name not in SPIKE_FIELDS for name in data)


def _label(snapshot, recorder):
    return f"{snapshot['when']}: {recorder['model']} {recorder['gid']}"


def _recorders(run):
    """{(snapshot index, gid): (label, recorder)}"""
    return {(i, r["gid"]): (_label(snap, r), r) for i, snap in enumerate(run) for r in snap["recorders"]}


def structure_difference(ref, other):
    """How the snapshots, recorders or field names differ, or None."""
    if len(ref) != len(other):
        return f"{len(other)} snapshots (kernel resets + end) instead of NEST's {len(ref)}"
    for snap_ref, snap_other in zip(ref, other):
        ids_ref = [(r["gid"], r["model"]) for r in snap_ref["recorders"]]
        ids_other = [(r["gid"], r["model"]) for r in snap_other["recorders"]]
        if ids_ref != ids_other:
            return f"{snap_ref['when']}: recorders {ids_other[:6]} instead of NEST's {ids_ref[:6]}"
        for rec_ref, rec_other in zip(snap_ref["recorders"], snap_other["recorders"]):
            if sorted(rec_ref["data"]) != sorted(rec_other["data"]):
                fields = f"{sorted(rec_other['data'])} instead of NEST's {sorted(rec_ref['data'])}"
                return f"{_label(snap_ref, rec_ref)}: fields {fields}"
    return None


def values_difference(ref, got, exact):
    """How two recorded arrays differ beyond the identity tolerance, or None."""
    ref, got = np.asarray(ref), np.asarray(got)
    if ref.shape != got.shape:
        return f"shape {got.shape} instead of NEST's {ref.shape}"
    if ref.dtype.kind not in "biuf" or got.dtype.kind not in "biuf":
        bad = np.asarray(ref != got).reshape(ref.shape)
    else:
        a, b = ref.astype(float), got.astype(float)
        both_nan = np.isnan(a) & np.isnan(b)
        if exact:
            bad = (a != b) & ~both_nan
        else:
            with np.errstate(invalid="ignore"):
                big = np.maximum(np.abs(a), np.abs(b))
                bad = ~((np.abs(a - b) <= RTOL * big) | (big < TINY)) & ~both_nan
    if not bad.any():
        return None
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    index = first[0] if len(first) == 1 else first
    return f"{int(bad.sum())} of {bad.size} differ, first [{index}]: {got[first]!r} vs NEST {ref[first]!r}"


def recorder_difference(rec_ref, rec_other):
    """How one recorder's data differ beyond the identity tolerance, or None."""
    if rec_ref["model"] != rec_other["model"] or sorted(rec_ref["data"]) != sorted(rec_other["data"]):
        return "different model or fields"
    sampled = is_sampled(rec_ref["data"])
    for name in sorted(rec_ref["data"]):
        exact = name in ID_FIELDS or (not sampled and name in ("times", "offsets"))
        diff = values_difference(rec_ref["data"][name], rec_other["data"][name], exact)
        if diff:
            return f"{name}: {diff}"
    return None


def first_difference(ref, other):
    """The first difference that breaks `identical`, as one line, or None."""
    structure = structure_difference(ref, other)
    if structure:
        return structure
    recorders_other = _recorders(other)
    for key, (label, rec_ref) in _recorders(ref).items():
        diff = recorder_difference(rec_ref, recorders_other[key][1])
        if diff:
            return f"{label} {diff}"
    return None


def fixed_recorders(ref, seed_runs):
    """Keys of the recorders whose data NEST reproduces exactly under every other seed.

    A recorder empty in every run is not among them: silence can be chance (a network
    that an optimiser loop drove quiet), and the count's Poisson band judges it.
    """
    others = [_recorders(run) for run in seed_runs]
    return {
        key
        for key, (_, rec) in _recorders(ref).items()
        if any(np.size(v) for v in rec["data"].values())
        and all(key in run and recorder_difference(rec, run[key][1]) is None for run in others)
    }


def _standard_errors(x, sampled):
    """Standard errors of mean and std of the samples x (see the module docstring)."""
    n = x.size
    if sampled and n >= 2 * BATCHES:
        batches = x[: n - n % BATCHES].reshape(BATCHES, -1)
        scale = math.sqrt(BATCHES)
        return batches.mean(axis=1).std(ddof=1) / scale, batches.std(axis=1).std(ddof=1) / scale
    s = x.std(ddof=1)
    return s / math.sqrt(n), s / math.sqrt(2 * (n - 1))


def _field_statistics(stats, key, data, sampled):
    if "times" in data:
        n = np.asarray(data["times"]).size
        stats[key + ("events", "count")] = (float(n), math.sqrt(n), n)
    for name, values in data.items():
        x = np.asarray(values)
        if x.dtype.kind not in "biuf":
            continue
        x = x.astype(float).ravel()
        x = x[np.isfinite(x)]
        if x.size < 2:
            continue  # no spread to speak of; the count says how many there were
        se_mean, se_std = _standard_errors(x, sampled)
        stats[key + (name, "mean")] = (float(x.mean()), se_mean, x.size)
        stats[key + (name, "std")] = (float(x.std()), se_std, x.size)


def _pooled_recorders(run):
    """{gid: (label, data)} joining each field over the snapshots a gid appears in (>= 2).

    A script that loops over simulations (ResetKernel each time) may shift every
    iteration a little, which no single snapshot shows but their sum does.
    """
    seen = defaultdict(list)
    for (_, gid), (_, rec) in _recorders(run).items():
        seen[gid].append(rec)
    pooled = {}
    for gid, recs in seen.items():
        fields = set.intersection(*(set(r["data"]) for r in recs))
        if len(recs) >= 2 and fields:
            data = {f: np.concatenate([np.ravel(r["data"][f]) for r in recs]) for f in fields}
            pooled[gid] = (f"all {len(recs)} snapshots: {recs[0]['model']} {gid}", data)
    return pooled


def statistics(run):
    """{(snapshot index or ALL, gid, field, kind): (value, standard error, n)}.

    kind is count, mean or std; ALL marks the statistics of `_pooled_recorders`.
    """
    stats = {}
    for key, (_, rec) in _recorders(run).items():
        _field_statistics(stats, key, rec["data"], is_sampled(rec["data"]))
    for gid, (_, data) in _pooled_recorders(run).items():
        _field_statistics(stats, (ALL, gid), data, is_sampled(data))
    return stats


@dataclass(frozen=True)
class Check:
    """One statistic of a run against NEST's reference run."""

    label: str
    pooled: bool  # over all snapshots (see `_pooled_recorders`)
    ref: float
    got: float
    spread: float
    tolerance: float

    @property
    def ratio(self):
        deviation = abs(self.got - self.ref)
        if deviation == 0:
            return 0.0
        return deviation / self.tolerance if self.tolerance > 0 else math.inf

    def describe(self):
        return (
            f"{self.label}: {self.got:.6g} vs NEST {self.ref:.6g} "
            f"(seed spread {self.spread:.3g}, tolerance {self.tolerance:.3g})"
        )


def _sigma(kind, value_a, se_a, value_b, se_b):
    """Standard deviation of the difference of a statistic under the sampling model."""
    if kind == "count":
        return math.sqrt(value_a + value_b)  # two independent Poisson counts
    return math.hypot(se_a, se_b)


def _inflation(stats_ref, stats_spread):
    """How much NEST's seed-to-seed deviations exceed the sampling model, >= 1.

    The root mean square of (NEST(other seed) - NEST(ref)) / sigma over the statistics
    the seed changes. It corrects the model where its assumptions fail (correlated
    samples, a network's common fluctuations) from many statistics at once, which one
    statistic's spread cannot: pooled over snapshots per (gid, field, kind) where that
    gives at least MIN_POOLED values (loops of simulations), else over the recorder.
    Returns a function of a statistic's key.
    """
    by_stat, by_recorder = defaultdict(list), defaultdict(list)
    for key, (value_ref, se_ref, _) in stats_ref.items():
        for stats in stats_spread:
            if key in stats:
                sigma = _sigma(key[3], value_ref, se_ref, stats[key][0], stats[key][1])
                # A statistic no seed changes (sample times, a multimeter's count) says
                # nothing about the noise; counting it would dilute the estimate.
                if sigma > 0 and stats[key][0] != value_ref:
                    square = ((stats[key][0] - value_ref) / sigma) ** 2
                    by_stat[key[1:]].append(square)
                    by_recorder[key[1]].append(square)

    def rms(squares):
        return max(1.0, math.sqrt(sum(squares) / len(squares))) if squares else 1.0

    def inflation(key):
        pooled = by_stat.get(key[1:], [])
        return rms(pooled) if len(pooled) >= MIN_POOLED else rms(by_recorder.get(key[1], []))

    return inflation


def statistical_checks(subject, ref, spread_runs, skip=frozenset()):
    """One Check per statistic of `subject` against `ref`, outside the recorders in `skip`."""
    stats_ref, stats_subject = statistics(ref), statistics(subject)
    stats_spread = [statistics(run) for run in spread_runs]
    inflation = _inflation(stats_ref, stats_spread)
    labels = {key: label for key, (label, _) in _recorders(ref).items()}
    labels.update({(ALL, gid): label for gid, (label, _) in _pooled_recorders(ref).items()})
    checks = []
    for key, (value_ref, se_ref, _) in stats_ref.items():
        if key[:2] in skip or key not in stats_subject:
            continue  # fixed recorders are compared whole; a missing mean: see the count
        value, se, _ = stats_subject[key]
        spread = max((abs(s[key][0] - value_ref) for s in stats_spread if key in s), default=0.0)
        band = Z * inflation(key) * _sigma(key[3], value_ref, se_ref, value, se)
        # From MIN_POOLED seed runs on, inflation measures this statistic's own seed-to-seed
        # deviations (their rms), which the largest of them only overstates.
        tolerance = band if len(stats_spread) >= MIN_POOLED else max(SPREAD_FACTOR * spread, band)
        label = f"{labels[key[:2]]} {key[2]} {key[3]}"
        checks.append(Check(label, key[0] == ALL, value_ref, value, spread, tolerance))
    return checks


# Statistics per snapshot, and pooled over all snapshots, are counted apart: a loop of
# simulations gives many of the first, where a few fall outside by chance (CHANCE_FRACTION
# of them are allowed), and few of the second, where one outside is a finding.
FAMILIES = {
    "statistics": lambda check: not check.pooled,
    "statistics over all snapshots": lambda check: check.pooled,
}
CHANCE_FRACTION = 0.01


def _outside(checks):
    return sum(c.ratio > 1 for c in checks)


def judge(ref, other, seed_runs=()):
    """Verdict for two successful runs (see the module docstring)."""
    diff = first_difference(ref, other)
    if diff is None:
        if not any(v.size for snap in ref for r in snap["recorders"] for v in r["data"].values()):
            return Outcome(IDENTICAL, "nothing recorded to compare (no recorder, or none recorded)")
        return Outcome(IDENTICAL)
    if not seed_runs:
        return Outcome(DIFFERS, f"{diff} (no NEST run with another seed to judge statistics)")
    if all(first_difference(ref, run) is None for run in seed_runs):
        return Outcome(DIFFERS, f"{diff}; NEST gives this exactly with any seed")
    structure = structure_difference(ref, other)
    if structure:
        return Outcome(DIFFERS, structure)
    fixed = fixed_recorders(ref, seed_runs)
    recorders_other = _recorders(other)
    for key, (label, rec) in _recorders(ref).items():
        if key in fixed:
            fixed_diff = recorder_difference(rec, recorders_other[key][1])
            if fixed_diff:
                return Outcome(DIFFERS, f"{label} is the same under every NEST seed, but {fixed_diff}")
    checks = statistical_checks(other, ref, seed_runs, fixed)
    if not checks:
        return Outcome(DIFFERS, f"{diff}; no statistic to compare")
    runs = list(seed_runs) + [other]
    mirrors = [statistical_checks(run, ref, runs[:k] + runs[k + 1 :], fixed) for k, run in enumerate(seed_runs)]
    worst = max(checks, key=lambda c: c.ratio)
    verdict, parts = STAT_EQUAL, []
    for family, in_family in FAMILIES.items():
        mine = [c for c in checks if in_family(c)]
        if not mine:
            continue
        outside = _outside(mine)
        nest_outside = max(_outside([c for c in m if in_family(c)]) for m in mirrors)
        allowed = nest_outside + math.floor(3 * math.sqrt(nest_outside)) + math.floor(CHANCE_FRACTION * len(mine))
        if outside > allowed:
            verdict = DIFFERS
        parts.append(f"{outside} of {len(mine)} {family} outside tolerance (NEST's other seeds: {nest_outside})")
    return Outcome(verdict, f"{'; '.join(parts)}; worst: {worst.describe()}", statistical=True)
