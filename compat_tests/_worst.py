"""The worst deviation from NEST per quantity and scenario, and the docs page it makes.

An A/B file checks each recorded trace with ``WorstDeviations.check`` (relative to
max(|value|, floor x the trace's largest |value|), so that a trace through zero is judged
on its own scale) and writes the table with ``write`` when the whole file ran.
"""

import numpy as np


class WorstDeviations:
    def __init__(self, rtol, floor):
        self.rtol, self.floor = rtol, floor
        self.seen = {}  # (quantity, scenario) -> worst relative deviation

    def check(self, key, scenario, ref, got):
        a, b = np.asarray(ref, float), np.asarray(got, float)
        scale = np.maximum(np.abs(a), self.floor * max(np.max(np.abs(a), initial=0.0), 1e-300))
        dev = float(np.max(np.abs(b - a) / scale)) if len(a) else 0.0
        self.seen[(key, scenario)] = max(self.seen.get((key, scenario), 0.0), dev)
        assert dev <= self.rtol, f"{key}: worst relative deviation {dev:.3g}"

    def write(self, request, path, intro, column):
        """The page at ``path``: ``intro`` lines, then per quantity its worst deviation
        and the scenario; only after a run of the whole file (no -k), which measures
        every scenario."""
        if request.config.getoption("keyword") or not self.seen:
            return
        worst = {}
        for (k, scenario), dev in self.seen.items():
            if dev >= worst.get(k, (-1.0, ""))[0]:
                worst[k] = (dev, scenario)
        lines = list(intro) + ["", f"| {column} | worst relative deviation | in scenario |",
                               "|---|---|---|"]
        lines += [f"| {k} | {dev:.2e} | {scenario} |" for k, (dev, scenario) in sorted(worst.items())]
        lines += ["", f"Worst over all: {max(d for d, _ in worst.values()):.2e}"]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
