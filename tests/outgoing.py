"""Fixtures for what the app sends out: a real HTTP receiver on 127.0.0.1, a task
backend that keeps what is enqueued until the test runs it (as a worker would), and
public DNS answers for made-up host names."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.tasks import default_task_backend


class Receiver:
    """Answers each POST with the next status of `statuses` (the last one repeats) and
    keeps every request: its headers and raw body."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body.decode()})
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def json(self, index: int) -> dict:
        return json.loads(self.requests[index]["body"])

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def start(*statuses):
        server = Receiver(statuses or (200,))
        made.append(server)
        return server

    yield start
    for server in made:
        server.close()


@pytest.fixture
def private_allowed(settings):
    """As under `make run`: a receiver on this machine is allowed."""
    settings.WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def queue(settings):
    """Tasks wait in a list until `run_due()` runs the ones whose run_after has come,
    as a worker would; returns the backend, with `run_due` to call."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = default_task_backend
    backend.clear()

    def run_due(now=None):
        from django.utils import timezone

        now = now or timezone.now()
        due = [r for r in backend.results if r.task.run_after is None or r.task.run_after <= now]
        for result in due:
            backend.results.remove(result)
        return [result.task.call(*result.args, **result.kwargs) for result in due]

    backend.run_due = run_due
    return backend


PUBLIC_ADDRESS = "93.184.215.14"


@pytest.fixture
def dns(monkeypatch):
    """Host names resolve as the test says (`dns["hooks.example.com"] = "10.0.0.5"`); any
    other name to a public address. Only names: an IP literal resolves to itself."""
    answers: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
        except OSError:
            address = answers.get(host, PUBLIC_ADDRESS)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers
