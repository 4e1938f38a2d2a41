"""Verdict for one gallery script from the recorder snapshots of its runs.

A run's result is a list of snapshots, one before each `ResetKernel` and one at the end:
`{"when": str, "recorders": [{"gid": int, "model": str, "data": {field: ndarray}}],
"error": str | None}`, recorders sorted by gid (see `_child.py`).

Verdicts, from NEST's reference run (`ref`), the run under test (`other`) and runs of
NEST with other rng_seeds (`seed_runs`). Besides the recorders, each snapshot may hold a
pseudo-recorder (gid 0, "values read by the script", see `_child.py`) with what the
script read back from the kernel (`get`, attribute access, GetStatus, GetConnections'
count); it is compared as the recorders are. A snapshot that holds nothing else (no
recorder recorded anything, the script read nothing: a script that only builds and plots
a network) holds the kernel's state instead, as pseudo-recorders with negative gids
(`_kernel_state.py`): each layer's positions, each projection's connections (sources,
targets, receptors, weights, delays, distances; sorted, since NEST's order is not a
semantic) and each neuron model's state variables. They are judged by the same rules:
ids (`sources`, `targets`, `node_ids`) exactly, other values within RTOL; where NEST's
seed changes them, by statistics, counting connections or nodes as a recorder's events
and their values as independent samples (never a trace), and any field of them that every
NEST seed reproduces exactly (a free layer's node ids) must be identical too.

- identical: same snapshots, recorders (gid, model) and fields; node ids (senders,
  targets, ports) and the times of spike-like events exactly equal (of precise,
  off-grid spikes: times and offsets within RTOL, as issue 13 sets for precise spike
  times; a recorder's spikes are precise where it has `offsets`, or where NEST's time in
  ms lies off the tic grid, `on_tic_grid`); every other value
  within RTOL of the larger magnitude of the pair (NaN equals NaN, an infinity itself),
  or both of magnitude below TINY: XLA on CPU flushes subnormal intermediates to zero, so
  values that decay that far (conductances long after their last input) end in 0 here
  where NEST's go on shrinking (docs/divergences.md, "subnormals").
- nothing to compare: the runs agree because neither recorded nor read anything, and the
  kernel held no node (no state to compare either). Not a match: the script's output was
  never compared.
- statistically equal: not identical, NEST's own output changes with the seed, the
  recorders and fields are the same, every recorder that NEST reproduces exactly under
  every seed is identical, non-finite values sit where NEST's do (or, where the shapes
  differ, are as frequent), every statistic NEST's runs all have is there (a mean or
  std that a recorder lacks because it holds under 2 events here is left to its event
  count: a sparse recorder holds so few in a share of NEST's own runs), and the
  statistics (events per recorder; mean and std of each field's finite values per
  recorder and snapshot) lie within NEST's distribution over its m runs (the reference
  and the seed runs): the prediction interval of one more NEST run,
      center +- Z * inflation * tau * sqrt(1 + 1/m),
  center: the mean of NEST's runs, so that an outlying reference run is one of m (the
  old rule, reference +- 3 x the largest seed deviation, let brette_et_al_2007/coba's
  spike-time std pass at 288 against NEST's 6.2 with a tolerance of 839). tau: the
  sampling model's standard deviation of one run's statistic, from NEST's runs (not
  from the run under test, whose own events would widen its band): counts are Poisson,
  sqrt(mean count); means and stds of spike-like fields iid, s/sqrt(n) and
  s/sqrt(2(n-1)); sampled traces (multimeter) are autocorrelated, so the spread of
  BATCHES contiguous batch means (batch stds) is used. Means and stds need 2 values.
  inflation: the rms of NEST's deviations from the center in units of tau (at least 1),
  pooled per statistic over snapshots or else per recorder (`_inflation`), which
  corrects the model where a network's common fluctuations or slow traces break it.
  From MIN_POOLED seed runs on, the center is the median and inflation clips outlying
  runs, so one outlying run among many sets neither. With fewer runs, NEST runs that
  disagree more than UNSETTLED_INFLATION x tau ask for more (`Outcome.unsettled`), as
  does a recorder that NEST left empty in every run and that received events here;
  such a count is judged exactly (`silent_allowance`: at most 4 events with 2 seed runs,
  2 with 8). Some statistics fall outside by chance. The run under test may have as
  many outside as NEST's seed runs have when each is judged the same way (a "mirror":
  against the other runs, the run under test included): the mean over the mirrors,
  plus 3 sqrt(that), plus CHANCE_FRACTION of the statistics, and never a quarter of
  the family (MAX_OUTSIDE_FRACTION), so that every family can fail. Statistics per
  snapshot and pooled over all snapshots of a recorder (a loop of simulations) count
  apart. A statistical `differs`, or an unsettled verdict, is judged again with
  `evaluate.CONFIRM_SEED_RUNS` NEST seed runs before it stands. False-alarm rate and
  power, measured on the synthetic runs of gallery/synthetic.py: `python -m
  gallery.calibrate` (the table's legend states them). A loop of simulations that
  restarts NEST's random stream at every ResetKernel (the same seed each time) shares
  its noise across iterations, so the statistics pooled over them vary from seed to
  seed far more than the sampling model says (if_curve: seed-to-seed SD of the pooled
  count 790 from 8 NEST runs, where two gave a spread of 282); their inflation is
  measured apart from the per-snapshot statistics' (`_pool`).
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
NOTHING = "nothing to compare"
DIFFERS = "differs"
FAILS = "fails"
NOT_RUN = "not run by NEST here"
VERDICTS = (IDENTICAL, STAT_EQUAL, NOTHING, DIFFERS, FAILS, NOT_RUN)
MATCHES = (IDENTICAL, STAT_EQUAL)  # what the README counts as matching NEST

RTOL = 1e-9
TINY = 1e-290  # below this both sides count as zero (see the module doc)
Z = 3.0
BATCHES = 20
MIN_POOLED = 8
ALL = -1  # the snapshot index of statistics over all snapshots

# Fields of events that are spikes (or synaptic events), as opposed to sampled traces.
SPIKE_FIELDS = frozenset({"times", "offsets", "senders", "targets", "weights", "receptors", "ports", "rports"})
# Node ids and ports: equal or not, never "close". `sources` and `node_ids`: of the
# kernel-state pseudo-recorders (below).
ID_FIELDS = frozenset({"senders", "targets", "receptors", "ports", "rports", "sources", "node_ids"})


# The pseudo-recorder of values the script read back (`_child.py`), and the status keys
# whose reads repeat what the recorders hold (their events): those reads are left out,
# since the recorders are compared, and counting them twice would judge one set of
# values twice, under a sampling model pooled over other statistics.
READS_GID = 0
RECORDED_KEYS = ("events", "histogram", "count_histogram", "covariance", "count_covariance", "n_events")


def is_kernel_state(gid):
    """The kernel-state pseudo-recorders (`_kernel_state.py`) have negative gids."""
    return gid < 0


# What a kernel-state record counts, as a recorder counts its events (`times`): its
# connections, its nodes, or a count it holds instead of them (above the size bounds).
STATE_COUNTED = ("targets", "node_ids")
STATE_COUNT = "count"


def drop_recorded_reads(snapshots):
    """The snapshots without the reads of recorded data (see RECORDED_KEYS)."""

    def recorded(field):
        key = field.split(" ", 1)[-1]
        return any(key == k or key.startswith((k + ".", k + "/")) for k in RECORDED_KEYS)

    cleaned = []
    for snap in snapshots:
        recorders = []
        for rec in snap["recorders"]:
            if rec["gid"] == READS_GID:
                data = {k: v for k, v in rec["data"].items() if not recorded(k)}
                if not data:
                    continue
                rec = dict(rec, data=data)
            recorders.append(rec)
        cleaned.append(dict(snap, recorders=recorders))
    return cleaned


@dataclass(frozen=True)
class Outcome:
    verdict: str
    reason: str = ""
    # Reached by comparing statistics against NEST's seed runs: more seed runs may change it.
    statistical: bool = False
    # NEST's own runs disagree far beyond the sampling model (one of them may be an
    # outlier), which few runs cannot tell from a wide distribution: more seed runs wanted.
    unsettled: bool = False


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
    """How two recorded arrays differ beyond the identity tolerance, or None. `exact`: a
    bool, or a bool array of ref's shape saying which elements must be equal."""
    ref, got = np.asarray(ref), np.asarray(got)
    if ref.shape != got.shape:
        return f"shape {got.shape} instead of NEST's {ref.shape}"
    if ref.dtype.kind not in "biuf" or got.dtype.kind not in "biuf":
        bad = np.asarray(ref != got).reshape(ref.shape)
    else:
        a, b = ref.astype(float), got.astype(float)
        equal = (np.isnan(a) & np.isnan(b)) | (a == b)  # a == b: the same infinity too
        with np.errstate(invalid="ignore"):
            big = np.maximum(np.abs(a), np.abs(b))
            close = (np.abs(a - b) <= RTOL * big) | (big < TINY)
        bad = ~np.where(exact, False, close) & ~equal
    if not bad.any():
        return None
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    index = first[0] if len(first) == 1 else first
    return f"{int(bad.sum())} of {bad.size} differ, first [{index}]: {got[first]!r} vs NEST {ref[first]!r}"


