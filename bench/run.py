"""`make bench`: the measurements under bench/ (they print figures; they assert nothing)."""

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).with_name("dashboard.py")), run_name="__main__")
