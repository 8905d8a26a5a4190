"""Reads on rewards for the pages and the API, scoped here: the catalogue a person redeems
from is their own team's; admins keep every team's; managers decide their team's
redemptions (admins: every team's). Another team's reward or redemption is a 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from core.models import Role, User
from core.roles import role_require, visible_to

from .models import Redemption, Reward

MY_LATEST_REDEMPTIONS = 5


def rewards_offered(*, user: User):
    """The active rewards of the user's own team, cheapest first."""
    return Reward.objects.filter(team_id=user.team_id, active=True).order_by("points", "name", "id")


def reward_to_redeem(*, user: User, pk) -> Reward:
    """A reward of the user's own team (active or not: redeeming an inactive one says so),
    or 404."""
    return get_object_or_404(Reward.objects.filter(team_id=user.team_id).select_related("team"), pk=pk)


def rewards_kept(*, user: User, team_id: int | None = None):
    """Every reward of the catalogues an admin keeps (one team's when `team_id` is given),
    active first, then cheapest first; 404 for anyone else."""
    if user.role != Role.ADMIN:
        raise Http404
    rewards = Reward.objects.select_related("team")
    if team_id is not None:
        rewards = rewards.filter(team_id=team_id)
    return rewards.order_by("-active", "team__name", "points", "name", "id")


def reward_kept(*, user: User, pk) -> Reward:
    return get_object_or_404(rewards_kept(user=user), pk=pk)


def redemptions_waiting(*, user: User):
    """The redemptions waiting to be handed out, oldest first: the manager's team's, or
    every team's for an admin; 404 for staff."""
    role_require(user, needs=Role.MANAGER, says="Handing out rewards is for managers.")
    return visible_to(
        user,
        Redemption.objects.filter(status=Redemption.Status.REQUESTED).select_related("user", "reward", "team"),
    ).order_by("requested_at", "id")


def redemption_to_decide(*, user: User, pk) -> Redemption:
    return get_object_or_404(redemptions_decidable(user=user), pk=pk)


def redemptions_decidable(*, user: User):
    """Every redemption a manager may see, any status (their team's; an admin: all)."""
    role_require(user, needs=Role.MANAGER, says="Handing out rewards is for managers.")
    return visible_to(user, Redemption.objects.select_related("user", "reward", "team"))


def redemptions_of(*, user: User, limit: int = MY_LATEST_REDEMPTIONS) -> list[Redemption]:
    """The person's latest redemptions, newest first, with who decided them."""
    return list(
        Redemption.objects.filter(user=user)
        .select_related("reward", "decided_by")
        .order_by("-requested_at", "-id")[:limit]
    )
