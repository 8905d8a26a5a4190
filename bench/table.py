"""The bench table: runs of `make bench` side by side, as Markdown.

    python bench/table.py var/bench/pages-sqlite-10000-*.json var/bench/pages-postgresql-1000000-*.json

One column per run (database and acts), one row per page: p95 ÷ the bare page's p95 in
the same run, with the p95 in ms and the bare page's requests/s ÷ the page's (with every
connection busy, how many times longer a worker spends on the page); the last rows give
each run's queries a request, requests that were not a 2xx and the machine's load
average (1 minute, at the start and the end).
"""

import json
import sys
from pathlib import Path


def _cell(row: dict, bare: dict) -> str:
    if row["p95_over_bare"] is None:
        return "no answer"
    flag = " **>2×**" if row["p95_over_bare"] > 2 else ""
    slower = f"{bare['requests_per_s'] / row['requests_per_s']:.1f}×" if row["requests_per_s"] else "—"
    return f"{row['p95_over_bare']:.2f} ({row['p95_ms']:,.0f} ms; {slower}){flag}"


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
        cells = [
            _cell(rows[page], run["pages"][0]) if page in rows else "—" for rows, run in zip(by_run, runs, strict=True)
        ]
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
