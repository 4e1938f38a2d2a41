"""Runs NEST's own example gallery with real NEST and with `nest` bound to pynest_jax.

    python -m gallery                      # all 96 entry points -> docs/gallery_status.md
    python -m gallery one_neuron testiaf   # a subset, merged into the existing table
    python -m gallery --jobs 2 --timeout 300 --out /tmp/status.md
    python -m gallery --list               # the entry points found
    python -m gallery --ratchet gallery/passing.txt   # exit 1 if a listed script regressed
    python -m gallery.rejudge DIR          # judge runs saved with --keep-snapshots DIR again
    python -m gallery.calibrate            # the statistical rule's false alarms and power

Modules: `entries` (where the gallery is, which files are scripts), `_child` (the
bootstrap a fresh interpreter runs a script under; captures recorder data and the values
the script reads back), `run` (one run in a scratch folder, with a time limit), `compare`
(verdicts), `evaluate` (the runs one script needs), `table` (the status page), `ratchet`
(gallery/passing.txt), `synthetic` (runs with known differences), `calibrate`, `rejudge`.
"""
