"""Loads demo data: two teams, their people, customers with referral chains, and acts.

Idempotent: a second run finds the demo team and only resets the demo passwords.
Refuses to run with DEBUG off unless --force, so it never lands in production by mistake.
"""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from acts import services as act_services
from acts.models import Act, ApprovalLevel, Status
from customers.services import customer_create
from secondmile.models import Role, Team, User
from secondmile.services import member_create

PASSWORD = "secondmile-demo"
DEMO_TEAM = "Harbour Hotel"
OTHER_TEAM = "Riverside Clinic"

PEOPLE = [
    # username, first, last, role, team
    ("staff", "Ana", "Silva", Role.STAFF, DEMO_TEAM),
    ("manager", "Marcus", "Lee", Role.MANAGER, DEMO_TEAM),
    ("admin", "Priya", "Nair", Role.ADMIN, DEMO_TEAM),
    ("sam", "Sam", "Okafor", Role.STAFF, DEMO_TEAM),
    ("lena", "Lena", "Berg", Role.STAFF, DEMO_TEAM),
    ("joe", "Joe", "Park", Role.STAFF, DEMO_TEAM),
    ("river_staff", "Rita", "Gomez", Role.STAFF, OTHER_TEAM),
    ("river_manager", "Omar", "Haddad", Role.MANAGER, OTHER_TEAM),
]

CUSTOMER_NAMES = [
    "Elena Petrova", "James Whitfield", "Mariam Chen", "Tom Becker", "Aiko Tanaka",
    "Grace Mensah", "Luis Ortega", "Hannah Kowalski", "David Osei", "Sofia Romano",
    "Noah Fischer", "Amara Eze", "Oliver Grant", "Chloe Dubois", "Ravi Patel",
    "Isabel Costa", "Ethan Brooks", "Yara Haddad", "Felix Wagner", "Nadia Rahman",
    "Ben Carter", "Leila Moradi", "Kofi Asante", "Mia Jensen", "Samuel Adeyemi",
    "Clara Novak", "Hugo Martin", "Zara Khan", "Peter Lindqvist", "Emma Walsh",
]

GESTURES = [
    # problem, solution, quadrant, trigger, kind, cost
    ("Her mother fell ill during the stay", "Sent flowers and a card to her mother's ward",
     "response", "proactive", "gift", "45.00"),
    ("Arriving hungry on a late flight", "Had a steak waiting at the arrival gate",
     "reception", "proactive", "gift", "38.00"),
    ("Booked a standard room for an anniversary", "Upgraded them to the harbour suite",
     "delivery", "proactive", "upgrade", "0"),
    ("Room was not ready at check-in", "Lunch on us while they waited, and a late checkout",
     "response", "reactive", "waiver", "32.00"),
    ("Their child needed medicine at night", "Spent extra time flavouring the medicine",
     "delivery", "proactive", "time", "0"),
    ("Left a review about slow breakfast service", "Called to apologise and invited them back",
     "response", "reactive", "call", "0"),
    ("Planning a surprise proposal", "Arranged candles and a private table on the terrace",
     "reception", "proactive", "expertise", "85.00"),
    ("Lost luggage on the way", "Bought essentials and a change of clothes",
     "response", "reactive", "gift", "95.00"),
    ("Regular guest on their tenth stay", "Hand-written note and local chocolates",
     "reliability", "proactive", "note", "18.00"),
    ("Conference guest with a cold", "Brought honey tea and soup to the room",
     "delivery", "proactive", "gift", "12.50"),
    ("Birthday mentioned in passing", "Cake and the staff sang at dinner",
     "reliability", "proactive", "gift", "28.00"),
    ("Billing mistake on checkout", "Refunded the night and sent a follow-up letter",
     "response", "reactive", "waiver", "140.00"),
]