def on_tic_grid(times, ms_per_tic):
    """Which times (ms) NEST could have written as a whole number of tics (Time::get_ms):
    a grid spike's time is tics * ms_per_tic, and that product survives the round trip
    bit for bit; a precise spike's time (stamp minus offset) almost never does."""
    t = np.asarray(times, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.isfinite(t) & (np.round(t / ms_per_tic) * ms_per_tic == t)


def recorder_difference(rec_ref, rec_other):
    """How one recorder's data differ beyond the identity tolerance, or None."""
    if rec_ref["model"] != rec_other["model"] or sorted(rec_ref["data"]) != sorted(rec_other["data"]):
        return "different model or fields"
    sampled = is_sampled(rec_ref["data"])
    for name in sorted(rec_ref["data"]):
        # precise (off-grid) spikes: their times come out of a root search and libm's
        # exp, so they are held to RTOL (issue 13: within 1e-9 relative); grid times
        # exactly. A recorder with `offsets` holds precise spikes; one recording ms holds
        # them wherever NEST's time lies off the tic grid.
        exact = name in ID_FIELDS
        if not sampled and name in ("times", "offsets") and "offsets" not in rec_ref["data"]:
            ref = np.asarray(rec_ref["data"][name])
            exact = (on_tic_grid(ref, rec_ref.get("ms_per_tic", 1e-3))
                     if ref.dtype.kind == "f" and name == "times" else True)
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


def fixed_state_difference(ref, other, seed_runs, fixed):
    """How a field of a kernel-state record that NEST reproduces exactly under every seed
    differs here, or None: a free layer's node ids, a grid's positions beside random
    connections, a projection's one delay where every run has the same count. Fields of
    whole fixed records (`fixed`) are judged with them."""
    others = [_recorders(run) for run in seed_runs]
    recorders_other = _recorders(other)
    for key, (label, rec) in _recorders(ref).items():
        if key in fixed or not is_kernel_state(key[1]):
            continue
        for name, values in sorted(rec["data"].items()):
            exact = name in ID_FIELDS
            if np.size(values) == 0 or not all(
                    key in run and name in run[key][1]["data"]
                    and values_difference(values, run[key][1]["data"][name], exact) is None for run in others):
                continue
            diff = values_difference(values, recorders_other[key][1]["data"][name], exact)
            if diff:
                return f"{label} {name} is the same under every NEST seed, but {diff}"
    return None


def _standard_errors(x, sampled):
    """Standard errors of mean and std of the samples x (see the module docstring)."""
    n = x.size
    if sampled and n >= 2 * BATCHES:
        batches = x[: n - n % BATCHES].reshape(BATCHES, -1)
        scale = math.sqrt(BATCHES)
        return batches.mean(axis=1).std(ddof=1) / scale, batches.std(axis=1).std(ddof=1) / scale
    s = x.std(ddof=1)
    return s / math.sqrt(n), s / math.sqrt(2 * (n - 1))


def _count(data, state):
    """How many events a recorder holds (connections, nodes of a kernel-state record), or None."""
    if "times" in data:
        return np.asarray(data["times"]).size
    if state and STATE_COUNT in data:
        return int(np.sum(data[STATE_COUNT]))
    counted = [name for name in STATE_COUNTED if name in data] if state else []
    return np.asarray(data[counted[0]]).size if counted else None


def _field_statistics(stats, key, data, sampled):
    n = _count(data, is_kernel_state(key[1]))
    if n is not None:
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
    # A kernel-state record holds one value per node or connection, never a trace.
    for key, (_, rec) in _recorders(run).items():
        _field_statistics(stats, key, rec["data"], is_sampled(rec["data"]) and not is_kernel_state(key[1]))
    for gid, (_, data) in _pooled_recorders(run).items():
        _field_statistics(stats, (ALL, gid), data, is_sampled(data) and not is_kernel_state(gid))
    return stats


def nonfinite_difference(ref, other):
    """Where the run under test holds NaN or infinities that NEST's reference run does not.

    Statistics are taken over finite values only, so non-finite values are judged here:
    where a field has NEST's shape they must sit at NEST's positions, else each kind must
    be as frequent as in NEST's run.
    """
    recorders_other = _recorders(other)
    for key, (label, rec_ref) in _recorders(ref).items():
        rec_other = recorders_other.get(key, (None, {"data": {}}))[1]
        for name, values in sorted(rec_ref["data"].items()):
            a, b = np.asarray(values), np.asarray(rec_other["data"].get(name, []))
            if a.dtype.kind not in "biuf" or b.dtype.kind not in "biuf":
                continue
            a, b = a.astype(float), b.astype(float)
            for kind, test in (("NaN", np.isnan), ("+inf", np.isposinf), ("-inf", np.isneginf)):
                in_a, in_b = test(a), test(b)
                if not (in_a.any() or in_b.any()):
                    continue
                if a.shape == b.shape:
                    if (in_a != in_b).any():
                        return f"{label} {name}: {int(in_b.sum())} {kind} where NEST has {int(in_a.sum())}, " \
                               f"{int((in_a != in_b).sum())} of {a.size} placed differently"
                elif in_a.mean() != in_b.mean():
                    return f"{label} {name}: {int(in_b.sum())} {kind} of {b.size} where NEST has " \
                           f"{int(in_a.sum())} of {a.size}"
    return None


@dataclass(frozen=True)
class Check:
    """One statistic of a run against the values of NEST's runs (reference and seeds)."""

    label: str
    pooled: bool  # over all snapshots (see `_pooled_recorders`)
    nest: tuple  # NEST's values, the reference run's first
    got: float
    low: float  # the run under test must lie in [low, high]
    high: float
    inflation: float = 1.0  # of the sampling model by NEST's own seed-to-seed deviations
    disagreement: float = 0.0  # rms deviation of NEST's runs from the center, in units of tau

    @property
    def ratio(self):
        """Deviation from the middle of [low, high] over half its width: > 1 is outside."""
        if math.isnan(self.got):
            return math.inf  # a statistic NEST has and this run lacks
        middle, half = (self.low + self.high) / 2, (self.high - self.low) / 2
        deviation = abs(self.got - middle)
        if deviation == 0:
            return 0.0
        return deviation / half if half > 0 else math.inf

    def describe(self):
        got = "missing" if math.isnan(self.got) else f"{self.got:.6g}"
        return (
            f"{self.label}: {got} vs NEST {self.nest[0]:.6g} (NEST's runs {min(self.nest):.6g} to "
            f"{max(self.nest):.6g}, allowed {self.low:.6g} to {self.high:.6g})"
        )


def _pool(key):
    """Statistics pooled for inflation: one per (gid, field, kind) over the snapshots, and
    apart from it the same statistic over all snapshots, whose noise adds up differently
    (a loop whose iterations share their noise)."""
    return (key[0] == ALL,) + key[1:]


def _inflation(center, nest_runs, tau, robust=False):
    """How much NEST's seed-to-seed deviations exceed the sampling model, >= 1.

    z = (NEST run - center) / (tau sqrt((m-1)/m)) for each of the m NEST runs, where tau is
    the model's standard deviation of one run's statistic, so that E[z^2] = 1 where the
    model holds. The scale is the rms of z over the statistics the seed changes, pooled
    per (gid, field, kind) over snapshots (`_pool`) where that gives at least MIN_POOLED values
    (loops of simulations), else over the recorder: it corrects the model where its
    assumptions fail (correlated samples, a network's common fluctuations) from many
    statistics at once, which one statistic's few runs cannot. With `robust` (many runs,
    center the median), each |z| is first clipped at 3 x 1.4826 x median |z|, so one
    outlying run (an unlucky reference) does not set the scale. Returns a function of a
    statistic's key.
    """
    by_stat, by_recorder = defaultdict(list), defaultdict(list)
    for key, value in center.items():
        values = [stats[key][0] for stats in nest_runs if key in stats]
        t = tau(key)
        # A statistic no seed changes (sample times, a multimeter's count) says nothing
        # about the noise; counting it would dilute the estimate.
        if t <= 0 or len(values) < 2 or len(set(values)) == 1:
            continue
        norm = t * math.sqrt((len(values) - 1) / len(values))
        for v in values:
            by_stat[_pool(key)].append((v - value) / norm)
            by_recorder[key[1]].append((v - value) / norm)

    def scale(zs):
        if not zs:
            return 1.0
        z = np.abs(np.asarray(zs))
        if robust:
            z = np.minimum(z, 3 * 1.4826 * float(np.median(z)))
        return max(1.0, math.sqrt(float(np.mean(z**2))))

    def inflation(key):
        pooled = by_stat.get(_pool(key), [])
        return scale(pooled) if len(pooled) >= MIN_POOLED else scale(by_recorder.get(key[1], []))

    return inflation


# One-sided tail of the normal distribution beyond Z: the false-alarm rate a single check
# is held to where it is an exact test (a recorder NEST leaves empty, below).
ALPHA = 0.5 * math.erfc(Z / math.sqrt(2))


def silent_allowance(nest_runs):
    """The most events a recorder that NEST left empty in all `nest_runs` runs may get.

    If the run under test and NEST's runs count events of one Poisson process, the run
    under test holds each of T events with probability 1/(nest_runs + 1), so all T of
    them with (nest_runs + 1)^-T: T is allowed while that is above ALPHA. 4 events with
    2 seed runs (3 NEST runs), 2 with 8.
    """
    return math.floor(math.log(1 / ALPHA) / math.log(nest_runs + 1))


def _too_few(stats, key):
    """Whether the run of `stats` lacks the mean or std `key` for want of 2 events.

    A sparse recorder (a parrot at 10 spikes/s for 200 ms) holds 0 or 1 events in a good
    share of NEST's own runs; where all of NEST's runs happened to hold 2 or more, the
    mean and std of the run under test would be "missing", a difference by chance (26 of
    30 false alarms on gallery.synthetic.sparse_run). Its event count is judged instead.
    """
    count = stats.get(key[:2] + ("events", "count"))
    return key not in stats and count is not None and count[0] < 2


def statistical_checks(subject, ref, spread_runs, skip=frozenset()):
    """One Check per statistic of `ref`, outside the recorders in `skip`.

    The run under test is judged against the distribution of NEST's m runs (`ref` and
    `spread_runs`), not against `ref` alone: it must lie within
        center +- Z * inflation * tau * sqrt(1 + 1/m),
    the prediction interval of one more run; center: the mean of NEST's runs (from
    MIN_POOLED seed runs on, their median, with a robust inflation); tau: the model's
    standard deviation of one run's statistic (counts: sqrt of NEST's mean count; means
    and stds: the median of NEST's standard errors).
    """
    stats_ref, stats_subject = statistics(ref), statistics(subject)
    nest_runs = [stats_ref] + [statistics(run) for run in spread_runs]
    many = len(spread_runs) >= MIN_POOLED
    center = {}
    for key in stats_ref:
        values = [stats[key][0] for stats in nest_runs if key in stats]
        center[key] = float(np.median(values) if many else np.mean(values))

    def tau(key):
        if key[3] == "count":
            return math.sqrt(max(center[key], 0.0))
        return float(np.median([stats[key][1] for stats in nest_runs if key in stats]))

    inflation = _inflation(center, nest_runs, tau, robust=many)
    labels = {key: label for key, (label, _) in _recorders(ref).items()}
    labels.update({(ALL, gid): label for gid, (label, _) in _pooled_recorders(ref).items()})
    checks = []
    for key in stats_ref:
        if key[:2] in skip:
            continue  # fixed recorders are compared whole
        if key[3] != "count" and _too_few(stats_subject, key):
            continue  # its count, checked below, is all a run with 0 or 1 event says
        label = f"{labels[key[:2]]} {key[2]} {key[3]}"
        nest = tuple(stats[key][0] for stats in nest_runs if key in stats)
        scale, t = inflation(key), tau(key)
        own = math.sqrt(np.mean(np.square(np.subtract(nest, center[key])))) / t if t > 0 else 0.0
        if key[3] == "count" and not any(nest):
            low, high = 0.0, float(silent_allowance(len(nest)))
        else:
            band = Z * scale * t * math.sqrt(1 + 1 / len(nest))
            low, high = center[key] - band, center[key] + band
        got = stats_subject[key][0] if key in stats_subject else math.nan
        checks.append(Check(label, key[0] == ALL, nest, got, low, high, scale, own))
    return checks


# Statistics per snapshot, and pooled over all snapshots, are counted apart: a loop of
# simulations gives many of the first, where a few fall outside by chance (CHANCE_FRACTION
# of them are allowed), and few of the second, where one outside is a finding.
FAMILIES = {
    "statistics": lambda check: not check.pooled,
    "statistics over all snapshots": lambda check: check.pooled,
}
CHANCE_FRACTION = 0.01
# Whatever NEST's own runs do, more than this fraction of a family outside is a
# difference: the allowance must leave every family able to fail.
MAX_OUTSIDE_FRACTION = 0.25
# NEST's seed-to-seed deviations this many times the sampling model's: with few runs, an
# outlying run (the reference, say) cannot be told from a wide distribution.
UNSETTLED_INFLATION = 10.0


def _outside(checks):
    return sum(c.ratio > 1 for c in checks)


def allowance(family_size, nest_outside):
    """How many of `family_size` statistics may lie outside their tolerance.

    `nest_outside`: how many did for each of NEST's mirrors (a NEST seed run judged the
    same way). Their mean is the rate at which NEST's own runs fall outside, and the
    allowance is its Poisson band (+3 sqrt); the maximum over the mirrors, as before,
    grows with the number of seed runs. The median ignores the rate where most mirrors
    have none (sinusoidal_gamma_generator's mirrors: 0, 0, 0, 1, 0, 0, 1, 2). Never
    MAX_OUTSIDE_FRACTION of the family or more.
    """
    typical = float(np.mean(nest_outside)) if len(nest_outside) else 0.0
    allowed = math.floor(typical + 3 * math.sqrt(typical) + CHANCE_FRACTION * family_size)
    return min(allowed, math.ceil(MAX_OUTSIDE_FRACTION * family_size) - 1)


def _recorded_anything(run):
    return any(np.size(v) for snap in run for r in snap["recorders"] for v in r["data"].values())


def judge(ref, other, seed_runs=()):
    """Verdict for two successful runs (see the module docstring)."""
    diff = first_difference(ref, other)
    if diff is None:
        if not _recorded_anything(ref):
            return Outcome(NOTHING, "nothing recorded to compare: no recorder recorded anything, the script read "
                                    "no value back, and the kernel held no node")
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
    fixed_field = fixed_state_difference(ref, other, seed_runs, fixed)
    if fixed_field:
        return Outcome(DIFFERS, fixed_field)
    nonfinite = nonfinite_difference(ref, other)
    if nonfinite:
        return Outcome(DIFFERS, nonfinite)
    checks = statistical_checks(other, ref, seed_runs, fixed)
    if not checks:
        return Outcome(DIFFERS, f"{diff}; no statistic to compare")
    missing = [c for c in checks if math.isnan(c.got) and len(c.nest) == 1 + len(seed_runs)]
    if missing:
        # Statistical all the same: with more NEST runs, one of them may lack it too.
        return Outcome(DIFFERS, f"{len(missing)} statistics that every NEST run has are missing; first: "
                                f"{missing[0].describe()}", statistical=True)
    runs = list(seed_runs) + [other]
    mirrors = [statistical_checks(run, ref, runs[:k] + runs[k + 1 :], fixed) for k, run in enumerate(seed_runs)]
    worst = max(checks, key=lambda c: c.ratio)
    verdict, parts = STAT_EQUAL, []
    for family, in_family in FAMILIES.items():
        mine = [c for c in checks if in_family(c)]
        if not mine:
            continue
        outside = _outside(mine)
        nest_outside = [_outside([c for c in m if in_family(c)]) for m in mirrors]
        allowed = allowance(len(mine), nest_outside)
        if outside > allowed:
            verdict = DIFFERS
        parts.append(f"{outside} of {len(mine)} {family} outside tolerance (allowed {allowed}; "
                     f"NEST's other seeds: {', '.join(map(str, nest_outside))})")
    # A recorder NEST left empty that got events here is decided by more NEST runs too:
    # with 2 seed runs up to 4 events pass the exact bound, with 8 only 2.
    woke = any(c.nest and not any(c.nest) and c.label.endswith("events count") and c.got > 0 for c in checks)
    disagree = max(c.disagreement for c in checks) > UNSETTLED_INFLATION
    unsettled = len(seed_runs) < MIN_POOLED and (disagree or woke)
    return Outcome(verdict, f"{'; '.join(parts)}; worst: {worst.describe()}", statistical=True, unsettled=unsettled)
