"""Times the dashboard over many acts (a measurement, not a test).

    python bench/dashboard.py --acts 1000000          # SQLite file var/bench.sqlite3
    DATABASE_URL=postgres://... python bench/dashboard.py --acts 1000000

Loads (once; a second run reuses the data) N acts spread over three years and twenty
teams with bulk_create, their history rows (as the services would have written them),
customers, referrals, stories, NPS answers and points, then fills the day summaries
with rebuild_summaries, as after any bulk load. It then times, for one team and for
all teams, over a month, three months and a year:
  - what one dashboard page reads (every figure, the previous period's headline, the
    series, the budget and the leaderboard), called directly;
  - the whole /dashboard/ page through Django's test client (an admin, logged in);
and, for reference, a bare authenticated page (the profile of a person with nothing
on it). For the largest case it also times each figure on its own, so that whatever
still dominates shows.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondmile.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from acts.models import (  # noqa: E402
    Act,
    ActEvent,
    DaySummary,
)
from core.models import PointsEntry, Team, User  # noqa: E402
from customers.models import Customer  # noqa: E402
from secondmile.dashboard import figures as metrics  # noqa: E402
from secondmile.dashboard.scope import Scope, period_bounds  # noqa: E402
from stories.models import NpsResponse, Story  # noqa: E402

TEAMS = 20
PEOPLE_PER_TEAM = 12
CUSTOMERS_PER_TEAM = 2_000
DAYS = 3 * 365
BATCH = 20_000

QUADRANTS = ["reception", "delivery", "reliability", "response"]
KINDS = ["gift", "time", "upgrade", "note", "call", "expertise", "waiver", "other"]
# (status, approval level, weight)
OUTCOMES = [
    ("customer_knows", "none", 30),
    ("delivered", "empowered", 30),
    ("approved", "empowered", 10),
    ("delivered", "manager", 12),
    ("pending_approval", "manager", 4),
    ("declined", "manager", 4),
    ("withdrawn", "manager", 2),
    ("delivered", "admin", 4),
    ("declined", "admin", 2),
    ("approved", "none", 2),
]


def _load(acts: int, rng: random.Random) -> None:
    today = timezone.localdate()
    now = timezone.now()
    print(f"Loading {acts:,} acts over {DAYS} days and {TEAMS} teams…", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        teams = Team.objects.bulk_create([Team(name=f"Bench team {i:02}") for i in range(TEAMS)])
        people = User.objects.bulk_create(
            [
                User(username=f"bench{t.pk}_{i}", first_name=f"Person {i}", team=t, password="!")
                for t in teams
                for i in range(PEOPLE_PER_TEAM)
            ]
        )
        customers = Customer.objects.bulk_create(
            [
                Customer(team=t, name=f"Customer {t.pk}-{i}", referral_code=f"B{t.pk:02}{i:05}"[:8])
                for t in teams
                for i in range(CUSTOMERS_PER_TEAM)
            ],
            batch_size=BATCH,
        )
    by_team = {
        t.pk: ([p.pk for p in people if p.team_id == t.pk], [c.pk for c in customers if c.team_id == t.pk])
        for t in teams
    }
    outcomes, weights = [o[:2] for o in OUTCOMES], [o[2] for o in OUTCOMES]
    made = 0
    while made < acts:
        batch = []
        for _ in range(min(BATCH, acts - made)):
            team = rng.choice(teams)
            authors, team_customers = by_team[team.pk]
            status, level = rng.choices(outcomes, weights)[0]
            cost = (
                Decimal(0) if level == "none" else Decimal(rng.choice(["12.50", "30.00", "45.00", "80.00", "150.00"]))
            )
            day = today - datetime.timedelta(days=int(rng.triangular(0, DAYS, 0)))
            asked = None
            decided = None
            if level in ("manager", "admin"):
                asked = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
                if status != "pending_approval" and status != "withdrawn":
                    decided = asked + datetime.timedelta(minutes=rng.randint(5, 3000))
            approved = cost if status not in ("pending_approval", "declined", "withdrawn") else None
            batch.append(
                Act(
                    team_id=team.pk,
                    author_id=rng.choice(authors),
                    customer_id=rng.choice(team_customers),
                    date=day,
                    problem="Needed a hand",
                    solution="Went the second mile",
                    quadrant=rng.choice(QUADRANTS),
                    trigger=rng.choice(["proactive"] * 3 + ["reactive"]),
                    kind=rng.choice(KINDS),
                    cost=cost,
                    status=status,
                    approval_level=level,
                    approved_amount=approved,
                    actual_cost=cost if status in ("delivered", "customer_knows") else None,
                    committed_amount=approved or 0,
                    requested_at=asked,
                    decided_at=decided,
                    decided_by_id=authors[0] if decided else None,
                    decision_note="Not this time" if status == "declined" else "",
                )
            )
        with transaction.atomic():
            Act.objects.bulk_create(batch, batch_size=BATCH)
        made += len(batch)
        print(f"  {made:,} acts ({time.perf_counter() - started:.0f} s)", flush=True)

    # Outcomes, in proportion: a story for every 20 acts, an NPS answer for every 10,
    # a referred customer for every 50, a points line for every 5.
    with transaction.atomic():
        sample = list(
            Act.objects.order_by("?").values_list("pk", "team_id", "customer_id", "date", "author_id")[: acts // 5]
        )
        moderator = people[0]
        Story.objects.bulk_create(
            [
                Story(
                    team_id=t,
                    customer_id=c,
                    channel="review",
                    told_on=d + datetime.timedelta(days=3),
                    text="Lovely",
                    status=rng.choice(["approved", "featured", "submitted"]),
                    moderated_by=moderator,
                    moderated_at=now,
                )
                for (_pk, t, c, d, _a) in sample[: acts // 20]
            ],
            batch_size=BATCH,
        )
        NpsResponse.objects.bulk_create(
            [
                NpsResponse(team_id=t, customer_id=c, score=rng.randint(0, 10), date=d + datetime.timedelta(days=5))
                for (_pk, t, c, d, _a) in sample[: acts // 10]
            ],
            batch_size=BATCH,
        )
        PointsEntry.objects.bulk_create(
            [
                PointsEntry(
                    user_id=a,
                    team_id=t,
                    points=1,
                    reason="delivered",
                    act_id=pk,
                    earned_on=d,
                    outcome_key=f"bench:{pk}",
                )
                for (pk, t, _c, d, a) in sample
            ],
            batch_size=BATCH,
        )
        Customer.objects.bulk_create(
            [
                Customer(
                    team_id=t,
                    name=f"Referred {pk}",
                    referral_code=f"R{pk:07}"[:8],
                    referred_by_id=c,
                    first_purchase_value=Decimal("180.00"),
                )
                for (pk, t, c, _d, _a) in sample[: acts // 50]
            ],
            batch_size=BATCH,
        )
    _history()
    _summarise()
    print(f"Loaded in {time.perf_counter() - started:.0f} s", flush=True)


# The history rows each act would have from the services, written in SQL from the acts:
# logged (waiting for approval above the empowerment limit, else approved at once),
# approved at once (empowered), the decision of a request (with how long the request
# waited: decided_at − requested_at, the time of the logged row), a withdrawal, the delivery.
WAITED = {
    "postgresql": "decided_at - requested_at",
    # A DurationField is a count of microseconds on SQLite; the bench's times are whole minutes.
    "sqlite": "(CAST(strftime('%s', decided_at) AS INTEGER) - CAST(strftime('%s', requested_at) AS INTEGER)) * 1000000",
}
HISTORY = [
    (
        "'logged'",
        "''",
        "CASE WHEN approval_level IN ('none', 'empowered') THEN 'approved' ELSE 'pending_approval' END",
        "author_id",
        "cost",
        "COALESCE(requested_at, created_at)",
        "NULL",
        "1 = 1",
    ),
    (
        "'auto_approved'",
        "'approved'",
        "'approved'",
        "author_id",
        "cost",
        "created_at",
        "NULL",
        "approval_level = 'empowered'",
    ),
    (
        "CASE WHEN status = 'declined' THEN 'declined' ELSE 'approved' END",
        "'pending_approval'",
        "CASE WHEN status = 'declined' THEN 'declined' ELSE 'approved' END",
        "decided_by_id",
        "cost",
        "decided_at",
        "{waited}",
        "approval_level IN ('manager', 'admin') AND decided_at IS NOT NULL",
    ),
    (
        "'withdrawn'",
        "'pending_approval'",
        "'withdrawn'",
        "author_id",
        "cost",
        "requested_at",
        "NULL",
        "status = 'withdrawn'",
    ),
    (
        "'delivered'",
        "'approved'",
        "'delivered'",
        "author_id",
        "actual_cost",
        "COALESCE(decided_at, created_at)",
        "NULL",
        "status IN ('delivered', 'customer_knows')",
    ),
]


def _history() -> None:
    started = time.perf_counter()
    events, acts = ActEvent._meta.db_table, Act._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for action, from_status, to_status, actor, amount, at, waited, where in HISTORY:
            waited = waited.format(waited=WAITED[connection.vendor])
            # Every part is a constant of this file.
            sql = (
                f"INSERT INTO {events} "  # noqa: S608
                f"(act_id, actor_id, action, from_status, to_status, amount, note, at, waited) "
                f"SELECT id, {actor}, {action}, {from_status}, {to_status}, {amount}, '', {at}, {waited} "
                f"FROM {acts} WHERE {where}"
            )
            cursor.execute(sql)
    print(f"Wrote {ActEvent.objects.count():,} history rows in {time.perf_counter() - started:.0f} s", flush=True)


def _summarise() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    call_command("rebuild_summaries")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"rebuild_summaries took {time.perf_counter() - started:.0f} s", flush=True)


def _request(scope: Scope) -> None:
    """What one dashboard page reads."""
    metrics.dashboard_figures(scope)
    metrics.headline(scope.previous())
    daily = metrics.daily_act_totals(scope)
    metrics.activity_series(scope, daily=daily)
    metrics.budget_by_month(scope, daily=daily)
    metrics.leaderboard(scope)


def _time(call, runs: int) -> tuple[float, float, int]:
    """Median and worst milliseconds of `runs` calls (after one warm-up), and the queries of one."""
    call()
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings), len(queries)


def _parts(scope: Scope) -> dict:
    """Each read of a dashboard page on its own."""
    daily = metrics.daily_act_totals(scope)
    return {
        "act_totals (day summaries)": lambda: metrics.act_totals(scope),
        "previous period's headline": lambda: metrics.headline(scope.previous()),
        "daily_act_totals (day summaries)": lambda: metrics.daily_act_totals(scope),
        "approval_times": lambda: metrics.approval_times(scope),
        "recovery": lambda: metrics.recovery(scope),
        "nps_with_act + nps_without_act": lambda: (metrics.nps_with_act(scope), metrics.nps_without_act(scope)),
        "stories_count + activity_series": lambda: (
            metrics.stories_count(scope),
            metrics.activity_series(scope, daily=daily),
        ),
        "referral_totals": lambda: metrics.referral_totals(scope),
        "budget_by_month": lambda: metrics.budget_by_month(scope, daily=daily),
        "leaderboard": lambda: metrics.leaderboard(scope),
    }


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "; ".join(row[-1] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return "; ".join(row[0].strip() for row in cursor.fetchall())


def _admin_client() -> Client:
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"first_name": "Bench"})
    admin.groups.add(Group.objects.get(name="admin"))
    client = Client()
    client.force_login(admin)
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--acts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()  # the test client's host, mail kept in memory
    call_command("migrate", verbosity=0)
    existing = Act.objects.count()
    if existing < args.acts:
        if existing:
            sys.exit(f"The bench database holds {existing:,} acts; delete {connection.settings_dict['NAME']} first.")
        _load(args.acts, random.Random(1))
    elif not ActEvent.objects.exists():
        print("Acts loaded by an older bench: writing their history.", flush=True)
        _history()
        _summarise()
    elif not DaySummary.objects.exists():
        _summarise()
    total = Act.objects.count()
    team = Team.objects.filter(name__startswith="Bench team").order_by("pk").first()
    today = timezone.localdate()
    client = _admin_client()
    print(
        f"\n{connection.vendor}: {total:,} acts, {ActEvent.objects.count():,} history rows, "
        f"{DaySummary.objects.count():,} day summaries; one team holds {Act.objects.filter(team=team).count():,} "
        f"acts. Median and worst of {args.runs} runs, after one warm-up."
    )
    median, worst, queries = _time(lambda: client.get("/accounts/profile/"), args.runs)
    print(
        f"Bare authenticated page (/accounts/profile/): median {median:.1f} ms, worst {worst:.1f} ms, "
        f"{queries} queries\n"
    )
    print(
        f"{'period':<8}{'team':<6}{'acts in scope':>14}{'reads ms':>10}{'worst':>8}{'queries':>9}"
        f"{'page ms':>10}{'worst':>8}{'queries':>9}"
    )
    team_ids = tuple(Team.objects.order_by("pk").values_list("pk", flat=True))
    for period in ("month", "3m", "year"):
        start, end = period_bounds(period, today=today)
        for label, scope, team_param in (
            ("one", Scope(start=start, end=end, team=team), str(team.pk)),
            ("all", Scope(start=start, end=end, team=None, team_ids=team_ids), "all"),
        ):
            in_scope = metrics.scope_acts(scope).count()
            median, worst, queries = _time(lambda scope=scope: _request(scope), args.runs)
            url = f"/dashboard/?period={period}&team={team_param}"
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            page_median, page_worst, page_queries = _time(lambda url=url: client.get(url), args.runs)
            print(
                f"{period:<8}{label:<6}{in_scope:>14,}{median:>10.1f}{worst:>8.1f}{queries:>9}"
                f"{page_median:>10.1f}{page_worst:>8.1f}{page_queries:>9}",
                flush=True,
            )

    start, end = period_bounds("year", today=today)
    largest = Scope(start=start, end=end, team=None, team_ids=team_ids)
    print(f"\nAll teams, this year, each read on its own (median ms of {args.runs}):")
    for name, call in _parts(largest).items():
        median, _worst, queries = _time(call, args.runs)
        print(f"  {name:<36}{median:>9.1f} ms{queries:>4} queries", flush=True)
    if connection.vendor == "postgresql":
        # The cost of the remaining period queries passes jit_above_cost, and compiling
        # them takes longer than running them: what `-c jit=off` in the connection's
        # options would give.
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        print("\nThe same with jit = off (median ms of reads, then of the page):")
        for period in ("month", "3m", "year"):
            start, end = period_bounds(period, today=today)
            scope = Scope(start=start, end=end, team=None, team_ids=team_ids)
            url = f"/dashboard/?period={period}&team=all"
            median, _worst, _queries = _time(lambda scope=scope: _request(scope), args.runs)
            page, _worst, _queries = _time(lambda url=url: client.get(url), args.runs)
            print(f"  {period:<6}all  {median:>9.1f}{page:>10.1f}", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")
    summaries = DaySummary.objects.filter(largest.teams(), date__gte=largest.start, date__lte=largest.end)
    print(
        f"\nDay summaries read for all teams, this year: {summaries.count():,} rows. Plan:",
        _plan(*summaries.values("pk").query.sql_with_params()),
    )


if __name__ == "__main__":
    main()
