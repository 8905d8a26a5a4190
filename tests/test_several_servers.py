"""Two app servers behind one address, as behind a load balancer: two gunicorn processes on
their own ports sharing the test PostgreSQL, one worker of the task queue beside them
(mailing through a local SMTP server), receipts on an S3-compatible server (moto), and
the cache in the database or, the second time round, in Redis (CACHE_URL).

Whatever one server does, the other sees: a receipt uploaded on one downloads on the other,
a session made on one works on the other, failed logins and survey posts count on both,
and simultaneous approvals on both never spend more than the budget, each approval's mail
sent once by the worker.
"""

import os
import threading
import time
import urllib.parse
import uuid
from decimal import Decimal
from email import message_from_bytes

import pytest
import redis
import requests
from axes.models import AccessAttempt
from django.db import connection

from acts import services as act_services
from acts.models import Act, BudgetMonth
from core import errors
from core.models import OutgoingMail, Role
from core.tokens import api_token_create
from stories.survey import survey_link_create
from stories.views import SURVEY_POSTS_ALLOWED
from tests.factories import PASSWORD, CustomerFactory, TeamFactory, UserFactory, log_act

from .servers import Inbox, app_server, free_port, task_worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several servers share PostgreSQL"),
]

REDIS_URL = "redis://127.0.0.1:6379/0"
LOGIN_FAILURE_LIMIT = 4
PDF = b"%PDF-1.4\n% the hotel's receipt for the upgrade\n"


