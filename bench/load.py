"""`make load`: the mixed load, then the spend rules checked over the whole database.

    DATABASE_URL=postgres://... python bench/load.py --users 50 --seconds 60

On the data set of `make bench-data` (same DATABASE_URL): serves the app like `make
bench` (gunicorn, 2 workers, DEBUG off, collected static, persistent connections), runs
bench/locustfile.py headless with `--users` people of the first four teams — staff,
managers and admins in the proportions 35 : 12 : 3 — for `--seconds`, then checks, over
every team-month in the database, that committed spend is within its budget and equals
the sum of its acts' approved and delivered amounts (bench/invariants.py). Prints the
requests, the errors (any response that was not a success), what the people did (from
the history written during the run) and the check; writes it all as JSON under
var/bench/. Exits 1 when there was an error or a rule does not hold.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRUSTED_PROXY_COUNT", "1")  # each customer answers from their own address

import pages  # noqa: E402  (bench/pages.py: the same served settings, gunicorn and Django set-up)
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from invariants import budget_problems  # noqa: E402

from acts.models import Act, ActEvent  # noqa: E402
from core.models import Team, User  # noqa: E402
from customers.models import Customer  # noqa: E402
from stories.models import NpsResponse, StoryEvent, SurveyLink  # noqa: E402

TEAMS_UNDER_LOAD = 4
CUSTOMERS_EACH = 400


def _sessions() -> dict:
    """A signed-in session for every person of the first teams and the bench admin, with
    some customers of their team for them to serve."""
    teams = list(Team.objects.order_by("pk")[:TEAMS_UNDER_LOAD])
    found = {"cookie": settings.SESSION_COOKIE_NAME, "staff": [], "manager": [], "admin": []}
    customers = {
        team.pk: list(Customer.objects.filter(team=team).order_by("?").values_list("pk", flat=True)[:CUSTOMERS_EACH])
        for team in teams
    }
    people = User.objects.filter(team__in=teams, username__startswith="bench-").exclude(username="bench-admin")
    for person in [*people, User.objects.get(username="bench-admin")]:
        client = Client()
        client.force_login(person)
        role = "admin" if person.username == "bench-admin" else person.role.value
        found[role].append(
            {
                "username": person.username,
                "team": person.team_id,
                "customers": customers[person.team_id],
                "cookie": client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        )
    # Managers and staff of the same team alternate, so every queue has someone to decide it.
    for role in ("staff", "manager"):
        found[role].sort(key=lambda session: (session["username"][-2:], session["team"]))
    return found


def _done_since(started) -> dict:
    """What the people did, from the rows the services wrote during the run."""
    actions = dict(
        ActEvent.objects.filter(at__gte=started).values_list("action").annotate(n=Count("pk")).order_by("action")
    )
    moderated = dict(
        StoryEvent.objects.filter(at__gte=started)
        .exclude(from_status="")
        .values_list("to_status")
        .annotate(n=Count("pk"))
        .order_by("to_status")
    )
    return {
        "acts_history": actions,
        "stories_moderated": moderated,
        "survey_links_made": SurveyLink.objects.filter(created_at__gte=started).count(),
        "survey_answers": SurveyLink.objects.filter(used_at__gte=started).count(),
        "nps_answers": NpsResponse.objects.filter(created_at__gte=started).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    if not User.objects.filter(username="bench-admin").exists():
        sys.exit("No bench data set here: run `make bench-data` first (same DATABASE_URL).")
    call_command("collectstatic", interactive=False, verbosity=0)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as sessions:
        json.dump(_sessions(), sessions)
    port = pages._free_port()
    host = f"http://127.0.0.1:{port}"
    server = pages._serve(port)
    started = timezone.now()
    stats = out / "load"
    print(f"{connection.vendor}: {args.users} people for {args.seconds} s against gunicorn at {host}", flush=True)
    try:
        locust = subprocess.run(  # noqa: S603
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(max(args.users // 5, 1)),
                "--run-time",
                f"{args.seconds}s",
                "--host",
                host,
                "--csv",
                str(stats),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            env={**os.environ, "LOAD_SESSIONS": sessions.name},
            check=False,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    with open(f"{stats}_stats.csv") as rows:
        table = list(csv.DictReader(rows))
    total = next(row for row in table if row["Name"] == "Aggregated")
    requests, errors = int(total["Request Count"]), int(total["Failure Count"])
    done = _done_since(started)
    months, problems = budget_problems()
    report = {
        "database": connection.vendor,
        "acts": Act.objects.count(),
        "users": args.users,
        "seconds": args.seconds,
        "requests": requests,
        "errors": errors,
        "requests_per_s": float(total["Requests/s"]),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "by_page": {
            row["Name"]: {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p95_ms": row["95%"],
            }
            for row in table
            if row["Name"] != "Aggregated"
        },
        "done": done,
        "team_months_checked": months,
        "spend_rules_hold": not problems,
        "problems": problems,
    }
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    path = out / f"load-{connection.vendor}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    print(
        f"\n{requests:,} requests, {errors} errors, {report['requests_per_s']:.0f} req/s, p95 {report['p95_ms']:.0f} ms"
    )
    print(f"Done meanwhile: {json.dumps(done)}")
    if problems:
        print("The spend rules do NOT hold:\n  " + "\n  ".join(problems))
    else:
        print(f"Spend rules hold over {months:,} team-months: committed ≤ budget, = approved + delivered amounts.")
    print(f"Written to {path.relative_to(ROOT)}")
    if errors or problems or locust.returncode not in (0, 1):
        sys.exit(1)


if __name__ == "__main__":
    main()
