"""The recognition ledger: points people earn from outcomes only — a story that retells
their act approved or featured, a customer that story brought in — once per outcome, and
kudos from managers. Volume earns nothing: logging or delivering an act gives no points.
A story approved and later featured ends with the points of a featured story, the same
as one featured at once. Each ledger line says in words why it was earned (`why`).

Callers pass their rows (an act, a story, a customer); this module reads only their
fields, so it imports no app above the foundation.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import errors
from .models import Kudos, PointsEntry, User
from .points_to_date import points_add
from .roles import require_team_of


def _award(*, user, team, reason, points, key, earned_on, why, **links) -> None:
    """Add a ledger line once per outcome (the outcome key is unique), with why in words."""
    if user is None or points == 0:
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
                why=why[:300],
                **links,
            )
            points_add(team_id=team.pk, user_id=user.pk, earned_on=earned_on, points=points)
    except IntegrityError:
        pass  # already earned


def _points(reason: str) -> int:
    return settings.SECONDMILE["POINTS"][reason]


def _act_words(act) -> str:
    solution = act.solution if len(act.solution) <= 60 else act.solution[:59] + "…"
    return f"your act for {act.customer} (“{solution}”)"


STORY_REASONS = (PointsEntry.Reason.STORY_APPROVED, PointsEntry.Reason.STORY_FEATURED)


def story_points_earned(*, story, act) -> int:
    """What the story has already earned the author of `act` (0, or the approval's points)."""
    return sum(
        PointsEntry.objects.filter(
            outcome_key__in=[f"{reason}:story:{story.pk}:act:{act.pk}" for reason in STORY_REASONS]
        ).values_list("points", flat=True)
    )


def points_for_story(*, story) -> None:
    """An approved (or featured) story earns points for the author of each act it retells.

    Featured after approval, it earns the difference, so that approve-then-feature and
    feature at once end with the same points (a featured story's). Story moderation
    locks the story, so the approval's line is read before the difference is written.
    """
    featured = story.status == "featured"
    reason = PointsEntry.Reason.STORY_FEATURED if featured else PointsEntry.Reason.STORY_APPROVED
    full = _points(reason)
    told = f"{story.customer}'s story ({story.get_channel_display().lower()})"
    for act in story.acts.select_related("author", "team", "customer"):
        earned = story_points_earned(story=story, act=act) if featured else 0
        if earned:
            why = (
                f"{told} retelling {_act_words(act)} was featured on the story wall: "
                f"{full} points for a featured story, {earned} of them earned when it was approved."
            )
        else:
            where = "featured on the story wall" if featured else "approved for the story wall"
            kind = "a featured" if featured else "an approved"
            why = f"{told} retelling {_act_words(act)} was {where}: {full} points for {kind} story."
        _award(
            user=act.author,
            team=act.team,
            reason=reason,
            points=full - earned,
            key=f"{reason}:story:{story.pk}:act:{act.pk}",
            earned_on=timezone.localdate(),
            why=why,
            act=act,
            story=story,
        )


def points_for_referral(*, customer) -> None:
    """A customer brought in by a story earns points for the staff that story credits."""
    story = customer.referred_by_story
    if story is None:
        return
    points = _points("referral")
    for act in story.acts.select_related("author", "team", "customer"):
        _award(
            user=act.author,
            team=act.team,
            reason=PointsEntry.Reason.REFERRAL,
            points=points,
            key=f"referral:customer:{customer.pk}:act:{act.pk}",
            earned_on=timezone.localdate(),
            why=(
                f"{customer} became a customer through {story.customer}'s story retelling "
                f"{_act_words(act)}: {points} points for a referred customer."
            ),
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
