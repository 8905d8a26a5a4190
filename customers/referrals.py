"""Referrals: the codes customers pass on, the guards every referral keeps (same team,
not oneself, no loop, one referrer, the story that brought them is the referrer's), and
the referral tree a customer page shows, however deep, in one query."""

import secrets

from django.db import connection
from django.db.models.expressions import RawSQL

from core import errors
from core.models import Team

from .models import Customer

# No 0/O or 1/I/L: codes are read aloud and typed from paper.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def referral_code_new() -> str:
    return referral_codes_new(count=1)[0]


def referral_codes_new(*, count: int, taken: set[str] | frozenset = frozenset()) -> list[str]:
    """`count` fresh codes, none held by a customer yet nor in `taken` (codes about to be
    given in the same write): drawn at random, checked in one query per round."""
    codes: list[str] = []
    while len(codes) < count:
        wanted = count - len(codes)
        drawn = {"".join(secrets.choice(_CODE_ALPHABET) for _ in range(6)) for _ in range(wanted)}
        drawn -= set(codes) | set(taken)
        held: set[str] = set()
        for start in range(0, len(drawn), 1000):
            chunk = sorted(drawn)[start : start + 1000]
            held |= set(Customer.objects.filter(referral_code__in=chunk).values_list("referral_code", flat=True))
        codes.extend(sorted(drawn - held))
    return codes[:count]


def _check_referral(*, customer: Customer | None, referrer: Customer | None, team: Team) -> None:
    """The referral guards: same team, not oneself, no loop, referred at most once.

    The referrer's ancestry is read afresh from the database, one step at a time (never
    from a cached `referred_by`): with the team locked by the caller, it is what other
    edits have committed.
    """
    if referrer is None:
        return
    if referrer.team_id != team.pk:
        raise errors.InvalidInput("That referrer is not a customer of this team.", field="referred_by")
    if customer is None or customer.pk is None:
        return
    if referrer.pk == customer.pk:
        raise errors.InvalidInput(errors.MSG_SELF_REFERRAL, field="referred_by")
    if customer.referred_by_id and customer.referred_by_id != referrer.pk:
        raise errors.InvalidInput(errors.MSG_ALREADY_REFERRED, field="referred_by")
    # Walk up from the referrer: meeting the customer means the referral would loop. The
    # `seen` set ends the walk even on a loop that somehow already exists.
    seen: set[int] = set()
    ancestor_id: int | None = referrer.pk
    while ancestor_id is not None and ancestor_id not in seen:
        if ancestor_id == customer.pk:
            raise errors.InvalidInput(errors.MSG_REFERRAL_LOOP.format(name=referrer.name), field="referred_by")
        seen.add(ancestor_id)
        ancestor_id = Customer.objects.filter(pk=ancestor_id).values_list("referred_by_id", flat=True).first()


MSG_STORY_NOT_REFERRERS = "The story that brought them must be one their referrer told."
REFERRAL_FIELDS = ("referred_by", "referred_by_story")


def referral_check(*, customer: Customer | None, team: Team, referred_by, referred_by_story) -> None:
    """Every rule a customer's referral must keep, given the referrer and story it would
    have: the guards of `_check_referral`, a referrer once set stays, and the story
    that brought them is one their referrer told. Raises InvalidInput naming the field.
    Reads only; the services call it with the rows locked, forms to show the message."""
    _check_referral(customer=customer, referrer=referred_by, team=team)
    if referred_by is None and customer is not None and customer.referred_by_id:
        raise errors.InvalidInput(errors.MSG_ALREADY_REFERRED, field="referred_by")
    if referred_by_story is not None and (referred_by is None or referred_by_story.customer_id != referred_by.pk):
        raise errors.InvalidInput(MSG_STORY_NOT_REFERRERS, field="referred_by_story")


REFERRAL_TREE_DEPTH = 20  # generations listed on a customer page; deeper ones are counted
REFERRAL_TREE_INDENT = 6  # beyond this, rows stop stepping right (a phone is narrow)


def descendant_ids(customer_ids: list[int]) -> RawSQL:
    """Every customer below any of `customer_ids` in the referral tree, as one recursive
    subquery.

    UNION (not UNION ALL) drops rows already found, so even a loop that somehow reached
    the database ends the recursion instead of running forever.
    """
    table = connection.ops.quote_name(Customer._meta.db_table)
    pk = connection.ops.quote_name(Customer._meta.pk.column)
    parent = connection.ops.quote_name(Customer._meta.get_field("referred_by").column)
    ids = [int(customer_id) for customer_id in customer_ids] or [0]
    marks = ", ".join(["%s"] * len(ids))
    # The ORM has no recursive query; identifiers come from the model, the ids are parameters.
    return RawSQL(  # noqa: S611
        f"WITH RECURSIVE below (id) AS ("  # noqa: S608
        f" SELECT {pk} FROM {table} WHERE {parent} IN ({marks})"
        f" UNION SELECT c.{pk} FROM {table} c JOIN below b ON c.{parent} = b.id"
        f") SELECT id FROM below",
        ids,
    )


def _descendant_ids(customer: Customer) -> RawSQL:
    """Every customer below `customer` in the referral tree (descendant_ids of one)."""
    return descendant_ids([customer.pk])


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
