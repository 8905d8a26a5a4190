"""`make bench-data`: the data set the bench measures, loaded in bulk.

    python bench/data.py --acts 1000000                    # SQLite file var/bench.sqlite3
    DATABASE_URL=postgres://... python bench/data.py --acts 1000000

Twenty teams of twelve people, ~100,000 customers with referral chains (a referrer is
always an earlier customer of the same team, so chains run several generations and
never loop), `--acts` acts over three years with the history rows the services would
have written, their decisions and budgets, deliveries with their follow-ups and points,
stories with their moderation history, NPS answers; then the day summaries (the app's
own `rebuild_summaries`) and each team's customer count.

How it stays fast: rows are made in Python as plain tuples and written with COPY on
PostgreSQL, executemany on SQLite, in one transaction; everything derived from the acts
(history, budgets, follow-ups, points) is one INSERT … SELECT each. As PostgreSQL's
"Populating a Database" advises, the loaded tables' secondary indexes and (PostgreSQL)
foreign keys are dropped for the load and put back at the end, inside the same
transaction: an index is then built once from all its rows, and putting a foreign key
back checks every row at once instead of one at a time. Primary keys, unique and check
constraints stay on, and so do the history tables' append-only triggers (they refuse
UPDATE, DELETE and TRUNCATE; the load only inserts).

The data keeps the app's rules: amounts follow the teams' spend policy, an act's
`committed_amount` is what it holds of its month (approved amount, actual cost once
delivered, nothing when waiting, declined or withdrawn), each month's committed is the
sum of its acts' and within its budget, decisions are never the requester's own, only
recent requests still wait, a rejected story has a reason.

Logins (password `secondmile-demo`): `bench-manager`, a manager of the first team, and
`bench-admin`, an admin; every bench person has the same password (the load scenario
signs in as many of them).
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondmile.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from invariants import budget_problems  # noqa: E402  (bench/invariants.py)

from acts import approval_waits, playbook, summaries  # noqa: E402
from acts.models import (  # noqa: E402
    Act,
    ActEvent,
    BudgetMonth,
    DaySummary,
    FollowUp,
)
from core import points_to_date  # noqa: E402
from core.models import PointsEntry, Team, User  # noqa: E402
from customers import advocates, referral_days  # noqa: E402
from customers.models import Customer  # noqa: E402
from customers.services import customer_counts_rebuild  # noqa: E402
from stories import act_chain, outcome_days  # noqa: E402
from stories.models import NpsResponse, Story, StoryEvent  # noqa: E402

PASSWORD = "secondmile-demo"
TEAMS = 20
PEOPLE_PER_TEAM = 12  # one manager, eleven staff
CUSTOMERS = 100_000
DAYS = 3 * 365
REFERRED_SHARE = 0.3
CHUNK = 50_000

FIRST = [
    "Elena",
    "Tom",
    "Ana",
    "Sam",
    "Lena",
    "Joe",
    "Priya",
    "Marcus",
    "Mia",
    "Omar",
    "Rita",
    "Walter",
    "Dora",
    "Hugo",
    "Ines",
    "Jonas",
    "Kemal",
    "Lucia",
    "Noor",
    "Oskar",
    "Paula",
    "Quentin",
    "Rosa",
    "Stefan",
    "Tara",
    "Umar",
    "Vera",
    "Wim",
    "Yara",
    "Zoe",
    "Arjun",
    "Bea",
    "Carlos",
    "Dalia",
    "Emil",
    "Farah",
    "Gus",
    "Hana",
    "Ivan",
    "Jade",
]
LAST = [
    "Petrova",
    "Becker",
    "Silva",
    "Moreau",
    "Novak",
    "Jensen",
    "Rossi",
    "Garcia",
    "Khan",
    "Müller",
    "Dubois",
    "Costa",
    "Ivanova",
    "Larsen",
    "Nakamura",
    "Okafor",
    "Schmidt",
    "Horvat",
    "Kowalski",
    "Lindqvist",
    "Brown",
    "Martin",
    "Fischer",
    "Santos",
    "Meyer",
    "Bianchi",
    "Haddad",
    "Sato",
    "Weber",
    "Costa",
]
COMPANIES = ["", "", "", "Harbour Freight", "Northwind", "Blue Fern Café", "Atlas Dental", "Kite & Co"]
QUADRANTS = ["reception", "delivery", "reliability", "response"]
KINDS = ["gift", "time", "upgrade", "note", "call", "expertise", "waiver", "other"]
PROBLEMS = [
    "Arrived late after a delayed flight",
    "Her mother was in hospital",
    "Needed the room ready early",
    "Their order was sent to the wrong address",
    "Could not find a size that fitted",
    "First visit, a little lost",
    "A complaint about the wait on the phone",
    "Celebrating an anniversary",
]
SOLUTIONS = [
    "Sent flowers with a handwritten card",
    "A steak waiting at the arrival gate",
    "Free upgrade to the suite",
    "Called back the next day to check all was well",
    "Stayed 45 minutes late to finish it",
    "Drove the parcel over ourselves",
    "Waived the delivery fee and said why",
    "A note from the whole team",
]
# (status, approval level, weight): the mix of outcomes of three years of acts.
OUTCOMES = [
    ("customer_knows", "none", 26),
    ("delivered", "none", 4),
    ("customer_knows", "empowered", 18),
    ("delivered", "empowered", 12),
    ("approved", "empowered", 10),
    ("customer_knows", "manager", 6),
    ("delivered", "manager", 6),
    ("approved", "manager", 2),
    ("pending_approval", "manager", 4),
    ("declined", "manager", 4),
    ("withdrawn", "manager", 2),
    ("delivered", "admin", 4),
    ("pending_approval", "admin", 1),
    ("declined", "admin", 1),
]
COSTS = {
    "none": ["0.00"],
    "empowered": ["12.50", "20.00", "30.00", "45.00", "50.00"],
    "manager": ["60.00", "75.00", "80.00", "95.00", "100.00"],
    "admin": ["120.00", "150.00", "200.00"],
}
# Requests still waiting (or withdrawn while waiting) are recent: older ones were decided.
WAITING_DAYS = 14
DECLINE_NOTE = "Not this time: more than we spend on a gesture like this."
STORY_TEXTS = [
    "They remembered my daughter's name and had a cake ready.",
    "Best service I have had anywhere, I tell everyone.",
    "A small thing, but it made our week.",
    "I wrote a review the same evening.",
]


class Progress:
    """A one-line progress bar on stderr: `label [#####.....]  52%  12 s`."""

    WIDTH = 30

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done, self.started = label, max(total, 1), 0, time.perf_counter()
        self._draw()

    def add(self, n: int) -> None:
        self.done += n
        self._draw()

    def _draw(self) -> None:
        share = min(self.done / self.total, 1)
        bar = "#" * round(share * self.WIDTH)
        elapsed = time.perf_counter() - self.started
        sys.stderr.write(f"\r  {self.label:<24} [{bar:<{self.WIDTH}}] {share:>4.0%} {elapsed:5.0f} s")
        sys.stderr.flush()

    def finish(self) -> None:
        self.done = self.total
        self._draw()
        sys.stderr.write("\n")


class Writer:
    """Writes plain tuples into a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def stamp(self, moment: datetime.datetime) -> str:
        """A UTC timestamp as the column takes it (Django keeps naive UTC text on SQLite)."""
        text = (
            f"{moment.year:04}-{moment.month:02}-{moment.day:02} {moment.hour:02}:{moment.minute:02}:{moment.second:02}"
        )
        return text + "+00" if self.postgres else text

    def write(self, model_or_table, columns: list[str], rows, progress: Progress | None = None) -> int:
        table = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
        names = ", ".join(columns)
        written = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if self.postgres:
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
                        if progress and written % CHUNK == 0:
                            progress.add(CHUNK)
                if progress:
                    progress.add(written % CHUNK)
                return written
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == CHUNK:
                    raw.executemany(sql, batch)
                    written += len(batch)
                    if progress:
                        progress.add(len(batch))
                    batch = []
            if batch:
                raw.executemany(sql, batch)
                written += len(batch)
                if progress:
                    progress.add(len(batch))
        return written


