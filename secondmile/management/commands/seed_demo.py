"""Loads demo data: two teams, their people, customers with referral chains, and acts.

Idempotent: a second run finds the demo team and only resets the demo passwords.
Refuses to run with DEBUG off unless --force, so it never lands in production by mistake.
"""

import contextlib
import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from acts import budgets
from acts import services as act_services
from acts.followups import followup_done
from acts.models import Act, ApprovalLevel, FollowUp, Status
from core.errors import BudgetExceeded
from core.models import Role, Team, User
from core.recognition import kudos_give
from core.services import member_create, member_set_role
from customers.services import customer_create
from stories import nps, survey
from stories import services as story_services

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
    "Elena Petrova",
    "James Whitfield",
    "Mariam Chen",
    "Tom Becker",
    "Aiko Tanaka",
    "Grace Mensah",
    "Luis Ortega",
    "Hannah Kowalski",
    "David Osei",
    "Sofia Romano",
    "Noah Fischer",
    "Amara Eze",
    "Oliver Grant",
    "Chloe Dubois",
    "Ravi Patel",
    "Isabel Costa",
    "Ethan Brooks",
    "Yara Haddad",
    "Felix Wagner",
    "Nadia Rahman",
    "Ben Carter",
    "Leila Moradi",
    "Kofi Asante",
    "Mia Jensen",
    "Samuel Adeyemi",
    "Clara Novak",
    "Hugo Martin",
    "Zara Khan",
    "Peter Lindqvist",
    "Emma Walsh",
]

GESTURES = [
    # problem, solution, quadrant, trigger, kind, cost
    (
        "Her mother fell ill during the stay",
        "Sent flowers and a card to her mother's ward",
        "response",
        "proactive",
        "gift",
        "45.00",
    ),
    (
        "Arriving hungry on a late flight",
        "Had a steak waiting at the arrival gate",
        "reception",
        "proactive",
        "gift",
        "38.00",
    ),
    (
        "Booked a standard room for an anniversary",
        "Upgraded them to the harbour suite",
        "delivery",
        "proactive",
        "upgrade",
        "0",
    ),
    (
        "Room was not ready at check-in",
        "Lunch on us while they waited, and a late checkout",
        "response",
        "reactive",
        "waiver",
        "32.00",
    ),
    (
        "Their child needed medicine at night",
        "Spent extra time flavouring the medicine",
        "delivery",
        "proactive",
        "time",
        "0",
    ),
    (
        "Left a review about slow breakfast service",
        "Called to apologise and invited them back",
        "response",
        "reactive",
        "call",
        "0",
    ),
    (
        "Planning a surprise proposal",
        "Arranged candles and a private table on the terrace",
        "reception",
        "proactive",
        "expertise",
        "85.00",
    ),
    ("Lost luggage on the way", "Bought essentials and a change of clothes", "response", "reactive", "gift", "95.00"),
    (
        "Regular guest on their tenth stay",
        "Hand-written note and local chocolates",
        "reliability",
        "proactive",
        "note",
        "18.00",
    ),
    (
        "Conference guest with a cold",
        "Brought honey tea and soup to the room",
        "delivery",
        "proactive",
        "gift",
        "12.50",
    ),
    ("Birthday mentioned in passing", "Cake and the staff sang at dinner", "reliability", "proactive", "gift", "28.00"),
    (
        "Billing mistake on checkout",
        "Refunded the night and sent a follow-up letter",
        "response",
        "reactive",
        "waiver",
        "140.00",
    ),
]


@contextlib.contextmanager
def clock(moment: datetime.datetime):
    """Run the real services as if it were `moment`, so that the demo's history reads as
    lived: requested_at, decided_at, the timeline's times, points' earned_on, follow-ups'
    due dates and customers' created_at all fall when the act happened. Within the block
    django.utils.timezone.now() — which the services, timezone.localdate() and auto_now_add
    fields all read — answers `moment`; the real clock is back when the block ends."""
    real_now = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real_now