class Command(BaseCommand):
    help = "Load demo data (two teams, people, customers, acts). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo loads demo people with a known password; it refuses to run with "
                "DEBUG off. Use --force if you really mean it."
            )
        with transaction.atomic():
            teams = {
                name: Team.objects.get_or_create(name=name)[0] for name in (DEMO_TEAM, OTHER_TEAM)
            }
            people = self.seed_people(teams)
            if not Act.objects.filter(team=teams[DEMO_TEAM]).exists():
                rng = random.Random(2026)
                self.seed_team(teams[DEMO_TEAM], people, rng, customers=30, acts=64)
                self.seed_team(teams[OTHER_TEAM], people, rng, customers=6, acts=10)
                self.seed_waiting(teams[DEMO_TEAM], people)
                self.stdout.write("Loaded demo customers and acts.")
            else:
                self.stdout.write("Demo data already there; kept it.")
        self.stdout.write(self.style.SUCCESS("Demo logins (password: secondmile-demo):"))
        for username, first, last, role, team in PEOPLE:
            self.stdout.write(f"  {username:<14} {role.label:<8} {team}  ({first} {last})")

    def seed_people(self, teams) -> dict[str, User]:
        people = {}
        for username, first, last, role, team in PEOPLE:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = member_create(
                    username=username, team=teams[team], role=role, password=PASSWORD,
                    email=f"{username}@example.com", first_name=first, last_name=last,
                )
            else:
                user.set_password(PASSWORD)
                user.save(update_fields=["password"])
            if role == Role.ADMIN and not user.is_superuser:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            people[username] = user
        return people

    def seed_waiting(self, team, people) -> None:
        """Requests waiting at both levels, and this month's budget close to its limit."""
        customers = list(team.customers.order_by("id")[:4])
        waiting = [
            (people["staff"], customers[0], "75.00", "Flew in for a funeral, exhausted",
             "Book a massage and a quiet room for the evening"),
            (people["sam"], customers[1], "150.00", "Wedding party's photographer cancelled",
             "Hire a local photographer for the ceremony hour"),
            (people["lena"], customers[2], "62.00", "Stuck here two extra nights by a storm",
             "Dinner for the family at the harbour restaurant"),
        ]
        for author, customer, cost, problem, solution in waiting:
            act_services.act_log(
                user=author, customer=customer, problem=problem, solution=solution,
                quadrant="response", trigger="proactive", kind="gift", cost=Decimal(cost),
                right_thing="It is what a friend would do.",
                great_experience="It turns a hard trip into a story they tell.",
                how_they_know="We tell them when we hand it over.",
            )
        today = timezone.localdate()
        committed = act_services.budget_month_locked(team=team, month=today).committed
        act_services.budget_set(
            user=people["admin"], team=team, month=today, amount=committed + Decimal("180.00")
        )

    def seed_team(self, team, people, rng, *, customers: int, acts: int) -> None:
        members = [p for p in people.values() if p.team_id == team.pk]
        staff = [p for p in members if p.role == Role.STAFF]
        deciders = [p for p in members if p.role in (Role.MANAGER,)] or [people["admin"]]
        admin = people["admin"]
        names = CUSTOMER_NAMES if team.name == DEMO_TEAM else [
            "Walter Hughes", "Irene Sato", "Paolo Ricci", "Dina Levi", "Arjun Rao", "Maya Cohen"
        ]
        creator = staff[0]
        made = []
        for index, name in enumerate(names[:customers]):
            # Every fourth customer was sent by an earlier one: chains several generations deep.
            referrer = made[index // 3] if index >= 6 and index % 4 == 0 else None
            made.append(customer_create(
                user=creator, name=name, email=f"{name.split()[0].lower()}@example.org",
                phone=f"+1 555 01{index:02d}", referred_by=referrer,
                first_purchase_value=Decimal(rng.choice(["180.00", "240.00", "420.00"]))
                if referrer else None,
            ))
        today = timezone.localdate()
        for index in range(acts):
            days_ago = int(rng.triangular(0, 120, 10))
            problem, solution, quadrant, trigger, kind, cost = rng.choice(GESTURES)
            author = rng.choice(staff)
            act = act_services.act_log(
                user=author, customer=rng.choice(made), problem=problem, solution=solution,
                quadrant=quadrant, trigger=trigger, kind=kind, cost=Decimal(cost),
                right_thing="It puts the guest first." if Decimal(cost) else "",
                great_experience="They will remember it." if Decimal(cost) else "",
                how_they_know="We tell them in person." if Decimal(cost) else "",
                date=today - datetime.timedelta(days=days_ago),
            )
            recent = days_ago < 4
            if act.status == Status.PENDING_APPROVAL and not recent:
                decider = admin if act.approval_level == ApprovalLevel.ADMIN else rng.choice(deciders)
                if index % 7 == 3:
                    act_services.spend_decline(
                        user=decider, act=act, note="Lovely idea, but a call would do here."
                    )
                    continue
                act_services.spend_approve(
                    user=decider, act=act, note=rng.choice(["Go for it.", "Good call.", ""])
                )
                act.refresh_from_db()
            if act.status == Status.APPROVED and days_ago > 2:
                receipt = None
                if (act.approved_amount or 0) > team.receipt_required_above:
                    receipt = SimpleUploadedFile(
                        "receipt.pdf", b"%PDF-1.4\n% demo receipt\n", content_type="application/pdf"
                    )
                act_services.act_deliver(
                    user=author, act=act, actual_cost=act.approved_amount or 0, receipt=receipt
                )
                if days_ago > 5 and index % 3:
                    act_services.act_customer_knows(
                        user=author, act=act,
                        how=rng.choice(["Told them at checkout", "A card with it", "Follow-up email"]),
                    )
