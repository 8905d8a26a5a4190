"""bench/table.py: runs of `make bench` side by side as the Markdown table of docs/performance.md."""

import importlib.util
import json
from pathlib import Path

SPEC = importlib.util.spec_from_file_location(
    "bench_table", Path(__file__).resolve().parent.parent / "bench" / "table.py"
)
bench_table = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench_table)


def _run(tmp_path: Path, name: str, database: str, acts: int, pages: list[dict], load=(3.0, 4.0)) -> Path:
    path = tmp_path / name
    path.write_text(
        json.dumps(
            {
                "at": "2026-12-02T14:00:00+00:00",
                "database": database,
                "acts": acts,
                "machine": {"cpus": 2, "load_average_at_start": [load[0], 0, 0], "load_average": [load[1], 0, 0]},
                "pages": pages,
            }
        )
    )
    return path


def _page(name: str, p95: float | None, ratio: float | None, queries: int = 5, non_2xx: int = 0, rps=8.0) -> dict:
    return {
        "page": name,
        "p95_ms": p95,
        "p95_over_bare": ratio,
        "queries": queries,
        "non_2xx": non_2xx,
        "timeouts": 0,
        "requests_per_s": rps,
    }


def test_the_table_puts_each_run_in_a_column_and_flags_pages_above_twice_the_bare_page(tmp_path):
    small = _run(
        tmp_path,
        "a.json",
        "sqlite",
        10_000,
        [_page("profile (bare page)", 100.0, 1.0, 14), _page("dashboard", 150.0, 1.5, 24)],
    )
    large = _run(
        tmp_path,
        "b.json",
        "postgresql",
        1_000_000,
        [
            _page("profile (bare page)", 120.0, 1.0, 14),
            _page("dashboard", 360.0, 3.0, 24, non_2xx=2, rps=2.0),
            _page("audit log", None, None, 4, rps=0),
        ],
        load=(12.5, 9.0),
    )

    lines = bench_table.table([small, large]).splitlines()

    assert lines[0] == "| page | sqlite, 10,000 acts | postgresql, 1,000,000 acts |"
    assert "| dashboard | 1.50 (150 ms; 1.0×) | 3.00 (360 ms; 4.0×) **>2×** |" in lines
    assert "| audit log | — | no answer |" in lines
    assert "| queries a request (fewest–most) | 14–24 | 4–24 |" in lines
    assert "| responses not 2xx, timeouts | 0 | 2 |" in lines
    assert "| load average (1 min, start → end; 2 cores) | 3.0 → 4.0 | 12.5 → 9.0 |" in lines
