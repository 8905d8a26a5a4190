"""Reads on customers, scoped to the user's team (admins see every team): customers and
their referral chains, stories, the story wall and moderation queue, NPS, survey links."""

import datetime
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.utils import timezone

from secondmile.inputs import id_parse
from secondmile.models import Role, User
from secondmile.roles import visible_to

from .models import Customer, Story, StoryStatus, SurveyLink, TeamCustomerCount


def customers_visible_to(user: User) -> QuerySet[Customer]:
    return visible_to(user, Customer.objects.select_related("team", "referred_by"))


def customer_get(*, user: User, pk) -> Customer:
    return get_object_or_404(customers_visible_to(user).select_related("referred_by_story"), pk=pk)


def customer_search(*, user: User, query: str = "") -> QuerySet[Customer]:
    """Customers matching a name, email, company or referral code (all of them without a
    query), by name. Their act counts are read for the page shown (`with_act_counts`),
    never for every match."""
    customers = customers_visible_to(user)
    query = (query or "").strip()
    if query:
        customers = customers.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(referral_code__iexact=query)
            | Q(company__icontains=query)
        )
    return customers.order_by("name", "id")


def customers_count(*, user: User) -> int:
    """How many customers the user sees (their team's; every team's for an admin), from
    the counts `customer_create` keeps: one row (an admin: one per team), never a count
    of the customers themselves."""
    counts = (
        TeamCustomerCount.objects.all()
        if user.role == Role.ADMIN
        else TeamCustomerCount.objects.filter(team_id=user.team_id)
    )
    return counts.aggregate(total=Sum("customers"))["total"] or 0


def with_act_counts(customers) -> list[Customer]:
    """The customers of one page, each with `acts_count` (all their acts), in one query
    bounded by the page: the counts go through the acts' (customer, date) index."""
    customers = list(customers)
    counts = dict(
        Customer.objects.filter(pk__in=[c.pk for c in customers])
        .order_by()
        .values("pk")
        .annotate(n=Count("acts"))
        .values_list("pk", "n")
    )
    for customer in customers:
        customer.acts_count = counts.get(customer.pk, 0)
    return customers


def customer_by_code(*, user: User, code: str) -> Customer | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return customers_visible_to(user).filter(referral_code=code).first()


REFERRAL_TREE_DEPTH = 20  # generations listed on a customer page; deeper ones are counted
REFERRAL_TREE_INDENT = 6  # beyond this, rows stop stepping right (a phone is narrow)


def _descendant_ids(customer: Customer) -> RawSQL:
    """Every customer below `customer` in the referral tree, as one recursive subquery.

    UNION (not UNION ALL) drops rows already found, so even a loop that somehow reached
    the database ends the recursion instead of running forever.
    """
    table = connection.ops.quote_name(Customer._meta.db_table)
    pk = connection.ops.quote_name(Customer._meta.pk.column)
    parent = connection.ops.quote_name(Customer._meta.get_field("referred_by").column)
    # The ORM has no recursive query; identifiers come from the model, the pk is a parameter.
    return RawSQL(  # noqa: S611
        f"WITH RECURSIVE below (id) AS ("  # noqa: S608
        f" SELECT {pk} FROM {table} WHERE {parent} = %s"
        f" UNION SELECT c.{pk} FROM {table} c JOIN below b ON c.{parent} = b.id"
        f") SELECT id FROM below",
        [customer.pk],
    )


