"""Roles as groups with model permissions, and who may see or decide what.

The groups and their permissions are created by a data migration from
ROLE_PERMISSIONS; services re-check the rules that matter (nobody decides their
own spend) whatever permissions a user was given by hand.
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
    ("customers", "view_story"),
    ("customers", "add_story"),
    ("customers", "view_npsresponse"),
    ("customers", "add_npsresponse"),
    ("customers", "view_followup"),
    ("customers", "change_followup"),
]
_MANAGER = [*_STAFF, ("acts", "decide_spend"), ("acts", "view_budgetmonth"), ("secondmile", "add_kudos")]
_ADMIN = [
    *_MANAGER,
    ("customers", "moderate_story"),
    ("customers", "change_story"),
    ("acts", "change_budgetmonth"),
    ("acts", "add_budgetmonth"),
    ("secondmile", "view_team"),
    ("secondmile", "change_team"),
    ("secondmile", "add_team"),
    ("secondmile", "view_user"),
    ("secondmile", "change_user"),
    ("secondmile", "add_user"),
    ("acts", "view_actevent"),
    ("customers", "view_storyevent"),
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
