"""The recognition ledger: points people earn from outcomes (a delivered act, an approved
or featured story, a referred customer), once per outcome, and kudos from managers.

Callers pass their rows (an act, a story, a customer); this module reads only their
fields, so it imports no app above the foundation.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import errors
from .models import Kudos, PointsEntry, User
from .roles import require_team_of


def _award(*, user, team, reason, points, key, earned_on, **links) -> None:
    """Add a ledger line once per outcome (the outcome key is unique)."""
    if user is None:
        return
    try:
        with transaction.atomic():
            PointsEntry.objects.create(
                user=user,
                team=team,
                reason=reason,
                points=points,
                outcome_key=key,
                earned_on=earned_on,
                **links,
            )
    except IntegrityError:
        pass  # already earned


def _points(reason: str) -> int:
    return settings.SECONDMILE["POINTS"][reason]


def points_for_delivery(*, act) -> None:
    _award(
        user=act.author,
        team=act.team,
        reason=PointsEntry.Reason.DELIVERED,
        points=_points("delivered"),
        key=f"delivered:act:{act.pk}",
        earned_on=timezone.localdate(),
        act=act,
    )


def points_for_story(*, story) -> None:
    """An approved (or featured) story earns points for the author of each act it retells."""
    reason = PointsEntry.Reason.STORY_FEATURED if story.status == "featured" else PointsEntry.Reason.STORY_APPROVED
    for act in story.acts.select_related("author", "team"):
        _award(
            user=act.author,
            team=act.team,
            reason=reason,
            points=_points(reason),
            key=f"{reason}:story:{story.pk}:act:{act.pk}",
            earned_on=timezone.localdate(),
            act=act,
            story=story,
        )


def points_for_referral(*, customer) -> None:
    """A customer brought in by a story earns points for the staff that story credits."""
    story = customer.referred_by_story
    if story is None:
        return
    for act in story.acts.select_related("author", "team"):
        _award(
            user=act.author,
            team=act.team,
            reason=PointsEntry.Reason.REFERRAL,
            points=_points("referral"),
            key=f"referral:customer:{customer.pk}:act:{act.pk}",
            earned_on=timezone.localdate(),
            act=act,
            story=story,
            customer=customer,
        )


def kudos_give(*, user: User, receiver: User, note: str, act=None) -> Kudos:
    """A manager thanks someone of their team."""
    if not user.is_manager:
        raise errors.NotAllowed("Only managers give kudos.")
    if receiver.pk == user.pk:
        raise errors.InvalidInput("Kudos go to someone else.", field="receiver")
    require_team_of(user, receiver, "Kudos go to someone of your team.")
    note = (note or "").strip()
    if not note:
        raise errors.InvalidInput("Say what the kudos are for.", field="note")
    return Kudos.objects.create(giver=user, receiver=receiver, team=receiver.team, act=act, note=note[:280])


def leaderboard_visibility_set(*, user: User, hidden: bool) -> None:
    User.objects.filter(pk=user.pk).update(hide_from_leaderboard=hidden)
    user.hide_from_leaderboard = hidden