def referral_tree(*, customer: Customer, max_depth: int = REFERRAL_TREE_DEPTH) -> dict:
    """The customers below `customer`, generation by generation, in one query whatever
    the depth.

    Returns `rows` (customer, depth, `created`: how many customers they brought in, in
    total, at every depth below them) in tree order down to `max_depth` generations;
    `total`, every customer below `customer`; and `deeper`, how many of them lie beyond
    `max_depth` and are not listed. Counts are exact whatever is listed.
    """
    below = (
        Customer.objects.filter(pk__in=_descendant_ids(customer))
        .select_related("referred_by_story")
        .order_by("name", "id")
    )
    children_of: dict[int, list[Customer]] = {}
    for child in below:
        children_of.setdefault(child.referred_by_id, []).append(child)

    # Depth-first, without recursion; `seen` keeps a loop (were one ever stored) finite.
    seen = {customer.pk}
    in_order: list[tuple[Customer, int]] = []
    stack = [(child, 1) for child in reversed(children_of.get(customer.pk, []))]
    while stack:
        node, depth = stack.pop()
        if node.pk in seen:
            continue
        seen.add(node.pk)
        in_order.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(children_of.get(node.pk, [])))

    # Each node's total below it, children before parents (reverse of depth-first order).
    created: dict[int, int] = {}
    listed = {node.pk for node, _ in in_order}
    for node, _depth in reversed(in_order):
        created[node.pk] = sum(
            1 + created.get(child.pk, 0)
            for child in children_of.get(node.pk, [])
            if child.pk in listed and child.pk != customer.pk
        )
    rows = [
        {"customer": node, "depth": depth, "indent": min(depth, REFERRAL_TREE_INDENT), "created": created[node.pk]}
        for node, depth in in_order
        if depth <= max_depth
    ]
    return {"rows": rows, "total": len(in_order), "deeper": len(in_order) - len(rows), "max_depth": max_depth}


def story_for_referral(*, referrer: Customer | None, story_id) -> Story | None:
    """The referrer's story named in a form, or None."""
    story_id = id_parse(story_id)
    if referrer is None or story_id is None:
        return None
    return Story.objects.filter(customer=referrer, pk=story_id).first()


def referrer_stories(*, referrer: Customer | None) -> QuerySet[Story]:
    """The stories a referrer told, newest first: the ones that may have brought someone in."""
    if referrer is None:
        return Story.objects.none()
    return Story.objects.filter(customer=referrer).order_by("-told_on", "-id")


# The customer page shows the latest of each list; the feed (?customer=) has all their acts.
CUSTOMER_PAGE_LATEST = 10


def customer_page(*, customer: Customer) -> dict:
    """Everything the customer page shows, each in one query (the whole referral tree
    too, however deep); each list is the latest CUSTOMER_PAGE_LATEST with its total."""
    from acts.models import Act

    latest = CUSTOMER_PAGE_LATEST
    acts = list(
        Act.objects.filter(customer=customer).select_related("author", "customer").order_by("-date", "-id")[:latest]
    )
    responses = customer.nps_responses.select_related("act").order_by("-date", "-id")[:latest]
    counts = {
        "acts": Act.objects.filter(customer=customer).count(),
        "stories": customer.stories.count(),
        "nps_responses": customer.nps_responses.count(),
    }
    return {
        "customer": customer,
        "acts": acts,
        "stories": customer.stories.order_by("-told_on", "-id")[:latest],
        "nps_responses": responses,
        "counts": counts,
        "nps": nps_score(customer.nps_responses.all()),
        "follow_ups": customer.follow_ups.filter(done_at__isnull=True).select_related("act"),
        "referrals": referral_tree(customer=customer),
    }


def nps_score(responses: QuerySet) -> Decimal | None:
    """Net Promoter Score of some NPS responses, computed by the database in one query.

    NPS = % promoters (scores 9–10) − % detractors (scores 0–6); passives (7–8) count
    in the total only. From −100 to 100, one decimal (half up); None with no responses.
    """
    counts = responses.order_by().aggregate(
        total=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=9)),
        detractors=Count("pk", filter=Q(score__lte=6)),
    )
    if not counts["total"]:
        return None
    score = Decimal(100 * (counts["promoters"] - counts["detractors"])) / counts["total"]
    return score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Stories ----------------------------------------------------------------------

ON_THE_WALL = [StoryStatus.APPROVED, StoryStatus.FEATURED]


