"""Writes that belong to no single app: API tokens, two-factor sign-in, members, and
recognition points."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import errors
from .audit import audit_record
from .models import ApiToken, AuditEvent, Kudos, PointsEntry, Role, Team, User
from .points_to_date import points_add
from .roles import ADMIN_SIGN_IN_PERMISSIONS, ROLE_PERMISSIONS
from .security import security_event


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user: User, name: str = "API token") -> tuple[ApiToken, str]:
    """Make a personal API token; returns the row and the token, which is never stored."""
    token = "sm_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        name=(name or "API token").strip()[:60],
        key_hash=_token_hash(token),
        prefix=token[:10],
    )
    return row, token


def api_token_revoke(*, user: User, token_id: int) -> None:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise errors.InvalidInput("No such token.")


def api_token_user(token: str, *, ip: str = "") -> User | None:
    """The active user a bearer token belongs to, or None. Records when it was used and
    from where; a use from another address than last time goes to the security log."""
    row = (
        ApiToken.objects.select_related("user", "user__team")
        .filter(key_hash=_token_hash(token), user__is_active=True)
        .first()
    )
    if row is None:
        return None
    changes = {"last_used_at": timezone.now()}
    if ip and ip != row.last_ip:
        changes["last_ip"] = ip
        security_event(
            "api_token_new_ip", user=row.user, token_id=row.pk, token_name=row.name, previous_ip=row.last_ip or None
        )
    ApiToken.objects.filter(pk=row.pk).update(**changes)
    return row.user


# --- Two-factor sign-in ---------------------------------------------------------

RECOVERY_CODES = 10


def _totp_for(key: str, code: str) -> int | None:
    """The time step at which `code` is right for the hex `key`, within django-otp's
    tolerance (a step either side), or None."""
    digits = (code or "").strip().replace(" ", "")
    if not (digits.isdigit() and len(digits) == 6):
        return None
    totp = TOTP(bytes.fromhex(key), step=30, digits=6)
    return totp.t() if totp.verify(int(digits), tolerance=1) else None


def mfa_enable(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn on two-factor sign-in with the authenticator app set up from the hex `key`,
    once `code` shows that the app works.

    Preconditions: the user has no confirmed device yet (Conflict otherwise); `code` is
    the app's current code (InvalidInput otherwise, nothing written). Makes the TOTP
    device (the confirming code cannot be used again) and RECOVERY_CODES single-use
    recovery codes, which are returned: shown once, they are not shown again.
    """
    with transaction.atomic():
        # Two confirmations at once (a double click) make one device, not two.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if user_has_device(user):
            raise errors.Conflict(errors.MSG_MFA_ALREADY_ON)
        step = _totp_for(key, code)
        if step is None:
            raise errors.InvalidInput(errors.MSG_MFA_WRONG_CODE, field="code")
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True, last_t=step)
        recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    return device, codes


def mfa_code_check(*, user: User, code: str):
    """The device that accepts `code` for `user` (their app's current 6 digits, or an
    unused recovery code, which is used up), or None. Each device is locked while it is
    checked, so the same code sent twice at once is accepted once."""
    code = (code or "").strip().replace(" ", "").replace("-", "").lower()
    if not code:
        return None
    with transaction.atomic():
        if code.isdigit():
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        else:
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and device.verify_token(code):
            return device
    return None


def mfa_disable(*, user: User, code: str) -> None:
    """Turn two-factor sign-in off, given a current code (or a recovery code).

    Refused (NotAllowed) for a role that requires it, and (InvalidInput) for a wrong
    code; otherwise the app's device and the recovery codes are deleted.
    """
    if user.role in settings.MFA_REQUIRED_ROLES:
        raise errors.NotAllowed(errors.MSG_MFA_REQUIRED_FOR_ROLE)
    with transaction.atomic():
        if mfa_code_check(user=user, code=code) is None:
            raise errors.InvalidInput(errors.MSG_MFA_WRONG_CODE, field="code")
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def member_create(
    *,
    username: str,
    team: Team,
    role: str = Role.STAFF,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a person of a team with one role (the role's group)."""
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            email=email,
            team=team,
            first_name=first_name,
            last_name=last_name,
        )
        member_set_role(user=user, role=role)
    return user


def member_set_role(*, user: User, role: str, by: User | None = None) -> None:
    """Put a person in exactly one role group; `by` is who decided it (None for a
    command). A change of role is written to the audit log."""
    groups = Group.objects.filter(name__in=[r.value for r in Role])
    before = next(iter(user.groups.filter(name__in=[r.value for r in Role]).values_list("name", flat=True)), None)
    user.groups.remove(*groups)
    user.groups.add(role_group(role))
    audit_record(
        actor=by,
        action=AuditEvent.Action.ROLE_CHANGED,
        target=user,
        team=user.team,
        before={"role": before},
        after={"role": Role(role).value},
        label=user.username,
    )
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
            audit_record(
                actor=by,
                action=AuditEvent.Action.TEAM_CHANGED,
                target=locked,
                team=team,
                before={"team": before},
                after={"team": team},
                label=locked.username,
            )
    user.team = team
    return user


def role_group(role: str) -> Group:
    """The role's group. The data migration makes it; should it be missing (a flushed
    database), it is made again with the role's permissions."""
    group, created = Group.objects.get_or_create(name=role)
    if created:
        from django.contrib.auth.models import Permission

        extra = ADMIN_SIGN_IN_PERMISSIONS if role == Role.ADMIN else []
        for app_label, codename in [*ROLE_PERMISSIONS[Role(role)], *extra]:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


# --- Recognition ----------------------------------------------------------------


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
            points_add(team_id=team.pk, user_id=user.pk, earned_on=earned_on, points=points)
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
    if receiver.team_id != user.team_id and user.role != Role.ADMIN:
        raise errors.NotAllowed("Kudos go to someone of your team.")
    note = (note or "").strip()
    if not note:
        raise errors.InvalidInput("Say what the kudos are for.", field="note")
    return Kudos.objects.create(giver=user, receiver=receiver, team=receiver.team, act=act, note=note[:280])


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
    return FollowUp.objects.bulk_create(
        [
            FollowUp(
                team_id=act.team_id,
                customer_id=act.customer_id,
                act=act,
                kind=kind,
                due_on=delivered_on + datetime.timedelta(days=days),
            )
            for kind, days in FOLLOW_UP_DAYS.items()
        ]
    )


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
