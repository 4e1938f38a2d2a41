"""The worst deviation from NEST per quantity and scenario, and the docs page it makes.

An A/B file checks each recorded trace with ``WorstDeviations.check`` (relative to
max(|value|, floor x the trace's largest |value|), so that a trace through zero is judged
on its own scale; NEST's NaNs must be ours too) and writes the table with ``write`` when
the whole file ran (``page`` makes the fixture that does it). A quantity's key is a
string or a tuple (model, recordable).
"""

import os

import numpy as np
import pytest

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")


def _parts(key):
    return key if isinstance(key, tuple) else (key,)


class WorstDeviations:
    def __init__(self, rtol, floor):
        self.rtol, self.floor = rtol, floor
        self.seen = {}  # (key, scenario) -> worst relative deviation

    def check(self, key, scenario, ref, got, tol=None):
        """Record the worst relative deviation of ``got`` from ``ref``; fail beyond
        ``tol`` (default: the file's rtol)."""
        a, b = np.asarray(ref, float), np.asarray(got, float)
        label = ".".join(_parts(key))
        np.testing.assert_array_equal(np.isnan(b), np.isnan(a), err_msg=label)
        ok = ~np.isnan(a)
        a, b = a[ok], b[ok]
        scale = np.maximum(np.abs(a), self.floor * max(np.max(np.abs(a), initial=0.0), 1e-300))
        dev = float(np.max(np.abs(b - a) / scale)) if len(a) else 0.0
        self.seen[(key, scenario)] = max(self.seen.get((key, scenario), 0.0), dev)
        limit = self.rtol if tol is None else tol
        assert dev <= limit, f"{label}: worst relative deviation {dev:.3g}"

    def write(self, request, path, intro, columns, total=True):
        """The page at ``path``: ``intro`` lines, then one row per key (its parts under
        ``columns``) with its worst deviation and that scenario, and with ``total`` the
        worst over all. Only after a run of the whole file (no -k), which measures every
        scenario, in one process: under pytest-xdist (the default test command) a file's
        tests are shared among workers, each of which sees only some scenarios, so a worker
        writes nothing (regenerate with `python -m pytest -n 0 <file>`)."""
        if request.config.getoption("keyword") or not self.seen:
            return
        if os.environ.get("PYTEST_XDIST_WORKER"):
            return
        worst = {}
        for (key, scenario), dev in self.seen.items():
            if dev >= worst.get(key, (-1.0, ""))[0]:
                worst[key] = (dev, scenario)
        lines = list(intro) + ["", "| " + " | ".join(columns) + " | worst relative deviation | in scenario |",
                               "|---" * (len(columns) + 2) + "|"]
        lines += ["| " + " | ".join(_parts(key)) + f" | {dev:.2e} | {scenario} |"
                  for key, (dev, scenario) in sorted(worst.items())]
        if total:
            lines += ["", f"Worst over all: {max(d for d, _ in worst.values()):.2e}"]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def page(self, name, intro, columns, total=True):
        """A module-scoped autouse fixture (assign it to a name in the test module) that
        writes docs/``name`` with ``write`` once the module's tests ran; ``intro`` is the
        page's opening text."""

        @pytest.fixture(scope="module", autouse=True)
        def write_page(request):
            yield
            self.write(request, os.path.join(DOCS, name), intro.split("\n"), columns, total)
        return write_page
