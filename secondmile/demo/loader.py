"""Loads data.py through the real services, each step on the day it would have happened,
so that the demo's history reads as lived. Idempotent: with the hotel's acts already there,
only the demo logins are reset."""

import datetime
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from acts import budgets
from acts import services as act_services
from acts.followups import followup_done
from acts.models import Act, ApprovalLevel, FollowUp, Status, Trigger
from core.clock import clock_stopped_at
from core.errors import BudgetExceeded
from core.models import Role, Team, User
from core.recognition import kudos_give
from core.services import member_create, member_set_role
from customers import services as customer_services
from rewards import services as reward_services
from rewards.balance import points_balance
from stories import nps, survey
from stories import services as story_services

from ..summaries_rebuild import summaries_rebuild
from . import data
from .data import Gesture, Trade

DONE = (Status.DELIVERED, Status.CUSTOMER_KNOWS)


def receipt_for(act: Act):
    """A receipt where the team asks for one (above its receipt limit), else None."""
    if (act.approved_amount or 0) <= act.team.receipt_required_above:
        return None
    return SimpleUploadedFile("receipt.pdf", b"%PDF-1.4\n% demo receipt\n", content_type="application/pdf")


def clock(moment: datetime.datetime):
    """Run the real services as if it were `moment`: requested_at, decided_at, the timeline,
    points' earned_on, follow-ups' due dates and customers' created_at all fall when the act
    happened (core.clock, as the tests pin theirs)."""
    return clock_stopped_at(moment)


def people_load(teams: dict[str, Team]) -> dict[str, User]:
    """The demo logins; a second run resets their password, and the role alone grants
    access (the demo admin is not a superuser, so it shows the admin role)."""
    people = {}
    for username, first, last, role, team in data.PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = member_create(
                username=username,
                team=teams[team],
                role=role,
                password=data.PASSWORD,
                email=f"{username}@example.com",
                first_name=first,
                last_name=last,
            )
        else:
            user.set_password(data.PASSWORD)
            user.is_superuser = False
            user.save(update_fields=["password", "is_superuser"])
            member_set_role(user=user, role=role)
        people[username] = user
    return people


def load() -> bool:
    """Load the demo; False if it was there already (the logins are reset either way)."""
    teams = {trade.name: Team.objects.get_or_create(name=trade.name)[0] for trade in data.TRADES}
    people = people_load(teams)
    if Act.objects.filter(team=teams[data.HOTEL]).exists():
        return False
    Demo(teams, people).run()
    return True