FIRST_NAMES = [
    "Alma",
    "Bruno",
    "Carla",
    "Dev",
    "Eva",
    "Farid",
    "Gina",
    "Hector",
    "Iris",
    "Jonas",
    "Kira",
    "Leo",
    "Mona",
    "Nils",
    "Olga",
    "Pia",
    "Quentin",
    "Rosa",
    "Sven",
    "Tara",
]
LAST_NAMES = [
    "Abbott",
    "Brandt",
    "Castillo",
    "Dahl",
    "Eriksen",
    "Fontaine",
    "Gupta",
    "Holm",
    "Ivanova",
    "Jansen",
    "Keller",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Owusu",
    "Perez",
    "Quinn",
    "Rossi",
]
STORY_LINES = {
    "gift": "A little gift from the Harbour Hotel made my day; I showed everyone at work.",
    "upgrade": "They upgraded us without a word about it. We will be back every year.",
    "time": "Someone there took the time to help when they did not have to. Rare these days.",
    "note": "A hand-written note from the staff. I kept it.",
    "call": "They called after we got home, just to ask how we were. Who does that?",
    "expertise": "The tips from the front desk were better than any guidebook.",
    "waiver": "Something went wrong and they put it right before I even asked.",
    "other": "Small things, done kindly. Told my friends to stay there.",
}
CHANNELS = ["review", "social", "word_of_mouth", "word_of_mouth", "letter"]


