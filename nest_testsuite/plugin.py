"""pytest plugin a child process loads with `-p nest_testsuite.plugin`.

Loaded before any conftest.py, so importing this module is the moment to bind `nest`.
Environment (set by `runfile`):
  NEST_TESTSUITE_IMPL    'pynest_jax' (default) or 'nest'
  NEST_TESTSUITE_RECORD  JSON-lines file that receives one record per event
  NEST_TESTSUITE_ONLY    file of node ids: run only these (the ratchet)
  NEST_TESTSUITE_SKIP    file of node ids: leave these out (resuming after a timeout)
  NEST_TESTSUITE_POLICY  '0' runs what the policy would not (threads, MPI markers)
Records are flushed one by one so that whatever happened before a hang or a crash is kept.
"""

import json
import os
import time

import pytest

from nest_testsuite import bind, environment, policy

IMPL = os.environ.get("NEST_TESTSUITE_IMPL", "pynest_jax")
POLICY_ON = os.environ.get("NEST_TESTSUITE_POLICY", "1") != "0"
_package = bind.install(IMPL)

MAX_MESSAGE = 2000  # enough for an exception line; keeps a run's records small
_record_path = os.environ.get("NEST_TESTSUITE_RECORD")
_record_file = open(_record_path, "a", encoding="utf-8") if _record_path else None


def _emit(**fields):
    if _record_file is None:
        return
    fields["t"] = time.time()
    _record_file.write(json.dumps(fields) + "\n")
    _record_file.flush()


def pytest_configure(config):
    missing = environment.pin_build_info(_package, POLICY_ON)
    _emit(kind="environment", impl=IMPL, policy=POLICY_ON, missing_build_info=missing)


def _read_ids(variable):
    path = os.environ.get(variable)
    if not path:
        return None
    with open(path, encoding="utf-8") as f:
        return {line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")}


def _message(report):
    """The exception line of a failure, or the reason of a skip."""
    longrepr = report.longrepr
    if longrepr is None:
        return ""
    if isinstance(longrepr, tuple):  # skip: (path, lineno, reason)
        return str(longrepr[2])
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and crash.message:
        return crash.message
    # Collection errors often carry only text; its last 'E   ' line names the exception.
    lines = str(longrepr).splitlines()
    errors = [ln[1:].strip() for ln in lines if ln.startswith("E ")]
    return errors[-1] if errors else (lines[-1].strip() if lines else "")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    only, skip = _read_ids("NEST_TESTSUITE_ONLY"), _read_ids("NEST_TESTSUITE_SKIP")
    kept, dropped = [], []
    for item in items:
        if (only is not None and item.nodeid not in only) or (skip and item.nodeid in skip):
            dropped.append(item)
            continue
        reason = POLICY_ON and policy.marker_reason(m.name for m in item.iter_markers())
        if reason:
            # A skip mark is evaluated before fixtures, so NEST's autouse fixtures (which
            # read build_info) do not even run for these tests.
            item.add_marker(pytest.mark.skip(reason=reason))
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    _emit(kind="collected", nodeids=[item.nodeid for item in items])


def pytest_runtest_logstart(nodeid, location):
    _emit(kind="start", nodeid=nodeid)


def pytest_runtest_logreport(report):
    wasxfail = getattr(report, "wasxfail", None)  # set on xfail and on non-strict xpass
    _emit(
        kind="phase",
        nodeid=report.nodeid,
        when=report.when,
        outcome=report.outcome,
        xfail=wasxfail is not None,
        message=(wasxfail if wasxfail is not None and report.skipped else _message(report))[:MAX_MESSAGE],
        duration=report.duration,
    )


def pytest_collectreport(report):
    if report.outcome != "passed":
        _emit(kind="collect", nodeid=report.nodeid, outcome=report.outcome, message=_message(report)[:MAX_MESSAGE])


def pytest_sessionfinish(session, exitstatus):
    _emit(kind="finished", exitstatus=int(exitstatus))
