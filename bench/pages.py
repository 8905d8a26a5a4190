"""`make bench`: every page and the main API routes, measured over HTTP as users wait for them.

    python bench/pages.py                        # the data set of `make bench-data` (SQLite)
    DATABASE_URL=postgres://... python bench/pages.py --seconds 15

Serves the app like production — gunicorn with 2 workers, DEBUG off, collected static
files (whitenoise's manifest), persistent database connections — on 127.0.0.1, signs in
as `bench-manager` and `bench-admin`, and drives each page with wrk (8 connections,
`--seconds` each, one page at a time). For each page it prints and writes as JSON under
var/bench/: requests/s, p50 and p95 latency, p95 ÷ the p95 of the bare signed-in page
(the profile) in the same run, SQL queries per request and response bytes (both from one
request through Django's test client in this process, on the same database), and any
response that was not a 2xx.

Needs the data set (`make bench-data`) and wrk (`apt-get install wrk`).
"""

import argparse
import concurrent.futures
import datetime
import http.cookiejar
import json
import logging
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# What the served app and this process share: production settings over plain HTTP on
# 127.0.0.1 (no HTTPS redirect; cookies without the Secure flag, which wrk does not mind
# but a client over http:// would), no second sign-in step for the bench admin.
SERVED = {
    "DJANGO_SETTINGS_MODULE": "secondmile.settings",
    "DEBUG": "0",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "MFA_REQUIRED_ROLES": "",
    "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "600"),
}
for name, value in SERVED.items():
    os.environ.setdefault(name, value)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from acts.models import Act, Status  # noqa: E402
from core.errors import DomainError  # noqa: E402
from core.models import Team, User  # noqa: E402
from core.tokens import api_token_create  # noqa: E402
from customers.models import Customer  # noqa: E402
from stories.survey import survey_link_create  # noqa: E402

