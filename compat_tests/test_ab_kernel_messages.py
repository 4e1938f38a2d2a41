"""A/B: the messages a Simulate prints (Preparing ..., the warning for a simulation time
that is not a multiple of min_delay, the run's summary, Simulation finished.), at NEST's
levels and on NEST's streams, with the verbosity set as a user sets it (issue 15).
Each simulator runs in its own process; time stamps are taken out."""

import re
import subprocess
import sys

import pytest

SCRIPT = """
import warnings
warnings.simplefilter("ignore")
import {impl} as nest
{setup}
n = nest.Create("iaf_psc_alpha", 2)
nest.Connect(n, n, syn_spec={{"delay": 2.0}})
vm = nest.Create("voltmeter")
nest.Connect(vm, n)
print("BEGIN", flush=True)
nest.Simulate(3.3)
nest.Simulate(6.0)
nest.Simulate(0.0)
print("END", flush=True)
"""
SETUPS = {
    "default": "",
    "warning": "nest.verbosity = nest.VerbosityLevel.WARNING",
    "error (deprecated form)": 'nest.set_verbosity("M_ERROR")',
    "all": "nest.verbosity = nest.VerbosityLevel.ALL",
}
STAMP = re.compile(r"\] \[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[^\]]*\]")


def _run(impl, setup):
    p = subprocess.run([sys.executable, "-c", SCRIPT.format(impl=impl, setup=setup)],
                       capture_output=True, text=True, timeout=600)
    out = p.stdout[p.stdout.index("BEGIN\n"):]
    err = "\n".join(line for line in p.stderr.splitlines() if line.startswith("["))
    return STAMP.sub("] [time]", out), STAMP.sub("] [time]", err)


@pytest.mark.parametrize("name", list(SETUPS))
def test_simulate_messages_as_nest(name):
    ref = _run("nest", SETUPS[name])
    got = _run("pynest_jax", SETUPS[name])
    assert got == ref


UNREAD = """
import warnings
warnings.simplefilter("ignore")
import {impl} as nest
nest.verbosity = nest.VerbosityLevel.ALL
nest.set(dict_miss_is_error=False)
print("BEGIN", flush=True)
n = nest.Create("iaf_psc_alpha", 2, params={{"I_e": 10.0, "E_K": -40.0}})
n[1].set({{"V_m": -60.0, "foo": 1}})
nest.SetDefaults("iaf_psc_delta", {{"tau_m": 12.0, "bar": 2.0}})
print("END", flush=True)
"""


def test_unread_entries_print_as_nest():
    """With dict_miss_is_error false, keys a model lacks are dropped silently."""
    outs = []
    for impl in ("nest", "pynest_jax"):
        p = subprocess.run([sys.executable, "-c", UNREAD.format(impl=impl)], capture_output=True,
                           text=True, timeout=600)
        err = "\n".join(x for x in p.stderr.splitlines() if "Warning" in x or x.startswith("["))
        outs.append((p.stdout[p.stdout.index("BEGIN"):], err))
    assert outs[1] == outs[0]
