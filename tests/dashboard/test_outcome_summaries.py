"""The dashboard's approval time, NPS, stories, referrals and recovery read from day summaries
the services keep: each figure against a hand computation after changes made through the
services, at the boundaries (midnight in local time, an act decided on another day than
it was requested), against its reference over the rows, and after a rebuild."""

import datetime
import importlib
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.apps import apps as live_apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from acts import services as act_services
from acts.models import Act
from acts.policy import team_policy_update
from core.models import OutcomeDay, PointsEarner, PointsEntry, PointsToDate, ReferralDay, WaitDay
from customers.services import customer_create, customer_return_record, customer_update
from secondmile.dashboard import figures as selectors
from secondmile.dashboard.scope import dashboard_scope
from stories.nps import nps_record
from stories.services import story_moderate, story_record
from tests.concurrency import run_at_once
from tests.factories import CustomerFactory

from .builders import act, at, days_ago, delivered, retold

pytestmark = pytest.mark.django_db
ZONE = zoneinfo.ZoneInfo("America/New_York")
D = datetime.date
MINUTE, SECOND = datetime.timedelta(minutes=1), datetime.timedelta(seconds=1)
fill = importlib.import_module("core.migrations.0009_dashboard_outcome_summaries")
points_fill = fill
recount = importlib.import_module("customers.migrations.0009_customer_returns")


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=ZONE)


@pytest.fixture
def new_york(settings):
    settings.TIME_ZONE = "America/New_York"


def scope_of(user, start, end=None):
    return dashboard_scope(user=user, start=start, end=end or start)


def figures(user, start, end=None) -> dict:
    return selectors.dashboard_figures(scope_of(user, start, end))


def references(scope) -> dict:
    """The same figures computed over the period's rows."""
    referrals = selectors.referral_totals(scope)
    return {
        "stories_count": selectors.stories_count(scope),
        "referred_customers_count": referrals["referred_customers_count"],
        "referral_revenue": referrals["referral_revenue"],
        "nps_with_act": selectors.nps_with_act(scope),
        "nps_without_act": selectors.nps_without_act(scope),
        "recovery": selectors.recovery(scope),
    }


def outcomes(user, start, end=None) -> dict:
    """The summarised outcome figures of the dashboard, checked equal to their references."""
    scope = scope_of(user, start, end)
    shown = selectors.dashboard_figures(scope)
    summarised = {name: shown[name] for name in references(scope)}
    assert summarised == references(scope)
    return summarised


# --- Approval time --------------------------------------------------------------------------


def test_a_wait_counts_on_the_day_the_act_is_dated_in_whole_seconds(new_york, team, staff, manager):
    with at(local(2027, 3, 9, 23, 30)):  # 04:30 UTC on the 10th: the act is dated the 9th
        late = act(staff, cost="80")
    with at(local(2027, 3, 10, 0, 10, 30)):
        act_services.spend_approve(user=manager, act=late)  # after midnight: waited 40 min 30 s
    with at(local(2027, 3, 10, 8, 0)):
        morning = act(staff, cost="80")
        act(staff, cost="90")  # still waiting: no wait
    with at(local(2027, 3, 10, 9, 0, 0, 700_000)):
        act_services.spend_decline(user=manager, act=morning, note="Not this one")  # 1 h and 0.7 s
    assert (late.date, morning.date) == (D(2027, 3, 9), D(2027, 3, 10))

    with at(local(2027, 3, 10, 12, 0)):
        ninth = figures(staff, D(2027, 3, 9))["approval_time"]
        tenth = figures(staff, D(2027, 3, 10))["approval_time"]
        both = figures(staff, D(2027, 3, 9), D(2027, 3, 10))["approval_time"]
        reference_tenth = selectors.approval_times(scope_of(staff, D(2027, 3, 10)))
    assert ninth == {"count": 1, "median": 40 * MINUTE + 30 * SECOND, "p90": 40 * MINUTE + 30 * SECOND}
    # Kept at whole seconds: the 0.7 s is dropped, where the history rows still have it.
    assert tenth == {"count": 1, "median": 3600 * SECOND, "p90": 3600 * SECOND}
    assert reference_tenth["median"] == 3600.7 * SECOND
    # Two waits: the mean of both, and the one at rank ⌈1.8⌉ = 2.
    assert both == {"count": 2, "median": (2430 + 3600) / 2 * SECOND, "p90": 3600 * SECOND}


