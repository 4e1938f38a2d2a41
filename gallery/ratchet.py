"""The gallery ratchet: scripts that match NEST today must keep matching.

`gallery/passing.txt` lists, one a line, a script (as the table names it), the verdict it
has reached (*identical* or *statistically equal*) and optionally `seed_runs=N` (NEST runs
with other seeds the statistical verdict needs for that script). `python -m gallery
--ratchet gallery/passing.txt` evaluates exactly those scripts and exits 1 when one of
them falls below its listed verdict (an identical script must stay identical); a full or
partial `python -m gallery` run exits 1 too when a listed script it ran fell below. The
list holds every matching script whose NEST and pynest_jax runs take under about a minute
together, at the verdict it has; the slower ones are kept by the full run.
"""

from dataclasses import dataclass

from . import compare

ORDER = {compare.IDENTICAL: 0, compare.STAT_EQUAL: 1}


@dataclass(frozen=True)
class Entry:
    script: str
    verdict: str
    seed_runs: int = 2


def parse_line(line):
    """An Entry from `script  verdict words  [seed_runs=N]`, or None for a blank/comment line."""
    text = line.split("#", 1)[0].strip()
    if not text:
        return None
    words = text.split()
    seed_runs = 2
    if words[-1].startswith("seed_runs="):
        seed_runs = int(words.pop().split("=", 1)[1])
    script, verdict = words[0], " ".join(words[1:])
    if verdict not in ORDER:
        raise ValueError(f"ratchet line {line!r}: verdict must be one of {sorted(ORDER)}")
    return Entry(script, verdict, seed_runs)


def read(path):
    with open(path, encoding="utf-8") as f:
        return [e for e in map(parse_line, f) if e is not None]


def regressed(entry, row):
    """Why `row` falls below what `entry` promises, or None when it keeps it."""
    got = ORDER.get(row.verdict)
    if got is None or got > ORDER[entry.verdict]:
        return f"{row.verdict} (listed: {entry.verdict}) {row.reason}".strip()
    return None
