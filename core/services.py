"""Writes on people: members, their roles and teams, and their two-factor sign-in.

API tokens are in tokens.py, points and kudos in recognition.py."""

import re

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import errors
from .audit import audit_record, audited_update
from .models import AuditEvent, Role, Team, User
from .roles import ADMIN_SIGN_IN_PERMISSIONS, ROLE_PERMISSIONS

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


def mfa_recovery_codes_left(*, user: User) -> int:
    """How many of the user's recovery codes are still unused (each works once)."""
    return StaticToken.objects.filter(device__user=user).count()


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
    by: User | None = None,
) -> User:
    """Create a person of a team with one role (the role's group); `by` is who made them
    (None for a command), written with the role to the audit log. Without a password
    they cannot log in until they set one (core.people_import mails them the link)."""
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            email=email,
            team=team,
            first_name=first_name,
            last_name=last_name,
        )
        member_set_role(user=user, role=role, by=by)
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
        extra = ADMIN_SIGN_IN_PERMISSIONS if role == Role.ADMIN else []
        for app_label, codename in [*ROLE_PERMISSIONS[Role(role)], *extra]:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


# --- Slack member ID --------------------------------------------------------------------

SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,19}")
MSG_SLACK_USER_ID_FORMAT = (
    "A Slack member ID looks like U012AB3CD4E: in Slack, open your profile, then ⋮ and Copy member ID."
)
MSG_SLACK_USER_ID_TAKEN = "That Slack member ID is already linked to another person in Second Mile."


def user_slack_id_set(*, user: User, slack_user_id: str) -> User:
    """Link the user to their Slack member ID (or unlink, with ""): a button they click in
    Slack then acts as them. One Second Mile user per Slack member; written to the audit log."""
    slack_user_id = (slack_user_id or "").strip()
    if slack_user_id and not SLACK_USER_ID.fullmatch(slack_user_id):
        raise errors.InvalidInput(MSG_SLACK_USER_ID_FORMAT, field="slack_user_id")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if slack_user_id and User.objects.filter(slack_user_id=slack_user_id).exclude(pk=user.pk).exists():
            raise errors.Conflict(MSG_SLACK_USER_ID_TAKEN, field="slack_user_id")
        try:
            with transaction.atomic():
                audited_update(
                    locked,
                    actor=user,
                    action=AuditEvent.Action.SLACK_CHANGED,
                    team=locked.team,
                    changes={"slack_user_id": slack_user_id},
                    label=locked.display_name,
                )
        except IntegrityError:
            raise errors.Conflict(MSG_SLACK_USER_ID_TAKEN, field="slack_user_id") from None
    user.slack_user_id = slack_user_id
    return user
