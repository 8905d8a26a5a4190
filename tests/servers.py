"""Real servers in their own processes, for the tests that cross a process boundary: an
S3-compatible object store (moto in server mode) and the app itself under gunicorn."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from email import message_from_bytes
from pathlib import Path

import boto3
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    """A command started in the background with its output in a log file; `stop()` ends it."""

    def __init__(self, args, *, log: Path, env: dict | None = None):
        self.args = args
        self.log = log
        self._log_file = log.open("wb")
        self.popen = subprocess.Popen(args, stdout=self._log_file, stderr=subprocess.STDOUT, env=env, cwd=ROOT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_until_answers(self, url: str, timeout: float = 30) -> None:
        """Poll `url` until it answers below 500; fail with the process's log if it dies or never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.args[0]} exited with {self.popen.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status < 500:
                        return
            except urllib.error.HTTPError as error:
                if error.code < 500:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{url} did not answer within {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._log_file.close()


class ObjectStore:
    """moto's S3 server on a free port, with throw-away credentials; one bucket per test."""

    ACCESS_KEY = "test-access-key"
    SECRET_KEY = "test-secret-key"
    REGION = "us-east-1"

    def __init__(self, folder: Path):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = Process(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            log=folder / "moto.log",
        )
        self.process.wait_until_answers(self.endpoint + "/")
        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
            region_name=self.REGION,
        )

    def bucket_new(self) -> str:
        name = f"receipts-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        return [item["Key"] for item in self.client.list_objects_v2(Bucket=bucket).get("Contents", [])]

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def anonymous_status(self, bucket: str, key: str) -> int:
        """What someone without credentials gets for the object's plain URL."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{bucket}/{key}", timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def storage(self, bucket: str) -> dict:
        """The STORAGES entry the app uses for this bucket (the AWS_* settings, as options)."""
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": self.endpoint,
                "region_name": self.REGION,
                "access_key": self.ACCESS_KEY,
                "secret_key": self.SECRET_KEY,
                "default_acl": None,
                "file_overwrite": False,
            },
        }

    def environment(self, bucket: str) -> dict:
        """The same, as the environment of an app server."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": self.REGION,
            "AWS_ACCESS_KEY_ID": self.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": self.SECRET_KEY,
        }

    def stop(self) -> None:
        self.process.stop()


def app_server(*, port: int, env: dict, log: Path) -> Process:
    """The app under gunicorn, as in production: one worker with threads, on 127.0.0.1:`port`."""
    server = Process(
        [
            str(BIN / "gunicorn"),
            "secondmile.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "10",
            "--timeout",
            "30",
        ],
        log=log,
        env={**os.environ, **env},
    )
    return server


def task_worker(*, env: dict, log: Path) -> Process:
    """A worker of the task queue (`manage.py db_worker`), as in production: it polls the
    queue in the database the app servers write to, until stopped."""
    return Process(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "--no-startup-delay"]
        + ["--interval", "0.2", "--worker-id", "several-servers-worker"],
        log=log,
        env={**os.environ, **env},
    )


class Inbox:
    """An SMTP server on 127.0.0.1 that keeps what it receives; start() and stop() it."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.messages = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def subjects(self) -> list[str]:
        return sorted(message_from_bytes(m.content)["Subject"] for m in self.messages)

    def recipients(self) -> list[str]:
        return sorted(address for m in self.messages for address in m.rcpt_tos)