def sql(statement: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.rowcount


LOADED = [Customer, Act, ActEvent, BudgetMonth, Story, StoryEvent, NpsResponse, FollowUp, PointsEntry]


def _loaded_tables() -> list[str]:
    return [model._meta.db_table for model in LOADED] + [Story.acts.through._meta.db_table]


def _set_aside() -> list[str]:
    """Drop what makes a bulk load slow, and return the statements that put it back:
    the loaded tables' secondary indexes (built once at the end, from sorted rows,
    instead of row by row) and, on PostgreSQL, their foreign keys (checked once at the
    end by one join each, instead of one lookup per row). Primary keys, unique and check
    constraints and the history tables' append-only triggers stay."""
    tables = _loaded_tables()
    restore = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
                [tables],
            )
            for table, name, definition in cursor.fetchall():
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [tables],
            )
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
                f"AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})",
                tables,
            )
        indexes = cursor.fetchall()
        for name, definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            restore.insert(0, definition)  # indexes first: they make checking the keys quick
    return restore


def _put_back(statements: list[str]) -> None:
    progress = Progress("indexes and keys", len(statements))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        took = []
        for statement in statements:
            started = time.perf_counter()
            cursor.execute(statement)
            took.append((time.perf_counter() - started, statement))
            progress.add(1)
    progress.finish()
    for seconds, statement in sorted(took, reverse=True)[:3]:
        print(f"    {seconds:6.1f} s  {statement[:100]}", flush=True)


