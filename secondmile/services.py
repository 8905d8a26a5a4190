"""Writes that belong to no single app: API tokens, members, and recognition points."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import errors
from .audit import audit_record
from .models import ApiToken, AuditEvent, Kudos, PointsEntry, Role, Team, User
from .roles import ROLE_PERMISSIONS


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user: User, name: str = "API token") -> tuple[ApiToken, str]:
    """Make a personal API token; returns the row and the token, which is never stored."""
    token = "sm_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, name=(name or "API token").strip()[:60], key_hash=_token_hash(token),
        prefix=token[:10],
    )
    return row, token


def api_token_revoke(*, user: User, token_id: int) -> None:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise errors.InvalidInput("No such token.")


def api_token_user(token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    row = (
        ApiToken.objects.select_related("user", "user__team")
        .filter(key_hash=_token_hash(token), user__is_active=True)
        .first()
    )
    if row is None:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user


def member_create(
    *, username: str, team: Team, role: str = Role.STAFF, password: str | None = None,
    email: str = "", first_name: str = "", last_name: str = "",
) -> User:
    """Create a person of a team with one role (the role's group)."""
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, password=password, email=email, team=team,
            first_name=first_name, last_name=last_name,
        )
        member_set_role(user=user, role=role)
    return user


def member_set_role(*, user: User, role: str, by: User | None = None) -> None:
    """Put a person in exactly one role group; `by` is who decided it (None for a
    command). A change of role is written to the audit log."""
    groups = Group.objects.filter(name__in=[r.value for r in Role])
    before = next(iter(user.groups.filter(name__in=[r.value for r in Role])
                       .values_list("name", flat=True)), None)
    user.groups.remove(*groups)
    user.groups.add(role_group(role))
    audit_record(actor=by, action=AuditEvent.Action.ROLE_CHANGED, target=user, team=user.team,
                 before={"role": before}, after={"role": Role(role).value}, label=user.username)
    # Admins manage teams, people and budgets in the Django admin too.
    if user.is_staff != (role == Role.ADMIN) and not user.is_superuser:
        user.is_staff = role == Role.ADMIN
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("role", None)


def member_set_team(*, by: User, user: User, team: Team | None) -> User:
    """Move a person to another team (an admin, in the Django admin). The person is
    locked while it changes; the move is written to the audit log."""
    if by.role != Role.ADMIN:
        raise errors.NotAllowed("Only admins move people between teams.")
    with transaction.atomic():
        locked = User.objects.select_for_update(of=("self",)).select_related("team").get(pk=user.pk)
        before = locked.team
        if before != team:
            User.objects.filter(pk=user.pk).update(team=team)
            audit_record(actor=by, action=AuditEvent.Action.TEAM_CHANGED, target=locked, team=team,
                         before={"team": before}, after={"team": team}, label=locked.username)
    user.team = team
    return user


def role_group(role: str) -> Group:
    """The role's group. The data migration makes it; should it be missing (a flushed
    database), it is made again with the role's permissions."""
    group, created = Group.objects.get_or_create(name=role)
    if created:
        from django.contrib.auth.models import Permission

        for app_label, codename in ROLE_PERMISSIONS[Role(role)]:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return group


# --- Recognition ----------------------------------------------------------------


def _award(*, user, team, reason, points, key, earned_on, **links) -> None:
    """Add a ledger line once per outcome (the outcome key is unique)."""
    if user is None:
        return
    try:
        with transaction.atomic():
            PointsEntry.objects.create(
                user=user, team=team, reason=reason, points=points, outcome_key=key,
                earned_on=earned_on, **links,
            )
    except IntegrityError:
        pass  # already earned


def _points(reason: str) -> int:
    return settings.SECONDMILE["POINTS"][reason]


def points_for_delivery(*, act) -> None:
    _award(
        user=act.author, team=act.team, reason=PointsEntry.Reason.DELIVERED,
        points=_points("delivered"), key=f"delivered:act:{act.pk}", earned_on=timezone.localdate(),
        act=act,
    )


def points_for_story(*, story) -> None:
    """An approved (or featured) story earns points for the author of each act it retells."""
    reason = (
        PointsEntry.Reason.STORY_FEATURED if story.status == "featured"
        else PointsEntry.Reason.STORY_APPROVED
    )
    for act in story.acts.select_related("author", "team"):
        _award(
            user=act.author, team=act.team, reason=reason, points=_points(reason),
            key=f"{reason}:story:{story.pk}:act:{act.pk}", earned_on=timezone.localdate(),
            act=act, story=story,
        )


def points_for_referral(*, customer) -> None:
    """A customer brought in by a story earns points for the staff that story credits."""
    story = customer.referred_by_story
    if story is None:
        return
    for act in story.acts.select_related("author", "team"):
        _award(
            user=act.author, team=act.team, reason=PointsEntry.Reason.REFERRAL,
            points=_points("referral"), key=f"referral:customer:{customer.pk}:act:{act.pk}",
            earned_on=timezone.localdate(), act=act, story=story, customer=customer,
        )


def kudos_give(*, user: User, receiver: User, note: str, act=None) -> Kudos:
    """A manager thanks someone of their team."""
    if not user.is_manager:
        raise errors.NotAllowed("Only managers give kudos.")
    if receiver.pk == user.pk:
        raise errors.InvalidInput("Kudos go to someone else.", field="receiver")
    if receiver.team_id != user.team_id and user.role != Role.ADMIN:
        raise errors.NotAllowed("Kudos go to someone of your team.")
    note = (note or "").strip()
    if not note:
        raise errors.InvalidInput("Say what the kudos are for.", field="note")
    return Kudos.objects.create(giver=user, receiver=receiver, team=receiver.team, act=act,
                                note=note[:280])


def leaderboard_visibility_set(*, user: User, hidden: bool) -> None:
    User.objects.filter(pk=user.pk).update(hide_from_leaderboard=hidden)
    user.hide_from_leaderboard = hidden


# --- Follow-ups -----------------------------------------------------------------

# Days after delivery that each follow-up falls due.
FOLLOW_UP_DAYS = {"thank_you": 2, "check_in": 14}


def followups_after_delivery(*, act) -> list:
    """Schedule what follows a delivered act: a thank-you note due two days after
    delivery and a check-in call due after fourteen, for the act's team."""
    from customers.models import FollowUp

    delivered_on = timezone.localdate()
    return FollowUp.objects.bulk_create([
        FollowUp(team_id=act.team_id, customer_id=act.customer_id, act=act, kind=kind,
                 due_on=delivered_on + datetime.timedelta(days=days))
        for kind, days in FOLLOW_UP_DAYS.items()
    ])


def followup_done(*, user: User, follow_up):
    """Mark a follow-up done by `user`: someone of its team (an admin of any team).

    Locked and checked: a follow-up already done raises Conflict, so a double click
    records it once.
    """
    from customers.models import FollowUp

    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if follow_up.team_id != user.team_id and user.role != Role.ADMIN:
            raise errors.NotAllowed("This follow-up belongs to another team.")
        if follow_up.done_at is not None:
            raise errors.Conflict("This follow-up is already done.")
        follow_up.done_at = timezone.now()
        follow_up.done_by = user
        follow_up.save(update_fields=["done_at", "done_by"])
    return follow_up
