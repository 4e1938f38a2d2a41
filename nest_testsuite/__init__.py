"""Runs NEST's own pytest suite (shipped inside the `nest-simulator` package) with `nest`
bound to pynest_jax, or to real NEST for the reference counts, and writes the status page.

    python -m nest_testsuite                    # whole suite -> docs/nest_testsuite_status.md
    python -m nest_testsuite --impl nest        # NEST's own counts -> nest_testsuite/nest_baseline.json
    python -m nest_testsuite -k stdp connect/   # a subset: summary on stderr only (or --out FILE)
    python -m nest_testsuite --from-last        # the page again from the saved last full run
    python -m nest_testsuite --from-last --list-passing > nest_testsuite/passing.txt
    python -m nest_testsuite --ratchet nest_testsuite/passing.txt   # exit 1 if one stops passing

Every test file runs in its own pytest child (or `--batch N` files per child), `--jobs` at
once; a test that makes no progress for `--timeout` seconds is killed and the rest of its
file goes on. Threads and MPI are not run: tests marked for them, and the MPI folders, are
reported as skipped with that reason, for both implementations alike.

Modules: `suite` (where the suite is, which files), `policy` (what is not run and why),
`environment` (what build_info tells the tests), `bind` (`import nest` -> pynest_jax),
`plugin` (the pytest plugin a child loads with -p: binding, policy, per-test records),
`runfile` (one child run with its time limit and resumption), `runsuite` (many files in
parallel), `outcomes` (records -> one outcome per test), `reasons` (failure messages ->
patterns and missing names), `results` (saved runs, NEST's baseline), `table` (the status
page), `ratchet` (the passing list and its check), `__main__` (the command line).
"""
