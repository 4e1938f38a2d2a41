"""`python -m gallery.calibrate [--trials N]`: the statistical rule's false-alarm rate and power.

Each trial judges a synthetic run against a synthetic NEST reference run, with 2 NEST
seed runs and, where the verdict asks for it (`evaluate.needs_confirmation`), with
CONFIRM_SEED_RUNS, as `python -m gallery` does. Under "same" the run under test comes from
NEST's distribution (a `differs` is a false alarm); under "changed" it does not (a
`differs` is a finding: the power). The cases are those of gallery/synthetic.py.
"""

import argparse

from . import compare, synthetic
from .evaluate import CONFIRM_SEED_RUNS, needs_confirmation

# name: (run(seed, change), the change under test, what it is)
CASES = {
    "poisson": (lambda seed, c: synthetic.poisson_run(seed, factor=c), 1.15, "Poisson spiking, rate +15 %"),
    "network": (lambda seed, c: synthetic.network_run(seed, factor=c), 1.3,
                "network with 10 % common swings (spikes + trace), rate +30 %"),
    "optimiser loop": (lambda seed, c: synthetic.diverging_run(seed, factor=c), 1.5,
                       "40 iterations diverging across seeds, rate +50 %"),
    "shared noise loop": (lambda seed, c: synthetic.shared_noise_run(seed, factor=c), 1.3,
                          "40 iterations sharing their noise, rate +30 %"),
    "sparse recorders": (lambda seed, c: synthetic.sparse_run(seed, factor=c), 2.0,
                         "200 recorders of about 2 spikes each, rate doubled"),
    "short trace": (lambda seed, c: synthetic.short_trace_run(seed, shift=3.0 * (c - 1.0) / 0.3), 1.3,
                    "trace of 6 correlation times, mean +3 (noise sd 3.2)"),
}


def verdict(make, trial, change):
    """The verdict of one trial, with seed runs added as `python -m gallery` adds them."""
    base = 100_000 * (trial + 1)
    ref, other = make(base, 1.0), make(base + 1, change)
    seeds = [make(base + 10 + k, 1.0) for k in range(CONFIRM_SEED_RUNS)]
    outcome = compare.judge(ref, other, seeds[:2])
    if needs_confirmation(outcome, 2):
        outcome = compare.judge(ref, other, seeds)
    return outcome.verdict


def measure(trials, cases=CASES):
    """{case: (false alarms, found, trials)}"""
    found = {}
    for name, (make, change, _) in cases.items():
        false_alarms = sum(verdict(make, t, 1.0) == compare.DIFFERS for t in range(trials))
        hits = sum(verdict(make, t, change) == compare.DIFFERS for t in range(trials))
        found[name] = (false_alarms, hits, trials)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gallery.calibrate", description=__doc__)
    parser.add_argument("--trials", type=int, default=60)
    opts = parser.parse_args(argv)
    for name, (false_alarms, hits, trials) in measure(opts.trials).items():
        print(f"{name}: {CASES[name][2]}: false alarms {false_alarms}/{trials}, found {hits}/{trials}", flush=True)


if __name__ == "__main__":
    main()