def test_median_and_p90_of_many_waits_and_of_every_team(team, staff, manager, other_staff, other_manager, admin_user):
    start = datetime.datetime(2026, 6, 16, 8, 0, tzinfo=datetime.UTC)
    ours = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]  # minutes
    theirs = [30, 40]
    for deciders, waits in (((staff, manager), ours), ((other_staff, other_manager), theirs)):
        requester, decider = deciders
        for minutes in waits:
            with at(start):
                request = act(requester, cost="80")
            with at(start + minutes * MINUTE):
                act_services.spend_approve(user=decider, act=request)
    with at(start + datetime.timedelta(hours=2)):
        one = selectors.dashboard_figures(scope_of(staff, start.date()))["approval_time"]
        every = selectors.dashboard_figures(
            dashboard_scope(user=admin_user, team="all", start=start.date(), end=start.date())
        )["approval_time"]
    # 11 waits: the 6th (6 min); p90 at rank ⌈9.9⌉ = 10 (10 min).
    assert one == {"count": 11, "median": 6 * MINUTE, "p90": 10 * MINUTE}
    # 13 waits: the 7th (7 min); p90 at rank ⌈11.7⌉ = 12 (30 min).
    assert every == {"count": 13, "median": 7 * MINUTE, "p90": 30 * MINUTE}
    assert WaitDay.objects.filter(team=team).count() == 11


def test_a_top_up_decided_days_later_waits_on_the_acts_own_day(team, staff, manager):
    logged_at = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.UTC)
    with at(logged_at):
        request = act(staff, cost="60")
    with at(logged_at + 2 * MINUTE):
        act_services.spend_approve(user=manager, act=request)
    with at(logged_at + datetime.timedelta(days=2)):
        act_services.act_deliver(user=staff, act=request, actual_cost="72")  # asks for $12 more
    with at(logged_at + datetime.timedelta(days=3, minutes=5)):
        act_services.spend_approve(user=manager, act=request)  # a day and 5 min after the top-up
        on_the_acts_day = selectors.dashboard_figures(scope_of(staff, D(2026, 6, 10)))["approval_time"]
        on_the_decisions_day = selectors.dashboard_figures(scope_of(staff, D(2026, 6, 13)))["approval_time"]
    day_and_five = (24 * 60 + 5) * MINUTE
    assert on_the_acts_day == {"count": 2, "median": (2 * MINUTE + day_and_five) / 2, "p90": day_and_five}
    assert on_the_decisions_day == {"count": 0, "median": None, "p90": None}


# --- NPS with and without an act --------------------------------------------------------------


