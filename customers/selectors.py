"""Reads on customers, scoped to the user's team (admins see every team)."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from secondmile.models import Role, User

from .models import Customer, Story


def customers_visible_to(user: User) -> QuerySet[Customer]:
    customers = Customer.objects.select_related("team", "referred_by")
    if user.role == Role.ADMIN:
        return customers
    return customers.filter(team_id=user.team_id)


def customer_get(*, user: User, pk) -> Customer:
    return get_object_or_404(customers_visible_to(user), pk=pk)


def customer_search(*, user: User, query: str = "") -> QuerySet[Customer]:
    """Customers matching a name, email or referral code, with their act counts."""
    customers = customers_visible_to(user).annotate(acts_count=Count("acts", distinct=True))
    query = (query or "").strip()
    if query:
        customers = customers.filter(
            Q(name__icontains=query) | Q(email__icontains=query)
            | Q(referral_code__iexact=query) | Q(company__icontains=query)
        )
    return customers.order_by("name", "id")


def customer_by_code(*, user: User, code: str) -> Customer | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return customers_visible_to(user).filter(referral_code=code).first()


def referral_tree(*, customer: Customer, max_depth: int = 6) -> list[dict]:
    """The customers below `customer`, generation by generation, as a flat list of rows
    (customer, depth, total created below them). One query per generation."""
    team_customers = Customer.objects.filter(team_id=customer.team_id, referred_by__isnull=False)
    children_of: dict[int, list[Customer]] = {}
    frontier = [customer.pk]
    depth = 0
    while frontier and depth < max_depth:
        generation = list(team_customers.filter(referred_by_id__in=frontier).order_by("name"))
        for child in generation:
            children_of.setdefault(child.referred_by_id, []).append(child)
        frontier = [child.pk for child in generation]
        depth += 1

    def total_below(pk: int) -> int:
        return sum(1 + total_below(child.pk) for child in children_of.get(pk, []))

    rows: list[dict] = []

    def walk(pk: int, level: int) -> None:
        for child in children_of.get(pk, []):
            rows.append({"customer": child, "depth": level, "created": total_below(child.pk)})
            walk(child.pk, level + 1)

    walk(customer.pk, 1)
    return rows


def story_for_referral(*, referrer: Customer | None, story_id) -> Story | None:
    """The referrer's story named in a form, or None."""
    if referrer is None or not story_id:
        return None
    return Story.objects.filter(customer=referrer, pk=story_id).first()


def customer_page(*, customer: Customer) -> dict:
    """Everything the customer page shows, each in one query."""
    from acts.models import Act

    acts = Act.objects.filter(customer=customer).select_related("author").order_by("-date", "-id")
    return {
        "customer": customer,
        "acts": acts,
        "stories": customer.stories.order_by("-told_on", "-id"),
        "nps_responses": customer.nps_responses.order_by("-date", "-id"),
        "referral_rows": referral_tree(customer=customer),
    }