class Servers:
    """Two running app servers, `a` and `b` (base URLs), their bucket and their cache."""

    def __init__(self, a: str, b: str, *, bucket: str, cache: str, prefix: str, inbox: Inbox):
        self.a, self.b, self.bucket, self.cache, self.prefix = a, b, bucket, cache, prefix
        self.inbox = inbox

    def mails_to(self, address: str, *, expected: int, wait: float = 60) -> list[str]:
        """The subjects the worker has mailed to `address`, once `expected` have arrived (or
        the wait is over), and after a short pause for any that would come twice."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and len(self._subjects(address)) < expected:
            time.sleep(0.2)
        time.sleep(1)
        return self._subjects(address)

    def _subjects(self, address: str) -> list[str]:
        received = list(self.inbox.messages)  # a snapshot: the SMTP server adds from its own thread
        return sorted(message_from_bytes(m.content)["Subject"] for m in received if address in m.rcpt_tos)

    def cached_keys(self, part: str) -> list[str]:
        """The keys holding `part` in the cache the servers share (not the test process's)."""
        if self.cache == "redis cache":
            return [key.decode() for key in redis.Redis.from_url(REDIS_URL).scan_iter(match=f"{self.prefix}:*{part}*")]
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM secondmile_cache WHERE cache_key LIKE %s", [f"%{part}%"])
            return [row[0] for row in cursor.fetchall()]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _redis_required():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs the several-servers test on Redis too, but nothing answers at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")


@pytest.fixture(scope="module", params=["database cache", "redis cache"])
def servers(request, django_db_setup, object_store, tmp_path_factory):
    bucket = object_store.bucket_new()
    prefix = f"several-servers-{uuid.uuid4().hex[:8]}"
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "ENV_FILE": "/dev/null",
        "DEBUG": "0",
        "SECRET_KEY": "several-servers-share-this-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(),
        # Plain HTTP on 127.0.0.1: no redirect to HTTPS, cookies without the Secure flag.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOGIN_FAILURE_LIMIT": str(LOGIN_FAILURE_LIMIT),
        **object_store.environment(bucket),
    }
    if request.param == "redis cache":
        _redis_required()
        env.update(CACHE_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
    inbox = Inbox()
    inbox.start()
    env["EMAIL_URL"] = f"smtp://127.0.0.1:{inbox.port}"
    logs = tmp_path_factory.mktemp("servers")
    ports = free_port(), free_port()
    while ports[0] == ports[1]:
        ports = free_port(), free_port()
    processes = [app_server(port=port, env=env, log=logs / f"gunicorn-{port}.log") for port in ports]
    worker = task_worker(env=env, log=logs / "worker.log")
    try:
        for process, port in zip(processes, ports, strict=True):
            process.wait_until_answers(f"http://127.0.0.1:{port}/healthz")
        yield Servers(
            *(f"http://127.0.0.1:{port}" for port in ports),
            bucket=bucket,
            cache=request.param,
            prefix=prefix,
            inbox=inbox,
        )
    finally:
        for process in [*processes, worker]:
            process.stop()
        inbox.stop()
        if request.param == "redis cache":
            store = redis.Redis.from_url(REDIS_URL)
            for key in store.scan_iter(match=f"{prefix}:*"):
                store.delete(key)


class Browser:
    """One person's browser: its cookies go to whichever server answers the address."""

    def __init__(self):
        self.http = requests.Session()

    def get(self, url: str) -> requests.Response:
        return self.http.get(url, allow_redirects=False, timeout=20)

    def post(self, url: str, data: dict, files: dict | None = None) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
        return self.http.post(url, data=data, files=files, allow_redirects=False, timeout=20)

    def log_in(self, server: str, username: str, password: str = PASSWORD) -> requests.Response:
        self.get(f"{server}/accounts/login/")
        return self.post(f"{server}/accounts/login/", {"username": username, "password": password})


@pytest.fixture
def people(db):
    team, other_team = TeamFactory(name="Harbour"), TeamFactory(name="Riverside")

    return {
        "staff": UserFactory(username="ana", team=team, role=Role.STAFF),
        "manager": UserFactory(username="marcus", team=team, role=Role.MANAGER),
        "other_staff": UserFactory(username="rita", team=other_team, role=Role.STAFF),
    }


def test_a_receipt_uploaded_on_one_server_is_downloaded_on_the_other(servers, people, object_store):
    staff, manager = people["staff"], people["manager"]
    act = log_act(staff, cost="90.00", solution="Upgraded their room for the anniversary")
    act_services.spend_approve(user=manager, act=act)
    ana, marcus, rita = Browser(), Browser(), Browser()

    assert ana.log_in(servers.a, "ana").status_code == 302
    assert "Mark delivered" in ana.get(f"{servers.a}/acts/{act.pk}/").text
    delivered = ana.post(
        f"{servers.a}/acts/{act.pk}/deliver/",
        {"actual_cost": "90.00", "note": ""},
        files={"receipt": ("hotel.pdf", PDF, "application/pdf")},
    )
    assert delivered.status_code == 302, delivered.text
    act = Act.objects.get(pk=act.pk)
    assert act.status == "delivered"
    assert object_store.keys(servers.bucket) == [act.receipt.name]
    assert object_store.anonymous_status(servers.bucket, act.receipt.name) == 403

    assert marcus.log_in(servers.b, "marcus").status_code == 302
    page = marcus.get(f"{servers.b}/acts/{act.pk}/")
    assert "View receipt" in page.text
    receipt = marcus.get(f"{servers.b}/acts/{act.pk}/receipt/")
    assert receipt.status_code == 200
    assert receipt.headers["Content-Type"] == "application/pdf"
    assert receipt.content == PDF
    # Another team's staff member, on either server, finds nothing there.
    assert rita.log_in(servers.b, "rita").status_code == 302
    assert rita.get(f"{servers.b}/acts/{act.pk}/receipt/").status_code == 404
    assert rita.get(f"{servers.a}/acts/{act.pk}/receipt/").status_code == 404


def test_a_session_made_on_one_server_works_on_the_other(servers, people):
    ana = Browser()
    assert ana.log_in(servers.a, "ana").status_code == 302

    me = ana.get(f"{servers.b}/api/me")
    assert me.status_code == 200
    assert me.json()["username"] == "ana"

    assert ana.post(f"{servers.b}/accounts/logout/", {}).status_code == 302
    assert ana.get(f"{servers.a}/api/me").status_code == 401
    assert ana.get(f"{servers.a}/").headers["Location"].startswith("/accounts/login/")


def test_failed_logins_on_both_servers_add_up_to_one_lock_out(servers, people):
    intruder = Browser()
    # Two wrong passwords on each server: below the limit on either, the limit on both.
    for server in (servers.a, servers.b, servers.a):
        refused = intruder.log_in(server, "ana", password="not-her-password")
        assert refused.status_code == 200
        assert "That username and password do not match. Try again." in refused.text
    last = intruder.log_in(servers.b, "ana", password="not-her-password")
    assert last.status_code == 429
    lock_out = errors.MSG_LOGIN_LOCKED_OUT.format(minutes=15)
    assert lock_out in last.text

    # Locked out on both servers, even with the right password.
    for server in (servers.a, servers.b):
        locked = Browser().log_in(server, "ana")
        assert locked.status_code == 429
        assert lock_out in locked.text
    assert AccessAttempt.objects.get(username="ana").failures_since_start == LOGIN_FAILURE_LIMIT


def test_survey_posts_on_both_servers_count_against_one_limit(servers, people):
    staff = people["staff"]
    act = log_act(staff, cost="20.00", customer=CustomerFactory(team=staff.team, name="Elena Petrova"))
    act = act_services.act_deliver(user=staff, act=act, actual_cost=Decimal("20.00"))
    _link, token = survey_link_create(user=staff, act=act)
    customer = Browser()
    assert customer.get(f"{servers.a}/s/{token}").status_code == 200

    answers = [
        customer.post(f"{server}/s/{token}", {"text": "No score picked"}).status_code
        for server in [servers.a, servers.b] * (SURVEY_POSTS_ALLOWED // 2)
    ]
    assert answers == [200] * SURVEY_POSTS_ALLOWED  # each shown again with "Pick a number"
    assert len(servers.cached_keys("survey-post:link:")) == 1

    assert customer.post(f"{servers.a}/s/{token}", {"score": "9"}).status_code == 429
    assert customer.post(f"{servers.b}/s/{token}", {"score": "9"}).status_code == 429


def test_twenty_approvals_at_once_on_two_servers_spend_only_the_budget(servers, people):
    staff, manager = people["staff"], people["manager"]
    staff.team.monthly_budget = Decimal("500.00")
    staff.team.save()
    customer = CustomerFactory(team=staff.team)
    requests_waiting = [log_act(staff, cost="100.00", customer=customer) for _ in range(20)]
    _row, token = api_token_create(user=manager)
    barrier = threading.Barrier(len(requests_waiting))
    answers = [None] * len(requests_waiting)

    def approve(index, act):
        server = (servers.a, servers.b)[index % 2]
        barrier.wait()
        answers[index] = requests.post(
            f"{server}/api/acts/{act.pk}/approve",
            json={"note": "Go ahead"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )

    threads = [threading.Thread(target=approve, args=pair) for pair in enumerate(requests_waiting)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = [answer.status_code for answer in answers]
    assert sorted(statuses) == [200] * 5 + [409] * 15, [answer.text for answer in answers]
    refusals = {answer.json()["detail"] for answer in answers if answer.status_code == 409}
    assert refusals == {errors.MSG_BUDGET_EXCEEDED.format(remaining="$0.00", amount="$100.00")}
    assert Act.objects.filter(status="approved").count() == 5
    assert BudgetMonth.objects.get(team=staff.team).committed == Decimal("500.00")

    # The worker beside the servers mails the requester once per approval; a refusal is no
    # decision and mails nobody.
    subject = f"Your request for {customer} was approved"
    assert servers.mails_to(staff.email, expected=5) == [subject] * 5
    sent = OutgoingMail.objects.filter(key__contains=":decision:", to=staff.email)
    assert sent.count() == 5
    assert set(sent.values_list("status", flat=True)) == {OutgoingMail.Status.SENT}