def test_nps_with_and_without_an_act_follows_each_customers_acts(team, staff, manager):
    c, d = CustomerFactory(team=team), CustomerFactory(team=team)
    nps_record(user=staff, customer=c, score=10, date=days_ago(5))
    nps_record(user=staff, customer=d, score=3, date=days_ago(5))
    nps_record(user=staff, customer=d, score=7, date=days_ago(1))
    period = (days_ago(10), days_ago(0))
    # Nobody had an act: (1 promoter − 1 detractor) / 3 answers.
    assert (outcomes(staff, *period)["nps_with_act"], outcomes(staff, *period)["nps_without_act"]) == (
        None,
        Decimal("0.0"),
    )

    # An act dated before c's answer, logged afterwards: c's answer had an act by then.
    before_c = act(staff, customer=c, days=7, cost="80")
    assert outcomes(staff, *period)["nps_with_act"] == Decimal("100.0")
    assert outcomes(staff, *period)["nps_without_act"] == Decimal("-50.0")  # d: 3 and 7

    # d's act dated between d's answers: the later one (7) had it, the earlier (3) did not.
    act(staff, customer=d, days=3)
    figures_now = outcomes(staff, *period)
    assert figures_now["nps_with_act"] == Decimal("50.0")  # 10 and 7: (1 − 0) / 2
    assert figures_now["nps_without_act"] == Decimal("-100.0")  # 3

    # An act on the very day of an answer counts ("on or before").
    act(staff, customer=d, days=5)
    assert outcomes(staff, *period)["nps_with_act"] == Decimal("0.0")  # 10, 3, 7: (1 − 1) / 3
    assert outcomes(staff, *period)["nps_without_act"] is None

    # Declined, c's act no longer goes ahead: c's answer is without an act again.
    act_services.spend_decline(user=manager, act=before_c, note="Not now")
    figures_now = outcomes(staff, *period)
    assert (figures_now["nps_with_act"], figures_now["nps_without_act"]) == (Decimal("-50.0"), Decimal("100.0"))


# --- Stories ---------------------------------------------------------------------------------


def test_stories_told_follow_their_moderation(team, staff, admin_user):
    customer = CustomerFactory(team=team)
    told = story_record(user=staff, customer=customer, channel="review", text="Lovely", told_on=days_ago(3))
    rejected = story_record(user=staff, customer=customer, channel="social", text="Hm", told_on=days_ago(3))
    outside = story_record(user=staff, customer=customer, channel="review", text="Old", told_on=days_ago(30))
    period = (days_ago(20), days_ago(0))
    assert outcomes(staff, *period)["stories_count"] == 0  # submitted stories are not told yet
    story_moderate(user=admin_user, story=told, decision="approve")
    story_moderate(user=admin_user, story=rejected, decision="reject", reason="Not a story")
    story_moderate(user=admin_user, story=outside, decision="approve")
    assert outcomes(staff, *period)["stories_count"] == 1
    story_moderate(user=admin_user, story=told, decision="feature")
    assert outcomes(staff, *period)["stories_count"] == 1
    series = selectors.activity_series(scope_of(staff, *period))["rows"]
    assert [row["stories"] for row in series] == [0, 0, 1]  # weeks from day 20: 20–14, 13–7, 6–0


# --- Referred customers ---------------------------------------------------------------------


def test_referred_customers_count_on_their_local_day_either_side_of_midnight(new_york, team, staff):
    referrer = CustomerFactory(team=team)
    with at(local(2027, 3, 9, 23, 59, 59)):  # 04:59 UTC on the 10th
        customer_create(user=staff, name="Late", referred_by=referrer, first_purchase_value=Decimal("120.00"))
    with at(local(2027, 3, 10, 0, 0)):
        early = customer_create(user=staff, name="Early", referred_by=referrer, first_purchase_value=Decimal("30.00"))
    with at(local(2027, 3, 10, 12, 0)):
        walk_in = customer_create(user=staff, name="Walk-in")
        ninth, tenth = outcomes(staff, D(2027, 3, 9)), outcomes(staff, D(2027, 3, 10))
        assert (ninth["referred_customers_count"], ninth["referral_revenue"]) == (1, Decimal("120.00"))
        assert (tenth["referred_customers_count"], tenth["referral_revenue"]) == (1, Decimal("30.00"))

        # A first purchase corrected, and a referrer named later: the day they were created.
        customer_update(user=staff, customer=early, first_purchase_value=Decimal("45.50"))
        customer_update(user=staff, customer=walk_in, referred_by=referrer)
        tenth = outcomes(staff, D(2027, 3, 10))
        assert (tenth["referred_customers_count"], tenth["referral_revenue"]) == (2, Decimal("45.50"))
        both = outcomes(staff, D(2027, 3, 9), D(2027, 3, 10))
        assert (both["referred_customers_count"], both["referral_revenue"]) == (3, Decimal("165.50"))