def _people(rng: random.Random) -> tuple[list[Team], dict[int, dict]]:
    """Teams and their people (the ORM: a few hundred rows); the two bench logins."""
    password = make_password(PASSWORD)
    teams = Team.objects.bulk_create(
        [Team(name=f"Bench team {n:02}", monthly_budget="3000.00") for n in range(1, TEAMS + 1)]
    )
    groups = {group.name: group for group in Group.objects.filter(name__in=["staff", "manager", "admin"])}
    people = {}
    for number, team in enumerate(teams, start=1):
        manager = "bench-manager" if number == 1 else f"bench-manager-{number:02}"
        members = [
            User(
                username=manager,
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                team=team,
                password=password,
                email=f"{manager}@bench.example",
            )
        ] + [
            User(
                username=f"bench-staff-{number:02}-{n:02}",
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                team=team,
                password=password,
            )
            for n in range(1, PEOPLE_PER_TEAM)
        ]
        User.objects.bulk_create(members)
        members = list(User.objects.filter(team=team).order_by("pk"))
        groups["manager"].user_set.add(members[0])
        groups["staff"].user_set.add(*members[1:])
        people[team.pk] = {"manager": members[0].pk, "staff": [m.pk for m in members[1:]]}
    admin = User.objects.create(
        username="bench-admin",
        first_name="Bench",
        last_name="Admin",
        team=teams[0],
        password=password,
        email="bench-admin@bench.example",
    )
    groups["admin"].user_set.add(admin)
    for team in teams:
        people[team.pk]["admin"] = admin.pk
    return teams, people