PASSWORD = "secondmile-demo"
CONNECTIONS = 8
# A request that takes longer than this counts as a timeout; after a page that timed out,
# the server is started afresh, so that requests still running do not slow the next page.
TIMEOUT = 30
# wrk prints the 50/75/90/99th percentiles; this script makes it report what we need.
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "bytes": %d, "non_2xx": %d, "socket_errors": %d, '
    .. '"timeouts": %d, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\\n',
    summary.requests, summary.duration / 1e6, summary.bytes, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [
            str(gunicorn),
            "secondmile.wsgi",
            *("-w", "2", "-b", f"127.0.0.1:{port}"),
            *("--timeout", str(TIMEOUT * 2), "--graceful-timeout", "5"),
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=open(ROOT / "var" / "bench" / "gunicorn.log", "w"),  # noqa: SIM115
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn did not start: see var/bench/gunicorn.log")
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 20 s: see var/bench/gunicorn.log")


def _stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _settle(base: str) -> None:
    """Wait until both workers are free: wrk stops after its seconds, but the requests it
    left queued are still served, and would slow the next page. A request to /healthz is
    answered only after those queued before it; two at once then need both workers."""
    url = f"{base}/healthz"
    urllib.request.urlopen(url, timeout=TIMEOUT * 4).read()  # noqa: S310 (our own server on 127.0.0.1)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for answer in [pool.submit(urllib.request.urlopen, url, timeout=TIMEOUT * 4) for _ in range(2)]:
            answer.result().read()


def _sign_in(base: str, username: str) -> str:
    """Sign in through the login form; returns the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(  # noqa: S310 (our own server on 127.0.0.1)
        f"{base}/accounts/login/", data=body.encode(), headers={"Referer": base + "/"}
    )
    opener.open(request)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if not any("sessionid" in name for name in cookies):
        sys.exit(f"Could not sign in as {username}: run `make bench-data` first.")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _targets(manager: User, admin: User) -> list[dict]:
    """What a manager of the first team and an admin open, each page once: (name, who, path)."""
    team = manager.team
    today = timezone.localdate()
    three_years = f"start={today.replace(year=today.year - 3) + datetime.timedelta(days=1)}&end={today}"
    act = Act.objects.filter(team=team).order_by("-date", "-id").first()
    customer = Customer.objects.filter(team=team).order_by("pk")[:1].get()
    busiest = (
        Customer.objects.filter(team=team, acts__isnull=False).order_by("-pk").values_list("pk", flat=True).first()
    )
    token = _survey_token(manager)
    return [
        ("profile (bare page)", "manager", "/accounts/profile/"),
        ("login", None, "/accounts/login/"),
        ("healthz", None, "/healthz"),
        ("home", "manager", "/"),
        ("acts feed", "manager", "/acts/"),
        ("log an act", "manager", "/acts/new/"),
        ("one act", "manager", f"/acts/{act.pk}/"),
        ("approvals", "manager", "/approvals/"),
        ("approvals (admin)", "admin", "/approvals/"),
        ("customers", "manager", "/customers/"),
        ("customers search", "manager", "/customers/?q=petrova"),
        ("customer picker", "manager", "/customers/search/?field=customer&id=customer&customer_q=elena"),
        ("one customer", "manager", f"/customers/{customer.pk}/"),
        ("one customer (newest)", "manager", f"/customers/{busiest}/"),
        ("customers (admin)", "admin", "/customers/"),
        ("story wall", "manager", "/stories/"),
        ("moderation", "admin", "/stories/review/"),
        ("dashboard", "manager", "/dashboard/"),
        ("dashboard year", "manager", "/dashboard/?period=year"),
        ("dashboard all, 3 years", "admin", f"/dashboard/?team=all&{three_years}"),
        ("audit log", "admin", "/audit/"),
        ("survey link", None, f"/s/{token}"),
        ("api me", "api", "/api/me"),
        ("api customers", "api", "/api/customers"),
        ("api customers search", "api", "/api/customers?q=petrova"),
        ("api one customer", "api", f"/api/customers/{customer.pk}"),
        ("api acts", "api", "/api/acts"),
        ("api one act", "api", f"/api/acts/{act.pk}"),
        ("api stories", "api", "/api/stories"),
        ("api budget", "api", f"/api/budget?month={today:%Y-%m}"),
        ("api dashboard", "api", "/api/dashboard"),
        ("api dashboard all, 3 years", "api-admin", f"/api/dashboard?team=all&{three_years}"),
    ]


def _survey_token(manager: User) -> str:
    """A personal survey link for a customer of the team not asked lately (each run
    makes one: the page is the customer's, opened with its token)."""
    delivered = Act.objects.filter(team=manager.team, status=Status.CUSTOMER_KNOWS).order_by("-date", "-id")
    for act in delivered[:200]:
        try:
            return survey_link_create(user=manager, act=act)[1]
        except DomainError:
            continue  # that customer was asked lately
    sys.exit("No customer of the first team may be asked for a survey now.")


def _in_process(path: str, who: str | None, users: dict, tokens: dict) -> tuple[int, int, int]:
    """(status, response bytes, SQL queries) of one request through Django's test client."""
    client = Client()
    headers = {}
    if who in ("manager", "admin"):
        client.force_login(users[who])
    elif who in ("api", "api-admin"):
        headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[who]}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, len(body), len(queries)


def _wrk(url: str, headers: list[str], seconds: int, script: str) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", f"{TIMEOUT}s", "-s", script]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return json.loads(line[len("BENCH ") :])


def _settle_database() -> None:
    """On PostgreSQL, VACUUM (ANALYZE) before measuring. Right after a bulk load no page is
    marked all-visible, so every COUNT and index read visits the table's rows too (a team's
    acts counted in 222 ms instead of 7 ms at 1,000,000 acts); on a live server autovacuum
    marks them soon after a load. The bench measures the settled database, not when
    autovacuum happens to run."""
    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"VACUUM (ANALYZE) took {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "10")))
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    acts = Act.objects.count()
    if not acts:
        sys.exit("No acts in the bench database: run `make bench-data` first (same DATABASE_URL).")
    call_command("collectstatic", interactive=False, verbosity=0)
    _settle_database()
    users = {
        "manager": User.objects.get(username="bench-manager"),
        "admin": User.objects.get(username="bench-admin"),
    }
    tokens = {
        "api": api_token_create(user=users["manager"], name="bench")[1],
        "api-admin": api_token_create(user=users["admin"], name="bench")[1],
    }
    # The in-process requests would log a new address for the bench tokens: not news here.
    logging.getLogger("secondmile.security").setLevel(logging.ERROR)
    targets = _targets(users["manager"], users["admin"])
    if args.only:
        targets = [targets[0]] + [t for t in targets[1:] if args.only in t[0]]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(port)
    vendor = connection.vendor
    print(
        f"{vendor}, {acts:,} acts, {Customer.objects.count():,} customers, {Team.objects.count()} teams; "
        f"gunicorn 2 workers; wrk {CONNECTIONS} connections, {args.seconds} s a page",
        flush=True,
    )
    rows = []
    load_at_start = os.getloadavg()
    try:
        cookies = {who: _sign_in(base, f"bench-{who}") for who in ("manager", "admin")}
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_REPORT)
        header = f"{'page':<28}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'÷ bare':>8}{'queries':>9}{'bytes':>10}  notes"
        print(header, flush=True)
        # Every worker warm (imports, connections, caches) before anything is measured.
        _wrk(base + targets[0][2], [f"Cookie: {cookies['manager']}"], 2, script.name)
        bare_p95 = None
        _in_process(targets[0][2], targets[0][1], users, tokens)  # this process's imports and caches
        for name, who, path in targets:
            status, size, queries = _in_process(path, who, users, tokens)
            headers = []
            if who in cookies:
                headers.append(f"Cookie: {cookies[who]}")
            elif who in tokens:
                headers.append(f"Authorization: Bearer {tokens[who]}")
            _settle(base)
            result = _wrk(base + path, headers, args.seconds, script.name)
            if bare_p95 is None:
                bare_p95 = result["p95_ms"]
            answered = result["requests"] > 0
            ratio = result["p95_ms"] / bare_p95 if bare_p95 and answered else None
            rps = result["requests"] / result["seconds"] if result["seconds"] else 0
            notes = []
            if status != 200:
                notes.append(f"status {status}")
            if result["non_2xx"]:
                notes.append(f"{result['non_2xx']} non-2xx")
            if result["socket_errors"] or result["timeouts"] or not result["requests"]:
                if result["socket_errors"] or result["timeouts"]:
                    notes.append(
                        f"{result['socket_errors']} socket errors, {result['timeouts']} timeouts (> {TIMEOUT} s)"
                    )
                else:  # wrk counts only what is answered within its seconds
                    notes.append(f"no answer within {args.seconds} s (run longer: BENCH_SECONDS)")
                _stop(server)
                server = _serve(port)
                cookies = {who: _sign_in(base, f"bench-{who}") for who in ("manager", "admin")}
            row = {
                "page": name,
                "as": who or "anonymous",
                "path": path if not path.startswith("/s/") else "/s/<token>",
                "requests_per_s": round(rps, 1),
                "p50_ms": round(result["p50_ms"], 2) if answered else None,
                "p95_ms": round(result["p95_ms"], 2) if answered else None,
                "p95_over_bare": round(ratio, 2) if ratio is not None else None,
                "queries": queries,
                "bytes": size,
                "requests": result["requests"],
                "non_2xx": result["non_2xx"],
                "timeouts": result["timeouts"],
                "status": status,
            }
            rows.append(row)
            figures = (
                f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{ratio:>8.2f}" if answered else f"{'—':>9}{'—':>9}{'—':>8}"
            )
            print(f"{name:<28}{rps:>9.1f}{figures}{queries:>9}{size:>10,}  {', '.join(notes)}", flush=True)
    finally:
        _stop(server)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    report = {
        "at": timezone.now().isoformat(),
        "database": vendor,
        "acts": acts,
        "customers": Customer.objects.count(),
        "seconds_per_page": args.seconds,
        "connections": CONNECTIONS,
        "workers": 2,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": load_at_start,
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
        },
        "pages": rows,
    }
    path = out / f"pages-{vendor}-{acts}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2))
    slowest = [r["page"] for r in rows if r["p95_over_bare"] is None]
    worst = max((r for r in rows[1:] if r["p95_over_bare"] is not None), key=lambda r: r["p95_over_bare"])
    print(f"\nWorst answered: {worst['page']} at {worst['p95_over_bare']}× the bare page.")
    if slowest:
        print(f"No answer (see the notes): {', '.join(slowest)}.")
    start, end = load_at_start[0], report["machine"]["load_average"][0]
    print(f"Load average (1 min) {start:.1f} at the start, {end:.1f} at the end, on {os.cpu_count()} cores.")
    print(f"Written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