# --- Recovery ----------------------------------------------------------------------------------


def test_recovery_follows_the_customers_returns_within_the_window(team, staff, manager, admin_user):
    """Recovery counts recorded returns only, dated after the act and at most RECOVERY_DAYS
    (90, then 5) after it; later acts, NPS answers and stories no longer count. Each step
    compares the day summaries with the reference over the rows (outcomes())."""
    customer, other = CustomerFactory(team=team), CustomerFactory(team=team)
    act(staff, customer=customer, days=10, trigger="reactive", kind="call")
    day_ten = (days_ago(10),)

    def recovery():
        return outcomes(staff, *day_ten)["recovery"]

    assert recovery() == {"reactive": 1, "returned": 0, "recovery_rate": Decimal(0)}
    act(staff, customer=customer, days=4, cost="80")  # a later act is no return
    nps_record(user=staff, customer=customer, score=9, date=days_ago(3))
    story = story_record(user=staff, customer=customer, channel="letter", text="Thanks", told_on=days_ago(2))
    story_moderate(user=admin_user, story=story, decision="approve")
    assert recovery()["returned"] == 0
    customer_return_record(user=staff, customer=customer, date=days_ago(10))  # the act's own day: not after
    assert recovery()["returned"] == 0
    customer_return_record(user=staff, customer=customer, date=days_ago(3), value="40")
    assert recovery() == {"reactive": 1, "returned": 1, "recovery_rate": Decimal(1)}

    waiting = act(staff, customer=other, days=10, trigger="reactive", cost="80")
    assert recovery() == {"reactive": 2, "returned": 1, "recovery_rate": Decimal("0.5")}
    customer_return_record(user=staff, customer=other, date=days_ago(2))
    assert recovery() == {"reactive": 2, "returned": 2, "recovery_rate": Decimal(1)}

    # A window of 5 days: the returns 7 and 8 days after the acts no longer count.
    team_policy_update(user=admin_user, team=team, recovery_days=5)
    assert recovery() == {"reactive": 2, "returned": 0, "recovery_rate": Decimal(0)}
    team_policy_update(user=admin_user, team=team, recovery_days=90)
    assert recovery()["returned"] == 2
    act_services.spend_withdraw(user=staff, act=waiting)
    assert recovery() == {"reactive": 1, "returned": 1, "recovery_rate": Decimal(1)}


# --- Rebuilding, and the migration that fills existing data ---------------------------------


def _rows():
    """Every summary row with something in it (a refresh may leave a row of zeros)."""

    def kept(model):
        names = [f.name for f in model._meta.concrete_fields if f.name != "id"]
        return sorted(model.objects.exclude(**dict.fromkeys(names[2:], 0)).values_list(*names))

    return (
        kept(OutcomeDay),
        kept(ReferralDay),
        sorted(WaitDay.objects.values_list("team_id", "date", "seconds", "decisions")),
    )


def _some_of_everything(team, staff, manager, admin_user):
    start = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
    customers = [CustomerFactory(team=team) for _ in range(4)]
    for index in range(12):
        customer = customers[index % 4]
        with at(start + index * datetime.timedelta(days=1, minutes=7)):
            logged = act(
                staff,
                customer=customer,
                cost=["0", "80", "90"][index % 3],
                trigger=["proactive", "reactive"][index % 2],
            )
        with at(start + index * datetime.timedelta(days=1, minutes=7) + (index + 1) * MINUTE):
            if index % 3 == 1:
                act_services.spend_approve(user=manager, act=logged)
            elif index % 3 == 2:
                act_services.spend_decline(user=manager, act=logged, note="No")
            nps_record(user=staff, customer=customer, score=index % 11)
            if index % 4 == 0:
                story = story_record(user=staff, customer=customer, channel="review", text="Good")
                story_moderate(user=admin_user, story=story, decision="approve")
            customer_create(user=staff, name=f"Sent {index}", referred_by=customer, first_purchase_value=Decimal(index))