def _customers(writer: Writer, rng: random.Random, teams: list[Team], count: int, now) -> dict[int, list[int]]:
    """`count` customers spread over the teams in the order they came; about 30% referred
    by an earlier customer of their team (who may have been referred in turn)."""
    first_id = (Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    by_team: dict[int, list[int]] = {team.pk: [] for team in teams}
    team_ids = [team.pk for team in teams]
    oldest = now - datetime.timedelta(days=DAYS + 60)
    span = (now - oldest).total_seconds()

    def rows():
        for n in range(count):
            pk = first_id + n
            team_id = rng.choice(team_ids)
            earlier = by_team[team_id]
            referrer = rng.choice(earlier) if earlier and rng.random() < REFERRED_SHARE else None
            earlier.append(pk)
            created = oldest + datetime.timedelta(seconds=span * n / count)
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            yield (
                pk,
                team_id,
                name,
                f"guest{pk}@example.org",
                f"+1 555 {pk % 10_000_000:07}",
                rng.choice(COMPANIES),
                "",
                f"B{pk:07}",
                referrer,
                None,
                "180.00" if referrer else None,
                writer.stamp(created),
                None,
            )

    columns = [
        "id",
        "team_id",
        "name",
        "email",
        "phone",
        "company",
        "notes",
        "referral_code",
        "referred_by_id",
        "referred_by_story_id",
        "first_purchase_value",
        "created_at",
        "last_surveyed_at",
    ]
    progress = Progress("customers", count)
    writer.write(Customer, columns, rows(), progress)
    progress.finish()
    return by_team


ACT_COLUMNS = [
    "id",
    "team_id",
    "author_id",
    "customer_id",
    "date",
    "problem",
    "quadrant",
    "trigger",
    "kind",
    "solution",
    "cost",
    "right_thing",
    "great_experience",
    "how_they_know",
    "status",
    "approval_level",
    "approved_amount",
    "actual_cost",
    "committed_amount",
    "requested_at",
    "decided_by_id",
    "decided_at",
    "decision_note",
    "delivered_at",
    "receipt",
    "customer_knew_how",
    "for_review",
    "reviewed_by_id",
    "reviewed_at",
    "review_problem",
    "created_at",
]


class Clock:
    """Moments as whole minutes since midnight (UTC) before the data set's first day, with
    the column text of each made from a table of day strings: arithmetic on integers is
    what keeps a million acts quick to make."""

    def __init__(self, writer: Writer, now: datetime.datetime):
        today = now.date()
        self.first = today - datetime.timedelta(days=DAYS + 90)
        days = (today - self.first).days + 1
        self.days = [(self.first + datetime.timedelta(days=n)).isoformat() for n in range(days)]
        self.today_index = days - 1
        start = datetime.datetime.combine(self.first, datetime.time(), tzinfo=datetime.UTC)
        self.now = int((now - start).total_seconds() // 60)
        self.suffix = "+00" if writer.postgres else ""

    def day(self, days_ago: int) -> str:
        return self.days[self.today_index - days_ago]

    def at(self, minute: int) -> str:
        day, rest = divmod(minute, 1440)
        hour, minute = divmod(rest, 60)
        return f"{self.days[day]} {hour:02}:{minute:02}:00{self.suffix}"


def _acts(writer: Writer, rng: random.Random, count: int, people: dict, customers: dict, now) -> int:
    """`count` acts, more of them recent than old (a team that grows), each in a state
    the services could have left it in."""
    first_id = (Act.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    clock = Clock(writer, now)
    team_ids = list(people)
    recent = [(status, level) for status, level, _weight in OUTCOMES]
    recent_weights = [weight for *_outcome, weight in OUTCOMES]
    # Requests older than WAITING_DAYS were decided: nothing waits or was withdrawn then.
    older = [o for o in recent if o[0] not in ("pending_approval", "withdrawn")]
    older_weights = [w for o, w in zip(recent, recent_weights, strict=True) if o in older]
    recent_draws = rng.choices(recent, recent_weights, k=count)
    older_draws = rng.choices(older, older_weights, k=count)
    teams = [(team_id, people[team_id], customers[team_id]) for team_id in team_ids]
    random_ = rng.random
    answer = "We tell them when we hand it over"

    def pick(values):
        return values[int(random_() * len(values))]

    def rows():
        for n in range(count):
            team_id, members, team_customers = pick(teams)
            manager, admin = members["manager"], members["admin"]
            author = manager if random_() < 0.05 else pick(members["staff"])
            days_ago = int(DAYS * (1 - (1 - random_()) ** 0.5))  # triangular, mode today
            status, level = recent_draws[n] if days_ago <= WAITING_DAYS else older_draws[n]
            cost = pick(COSTS[level])
            day_start = (clock.today_index - days_ago) * 1440
            created = min(day_start + 480 + int(random_() * 600), clock.now - 30 - int(random_() * 570))
            asked = decided = decider = approved = actual = delivered = None
            committed = "0"
            note = ""
            if level in ("none", "empowered"):
                decided, approved = created, cost
            else:
                asked = created
                if status not in ("pending_approval", "withdrawn"):
                    decided = min(asked + 5 + int(random_() * 2875), clock.now - 1)
                    decider = admin if level == "admin" or author == manager else manager
                    if status == "declined":
                        note = DECLINE_NOTE
                    else:
                        approved = cost
            if status in ("delivered", "customer_knows"):
                actual = committed = approved
                delivered = min(decided + 60 + int(random_() * 2820), clock.now - 1)
            elif status == "approved":
                committed = approved
            costed = level != "none"
            reviewed = level == "empowered" and random_() < 0.1
            looked = reviewed and days_ago > 7 and author != manager
            yield (
                first_id + n,
                team_id,
                author,
                pick(team_customers),
                clock.day(days_ago),
                pick(PROBLEMS),
                pick(QUADRANTS),
                "reactive" if random_() < 0.25 else "proactive",
                pick(KINDS),
                pick(SOLUTIONS),
                cost,
                "Yes" if costed else "",
                "Yes" if costed else "",
                answer if costed else "",
                status,
                level,
                approved,
                actual,
                committed,
                clock.at(asked) if asked is not None else None,
                decider,
                clock.at(decided) if decided is not None else None,
                note,
                clock.at(delivered) if delivered is not None else None,
                "",
                "Told them at the desk" if status == "customer_knows" else "",
                reviewed,
                manager if looked else None,
                clock.at(created + 1440) if looked else None,
                False,
                clock.at(created),
            )

    progress = Progress("acts", count)
    writer.write(Act, ACT_COLUMNS, rows(), progress)
    progress.finish()
    return first_id


def _vendor(postgres: str, sqlite: str) -> str:
    return postgres if connection.vendor == "postgresql" else sqlite


def _history() -> None:
    """The history rows each act would have from the services, in SQL from the acts:
    logged, approved at once (empowered), the decision of a request (with how long it
    waited), a withdrawal, the delivery, the customer knowing, a manager's look."""
    waited = _vendor(
        "decided_at - requested_at",
        # A DurationField is a count of microseconds on SQLite.
        "(CAST(strftime('%s', decided_at) AS INTEGER) - CAST(strftime('%s', requested_at) AS INTEGER)) * 1000000",
    )
    empowered, withdrawn = "approval_level = 'empowered'", "status = 'withdrawn'"
    # The customer learned of it an hour after delivery, or by now.
    now = Writer().stamp(timezone.now())
    an_hour_later = _vendor(
        f"LEAST(delivered_at + interval '1 hour', '{now}')", f"MIN(datetime(delivered_at, '+1 hour'), '{now}')"
    )
    steps = [
        # action, from, to, actor, amount, at, waited, which acts
        (
            "'logged'",
            "''",
            "CASE WHEN approval_level IN ('none', 'empowered') THEN 'approved' ELSE 'pending_approval' END",
            "author_id",
            "cost",
            "created_at",
            "NULL",
            "1 = 1",
        ),
        ("'auto_approved'", "'approved'", "'approved'", "author_id", "cost", "created_at", "NULL", empowered),
        (
            "status",
            "'pending_approval'",
            "status",
            "decided_by_id",
            "cost",
            "decided_at",
            waited,
            "approval_level IN ('manager', 'admin') AND status = 'declined'",
        ),
        (
            "'approved'",
            "'pending_approval'",
            "'approved'",
            "decided_by_id",
            "approved_amount",
            "decided_at",
            waited,
            "approval_level IN ('manager', 'admin') AND decided_at IS NOT NULL AND status <> 'declined'",
        ),
        ("'withdrawn'", "'pending_approval'", "'withdrawn'", "author_id", "cost", "created_at", "NULL", withdrawn),
        (
            "'delivered'",
            "'approved'",
            "'delivered'",
            "author_id",
            "actual_cost",
            "delivered_at",
            "NULL",
            "status IN ('delivered', 'customer_knows')",
        ),
        (
            "'customer_knows'",
            "'delivered'",
            "'customer_knows'",
            "author_id",
            "actual_cost",
            an_hour_later,
            "NULL",
            "status = 'customer_knows'",
        ),
        ("'reviewed'", "status", "status", "reviewed_by_id", "NULL", "reviewed_at", "NULL", "reviewed_at IS NOT NULL"),
    ]
    events, acts = ActEvent._meta.db_table, Act._meta.db_table
    progress = Progress("act history", len(steps))
    for action, from_status, to_status, actor, amount, at, wait, where in steps:
        # Every part is a constant of this file.
        sql(
            f"INSERT INTO {events} (act_id, actor_id, action, from_status, to_status, amount, note, at, waited) "  # noqa: S608
            f"SELECT id, {actor}, {action}, {from_status}, {to_status}, {amount}, "
            f"CASE WHEN {action} = 'declined' THEN decision_note WHEN {action} = 'customer_knows' "
            f"THEN customer_knew_how ELSE '' END, {at}, {wait} FROM {acts} WHERE {where}"
        )
        progress.add(1)
    progress.finish()


def _budgets() -> None:
    """Each team-month's budget row: committed is the sum of its acts' commitments; the
    budget leaves at least $2,000 of room above it."""
    month = _vendor("CAST(date_trunc('month', date) AS date)", "date(date, 'start of month')")
    sql(
        f"INSERT INTO {BudgetMonth._meta.db_table} (team_id, month, budget, committed) "  # noqa: S608
        f"SELECT team_id, {month}, (CAST(SUM(committed_amount) AS INTEGER) / 1000 + 3) * 1000, "
        f"SUM(committed_amount) FROM {Act._meta.db_table} GROUP BY team_id, {month}"
    )


def _deliveries() -> None:
    """What a delivery brings: a thank-you note after 2 days and a check-in call after 14
    (done by the author, except those due lately)."""
    today = timezone.localdate()
    acts = Act._meta.db_table
    delivered = "status IN ('delivered', 'customer_knows')"
    for kind, days in (("thank_you", 2), ("check_in", 14)):
        due = _vendor(f"CAST(delivered_at AS date) + {days}", f"date(delivered_at, '+{days} days')")
        done = _vendor(f"{due} + time '10:00'", f"datetime({due}, '+1 day', '+10 hours')")
        recent = (today - datetime.timedelta(days=3)).isoformat()
        sql(
            f"INSERT INTO {FollowUp._meta.db_table} (team_id, customer_id, act_id, nps_response_id, kind, due_on, "  # noqa: S608
            f"done_at, done_by_id) SELECT team_id, customer_id, id, NULL, '{kind}', {due}, "
            f"CASE WHEN {due} < '{recent}' THEN {done} END, CASE WHEN {due} < '{recent}' THEN author_id END "
            f"FROM {acts} WHERE {delivered}"
        )
    # No points for delivering: the ledger holds outcomes only (core/recognition.py).


def _stories_and_answers(writer: Writer, rng: random.Random, acts: int, people: dict, now) -> None:
    """A story for one act in twenty (submitted lately, else moderated), with its history
    and the points an approved story earns; an NPS answer for one act in ten, and some
    from customers with no act; a detractor's follow-up."""
    today = timezone.localdate()
    sample = list(
        Act.objects.filter(status__in=["delivered", "customer_knows"])
        .order_by()
        .values_list("pk", "team_id", "customer_id", "date", "author_id")[: max(acts // 5, 1)]
    )
    rng.shuffle(sample)
    first_story = (Story.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    stories, story_acts, story_events = [], [], []
    for n, (act_id, team_id, customer_id, day, author) in enumerate(sample[: acts // 20]):
        pk = first_story + n
        told = min(day + datetime.timedelta(days=rng.randint(1, 20)), today)
        created = datetime.datetime.combine(told, datetime.time(10), tzinfo=datetime.UTC)
        created = min(created, now - datetime.timedelta(minutes=5))
        if (today - told).days < 21 and rng.random() < 0.5:
            status = "submitted"
        else:
            status = rng.choices(["approved", "featured", "rejected"], [75, 12, 13])[0]
        moderated = created + datetime.timedelta(hours=rng.randint(1, 72)) if status != "submitted" else None
        moderated = min(moderated, now - datetime.timedelta(minutes=1)) if moderated else None
        reason = "Names a member of staff who asked not to be named." if status == "rejected" else ""
        stories.append(
            (
                pk,
                team_id,
                customer_id,
                rng.choice(["review", "social", "word_of_mouth", "letter", "survey"]),
                told.isoformat(),
                rng.choice(STORY_TEXTS),
                "",
                rng.random() < 0.85,
                status,
                author,
                people[team_id]["admin"] if moderated else None,
                writer.stamp(moderated) if moderated else None,
                reason,
                writer.stamp(created),
            )
        )
        story_acts.append((pk, act_id))
        story_events.append((pk, author, "", "submitted", "", writer.stamp(created)))
        if moderated:
            story_events.append((pk, people[team_id]["admin"], "submitted", status, reason, writer.stamp(moderated)))
    progress = Progress("stories", 3)
    writer.write(
        Story,
        [
            "id",
            "team_id",
            "customer_id",
            "channel",
            "told_on",
            "text",
            "url",
            "consent",
            "status",
            "recorded_by_id",
            "moderated_by_id",
            "moderated_at",
            "reject_reason",
            "created_at",
        ],
        stories,
    )
    progress.add(1)
    writer.write(Story.acts.through, ["story_id", "act_id"], story_acts)
    progress.add(1)
    writer.write(StoryEvent, ["story_id", "actor_id", "from_status", "to_status", "note", "at"], story_events)
    progress.finish()
    # Points for the authors of the acts an approved or featured story retells.
    points = settings.SECONDMILE["POINTS"]
    sql(
        f"INSERT INTO {PointsEntry._meta.db_table} (user_id, team_id, points, reason, act_id, story_id, "  # noqa: S608
        f"customer_id, earned_on, outcome_key, why) SELECT a.author_id, a.team_id, "
        f"CASE WHEN s.status = 'featured' THEN {points['story_featured']} ELSE {points['story_approved']} END, "
        f"CASE WHEN s.status = 'featured' THEN 'story_featured' ELSE 'story_approved' END, a.id, s.id, NULL, "
        f"{_vendor('CAST(s.moderated_at AS date)', 'date(s.moderated_at)')}, "
        f"CASE WHEN s.status = 'featured' THEN 'story_featured' ELSE 'story_approved' END "
        f"|| ':story:' || s.id || ':act:' || a.id, '' "
        f"FROM {Story._meta.db_table} s JOIN {Story.acts.through._meta.db_table} sa ON sa.story_id = s.id "
        f"JOIN {Act._meta.db_table} a ON a.id = sa.act_id WHERE s.status IN ('approved', 'featured')"
    )

    first_answer = (NpsResponse.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    customers = list(Customer.objects.order_by().values_list("pk", "team_id"))
    answers = []
    scores = list(range(11))
    score_weights = [1, 1, 1, 1, 2, 2, 3, 6, 8, 14, 16]
    for _n, (act_id, team_id, customer_id, day, author) in enumerate(sample[acts // 20 : acts // 20 + acts // 10]):
        answered = min(day + datetime.timedelta(days=rng.randint(1, 10)), today)
        answers.append((team_id, customer_id, act_id if rng.random() < 0.6 else None, answered, author))
    for _ in range(acts // 40):
        customer_id, team_id = rng.choice(customers)
        answered = today - datetime.timedelta(days=int(rng.triangular(0, DAYS, 0)))
        answers.append((team_id, customer_id, None, answered, None))
    rows = [
        (
            first_answer + n,
            team_id,
            customer_id,
            act_id,
            rng.choices(scores, score_weights)[0],
            "",
            answered.isoformat(),
            author,
            writer.stamp(min(datetime.datetime.combine(answered, datetime.time(12), tzinfo=datetime.UTC), now)),
        )
        for n, (team_id, customer_id, act_id, answered, author) in enumerate(answers)
    ]
    progress = Progress("NPS answers", len(rows))
    writer.write(
        NpsResponse,
        ["id", "team_id", "customer_id", "act_id", "score", "comment", "date", "recorded_by_id", "created_at"],
        rows,
        progress,
    )
    progress.finish()
    recent = (today - datetime.timedelta(days=3)).isoformat()
    done = _vendor("date + time '16:00'", "datetime(date, '+1 day', '+16 hours')")
    sql(
        f"INSERT INTO {FollowUp._meta.db_table} (team_id, customer_id, act_id, nps_response_id, kind, due_on, "  # noqa: S608
        f"done_at, done_by_id) SELECT team_id, customer_id, act_id, id, 'detractor', date, "
        f"CASE WHEN date < '{recent}' THEN {done} END, CASE WHEN date < '{recent}' THEN recorded_by_id END "
        f"FROM {NpsResponse._meta.db_table} WHERE score <= 6"
    )


def load(acts: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    writer = Writer()
    now = timezone.now()
    started = time.perf_counter()
    customers = max(min(CUSTOMERS, acts // 2), TEAMS * 10)
    print(f"Loading {acts:,} acts and {customers:,} customers over {DAYS} days and {TEAMS} teams…", flush=True)
    with transaction.atomic():
        set_aside = _set_aside()
        teams, people = _people(rng)
        by_team = _customers(writer, rng, teams, customers, now)
        _acts(writer, rng, acts, people, by_team, now)
        _history()
        _budgets()
        _deliveries()
        _stories_and_answers(writer, rng, acts, people, now)
        if writer.postgres:
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), [Customer, Act, Story, NpsResponse]):
                    cursor.execute(statement)
        _put_back(set_aside)
        customer_counts_rebuild()
    loaded = time.perf_counter() - started
    print(f"Rows written in {loaded:.0f} s", flush=True)
    sql("ANALYZE")
    summarised = time.perf_counter()
    _summaries()
    sql(f"ANALYZE {DaySummary._meta.db_table}")
    print(f"Day summaries built in {time.perf_counter() - summarised:.0f} s", flush=True)
    print(f"Loaded in {time.perf_counter() - started:.0f} s:", _counts(), flush=True)
    _check()


# What `manage.py rebuild_summaries` runs, in its order, each timed here.
SUMMARIES = [
    ("day summaries", summaries.rebuild),
    ("approval waits", approval_waits.rebuild),
    ("outcome days", outcome_days.rebuild),
    ("referral days", referral_days.rebuild),
    ("referral lineage", advocates.rebuild),
    ("points to date", points_to_date.rebuild),
    ("act chains", act_chain.rebuild),
    ("playbook index", playbook.playbook_rebuild),
]


def _summaries() -> None:
    """The app's own rebuilds of every summary the dashboard reads, one line each with its
    time: where the load's minutes go."""
    for label, rebuild in SUMMARIES:
        started = time.perf_counter()
        rows = rebuild()
        print(f"  {label:<24} {rows:>10,} rows {time.perf_counter() - started:7.1f} s", flush=True)


def _check() -> None:
    """The rules the app keeps, over what was loaded: stop loudly if one does not hold."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            broken = cursor.fetchall()
        if broken:
            sys.exit(f"{len(broken)} rows point to rows that do not exist, e.g. {broken[:3]}")
    months, problems = budget_problems()
    if problems:
        sys.exit("The spend rules do not hold:\n  " + "\n  ".join(problems))
    print(f"Spend rules hold over {months:,} team-months (committed within budget, equal to the acts' amounts).")


def _counts() -> str:
    return ", ".join(
        f"{model.objects.count():,} {model.__name__}"
        for model in (Customer, Act, ActEvent, Story, NpsResponse, FollowUp, PointsEntry, BudgetMonth)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--acts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    existing = Act.objects.count()
    if existing:
        where = connection.settings_dict["NAME"]
        sys.exit(
            f"{where} already holds {existing:,} acts. Start from an empty database: delete the file "
            f"(SQLite) or drop and create the database (PostgreSQL), then run this again."
        )
    load(args.acts, seed=args.seed)
    print(
        f"\nLog in with bench-manager (a manager of {Team.objects.order_by('pk').first().name}) or bench-admin "
        f"(an admin), password {PASSWORD}.",
        flush=True,
    )


if __name__ == "__main__":
    main()
