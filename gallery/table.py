"""The status table (docs/gallery_status.md): write it, and merge new rows into it."""

import re
from dataclasses import dataclass
from pathlib import Path

from .compare import MATCHES, VERDICTS

HEADER = "| script | NEST s | {impl} s, first run | {impl} s, second run | verdict | reason |"
RULE = "|---|---:|---:|---:|---|---|"
REASON_MAX = 400  # characters; the table must stay readable


@dataclass(frozen=True)
class Row:
    script: str  # path relative to NEST's gallery folder
    nest_seconds: str  # already formatted: "1.2", ">600", or "" when not run
    impl_seconds: str  # the first run: its own empty compile cache
    verdict: str
    reason: str = ""
    impl_second: str = ""  # the same script again, on the cache the first run filled; "" if not run


def seconds_text(seconds, timed_out=False):
    if seconds is None:
        return ""
    return f">{seconds:.0f}" if timed_out else f"{seconds:.1f}"


def _cell(text):
    # A reason is an exception's last line: keep it on one line and out of the table syntax.
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"


def read_rows(path):
    """Rows of an existing table, by script; {} when there is none."""
    path = Path(path)
    if not path.exists():
        return {}
    rows = {}
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) == 5:  # a table from before the second run had its column
            cells = cells[:3] + [""] + cells[3:]
        if len(cells) != 6 or cells[4] not in VERDICTS:
            continue  # the totals table, the header, the rule, prose
        script = cells[0].strip("`")
        rows[script] = Row(script, cells[1], cells[2], cells[4], cells[5].replace("\\|", "|"), cells[3])
    return rows


def merge(old, new):
    """Rows of `old` updated by `new`, both {script: Row}."""
    merged = dict(old)
    merged.update(new)
    return merged


def _number(text):
    try:
        return float(text)
    except ValueError:
        return None  # "", or ">600" (a time limit)


def time_summary(rows):
    """Lines of a table: whole-process times of the scripts that match NEST, NEST against
    the first run (empty compile cache) and the second run (the cache the first filled),
    over the rows measured both ways; and over every matching row as it was measured
    (rows older than the second-run column: on the shared default cache).

    Totals and the largest ratio of one script.
    """
    lines = ["| whole process, scripts matching NEST | scripts | NEST s | ours s | ratio | largest ratio of one script |",
             "|---|---:|---:|---:|---:|---|"]
    matching = [r for r in rows if r.verdict in MATCHES and _number(r.nest_seconds)]
    both = [r for r in matching if _number(r.impl_seconds) is not None and _number(r.impl_second) is not None]
    for label, chosen, column in (("first run (empty compile cache)", both, "impl_seconds"),
                                  ("second run (the first run's cache)", both, "impl_second"),
                                  ("every matching row, as measured", matching, "impl_seconds")):
        pairs = [(r.script, _number(r.nest_seconds), _number(getattr(r, column))) for r in chosen]
        pairs = [(s, a, b) for s, a, b in pairs if b is not None]
        if not pairs:
            lines.append(f"| {label} | 0 | | | | |")
            continue
        nest, ours = sum(a for _, a, _ in pairs), sum(b for _, _, b in pairs)
        worst = max(pairs, key=lambda p: p[2] / p[1])
        lines.append(f"| {label} | {len(pairs)} | {nest:.1f} | {ours:.1f} | {ours / nest:.2f} | "
                     f"{worst[2] / worst[1]:.2f} (`{worst[0]}`) |")
    return lines


def render(rows, order, impl, total, preamble):
    """Markdown: totals per verdict, then one row per script in `order` (unknown last)."""
    rank = {script: i for i, script in enumerate(order)}
    ordered = sorted(rows.values(), key=lambda r: (rank.get(r.script, len(rank)), r.script))
    counts = {v: sum(r.verdict == v for r in ordered) for v in VERDICTS}
    lines = ["# Gallery status", "", preamble, "", "| verdict | scripts |", "|---|---:|"]
    lines += [f"| {v} | {counts[v]} |" for v in VERDICTS]
    lines += [f"| not run yet | {total - len(ordered)} |", f"| **entry points** | **{total}** |", ""]
    lines += time_summary(ordered) + [""]
    lines += [HEADER.format(impl=impl), RULE]
    for r in ordered:
        cells = [f"`{r.script}`", r.nest_seconds, r.impl_seconds, r.impl_second, r.verdict, _cell(r.reason)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


NOTES = "This page:"  # a paragraph written by hand about the runs behind the rows; kept


def write(path, rows, order, impl, total, preamble):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_text().splitlines() if path.exists() else []
    notes = [line for line in old if line.startswith(NOTES)]
    path.write_text(render(rows, order, impl, total, "\n\n".join([preamble, *notes])))
