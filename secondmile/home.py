"""What the home and profile pages show: my acts, what waits for me, my recognition."""

from acts import selectors as act_selectors
from acts.models import Act


def home_context(*, user) -> dict:
    my_acts = (
        Act.objects.filter(author=user).select_related("customer", "author").order_by("-date", "-id")[:5]
    )
    context = {"my_acts": my_acts}
    if user.is_manager:
        context["queue_count"] = act_selectors.approval_queue(user=user).count()
        context["review_count"] = act_selectors.review_queue(user=user).count()
    return context


def profile_context(*, user) -> dict:
    return {}