class Demo:
    def __init__(self, teams: dict[str, Team], people: dict[str, User]):
        self.teams = teams
        self.people = people
        # The real time, taken before any clock() runs the services in the past.
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.quotes_told: set[str] = set()

    def run(self) -> None:
        # The months are loaded out of order (a team's acts by random day, then the
        # stories' acts), so their decisions and completions leave people's own
        # empowerment limits standing (moves_limit=False): the track record would move in
        # an order nobody lived. One person's limit is then played in order (limit_streak).
        # Hundreds of acts through the services: their summaries are rebuilt once, at the end
        # of the months, rather than refreshed after every change (the same rows either way).
        with act_services.summaries_deferred():
            self.months()
        summaries_rebuild()
        self.limit_streak(data.LIMIT_STREAK)

    def months(self) -> None:
        rng = random.Random(2026)
        trades = [TeamActs(self, trade, rng) for trade in data.TRADES]
        for team_acts in trades:
            team_acts.customers()
        hotel = self.teams[data.HOTEL]
        # The scripted stories' acts first, so that no month's budget is spent before them.
        told = self.stories_told(hotel)
        for team_acts in trades:
            team_acts.acts()
        self.recognition(hotel)
        self.survey_answered(hotel)
        self.scores(hotel, skip={story.customer_id for story in told})
        self.returns()
        self.chains(told)
        self.more_stories(hotel)
        self.waiting(hotel, data.TRADE[data.HOTEL])
        self.followups_done(hotel)
        self.rewards()

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

    def staff_of(self, team: Team) -> list[User]:
        return [p for p in self.people.values() if p.team_id == team.pk and p.role == Role.STAFF]

    def quote(self, gesture: Gesture) -> str | None:
        """The next thing a customer said about `gesture` not yet told: no quote twice."""
        quote = next((q for q in gesture.quotes if q not in self.quotes_told), None)
        if quote is not None:
            self.quotes_told.add(quote)
        return quote

    # --- One act, logged, decided and delivered -----------------------------------------

    def log(self, gesture: Gesture, *, author: User, customer, day: datetime.date, answers=("", "", "")) -> Act:
        right, great, know = answers if Decimal(gesture.cost) else ("", "", "")
        return act_services.act_log(
            user=author,
            customer=customer,
            problem=gesture.problem,
            solution=gesture.solution,
            quadrant=gesture.quadrant,
            trigger=gesture.trigger,
            kind=gesture.kind,
            cost=Decimal(gesture.cost),
            right_thing=right,
            great_experience=great,
            how_they_know=know,
            date=day,
        )

    def decider(self, act: Act, rng) -> User:
        if act.approval_level == ApprovalLevel.ADMIN:
            return self.people["admin"]
        managers = [p for p in self.people.values() if p.team_id == act.team_id and p.role == Role.MANAGER]
        return rng.choice(managers) if managers else self.people["admin"]

    def delivered(self, gesture: Gesture, *, author: User, customer, day: datetime.date, rng) -> Act:
        """`gesture` done for `customer` on `day`: approved if it needed it, then delivered."""
        trade = data.TRADE[customer.team.name]
        logged_at = self.moment(day, rng, last_hour=12)
        with clock(logged_at):
            act = self.log(gesture, author=author, customer=customer, day=day, answers=trade.answers)
        if act.status == Status.PENDING_APPROVAL:
            with clock(self.later(logged_at, rng, hours=(0.5, 2))):
                act_services.spend_approve(user=self.decider(act, rng), act=act, note="Good call.")
            act.refresh_from_db()
        with clock(self.later(logged_at, rng, hours=(3, 5))):
            act_services.act_deliver(
                user=author, act=act, actual_cost=act.approved_amount or Decimal("0"), receipt=receipt_for(act)
            )
        return act

    # --- The hotel's stories, scores and referrals ---------------------------------------

    def stories_told(self, team: Team) -> list:
        """The scripted stories, in every state of review: each retells a gesture done for
        its own customer (and credits that act), two days before it was told."""
        rng = random.Random(2030)
        staff = self.staff_of(team)
        customers = list(team.customers.filter(referred_by=None).order_by("id")[1:])
        told = []
        for index, script in enumerate(data.STORIES):
            customer = customers[index]
            acts = []
            if script.solution:
                gesture = next(g for g in data.TRADE[team.name].all_gestures if g.solution == script.solution)
                day = self.today - datetime.timedelta(days=script.days_ago)
                author = staff[index % len(staff)]
                acts = [self.delivered(gesture, author=author, customer=customer, day=day, rng=rng)]
            self.quotes_told.add(script.text)
            told.append(self.story(script, customer=customer, acts=acts, rng=rng))
        return told

    def story(self, script: data.ToldStory, *, customer, acts: list[Act], rng):
        told_on = min(acts[0].date + datetime.timedelta(days=2), self.today) if acts else self.today
        author = acts[0].author if acts else self.staff_of(customer.team)[0]
        with clock(self.moment(told_on, rng)):
            story = story_services.story_record(
                user=author,
                customer=customer,
                channel=script.channel,
                text=script.text,
                url=script.url,
                acts=acts,
                consent=script.consent,
                told_on=told_on,
            )
        if script.decision:
            # Moderated the next morning (points are earned then).
            decided_on = min(told_on + datetime.timedelta(days=1), self.today)
            with clock(self.moment(decided_on, rng, first_hour=9, last_hour=12)):
                story_services.story_moderate(
                    user=self.people["admin"], story=story, decision=script.decision, reason=script.reason
                )
        return story

    def untold_acts(self, team: Team, *, solution: str | None = None):
        """Delivered acts without a story yet, oldest first."""
        acts = Act.objects.filter(team=team, status__in=DONE, stories__isnull=True)
        if solution:
            acts = acts.filter(solution=solution)
        return acts.select_related("customer", "author").order_by("date", "id")

    def survey_answered(self, team: Team) -> None:
        """The customer's own voice, through a personal link: a story waiting for review."""
        solution, score = data.SURVEYED
        act = self.untold_acts(team, solution=solution).exclude(customer__stories__isnull=False).first()
        gesture = next(g for g in data.TRADE[team.name].all_gestures if g.solution == solution)
        _link, token = survey.survey_link_create(user=act.author, act=act)
        survey.survey_submit(token=token, score=score, consent=True, text=self.quote(gesture))

    def scores(self, team: Team, *, skip: set[int]) -> None:
        """NPS across the scale: after acts (one per customer), and from walk-ins."""
        first_acts = {}
        for act in Act.objects.filter(team=team, status__in=DONE).select_related("customer", "author").order_by("date"):
            if act.customer_id not in skip:
                first_acts.setdefault(act.customer_id, act)
        for score, act in zip(data.SCORES_AFTER_ACTS, first_acts.values(), strict=False):
            nps.nps_record(
                user=act.author,
                customer=act.customer,
                score=score,
                act=act,
                date=min(act.date + datetime.timedelta(days=1), self.today),
                comment=data.SCORE_COMMENTS.get(score, ""),
            )
        staff = self.staff_of(team)
        for index, (name, score) in enumerate(data.WALK_INS):
            walk_in = customer_services.customer_create(
                user=staff[0], name=name, email=f"{name.split()[0].lower()}@example.net"
            )
            day = self.today - datetime.timedelta(days=3 * index)
            nps.nps_record(user=staff[index % len(staff)], customer=walk_in, score=score, date=day)

    def returns(self) -> None:
        """Customers coming back after a problem was put right: about two in three of each
        team's delivered reactive acts see their customer return within a few weeks (some
        spending), so the recovery rate has something to count; the latest are still waiting."""
        rng = random.Random(2032)
        for team in self.teams.values():
            reactive = Act.objects.filter(team=team, status__in=DONE, trigger=Trigger.REACTIVE).select_related(
                "customer", "author"
            )
            for act in reactive.order_by("date", "id"):
                day = act.date + datetime.timedelta(days=rng.randint(2, 45))
                if day > self.today or rng.random() > 2 / 3:
                    continue
                value = Decimal(rng.choice(["", "", "45.00", "120.00", "260.00"]) or "0") or None
                with clock(self.moment(day, rng)):
                    customer_services.customer_return_record(
                        user=act.author, customer=act.customer, date=day, value=value, note="Came back"
                    )

    def chains(self, told: list) -> None:
        """Two referral chains three generations deep: the first two (featured) stories
        each bring a customer, whose own story brings the next."""
        rng = random.Random(2031)
        trade = data.TRADE[data.HOTEL]
        for story, names in zip(told, data.CHAINS, strict=False):
            for generation, name in enumerate(names):
                story = self.chain_link(story, name=name, generation=generation, trade=trade, rng=rng)

    def chain_link(self, story, *, name: str, generation: int, trade: Trade, rng):
        staff = self.staff_of(story.team)
        author = staff[generation % len(staff)]
        # Each generation arrives on the day of its first act, six days after the last.
        day = self.today - datetime.timedelta(days=20 - 6 * generation)
        with clock(self.moment(day, rng, last_hour=12)):
            customer = customer_services.customer_create(
                user=author,
                name=name,
                email=f"{name.replace(' ', '.').lower()}@example.org",
                referred_by=story.customer,
                referred_by_story=story,
                first_purchase_value=Decimal(data.FIRST_PURCHASES[generation]),
            )
        gesture = trade.chain_gestures[generation]
        act = self.delivered(gesture, author=author, customer=customer, day=day, rng=rng)
        script = data.ToldStory(gesture.solution, "word_of_mouth", self.quote(gesture), decision="approve")
        return self.story(script, customer=customer, acts=[act], rng=rng)

    def recognition(self, team: Team) -> None:
        """More free acts in recent weeks than months ago (a team taking to it), delivered
        (points come from the stories that retell acts, not from these), and kudos from the
        managers."""
        rng = random.Random(2027)
        customers = list(team.customers.order_by("id"))
        # They go to two thirds of the customers: the others show in the surprise suggestions.
        regulars = customers[: len(customers) * 2 // 3]
        joined = {c.pk: timezone.localdate(c.created_at) for c in regulars}
        for days_ago in range(119, -1, -1):
            day = self.today - datetime.timedelta(days=days_ago)
            # From about 0.1 a day four months ago to 3 a day today.
            rate = 0.1 + 3.0 * (1 - days_ago / 120) ** 3
            present = [c for c in regulars if joined[c.pk] <= day]
            for _ in range(int(rate) + (rng.random() < rate - int(rate))):
                self.everyday_act(team, day=day, customer=rng.choice(present), rng=rng)
        self.kudos(rng)

    def everyday_act(self, team: Team, *, day: datetime.date, customer, rng) -> None:
        gesture = rng.choice(data.TRADE[team.name].everyday)
        author = rng.choice(self.staff_of(team))
        logged_at = self.moment(day, rng, last_hour=15)
        with clock(logged_at):
            act = self.log(gesture, author=author, customer=customer, day=day)
        days_ago = (self.today - day).days
        if days_ago <= 1:
            return
        # Delivered the same day or the next (their follow-ups fall due from then).
        delivered_at = self.later(logged_at, rng, hours=(0.5, 26))
        with clock(delivered_at):
            act_services.act_deliver(user=author, act=act, actual_cost=Decimal("0"))
        if days_ago > 4 and rng.random() < 0.6:
            with clock(self.later(delivered_at, rng, hours=(0.5, 30))):
                act_services.act_customer_knows(user=author, act=act, how="Told them in person", moves_limit=False)

    def kudos(self, rng) -> None:
        """Kudos this month and last, each for an act of the receiver's delivered by then."""
        for giver, receiver, days_ago, note in data.THANKS:
            day = self.today - datetime.timedelta(days=days_ago)
            receiver = self.people[receiver]
            act = Act.objects.filter(author=receiver, date__lte=day, status__in=DONE).order_by("-date", "-id").first()
            with clock(self.moment(day, rng, first_hour=16, last_hour=18)):
                kudos_give(user=self.people[giver], receiver=receiver, note=note, act=act)

    def more_stories(self, team: Team) -> None:
        """Stories across the months, more as the team takes to it, each in words of its own
        about the gesture it credits (a gesture with nothing left to say gets no story);
        about a third of the approved ones bring a referred customer a few days later."""
        rng = random.Random(2028)
        gestures = {g.solution: g for g in data.TRADE[team.name].all_gestures}
        names = (
            f"{data.FIRST_NAMES[i % len(data.FIRST_NAMES)]} {data.LAST_NAMES[i * 7 % len(data.LAST_NAMES)]}"
            for i in range(180)
        )
        for act in list(self.untold_acts(team)):
            days_ago = (self.today - act.date).days
            # From about one act in eight four months ago to one in three now.
            if rng.random() > 0.12 + 0.22 * (1 - days_ago / 120):
                continue
            quote = self.quote(gestures[act.solution])
            if quote is None:
                continue
            self.story_with_referral(act, quote=quote, names=names, rng=rng)

    def story_with_referral(self, act: Act, *, quote: str, names, rng) -> None:
        told_on = min(act.date + datetime.timedelta(days=rng.randint(1, 6)), self.today)
        draw = rng.random()
        decided_on = told_on + datetime.timedelta(days=1)
        decision = None if decided_on > self.today else "feature" if draw < 0.1 else "approve"
        if decision and draw > 0.94:
            decision = "reject"
        script = data.ToldStory(
            act.solution,
            rng.choice(data.CHANNELS),
            quote,
            consent=rng.random() < 0.9,
            decision=decision,
            reason="Not about an act of ours." if decision == "reject" else "",
        )
        story = self.story(script, customer=act.customer, acts=[act], rng=rng)
        joined = decided_on + datetime.timedelta(days=rng.randint(1, 12))
        if decision in (None, "reject") or rng.random() > 0.38 or joined > self.today:
            return
        name = next(names)
        with clock(self.moment(joined, rng)):
            customer_services.customer_create(
                user=act.author,
                name=name,
                email=f"{name.replace(' ', '.').lower()}@example.com",
                referred_by=act.customer,
                referred_by_story=story,
                first_purchase_value=Decimal(rng.choice(["120.00", "180.00", "240.00", "310.00", "420.00"])),
            )

    def waiting(self, team: Team, trade: Trade) -> None:
        """Requests waiting at both levels (asked 40 minutes, 3 hours and 7 hours ago), and
        this month's budget close to its limit."""
        customers = list(team.customers.order_by("id")[:4])
        for (username, gesture), customer, waited in zip(trade.waiting, customers, (40, 180, 420), strict=False):
            with clock(self.now - datetime.timedelta(minutes=waited)):
                self.log(
                    gesture, author=self.people[username], customer=customer, day=None, answers=data.WAITING_ANSWERS
                )
        committed = budgets.budget_month_locked(team=team, month=self.today).committed
        budgets.budget_set(user=self.people["admin"], team=team, month=self.today, amount=committed + Decimal("180.00"))

    def limit_streak(self, streak: data.LimitStreak) -> None:
        """Free acts completed one a day, in order; a request declined after the first run."""
        rng = random.Random(2030)
        author = self.people[streak.username]
        team = author.team
        trade = data.TRADE[team.name]
        customers = list(team.customers.order_by("id")[:12])
        count = streak.first + streak.then
        for index in range(count):
            day = self.today - datetime.timedelta(days=streak.days - index * streak.days // (count + 1))
            if index == streak.first:
                self.declined_request(streak, author=author, customer=rng.choice(customers), day=day, rng=rng)
            gesture = trade.everyday[index % len(trade.everyday)]
            act = self.delivered(gesture, author=author, customer=rng.choice(customers), day=day, rng=rng)
            act.refresh_from_db()
            with clock(self.later(act.delivered_at, rng, hours=(0.5, 3))):
                act_services.act_customer_knows(user=author, act=act, how=rng.choice(trade.knew_how))

    def declined_request(self, streak: data.LimitStreak, *, author: User, customer, day, rng) -> None:
        gesture = next(g for g in data.TRADE[author.team.name].gestures if g.solution == streak.declined)
        logged_at = self.moment(day, rng, last_hour=10)
        with clock(logged_at):
            act = self.log(gesture, author=author, customer=customer, day=day, answers=data.WAITING_ANSWERS)
        with clock(self.later(logged_at, rng, hours=(0.5, 1.5))):
            act_services.spend_decline(user=self.people["manager"], act=act, note=streak.decline_note)

    def followups_done(self, team: Team) -> None:
        """Follow-ups are done by their due date, except yesterday's and today's (the home
        page then shows what a team has to do today, not months of backlog)."""
        rng = random.Random(2029)
        cutoff = self.today - datetime.timedelta(days=1)
        due = FollowUp.objects.filter(team=team, done_at__isnull=True, due_on__lt=cutoff).select_related("act")
        for follow_up in due.order_by("due_on", "id"):
            author = follow_up.act.author if follow_up.act else None
            if author is not None:
                with clock(self.moment(follow_up.due_on, rng)):
                    followup_done(user=author, follow_up=follow_up)

    def rewards(self) -> None:
        """Each team's catalogue, kept by the admin since two months ago, and the hotel's
        redemptions: handed out, refunded and still waiting for a manager."""
        with clock(self.now - datetime.timedelta(days=60)):
            for team_name, rewards in data.REWARDS.items():
                for name, points, stock, description in rewards:
                    reward_services.reward_create(
                        user=self.people["admin"],
                        team=self.teams[team_name],
                        name=name,
                        points=points,
                        stock=stock,
                        description=description,
                    )
        rng = random.Random(2030)
        catalogue = {reward.name: reward for reward in self.teams[data.HOTEL].rewards.all()}
        hotel_staff = self.staff_of(self.teams[data.HOTEL])
        for username, name, days_ago, outcome, note in data.REDEMPTIONS:
            reward = catalogue[name]
            asked_at = self.moment(self.today - datetime.timedelta(days=days_ago), rng)
            with clock(asked_at):
                redeemer = _who_can_afford(reward, self.people[username], hotel_staff)
                redemption = reward_services.reward_redeem(user=redeemer, reward=reward)
            if outcome is None:
                continue
            with clock(self.later(asked_at, rng, hours=(2, 30))):
                if outcome == "fulfilled":
                    reward_services.redemption_fulfil(user=self.people["manager"], redemption=redemption, note=note)
                else:
                    reward_services.redemption_refund(user=self.people["manager"], redemption=redemption, note=note)


def _who_can_afford(reward, named: User, others: list[User]) -> User:
    """The person a redemption names when their points cover it, else whoever of `others`
    has the most points left: who earned how much depends on the day the demo is loaded
    (the acts fall on the weeks before it), and a shortfall would stop the load."""
    if points_balance(user=named) >= reward.points:
        return named
    return max(others, key=lambda person: (points_balance(user=person), person.username))


class TeamActs:
    """A team's customers (those sent by another customer arrive across the months) and its
    acts over four months, each request decided after a realistic wait."""

    def __init__(self, demo: Demo, trade: Trade, rng):
        self.demo = demo
        self.trade = trade
        self.rng = rng
        self.team = demo.teams[trade.name]
        self.staff = demo.staff_of(self.team)
        self.joined: list[tuple] = []  # (customer, the day they became a customer)

    def customers(self) -> None:
        for index, name in enumerate(self.trade.customers):
            self.customer(index, name)

    def acts(self) -> None:
        for index in range(self.trade.acts):
            self.act(index)

    def customer(self, index: int, name: str) -> None:
        # Every fourth customer was sent by an earlier one: chains several generations deep.
        rng, today = self.rng, self.demo.today
        referrer = self.joined[index // 3] if index >= 6 and index % 4 == 0 else None
        joined = today - datetime.timedelta(days=150)
        if referrer is not None:
            arrived = today - datetime.timedelta(days=int(rng.triangular(0, 110, 30)))
            joined = min(max(arrived, referrer[1] + datetime.timedelta(days=3)), today)
        with clock(self.demo.moment(joined, rng)):
            customer = customer_services.customer_create(
                user=self.staff[0],
                name=name,
                email=f"{name.split()[0].lower()}@example.org",
                phone=f"+1 555 01{index:02d}",
                referred_by=referrer[0] if referrer else None,
                first_purchase_value=Decimal(rng.choice(["180.00", "240.00", "420.00"])) if referrer else None,
            )
        self.joined.append((customer, joined))

    def act(self, index: int) -> None:
        rng = self.rng
        days_ago = int(rng.triangular(0, 120, 10))
        day = self.demo.today - datetime.timedelta(days=days_ago)
        gesture = rng.choice(self.trade.gestures)
        author = rng.choice(self.staff)
        customer = rng.choice([c for c, joined in self.joined if joined <= day])
        logged_at = self.demo.moment(day, rng)
        try:
            with clock(logged_at):
                act = self.demo.log(gesture, author=author, customer=customer, day=day, answers=self.trade.answers)
        except BudgetExceeded:
            return  # an empowered act the month's budget cannot cover is not logged
        ready_at = logged_at
        if act.status == Status.PENDING_APPROVAL and days_ago >= 4:
            ready_at = self.demo.capped(logged_at + self.approval_wait())
            if not self.decide(act, ready_at, declined=index % 7 == 3):
                return
        if act.status == Status.APPROVED and days_ago > 2:
            self.deliver(act, author, ready_at, knows=days_ago > 5 and index % 3)

    def approval_wait(self) -> datetime.timedelta:
        """How long a request waits for a manager: mostly under two hours, sometimes a day."""
        minutes = min(max(self.rng.lognormvariate(4.2, 1.0), 6), 26 * 60)  # median about 67 minutes
        return datetime.timedelta(minutes=minutes)

    def decide(self, act: Act, at: datetime.datetime, *, declined: bool) -> bool:
        """Approve or decline `act` at `at`; True if approved."""
        decider = self.demo.decider(act, self.rng)
        with clock(at):
            if declined:
                act_services.spend_decline(user=decider, act=act, note=self.trade.decline_note, moves_limit=False)
                return False
            try:
                note = self.rng.choice(["Go for it.", "Good call.", ""])
                act_services.spend_approve(user=decider, act=act, note=note)
            except BudgetExceeded:
                note = "Not this month: the budget is nearly spent."
                act_services.spend_decline(user=decider, act=act, note=note, moves_limit=False)
                return False
        act.refresh_from_db()
        return True

    def deliver(self, act: Act, author: User, ready_at: datetime.datetime, *, knows: bool) -> None:
        receipt = receipt_for(act)
        delivered_at = self.demo.later(ready_at, self.rng, hours=(1, 30))
        with clock(delivered_at):
            act_services.act_deliver(user=author, act=act, actual_cost=act.approved_amount or 0, receipt=receipt)
        if knows:
            with clock(self.demo.later(delivered_at, self.rng, hours=(0.5, 20))):
                how = self.rng.choice(self.trade.knew_how)
                act_services.act_customer_knows(user=author, act=act, how=how, moves_limit=False)
