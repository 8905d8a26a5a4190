"""Times the dashboard's queries over many acts (a measurement, not a test).

    python bench/dashboard.py --acts 1000000          # SQLite file var/bench.sqlite3
    DATABASE_URL=postgres://... python bench/dashboard.py --acts 1000000

Loads (once; a second run reuses the data) N acts spread over three years and twenty
teams with bulk_create, plus customers, referrals, stories, NPS answers and points,
then times what one dashboard request runs — every figure, the previous period's
headline, the series, the budget and the leaderboard — for one team and for all
teams, over a month, three months and a year. Prints the plan SQLite or PostgreSQL
chose for the main aggregate, so that a full scan shows.
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

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from acts.models import Act  # noqa: E402
from customers.models import Customer, NpsResponse, Story  # noqa: E402
from secondmile import selectors  # noqa: E402
from secondmile.models import PointsEntry, Team, User  # noqa: E402

TEAMS = 20
PEOPLE_PER_TEAM = 12
CUSTOMERS_PER_TEAM = 2_000
DAYS = 3 * 365
BATCH = 20_000

QUADRANTS = ["reception", "delivery", "reliability", "response"]
KINDS = ["gift", "time", "upgrade", "note", "call", "expertise", "waiver", "other"]
# (status, approval level, weight)
OUTCOMES = [
    ("customer_knows", "none", 30), ("delivered", "empowered", 30), ("approved", "empowered", 10),
    ("delivered", "manager", 12), ("pending_approval", "manager", 4), ("declined", "manager", 4),
    ("withdrawn", "manager", 2), ("delivered", "admin", 4), ("declined", "admin", 2),
    ("approved", "none", 2),
]


def _load(acts: int, rng: random.Random) -> None:
    today = timezone.localdate()
    now = timezone.now()
    print(f"Loading {acts:,} acts over {DAYS} days and {TEAMS} teams…", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        teams = Team.objects.bulk_create([Team(name=f"Bench team {i:02}") for i in range(TEAMS)])
        people = User.objects.bulk_create([
            User(username=f"bench{t.pk}_{i}", first_name=f"Person {i}", team=t, password="!")
            for t in teams for i in range(PEOPLE_PER_TEAM)
        ])
        customers = Customer.objects.bulk_create([
            Customer(team=t, name=f"Customer {t.pk}-{i}", referral_code=f"B{t.pk:02}{i:05}"[:8])
            for t in teams for i in range(CUSTOMERS_PER_TEAM)
        ], batch_size=BATCH)
    by_team = {t.pk: ([p.pk for p in people if p.team_id == t.pk],
                      [c.pk for c in customers if c.team_id == t.pk]) for t in teams}
    outcomes, weights = [o[:2] for o in OUTCOMES], [o[2] for o in OUTCOMES]
    made = 0
    while made < acts:
        batch = []
        for _ in range(min(BATCH, acts - made)):
            team = rng.choice(teams)
            authors, team_customers = by_team[team.pk]
            status, level = rng.choices(outcomes, weights)[0]
            cost = Decimal(0) if level == "none" else Decimal(rng.choice(["12.50", "30.00", "45.00", "80.00",
                                                                          "150.00"]))
            day = today - datetime.timedelta(days=int(rng.triangular(0, DAYS, 0)))
            asked = None
            decided = None
            if level in ("manager", "admin"):
                asked = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
                if status != "pending_approval" and status != "withdrawn":
                    decided = asked + datetime.timedelta(minutes=rng.randint(5, 3000))
            approved = cost if status not in ("pending_approval", "declined", "withdrawn") else None
            batch.append(Act(
                team_id=team.pk, author_id=rng.choice(authors), customer_id=rng.choice(team_customers),
                date=day, problem="Needed a hand", solution="Went the second mile",
                quadrant=rng.choice(QUADRANTS), trigger=rng.choice(["proactive"] * 3 + ["reactive"]),
                kind=rng.choice(KINDS), cost=cost, status=status, approval_level=level,
                approved_amount=approved,
                actual_cost=cost if status in ("delivered", "customer_knows") else None,
                committed_amount=approved or 0, requested_at=asked, decided_at=decided,
                decided_by_id=authors[0] if decided else None,
                decision_note="Not this time" if status == "declined" else "",
            ))
        with transaction.atomic():
            Act.objects.bulk_create(batch, batch_size=BATCH)
        made += len(batch)
        print(f"  {made:,} acts ({time.perf_counter() - started:.0f} s)", flush=True)

    # Outcomes, in proportion: a story for every 20 acts, an NPS answer for every 10,
    # a referred customer for every 50, a points line for every 5.
    with transaction.atomic():
        sample = list(Act.objects.order_by("?").values_list("pk", "team_id", "customer_id", "date",
                                                            "author_id")[: acts // 5])
        moderator = people[0]
        Story.objects.bulk_create([
            Story(team_id=t, customer_id=c, channel="review", told_on=d + datetime.timedelta(days=3),
                  text="Lovely", status=rng.choice(["approved", "featured", "submitted"]),
                  moderated_by=moderator, moderated_at=now)
            for (_pk, t, c, d, _a) in sample[: acts // 20]
        ], batch_size=BATCH)
        NpsResponse.objects.bulk_create([
            NpsResponse(team_id=t, customer_id=c, score=rng.randint(0, 10), date=d + datetime.timedelta(days=5))
            for (_pk, t, c, d, _a) in sample[: acts // 10]
        ], batch_size=BATCH)
        PointsEntry.objects.bulk_create([
            PointsEntry(user_id=a, team_id=t, points=1, reason="delivered", act_id=pk, earned_on=d,
                        outcome_key=f"bench:{pk}")
            for (pk, t, _c, d, a) in sample
        ], batch_size=BATCH)
        Customer.objects.bulk_create([
            Customer(team_id=t, name=f"Referred {pk}", referral_code=f"R{pk:07}"[:8], referred_by_id=c,
                     first_purchase_value=Decimal("180.00"))
            for (pk, t, c, _d, _a) in sample[: acts // 50]
        ], batch_size=BATCH)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"Loaded in {time.perf_counter() - started:.0f} s", flush=True)


def _request(scope: selectors.Scope) -> None:
    """What one dashboard page reads."""
    selectors.dashboard_figures(scope)
    selectors.headline(scope.previous())
    daily = selectors.daily_act_totals(scope)
    selectors.activity_series(scope, daily=daily)
    selectors.budget_by_month(scope, daily=daily)
    selectors.leaderboard(scope)


def _time(scope: selectors.Scope, runs: int) -> tuple[float, float, int]:
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            _request(scope)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings), len(queries)


def _plan(scope: selectors.Scope) -> str:
    query = selectors.scope_acts(scope).values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "; ".join(row[-1] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return "; ".join(row[0].strip() for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--acts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    existing = Act.objects.count()
    if existing < args.acts:
        if existing:
            sys.exit(f"The bench database holds {existing:,} acts; delete {connection.settings_dict['NAME']} first.")
        _load(args.acts, random.Random(1))
    total = Act.objects.count()
    team = Team.objects.filter(name__startswith="Bench team").order_by("pk").first()
    today = timezone.localdate()
    print(f"\n{connection.vendor}: {total:,} acts; one team holds "
          f"{Act.objects.filter(team=team).count():,}. Median and worst of {args.runs} runs of one dashboard read.")
    print(f"{'period':<14}{'team':<10}{'acts in scope':>14}{'median ms':>12}{'worst ms':>10}{'queries':>9}")
    team_ids = tuple(Team.objects.order_by("pk").values_list("pk", flat=True))
    for period in ("month", "3m", "year"):
        start, end = selectors.period_bounds(period, today=today)
        for label, scope in (("one", selectors.Scope(start=start, end=end, team=team)),
                             ("all", selectors.Scope(start=start, end=end, team=None, team_ids=team_ids))):
            in_scope = selectors.scope_acts(scope).count()
            median, worst, queries = _time(scope, args.runs)
            print(f"{period:<14}{label:<10}{in_scope:>14,}{median:>12.1f}{worst:>10.1f}{queries:>9}")
    start, end = selectors.period_bounds("month", today=today)
    print("\nPlan of the period's acts (one team):", _plan(selectors.Scope(start=start, end=end, team=team)))
    print("Plan of the period's acts (all teams):",
          _plan(selectors.Scope(start=start, end=end, team=None, team_ids=team_ids)))


if __name__ == "__main__":
    main()
