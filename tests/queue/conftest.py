"""The queue's tests: a real database backend, a real worker, and a real SMTP server
(aiosmtpd) on this machine that a test stops and starts."""

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from tests.servers import Inbox

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def inbox(settings):
    """A stopped SMTP server, and the app's mail pointed at it (EMAIL_URL=smtp://host:port)."""
    box = Inbox()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": box.port, "timeout": 5},
        }
    }
    yield box
    box.stop()


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def run_worker():
    """`manage.py db_worker --batch` in this process: run every task that is ready, then stop."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, interval=0, queue_name="*", verbosity=0
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def database_url() -> str:
    """The test database as a DATABASE_URL, for a worker started as another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker_process(inbox: Inbox, *, worker_id: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{inbox.port}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret-key",
        "ENV_FILE": "/dev/null",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"]
        + ["--queue-name", "*", "--interval", "0", "--worker-id", worker_id],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