def test_rebuild_and_the_migrations_fill_write_what_the_services_kept(team, staff, manager, admin_user):
    _some_of_everything(team, staff, manager, admin_user)
    kept = _rows()
    assert all(kept)
    OutcomeDay.objects.all().delete()
    WaitDay.objects.all().delete()
    ReferralDay.objects.all().delete()
    call_command("rebuild_summaries", stdout=io.StringIO())
    assert _rows() == kept
    OutcomeDay.objects.all().delete()
    WaitDay.objects.all().delete()
    ReferralDay.objects.all().delete()
    fill.fill_waits(live_apps, None)
    fill.fill_referrals(live_apps, None)
    fill.fill_outcomes(live_apps, None)
    recount.recount_recovery(live_apps, None)  # the later migration's new definition of recovery
    assert _rows() == kept


# --- Query counts ------------------------------------------------------------------------------


def _acts_over_three_years(team, staff, manager, admin_user, count):
    today = datetime.datetime(2026, 6, 17, 9, 0, tzinfo=datetime.UTC)
    customers = [CustomerFactory(team=team) for _ in range(5)]
    for index in range(count):
        customer = customers[index % 5]
        moment = today - datetime.timedelta(days=(index * 37) % 1090 + 1)
        with at(moment):
            logged = act(
                staff, customer=customer, cost=["0", "80"][index % 2], trigger=["proactive", "reactive"][index % 3 == 0]
            )
        with at(moment + (index + 1) * MINUTE):
            if index % 2:
                act_services.spend_approve(user=manager, act=logged)
            if index % 10 == 0:
                nps_record(user=staff, customer=customer, score=index % 11)
                story = story_record(user=staff, customer=customer, channel="review", text="Good")
                story_moderate(user=admin_user, story=story, decision="approve")
                customer_create(user=staff, name=f"Sent {index}", referred_by=customer)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(queries)


