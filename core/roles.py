"""Roles, and who may see or decide what: one source of truth.

A person's role is the name of the group they are in (staff, manager, admin;
`User.role`). Every rule of the product checks the role by name, here and in the
services (`user.is_manager`, `user.role == Role.ADMIN`, `require_team_of`); no code
checks a model permission. The groups' model permissions (ROLE_PERMISSIONS, including
`acts.decide_spend` and `stories.moderate_story`) are for the Django admin only: they
decide what each role sees and may do there, and nowhere else.
"""

from . import errors
from .models import Role

MSG_NO_TEAM = "Your account has no team yet: ask an admin."

# (app_label, codename) pairs each role holds.
_STAFF = [
    ("customers", "view_customer"),
    ("customers", "add_customer"),
    ("customers", "change_customer"),
    ("acts", "view_act"),
    ("acts", "add_act"),
    ("acts", "change_act"),
    ("stories", "view_story"),
    ("stories", "add_story"),
    ("stories", "view_npsresponse"),
    ("stories", "add_npsresponse"),
    ("acts", "view_followup"),
    ("acts", "change_followup"),
]
_MANAGER = [*_STAFF, ("acts", "decide_spend"), ("acts", "view_budgetmonth"), ("secondmile", "add_kudos")]
_ADMIN = [
    *_MANAGER,
    ("stories", "moderate_story"),
    ("stories", "change_story"),
    ("acts", "change_budgetmonth"),
    ("acts", "add_budgetmonth"),
    ("secondmile", "view_team"),
    ("secondmile", "change_team"),
    ("secondmile", "add_team"),
    ("secondmile", "view_user"),
    ("secondmile", "change_user"),
    ("secondmile", "add_user"),
    ("acts", "view_actevent"),
    ("stories", "view_storyevent"),
]

ROLE_PERMISSIONS = {Role.STAFF: _STAFF, Role.MANAGER: _MANAGER, Role.ADMIN: _ADMIN}

# Also held by admins, granted by a later migration (0005) once the sign-in apps exist:
# seeing and lifting login lock-outs, and removing the device of someone who lost a phone.
ADMIN_SIGN_IN_PERMISSIONS = [
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accesslog"),
    ("otp_totp", "view_totpdevice"),
    ("otp_totp", "delete_totpdevice"),
    ("otp_static", "view_staticdevice"),
    ("otp_static", "delete_staticdevice"),
]

# Admins watch the work queue in the Django admin: tasks and outgoing mail, and run a
# failed one again (secondmile/tasks_admin.py).
ADMIN_QUEUE_PERMISSIONS = [
    ("django_tasks_database", "view_dbtaskresult"),
    ("django_tasks_database", "change_dbtaskresult"),
    ("secondmile", "view_outgoingmail"),
    ("secondmile", "change_outgoingmail"),
    ("secondmile", "view_scheduledrun"),
]


def sees_all_teams(user) -> bool:
    return user.role == Role.ADMIN


def visible_to(user, queryset, *, team_field: str = "team_id"):
    """The rows of `queryset` the user may see: their team's, or every team's for an
    admin. Every selector scopes through here, so another team's row is a 404."""
    return queryset if sees_all_teams(user) else queryset.filter(**{team_field: user.team_id})


def team_require(user) -> None:
    """Refuse, with a message saying what to do, a write that needs the user's team when
    they have none (someone made by `createsuperuser` before an admin gave them a team)."""
    if user.team_id is None:
        raise errors.NotAllowed(MSG_NO_TEAM)


def require_team_of(user, obj, message: str) -> None:
    """Refuse, with NotAllowed(`message`), a write on `obj` (anything with a `team_id`)
    of another team than the user's, unless the user sees every team (an admin). The one
    scoping rule of the services; selectors scope reads through `visible_to`."""
    if obj.team_id != user.team_id and not sees_all_teams(user):
        raise errors.NotAllowed(message)