def _with_acts(stories: QuerySet[Story]) -> QuerySet[Story]:
    """Stories with their acts and the acts' authors, in two more queries for any number."""
    from acts.models import Act

    return stories.prefetch_related(
        Prefetch("acts", queryset=Act.objects.select_related("author").order_by("date", "id"))
    )


def stories_visible_to(user: User) -> QuerySet[Story]:
    """The stories a user may see: their team's, or every team's for an admin."""
    return visible_to(user, Story.objects.select_related("customer", "team", "recorded_by", "moderated_by"))


def story_get(*, user: User, pk) -> Story:
    """One story the user may see, or 404 (another team's story does not exist for them)."""
    return get_object_or_404(stories_visible_to(user), pk=pk)


def story_list(*, user: User, status: str = "") -> QuerySet[Story]:
    """Stories newest first (the API's list), optionally of one status."""
    stories = stories_visible_to(user)
    if status:
        stories = stories.filter(status=status)
    return _with_acts(stories).order_by("-told_on", "-id")


def story_wall(user: User) -> QuerySet[Story]:
    """The wall: approved and featured stories the customer agreed to share, featured
    first, then newest first, each with the acts it retells and their authors."""
    featured_first = Case(
        When(status=StoryStatus.FEATURED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    stories = stories_visible_to(user).filter(status__in=ON_THE_WALL, consent=True)
    return _with_acts(stories).order_by(featured_first, "-told_on", "-id")


def moderation_queue(user: User) -> QuerySet[Story]:
    """Stories waiting for an admin's review, oldest first; nothing for anyone else."""
    if user.role != Role.ADMIN:
        return Story.objects.none()
    stories = stories_visible_to(user).filter(status=StoryStatus.SUBMITTED)
    return _with_acts(stories).order_by("created_at", "id")


def featurable_stories(user: User, *, limit: int = 10) -> QuerySet[Story]:
    """Recently approved stories an admin may still feature, newest first."""
    if user.role != Role.ADMIN:
        return Story.objects.none()
    stories = stories_visible_to(user).filter(status=StoryStatus.APPROVED)
    return _with_acts(stories).order_by("-moderated_at", "-id")[:limit]


# --- Survey links ------------------------------------------------------------------


def survey_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_link_open(token: str) -> SurveyLink | None:
    """The open (unused, unexpired) link a token names, or None."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyLink.objects.select_related("act__customer", "act__team", "act__author")
        .filter(token_hash=survey_token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def survey_link_answered(token: str) -> SurveyLink | None:
    """The used link a token names (for the thank-you page of whoever just answered)."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyLink.objects.select_related("act__customer", "act__team", "act__author")
        .filter(token_hash=survey_token_hash(token), used_at__isnull=False)
        .first()
    )


def survey_last_asked(customer: Customer) -> datetime.datetime | None:
    """When the customer was last asked for their voice: the newest personal link made for
    them (a link made, or emailed, is asking, whether they answer or not) or their last
    answer through one, whichever is later; None if never."""
    latest_link = SurveyLink.objects.filter(act__customer_id=customer.pk).aggregate(latest=Max("created_at"))["latest"]
    return max((t for t in (latest_link, customer.last_surveyed_at) if t is not None), default=None)


def survey_quiet(customer: Customer) -> dict | None:
    """While the customer is in their quiet period: when they were last asked (`asked`)
    and the first day they may be asked again (`until`). None when they may be asked now."""
    asked = survey_last_asked(customer)
    if asked is None:
        return None
    until = timezone.localtime(asked).date() + datetime.timedelta(days=settings.SECONDMILE["SURVEY_QUIET_DAYS"])
    return {"asked": asked, "until": until} if until > timezone.localdate() else None


def survey_quiet_until(customer: Customer) -> datetime.date | None:
    """The first day the customer may be asked again, or None when they may be now."""
    quiet = survey_quiet(customer)
    return quiet["until"] if quiet else None