SILENT_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
# The notifications after commit are tasks: kept in memory and dropped, never queued.
NO_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


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
        # Demo requests and decisions would mail their demo people (example.com
        # addresses, or the console): the seed sends nothing. The override is the outer
        # block because the mails go out when the transaction commits.
        with override_settings(MAILERS=SILENT_MAIL, TASKS=NO_TASKS), transaction.atomic():
            teams = {name: Team.objects.get_or_create(name=name)[0] for name in (DEMO_TEAM, OTHER_TEAM)}
            people = self.seed_people(teams)
            if not Act.objects.filter(team=teams[DEMO_TEAM]).exists():
                rng = random.Random(2026)
                # The real time, taken before any clock() runs the services in the past.
                self.now = timezone.now()
                self.today = timezone.localdate()
                self.seed_team(teams[DEMO_TEAM], people, rng, customers=30, acts=64)
                self.seed_team(teams[OTHER_TEAM], people, rng, customers=6, acts=10)
                self.seed_waiting(teams[DEMO_TEAM], people)
                self.seed_stories(teams[DEMO_TEAM], people)
                self.seed_recognition(teams[DEMO_TEAM], people)
                self.seed_more_stories(teams[DEMO_TEAM], people)
                self.seed_followups_done(teams[DEMO_TEAM])
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
                    username=username,
                    team=teams[team],
                    role=role,
                    password=PASSWORD,
                    email=f"{username}@example.com",
                    first_name=first,
                    last_name=last,
                )
            else:
                # A second run resets the demo logins: password, and the role alone grants
                # access (the demo admin is not a superuser, so it shows the admin role).
                user.set_password(PASSWORD)
                user.is_superuser = False
                user.save(update_fields=["password", "is_superuser"])
                member_set_role(user=user, role=role)
            people[username] = user
        return people

    def seed_waiting(self, team, people) -> None:
        """Requests waiting at both levels, and this month's budget close to its limit."""
        customers = list(team.customers.order_by("id")[:4])
        waiting = [
            (
                people["staff"],
                customers[0],
                "75.00",
                "Flew in for a funeral, exhausted",
                "Book a massage and a quiet room for the evening",
            ),
            (
                people["sam"],
                customers[1],
                "150.00",
                "Wedding party's photographer cancelled",
                "Hire a local photographer for the ceremony hour",
            ),
            (
                people["lena"],
                customers[2],
                "62.00",
                "Stuck here two extra nights by a storm",
                "Dinner for the family at the harbour restaurant",
            ),
        ]
        # Asked 40 minutes, 3 hours and 7 hours ago: the queue shows real waiting times.
        for (author, customer, cost, problem, solution), waited in zip(waiting, (40, 180, 420), strict=True):
            with clock(self.now - datetime.timedelta(minutes=waited)):
                act_services.act_log(
                    user=author,
                    customer=customer,
                    problem=problem,
                    solution=solution,
                    quadrant="response",
                    trigger="proactive",
                    kind="gift",
                    cost=Decimal(cost),
                    right_thing="It is what a friend would do.",
                    great_experience="It turns a hard trip into a story they tell.",
                    how_they_know="We tell them when we hand it over.",
                )
        today = timezone.localdate()
        committed = budgets.budget_month_locked(team=team, month=today).committed
        budgets.budget_set(user=people["admin"], team=team, month=today, amount=committed + Decimal("180.00"))

    def seed_stories(self, team, people) -> None:
        """Stories in every state (some featured), NPS answers across the scale from
        customers with and without acts, a survey answered through a personal link, and
        two referral chains three generations deep, each customer brought by a story."""
        admin = people["admin"]
        staff = [p for p in people.values() if p.team_id == team.pk and p.role == Role.STAFF]
        today = timezone.localdate()
        delivered = (
            Act.objects.filter(team=team, status__in=[Status.DELIVERED, Status.CUSTOMER_KNOWS])
            .select_related("customer", "author")
            .order_by("date", "id")
        )
        # One act per customer, so that each story comes from someone else.
        acts_by_customer = {}
        for act in delivered:
            acts_by_customer.setdefault(act.customer_id, act)
        acts = list(acts_by_customer.values())

        def told_after(act, days=2):
            return min(act.date + datetime.timedelta(days=days), today)

        stories = [
            # channel, text, link, consent, decision (None: waiting), reason
            (
                "review",
                "The night before my mother's surgery there were flowers at her bedside "
                "from the hotel, with a card. I don't know how they found out. I will never stay "
                "anywhere else.",
                "https://www.tripadvisor.com/ShowUserReviews-harbour-hotel",
                True,
                "feature",
                "",
            ),
            (
                "social",
                "Landed at midnight, starving, and the Harbour Hotel had a steak waiting at the gate. Who does that?!",
                "https://www.instagram.com/p/harbour-steak/",
                True,
                "feature",
                "",
            ),
            (
                "word_of_mouth",
                "Told my sister about the anniversary upgrade; she has booked for her own anniversary in June.",
                "",
                True,
                "approve",
                "",
            ),
            ("letter", "A hand-written note on our tenth stay. It is on our fridge now.", "", True, "approve", ""),
            (
                "review",
                "They spotted the billing mistake before I did and wrote to apologise. Honest people.",
                "https://www.google.com/maps/reviews/harbour-hotel",
                True,
                "approve",
                "",
            ),
            ("word_of_mouth", "Mentioned the birthday cake to colleagues at lunch.", "", False, "approve", ""),
            (
                "social",
                "Great pool, shame about the parking.",
                "",
                True,
                "reject",
                "About the car park, not about an act of ours.",
            ),
            (
                "review",
                "Best hotel in town!!! Cheap flights on my site",
                "https://spam.example.com/flights",
                True,
                "reject",
                "Spam with an advertising link.",
            ),
            (
                "letter",
                "The trick with the medicine for our son made the whole trip bearable. Thank you, really.",
                "",
                True,
                None,
                "",
            ),
            ("word_of_mouth", "Told the whole book club about the map of places to eat.", "", True, None, ""),
        ]
        told = []
        rng = random.Random(2030)
        for (channel, text, url, consent, decision, reason), act in zip(stories, acts, strict=False):
            told_on = told_after(act)
            with clock(self.moment(told_on, rng)):
                story = story_services.story_record(
                    user=act.author,
                    customer=act.customer,
                    channel=channel,
                    text=text,
                    url=url,
                    acts=[act],
                    consent=consent,
                    told_on=told_on,
                )
            if decision:
                # Moderated the next morning (points are earned then).
                decided_on = min(told_on + datetime.timedelta(days=1), today)
                with clock(self.moment(decided_on, rng, first_hour=9, last_hour=12)):
                    story_services.story_moderate(user=admin, story=story, decision=decision, reason=reason)
            told.append(story)

        # The customer's own voice: one answered through a personal link (waiting for review).
        surveyed = acts[len(stories)]
        _link, token = survey.survey_link_create(user=surveyed.author, act=surveyed)
        survey.survey_submit(
            token=token,
            score=10,
            consent=True,
            text="Nobody has ever kept me company waiting for a taxi at 2 am. Thank you, truly.",
        )

        # NPS across the scale: after acts, and from walk-in customers who never had one.
        after_acts = [10, 9, 10, 9, 8, 7, 6, 3, 10, 9, 8, 5, 10, 2, 9, 10, 7, 9]
        for score, act in zip(after_acts, acts[len(stories) + 1 :], strict=False):
            nps.nps_record(
                user=act.author,
                customer=act.customer,
                score=score,
                act=act,
                date=told_after(act, 1),
                comment={
                    10: "Wonderful stay.",
                    6: "Fine, nothing special.",
                    3: "The room was noisy.",
                    2: "Check-in took an hour.",
                }.get(score, ""),
            )
        # However many acts the scores after acts found, the walk-ins cover the whole scale.
        walk_ins = [
            ("Ines Walker", 7),
            ("Pavel Novak", 8),
            ("Ruth Amsel", 6),
            ("Kenji Mori", 4),
            ("Laura Bianchi", 9),
            ("Omar Farouk", 0),
            ("Sara Lind", 10),
            ("Hugo Brandt", 1),
            ("Nadia Sokol", 2),
            ("Felix Ward", 3),
            ("Maya Ortiz", 5),
        ]
        for index, (name, score) in enumerate(walk_ins):
            walk_in = customer_create(user=staff[0], name=name, email=f"{name.split()[0].lower()}@example.net")
            nps.nps_record(
                user=staff[index % len(staff)],
                customer=walk_in,
                score=score,
                date=today - datetime.timedelta(days=3 * index),
            )

        # Two referral chains: a featured story brings a customer, whose own story brings the
        # next, three generations down.
        chains = [
            (told[0], ["Lucia Ferrante", "Marco Ferrante", "Giulia Ferrante"]),
            (told[1], ["Owen Baptiste", "Rosa Baptiste", "Theo Baptiste"]),
        ]
        gestures = [
            ("Celebrating a new job", "A bottle of local wine with a note from the team"),
            ("Travelling with a newborn", "Had a cot and a bottle warmer ready in the room"),
            ("Missed the last ferry", "Drove them to the harbour ourselves"),
        ]
        for story, names in chains:
            for generation, name in enumerate(names):
                author = staff[generation % len(staff)]
                # Each generation arrives on the day of its first act, a week after the last.
                day = today - datetime.timedelta(days=20 - 6 * generation)
                with clock(self.moment(day, rng, last_hour=12)):
                    customer = customer_create(
                        user=author,
                        name=name,
                        email=f"{name.replace(' ', '.').lower()}@example.org",
                        referred_by=story.customer,
                        referred_by_story=story,
                        first_purchase_value=Decimal(["240.00", "180.00", "420.00"][generation]),
                    )
                    problem, solution = gestures[generation]
                    act = act_services.act_log(
                        user=author,
                        customer=customer,
                        problem=problem,
                        solution=solution,
                        quadrant="reception",
                        trigger="proactive",
                        kind="gift",
                        cost=Decimal("0"),
                        date=day,
                    )
                with clock(self.moment(day, rng, first_hour=13)):
                    act_services.act_deliver(user=author, act=act, actual_cost=Decimal("0"))
                told_on = act.date + datetime.timedelta(days=1)
                with clock(self.moment(told_on, rng, last_hour=12)):
                    story = story_services.story_record(
                        user=author,
                        customer=customer,
                        channel="word_of_mouth",
                        acts=[act],
                        consent=True,
                        text=f"{solution} — I told my family about it the same evening.",
                        told_on=told_on,
                    )
                with clock(self.moment(told_on, rng, first_hour=13)):
                    story_services.story_moderate(user=admin, story=story, decision="approve")

    # --- Time: everything happens when it would have ------------------------------------

    def moment(self, day: datetime.date, rng, *, first_hour: int = 8, last_hour: int = 18) -> datetime.datetime:
        """A moment in working hours on `day`, never later than now."""
        zone = timezone.get_current_timezone()
        at = datetime.datetime.combine(
            day, datetime.time(rng.randint(first_hour, last_hour - 1), rng.randint(0, 59)), tzinfo=zone
        )
        return self.capped(at)

    def capped(self, moment: datetime.datetime) -> datetime.datetime:
        return min(moment, self.now - datetime.timedelta(minutes=1))

    def later(self, moment: datetime.datetime, rng, *, hours: tuple[float, float]) -> datetime.datetime:
        return self.capped(moment + datetime.timedelta(hours=rng.uniform(*hours)))

    @staticmethod
    def approval_wait(rng) -> datetime.timedelta:
        """How long a request waits for a manager: mostly under two hours, sometimes a day."""
        minutes = min(max(rng.lognormvariate(4.2, 1.0), 6), 26 * 60)  # median about 67 minutes
        return datetime.timedelta(minutes=minutes)

    def seed_team(self, team, people, rng, *, customers: int, acts: int) -> None:
        """The team's customers (those sent by another customer arrive across the months)
        and its acts over four months, each request decided after a realistic wait."""
        members = [p for p in people.values() if p.team_id == team.pk]
        staff = [p for p in members if p.role == Role.STAFF]
        deciders = [p for p in members if p.role in (Role.MANAGER,)] or [people["admin"]]
        admin = people["admin"]
        names = (
            CUSTOMER_NAMES
            if team.name == DEMO_TEAM
            else ["Walter Hughes", "Irene Sato", "Paolo Ricci", "Dina Levi", "Arjun Rao", "Maya Cohen"]
        )
        creator = staff[0]
        today = self.today
        made = []  # (customer, the day they became a customer)
        for index, name in enumerate(names[:customers]):
            # Every fourth customer was sent by an earlier one: chains several generations deep,
            # arriving over the months rather than all on one day.
            referrer = made[index // 3] if index >= 6 and index % 4 == 0 else None
            if referrer is None:
                joined = today - datetime.timedelta(days=150)
            else:
                joined = min(
                    max(
                        today - datetime.timedelta(days=int(rng.triangular(0, 110, 30))),
                        referrer[1] + datetime.timedelta(days=3),
                    ),
                    today,
                )
            with clock(self.moment(joined, rng)):
                customer = customer_create(
                    user=creator,
                    name=name,
                    email=f"{name.split()[0].lower()}@example.org",
                    phone=f"+1 555 01{index:02d}",
                    referred_by=referrer[0] if referrer else None,
                    first_purchase_value=Decimal(rng.choice(["180.00", "240.00", "420.00"])) if referrer else None,
                )
            made.append((customer, joined))
        for index in range(acts):
            days_ago = int(rng.triangular(0, 120, 10))
            day = today - datetime.timedelta(days=days_ago)
            problem, solution, quadrant, trigger, kind, cost = rng.choice(GESTURES)
            author = rng.choice(staff)
            logged_at = self.moment(day, rng)
            with clock(logged_at), contextlib.suppress(BudgetExceeded):
                act = None  # an empowered act the month's budget cannot cover is not logged
                act = act_services.act_log(
                    user=author,
                    customer=rng.choice([c for c, joined in made if joined <= day]),
                    problem=problem,
                    solution=solution,
                    quadrant=quadrant,
                    trigger=trigger,
                    kind=kind,
                    cost=Decimal(cost),
                    right_thing="It puts the guest first." if Decimal(cost) else "",
                    great_experience="They will remember it." if Decimal(cost) else "",
                    how_they_know="We tell them in person." if Decimal(cost) else "",
                    date=day,
                )
            if act is None:
                continue
            ready_at = logged_at
            recent = days_ago < 4
            if act.status == Status.PENDING_APPROVAL and not recent:
                decider = admin if act.approval_level == ApprovalLevel.ADMIN else rng.choice(deciders)
                ready_at = self.capped(logged_at + self.approval_wait(rng))
                with clock(ready_at):
                    if index % 7 == 3:
                        act_services.spend_decline(user=decider, act=act, note="Lovely idea, but a call would do here.")
                        continue
                    try:
                        act_services.spend_approve(
                            user=decider, act=act, note=rng.choice(["Go for it.", "Good call.", ""])
                        )
                    except BudgetExceeded:
                        act_services.spend_decline(
                            user=decider, act=act, note="Not this month: the budget is nearly spent."
                        )
                        continue
                act.refresh_from_db()
            if act.status == Status.APPROVED and days_ago > 2:
                receipt = None
                if (act.approved_amount or 0) > team.receipt_required_above:
                    receipt = SimpleUploadedFile(
                        "receipt.pdf", b"%PDF-1.4\n% demo receipt\n", content_type="application/pdf"
                    )
                delivered_at = self.later(ready_at, rng, hours=(1, 30))
                with clock(delivered_at):
                    act_services.act_deliver(
                        user=author, act=act, actual_cost=act.approved_amount or 0, receipt=receipt
                    )
                if days_ago > 5 and index % 3:
                    with clock(self.later(delivered_at, rng, hours=(0.5, 20))):
                        act_services.act_customer_knows(
                            user=author,
                            act=act,
                            how=rng.choice(["Told them at checkout", "A card with it", "Follow-up email"]),
                        )

    def seed_recognition(self, team, people) -> None:
        """More acts in recent weeks than months ago (the trend of a team taking to it),
        delivered so that they earn points, and kudos from the managers."""

        rng = random.Random(2027)
        staff = [p for p in people.values() if p.team_id == team.pk and p.role == Role.STAFF]
        customers = list(team.customers.order_by("id"))
        today = self.today
        free_gestures = [
            (
                "Waiting alone for a late taxi",
                "Kept them company and called the driver",
                "reception",
                "proactive",
                "time",
            ),
            (
                "First visit to the city",
                "Drew a map of our favourite places to eat",
                "reception",
                "proactive",
                "expertise",
            ),
            (
                "Mentioned their daughter's exam",
                "A note wishing her luck with breakfast",
                "reliability",
                "proactive",
                "note",
            ),
            (
                "Checked out after a long week",
                "Called a week later to ask how the trip home went",
                "reliability",
                "proactive",
                "call",
            ),
            (
                "Shower was cold one morning",
                "Fixed it within the hour and apologised in person",
                "response",
                "reactive",
                "time",
            ),
            ("Laptop charger left at home", "Lent ours from the office for the stay", "delivery", "proactive", "other"),
        ]
        # Extra acts per day grow from about 0.1 four months ago to 3 today; they go to two
        # thirds of the customers, so that the others show up in the surprise suggestions.
        regulars = customers[: len(customers) * 2 // 3]
        joined = {c.pk: timezone.localdate(c.created_at) for c in regulars}
        for days_ago in range(119, -1, -1):
            day = today - datetime.timedelta(days=days_ago)
            rate = 0.1 + 3.0 * (1 - days_ago / 120) ** 3
            present = [c for c in regulars if joined[c.pk] <= day]
            for _ in range(int(rate) + (rng.random() < rate - int(rate))):
                problem, solution, quadrant, trigger, kind = rng.choice(free_gestures)
                author = rng.choice(staff)
                logged_at = self.moment(day, rng, last_hour=15)
                with clock(logged_at):
                    act = act_services.act_log(
                        user=author,
                        customer=rng.choice(present),
                        problem=problem,
                        solution=solution,
                        quadrant=quadrant,
                        trigger=trigger,
                        kind=kind,
                        cost=Decimal("0"),
                        date=day,
                    )
                if days_ago > 1:
                    # Delivered the same day or the next: the point is earned then.
                    delivered_at = self.later(logged_at, rng, hours=(0.5, 26))
                    with clock(delivered_at):
                        act_services.act_deliver(user=author, act=act, actual_cost=Decimal("0"))
                    if days_ago > 4 and rng.random() < 0.6:
                        with clock(self.later(delivered_at, rng, hours=(0.5, 30))):
                            act_services.act_customer_knows(user=author, act=act, how="Told them in person")
        # Kudos this month and last, each for an act of the receiver's delivered by then.
        thanks = [
            (people["manager"], people["staff"], 2, "The steak at the arrival gate: they are still talking about it."),
            (
                people["manager"],
                people["sam"],
                6,
                "You turned a billing mistake into a thank-you letter. Great recovery.",
            ),
            (people["manager"], people["lena"], 12, "Calm and kind with the family stranded by the storm."),
            (people["admin"], people["joe"], 4, "Three different gestures this week, and none of them routine."),
            (people["manager"], people["joe"], 35, "The map of places to eat: three guests mentioned it at checkout."),
            (people["manager"], people["staff"], 41, "Kept a guest company at 2 am waiting for a taxi. Thank you."),
        ]
        for giver, receiver, days_ago, note in thanks:
            day = today - datetime.timedelta(days=days_ago)
            act = (
                Act.objects.filter(author=receiver, date__lte=day, status__in=[Status.DELIVERED, Status.CUSTOMER_KNOWS])
                .order_by("-date", "-id")
                .first()
            )
            with clock(self.moment(day, rng, first_hour=16, last_hour=18)):
                kudos_give(user=giver, receiver=receiver, note=note, act=act)

    def seed_more_stories(self, team, people) -> None:
        """Stories across the months, more as the team takes to it (the stories line of the
        chart), each moderated a day or so after it was told; about a third of the approved
        ones bring a referred customer a few days later (the funnel: acts > stories >
        referred customers). All through the real services, on the days they happened."""
        rng = random.Random(2028)
        admin = people["admin"]
        today = self.today
        storied = set(team.stories.values_list("acts", flat=True))
        acts = (
            Act.objects.filter(team=team, status__in=[Status.DELIVERED, Status.CUSTOMER_KNOWS])
            .exclude(pk__in=[pk for pk in storied if pk])
            .select_related("customer", "author")
            .order_by("date", "id")
        )
        # Distinct names, mixed (not twenty Abbotts in a row): unique for 180 customers.
        names = iter(f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i * 7 % len(LAST_NAMES)]}" for i in range(180))
        for act in acts:
            days_ago = (today - act.date).days
            # From about one act in eight four months ago to one in three now.
            if rng.random() > 0.12 + 0.22 * (1 - days_ago / 120):
                continue
            told_on = min(act.date + datetime.timedelta(days=rng.randint(1, 6)), today)
            with clock(self.moment(told_on, rng)):
                story = story_services.story_record(
                    user=act.author,
                    customer=act.customer,
                    channel=rng.choice(CHANNELS),
                    text=STORY_LINES[act.kind],
                    acts=[act],
                    consent=rng.random() < 0.9,
                    told_on=told_on,
                )
            decided_on = told_on + datetime.timedelta(days=1)
            if decided_on > today:
                continue  # told yesterday or today: waiting for review
            draw = rng.random()
            decision = "feature" if draw < 0.1 else ("reject" if draw > 0.94 else "approve")
            with clock(self.moment(decided_on, rng, first_hour=9, last_hour=12)):
                story_services.story_moderate(
                    user=admin,
                    story=story,
                    decision=decision,
                    reason="Not about an act of ours." if decision == "reject" else "",
                )
            if decision == "reject" or rng.random() > 0.38:
                continue
            joined = decided_on + datetime.timedelta(days=rng.randint(1, 12))
            if joined > today:
                continue
            name = next(names)
            with clock(self.moment(joined, rng)):
                customer_create(
                    user=act.author,
                    name=name,
                    email=f"{name.replace(' ', '.').lower()}@example.com",
                    referred_by=act.customer,
                    referred_by_story=story,
                    first_purchase_value=Decimal(rng.choice(["120.00", "180.00", "240.00", "310.00", "420.00"])),
                )

    def seed_followups_done(self, team) -> None:
        """Follow-ups are done by their due date, except yesterday's and today's (the home
        page's list then shows what a team has to do today, not months of backlog)."""

        rng = random.Random(2029)
        cutoff = self.today - datetime.timedelta(days=1)
        due = FollowUp.objects.filter(team=team, done_at__isnull=True, due_on__lt=cutoff).select_related("act")
        for follow_up in due.order_by("due_on", "id"):
            author = follow_up.act.author if follow_up.act else None
            if author is None:
                continue
            with clock(self.moment(follow_up.due_on, rng)):
                followup_done(user=author, follow_up=follow_up)
