"""Reads on customers, scoped to the user's team (admins see every team): customers and
their referral chains. Stories, NPS and survey links are read in stories/."""

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from core.inputs import id_parse
from core.models import User
from core.roles import visible_to

from .models import Customer


def customers_visible_to(user: User) -> QuerySet[Customer]:
    return visible_to(user, Customer.objects.select_related("team", "referred_by"))


def customer_get(*, user: User, pk) -> Customer:
    return get_object_or_404(customers_visible_to(user).select_related("referred_by_story"), pk=pk)


def customer_search(*, user: User, query: str = "") -> QuerySet[Customer]:
    """Customers matching a name, email or referral code, with their act counts."""
    customers = customers_visible_to(user).annotate(acts_count=Count("acts", distinct=True))
    query = (query or "").strip()
    if query:
        customers = customers.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(referral_code__iexact=query)
            | Q(company__icontains=query)
        )
    return customers.order_by("name", "id")


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
