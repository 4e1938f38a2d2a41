"""A/B: print_time prints NEST's progress line: a new line, then one line rewritten in
place ("\\r") with the share done, the model time and the real-time factor, closed by a
new line when the run ends (NEST's SimulationManager::print_progress_; issue 15). Both
simulators run in their own process, their stdout captured as the user sees it."""

import re
import subprocess
import sys

import pytest

SCRIPT = """
import sys, warnings
warnings.simplefilter("ignore")
import {impl} as nest
{setup}
n = nest.Create("iaf_psc_alpha", 10, params={{"I_e": 400.0}})
nest.Connect(n, n, syn_spec={{"delay": 1.0}})
print("BEGIN", flush=True)
nest.print_time = True
nest.Simulate(30.0)
nest.Simulate(20.0)
print("END", flush=True)
"""
LINE = re.compile(r"\[ +(\d+)% \] Model time: (\d+\.\d) ms, Real-time factor: (\d+\.\d{4})")


def _run(impl, setup='nest.set_verbosity("M_ERROR")'):
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(impl=impl, setup=setup)],
                         capture_output=True,
                         timeout=600).stdout.decode()  # bytes: "\r" kept
    return out[out.index("BEGIN\n") + 6:out.index("END\n")]


def _runs(text):
    """Each Simulate's progress: the lines rewritten in place, parsed."""
    out = []
    for block in text.split("\n")[1::2]:  # "\n", the rewritten line, "\n", per run
        parts = block.split("\r")
        assert parts[0] == "", repr(block)
        out.append([LINE.fullmatch(p).groups() for p in parts[1:]])
    return out


@pytest.fixture(scope="module")
def outputs():
    return _run("nest"), _run("pynest_jax")


def test_progress_line_as_nest(outputs):
    ref, got = outputs
    assert ref.count("\n") == got.count("\n") == 4  # a new line before and after each run
    r_runs, g_runs = _runs(ref), _runs(got)
    assert len(r_runs) == len(g_runs) == 2
    for r, g in zip(r_runs, g_runs):
        # the first line of a run and the last one are NEST's (model time and share);
        # NEST rewrites after each slice, pynest_jax after each chunk of slices
        assert (g[0][0], g[0][1]) == (r[0][0], r[0][1])
        assert (g[-1][0], g[-1][1]) == (r[-1][0], r[-1][1]) and g[-1][0] == "100"
        shares = [int(x[0]) for x in g]
        assert shares == sorted(shares)
        assert float(g[-1][2]) > 0.0


def test_progress_after_info_messages_as_nest():
    """At the default verbosity NEST's INFO lines come first, and the fill character
    NEST's logger left on std::cout pads the share with zeros ([ 000% ])."""
    found = []
    for impl in ("nest", "pynest_jax"):
        text = _run(impl, setup="")
        found.append(re.findall(r"\r\[ (.{3})% \] Model time: (\d+\.\d) ms", text))
    ref, got = found
    assert ref[0] == got[0] and ref[0][0] == "000"
    assert ref[-1] == got[-1]
    assert {p[0][0] for p in got} <= {"0", "1"}  # zero-filled throughout, as NEST's
