"""manage.py in a process of its own, on a database of its own: the migration tests run
the real migrations down and up without rolling back the test database the other tests
share."""

import os
import subprocess
import sys
from collections.abc import Callable

from django.conf import settings


def manage_on(database_url: str) -> Callable[..., str]:
    """`manage(*args)`: run manage.py with these arguments on `database_url`, assert that it
    succeeded and return the last line it printed ("" when none); `manage(*args,
    whole=True)` returns everything it printed."""

    def manage(*args: str, whole: bool = False) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "DATABASE_URL": database_url},
        )
        assert result.returncode == 0, result.stderr
        printed = result.stdout.strip()
        if whole:
            return printed
        return printed.splitlines()[-1] if printed else ""

    return manage


def manage_at(database_url: str, migrations: list[tuple[str, str]]) -> Callable[..., str]:
    """manage_on(database_url) after migrating a new database to each (app, migration) of
    `migrations`, in order: the schema of an older release, for a migration test to fill."""
    manage = manage_on(database_url)
    for app, name in migrations:
        manage("migrate", app, name, "--no-input", "-v", "0")
    return manage