def test_the_three_year_dashboard_makes_as_many_queries_with_10_acts_as_with_100(
    client_for, team, other_team, staff, manager, admin_user, other_staff, other_manager
):
    three_years = "start=2023-06-18&end=2026-06-17"
    urls = [f"/dashboard/?{three_years}&team=all", f"/dashboard/?{three_years}&team={team.pk}"]
    counts = []
    for how_many in (10, 90):  # 10 acts, then 100
        _acts_over_three_years(team, staff, manager, admin_user, how_many // 2)
        _acts_over_three_years(other_team, other_staff, other_manager, admin_user, how_many // 2)
        client = client_for(admin_user)
        with at(datetime.datetime(2026, 6, 17, 12, 0, tzinfo=datetime.UTC)):
            counts.append([_queries(client, url) for url in urls])
            shown = selectors.dashboard_figures(
                dashboard_scope(user=admin_user, team="all", start="2023-06-18", end="2026-06-17")
            )
    assert counts[0] == counts[1], counts
    assert shown["acts_count"] == 100
    assert shown["approval_time"]["count"] == 48  # the odd ones: 2 + 22 a team


# --- The leaderboard's points ---------------------------------------------------------------


def test_leaderboard_points_are_the_running_totals_difference_at_the_periods_edges(
    new_york, team, staff, staff2, manager, admin_user
):
    customer = CustomerFactory(team=team)
    # Points come from outcomes only (a story retelling an act), not from deliveries.
    with at(local(2027, 3, 9, 23, 59)):  # local day: the 9th
        retold(staff, admin_user, act_of=delivered(staff, customer=customer))
        retold(staff2, admin_user, act_of=delivered(staff2, customer=customer))
    with at(local(2027, 3, 10, 0, 1)):
        retold(staff, admin_user, act_of=delivered(staff, customer=customer))
        story = story_record(user=staff, customer=customer, channel="review", text="Lovely")
        story.acts.set(Act.objects.filter(author=staff2))
        story_moderate(user=admin_user, story=story, decision="feature")  # staff2's act earns the feature points
    with at(local(2027, 3, 11, 9, 0)):
        retold(staff2, admin_user, act_of=delivered(staff2, customer=customer))

    def board(start, end):
        scope = dashboard_scope(user=staff, start=start, end=end)
        reference = dict(
            PointsEntry.objects.filter(team=team, earned_on__gte=start, earned_on__lte=end)
            .values("user_id")
            .annotate(total=Sum("points"))
            .values_list("user__username", "total")
        )
        shown = {person.username: person.period_points for person in selectors.leaderboard(scope)}
        assert shown == reference
        return shown

    featured = settings.SECONDMILE["POINTS"]["story_featured"]
    approved = settings.SECONDMILE["POINTS"]["story_approved"]
    assert board(D(2027, 3, 9), D(2027, 3, 9)) == {"ana": approved, "sam": approved}
    assert board(D(2027, 3, 10), D(2027, 3, 10)) == {"ana": approved, "sam": featured}
    assert board(D(2027, 3, 10), D(2027, 3, 11)) == {"ana": approved, "sam": featured + approved}
    assert board(D(2027, 3, 12), D(2027, 3, 31)) == {}
    kept = sorted(PointsToDate.objects.values_list("team_id", "user_id", "date", "points", "entries"))
    assert len(kept) == 5  # ana: 9th, 10th; sam: 9th, 10th, 11th
    call_command("rebuild_summaries", stdout=io.StringIO())
    assert sorted(PointsToDate.objects.values_list("team_id", "user_id", "date", "points", "entries")) == kept
    PointsToDate.objects.all().delete()
    PointsEarner.objects.all().delete()
    points_fill.fill_running_totals(live_apps, None)
    assert sorted(PointsToDate.objects.values_list("team_id", "user_id", "date", "points", "entries")) == kept


# --- Concurrency (PostgreSQL) ----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_answers_acts_and_points_written_at_once_all_reach_the_summaries(team, staff, staff2, manager, admin_user):
    """Eight writers at once on one team-day: NPS answers of four customers, acts for the
    customers who answered (each turns an answer into one "with an act"), and stories
    approved that earn the same two people points (points come from outcomes only).
    Without the row locks, each would count the day before the others committed and the
    last one written would forget them."""
    customers = [CustomerFactory(team=team) for _ in range(4)]
    for customer in customers[:2]:
        nps_record(user=staff, customer=customer, score=9)
    to_earn = [act(user, cost="5") for user in (staff, staff2, staff, staff2)]
    stories = [
        story_record(user=staff, customer=earning.customer, channel="review", text="Lovely", acts=[earning])
        for earning in to_earn
    ]
    jobs = [lambda c=c: nps_record(user=staff, customer=c, score=3) for c in customers[2:]]
    jobs += [lambda c=c: act(staff2, customer=c) for c in customers[:2]]
    jobs += [lambda story=story: story_moderate(user=admin_user, story=story, decision="approve") for story in stories]

    outcomes_ = run_at_once(jobs)

    assert [kind for kind, _ in outcomes_] == ["ok"] * 8, outcomes_
    shown = outcomes(staff, days_ago(0))
    assert (shown["nps_with_act"], shown["nps_without_act"]) == (Decimal("100.0"), Decimal("-100.0"))
    points = {p.username: p.period_points for p in selectors.leaderboard(scope_of(staff, days_ago(0)))}
    approved = settings.SECONDMILE["POINTS"]["story_approved"]
    assert points == {"ana": 2 * approved, "sam": 2 * approved}
    kept = _rows()
    call_command("rebuild_summaries", stdout=io.StringIO())
    assert _rows() == kept
