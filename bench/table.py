"""The bench table: runs of `make bench` side by side, as Markdown.

    python bench/table.py var/bench/pages-sqlite-10000-*.json var/bench/pages-postgresql-1000000-*.json

One column per run (database and acts), one row per page: p95 ÷ the bare page's p95 in
the same run, with the p95 in ms; a last rows give each run's bare p95, requests that
were not a 2xx and the machine's load average (1 minute, at the start and the end).
"""

import json
import sys
from pathlib import Path


def _cell(row: dict) -> str:
    if row["p95_over_bare"] is None:
        return "no answer"
    flag = " **>2×**" if row["p95_over_bare"] > 2 else ""
    return f"{row['p95_over_bare']:.2f} ({row['p95_ms']:,.0f} ms){flag}"


def table(paths: list[Path]) -> str:
    runs = [json.loads(path.read_text()) for path in paths]
    heads = [f"{run['database']}, {run['acts']:,} acts" for run in runs]
    pages = []
    for run in runs:
        for row in run["pages"]:
            if row["page"] not in pages:
                pages.append(row["page"])
    lines = [
        "| page | " + " | ".join(heads) + " |",
        "|---|" + "---:|" * len(runs),
    ]
    by_run = [{row["page"]: row for row in run["pages"]} for run in runs]
    for page in pages:
        cells = [_cell(rows[page]) if page in rows else "—" for rows in by_run]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    queries = [
        f"{min(row['queries'] for row in run['pages'])}–{max(row['queries'] for row in run['pages'])}" for run in runs
    ]
    lines.append("| queries a request (fewest–most) | " + " | ".join(queries) + " |")
    errors = [str(sum(row["non_2xx"] + row["timeouts"] for row in run["pages"])) for run in runs]
    lines.append("| responses not 2xx, timeouts | " + " | ".join(errors) + " |")
    loads = []
    for run in runs:
        machine = run["machine"]
        start = machine.get("load_average_at_start", [None])[0]
        end = machine["load_average"][0]
        loads.append(f"{start:.1f} → {end:.1f}" if start is not None else f"{end:.1f}")
    lines.append("| load average (1 min, start → end; 2 cores) | " + " | ".join(loads) + " |")
    when = [run["at"][:16].replace("T", " ") + " UTC" for run in runs]
    lines.append("| measured | " + " | ".join(when) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(table([Path(arg) for arg in sys.argv[1:]]))
