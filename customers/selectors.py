"""Reads on customers, scoped to the user's team (admins see every team): customers and
their referral chains. Stories, NPS and survey links are read in stories/."""

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from core.inputs import id_parse
from core.models import Role, User
from core.roles import visible_to

from .models import Customer, CustomerReturn, TeamCustomerCount


def customers_visible_to(user: User) -> QuerySet[Customer]:
    return visible_to(user, Customer.objects.select_related("team", "referred_by"))


def customer_get(*, user: User, pk) -> Customer:
    return get_object_or_404(customers_visible_to(user).select_related("referred_by_story"), pk=pk)


def customer_search(*, user: User, query: str = "") -> QuerySet[Customer]:
    """Customers matching a name, email, company or referral code (all of them without a
    query), by name. Their act counts are read for the page shown (`with_act_counts`),
    never for every match."""
    return customers_visible_to(user).filter(customer_matching(query)).order_by("name", "id")


def customer_matching(query: str | None) -> Q:
    """Customers whose name, email or company contain `query`, or whose referral code it
    is; every customer for a blank query."""
    query = (query or "").strip()
    if not query:
        return Q()
    return (
        Q(name__icontains=query)
        | Q(email__icontains=query)
        | Q(referral_code__iexact=query)
        | Q(company__icontains=query)
    )


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


def customers_of_team(*, user: User, team_id: int | None = None) -> QuerySet[Customer]:
    """The customers of one team the user may see (their own team by default): the
    referrers a customer form offers."""
    return customers_visible_to(user).filter(team_id=user.team_id if team_id is None else team_id)


def customer_for_story(*, customers: QuerySet[Customer], story_id) -> Customer | None:
    """The customer among `customers` who told the story `story_id`, or None."""
    story_id = id_parse(story_id)
    if story_id is None:
        return None
    return customers.filter(stories__pk=story_id).first()


def story_for_referral(*, referrer: Customer | None, story_id):
    """The referrer's story named in a form, or None."""
    story_id = id_parse(story_id)
    if referrer is None or story_id is None:
        return None
    return referrer.stories.filter(pk=story_id).first()


def referrer_stories(*, referrer: Customer | None):
    """The stories a referrer told, newest first: the ones that may have brought someone in
    (read through the reverse accessor: stories sit above customers)."""
    if referrer is None:
        return Customer.objects.none()
    return referrer.stories.order_by("-told_on", "-id")


def customer_returns(*, customer: Customer) -> QuerySet[CustomerReturn]:
    """The times a customer came back, latest first (through the (customer, date) index)."""
    return CustomerReturn.objects.filter(customer=customer).select_related("recorded_by").order_by("-date", "-id")
