"""Records of one file (plugin's and runner's) -> one result per test.

A result is (outcome, message) with outcome one of OUTCOMES. pytest reports up to three
phases per test; the test's outcome follows pytest's own counting: a failing call is
`failed`, a failing setup or teardown is `error`, xfail counts as skipped and a
non-strict xpass as passed. A file that cannot be imported or collected counts as one
`error` under the file's own path; a file the policy does not run, as one `skipped`.
"""

import collections

OUTCOMES = ("passed", "failed", "error", "skipped")
STOPPED_EARLY = "not run: the file's run stopped early (repeated timeouts or crashes)"


def _clean_skip(message):
    # pytest prefixes skip reasons with 'Skipped: '; the reason alone groups better.
    return message[len("Skipped: ") :] if message.startswith("Skipped: ") else message


def classify(phases):
    """phases: {when: (outcome, message, xfail)} of one test -> (outcome, message)."""
    for when in ("call", "setup", "teardown"):
        outcome, message, xfail = phases.get(when, (None, "", False))
        if outcome == "failed":
            return ("failed" if when == "call" else "error"), message
        if outcome == "skipped":
            return "skipped", ("xfail: " if xfail else "") + _clean_skip(message)
    if "call" in phases:
        return "passed", ""
    return "error", "no call phase was reported"


def results(records):
    """{nodeid: (outcome, message)} in the order the tests were collected."""
    collected = {}  # an ordered set: later children collect subsets of the first one's list
    phases = collections.defaultdict(dict)
    fixed = {}
    for r in records:
        kind = r.get("kind")
        if kind == "collected":
            collected.update(dict.fromkeys(r["nodeids"]))
        elif kind == "phase":
            phases[r["nodeid"]][r["when"]] = (r["outcome"], r.get("message", ""), r.get("xfail", False))
        elif kind == "interrupted" or kind == "file_error":
            fixed[r["nodeid"]] = ("error", r["message"])
        elif kind == "collect":
            outcome = "error" if r["outcome"] == "failed" else "skipped"
            fixed[r["nodeid"]] = (outcome, _clean_skip(r.get("message", "")))
        elif kind == "not_run":
            fixed[r["nodeid"]] = ("skipped", r["message"])
    out = {}
    for nodeid in list(collected) + [n for n in phases if n not in collected]:
        if nodeid in fixed:
            out[nodeid] = fixed.pop(nodeid)
        elif nodeid in phases:
            out[nodeid] = classify(phases[nodeid])
        else:
            out[nodeid] = ("error", STOPPED_EARLY)
    out.update(fixed)
    return out


def counts(file_results):
    """{outcome: n} over OUTCOMES (all keys present)."""
    c = dict.fromkeys(OUTCOMES, 0)
    for outcome, _ in file_results.values():
        c[outcome] += 1
    return c


def durations(records):
    """{nodeid: seconds in setup + call + teardown} (the ratchet leaves out slow tests)."""
    seconds = collections.defaultdict(float)
    for r in records:
        if r.get("kind") == "phase":
            seconds[r["nodeid"]] += r.get("duration", 0.0)
    return dict(seconds)
