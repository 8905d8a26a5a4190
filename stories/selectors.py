"""Reads on stories, scoped to the user's team (admins see every team): the story wall,
the moderation queue, and the customer page that gathers a customer's acts, stories,
NPS answers, follow-ups and referrals."""

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from acts.models import Act
from core.models import Role, User
from core.roles import visible_to
from customers.models import Customer
from customers.referrals import referral_tree

from .models import Story, StoryStatus
from .net_promoter import nps_from_counts
from .nps_bar import band_counts, nps_bar

# The customer page shows the latest of each list; the feed (?customer=) has all their acts.
CUSTOMER_PAGE_LATEST = 10


def customer_page(*, customer: Customer) -> dict:
    """Everything the customer page shows, each in one query (the whole referral tree
    too, however deep); each list is the latest CUSTOMER_PAGE_LATEST with its total."""
    latest = CUSTOMER_PAGE_LATEST
    bands = band_counts(customer.nps_responses.all())
    acts = list(
        Act.objects.filter(customer=customer)
        .select_related("author", "customer", "team")
        .order_by("-date", "-id")[:latest]
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
        "nps": nps_from_counts(promoters=bands["promoters"], detractors=bands["detractors"], total=sum(bands.values())),
        "nps_bar": nps_bar(**bands),
        "follow_ups": customer.follow_ups.filter(done_at__isnull=True).select_related("act"),
        "referrals": referral_tree(customer=customer),
    }


ON_THE_WALL = [StoryStatus.APPROVED, StoryStatus.FEATURED]


def _with_acts(stories: QuerySet[Story]) -> QuerySet[Story]:
    """Stories with their acts and the acts' authors, in two more queries for any number."""
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
