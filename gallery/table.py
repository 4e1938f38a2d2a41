"""The status table (docs/gallery_status.md): write it, and merge new rows into it."""

import re
from dataclasses import dataclass
from pathlib import Path

from .compare import VERDICTS

HEADER = "| script | NEST s | {impl} s | verdict | reason |"
RULE = "|---|---:|---:|---|---|"
REASON_MAX = 400  # characters; the table must stay readable


@dataclass(frozen=True)
class Row:
    script: str  # path relative to NEST's gallery folder
    nest_seconds: str  # already formatted: "1.2", ">600", or "" when not run
    impl_seconds: str
    verdict: str
    reason: str = ""


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
        if len(cells) != 5 or cells[3] not in VERDICTS:
            continue  # the totals table, the header, the rule, prose
        script = cells[0].strip("`")
        rows[script] = Row(script, cells[1], cells[2], cells[3], cells[4].replace("\\|", "|"))
    return rows


def merge(old, new):
    """Rows of `old` updated by `new`, both {script: Row}."""
    merged = dict(old)
    merged.update(new)
    return merged


def render(rows, order, impl, total, preamble):
    """Markdown: totals per verdict, then one row per script in `order` (unknown last)."""
    rank = {script: i for i, script in enumerate(order)}
    ordered = sorted(rows.values(), key=lambda r: (rank.get(r.script, len(rank)), r.script))
    counts = {v: sum(r.verdict == v for r in ordered) for v in VERDICTS}
    lines = ["# Gallery status", "", preamble, "", "| verdict | scripts |", "|---|---:|"]
    lines += [f"| {v} | {counts[v]} |" for v in VERDICTS]
    lines += [f"| not run yet | {total - len(ordered)} |", f"| **entry points** | **{total}** |", ""]
    lines += [HEADER.format(impl=impl), RULE]
    for r in ordered:
        cells = [f"`{r.script}`", r.nest_seconds, r.impl_seconds, r.verdict, _cell(r.reason)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write(path, rows, order, impl, total, preamble):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(rows, order, impl, total, preamble))
