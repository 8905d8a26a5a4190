"""Roles, and who may see or decide what: one source of truth.

A person's role is the name of the group they are in (staff, manager, admin;
`User.role`). Every rule of the product checks the role by name, here and in the
services (`user.is_manager`, `user.role == Role.ADMIN`, `require_team_of`); no code
checks a model permission. The groups' model permissions (ROLE_PERMISSIONS, including
`acts.decide_spend` and `stories.moderate_story`) are for the Django admin only: they
decide what each role sees and may do there, and nowhere else.
"""

from django.db.models import Q
from django.http import Http404

from . import errors
from .models import Role, Team, User

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


def teams_to_pick(user):
    """The teams a page's team picker offers: every team, by name, for an admin; none for
    anyone else, who sees their own team only."""
    return Team.objects.order_by("name") if sees_all_teams(user) else Team.objects.none()


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


class RoleRefused(Http404):
    """A signed-in person asked for a page (or sent a form) that their role does not open.

    Still a 404, as the permission matrix has it, but one that explains itself: the page
    says which role does this, who in the person's team holds it, and the way back
    (secondmile.middleware.RoleRefusalPage). Only for pages that exist for every team,
    never for another team's object, which stays a plain 404 that tells nothing.
    """

    def __init__(self, *, needs: str, says: str):
        super().__init__(says)
        self.needs = Role(needs)
        self.says = says


def role_holds(user, needs: str) -> bool:
    """Whether `user` holds role `needs` or a higher one (an admin holds a manager's)."""
    if needs == Role.MANAGER:
        return user.is_manager
    if needs == Role.ADMIN:
        return user.role == Role.ADMIN
    return True


def role_require(user, *, needs: str, says: str) -> None:
    """Refuse with RoleRefused unless `user` holds role `needs`. `says` is the refusal's
    first sentence, naming the page and the role: "Approvals are for managers."."""
    if not role_holds(user, needs):
        raise RoleRefused(needs=needs, says=says)


def _names(people) -> str:
    names = [person.display_name for person in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def role_holders(*, team_id, needs: str):
    """The active people of team `team_id` who hold role `needs` itself (its managers,
    or its admins), by name."""
    people = User.objects.filter(is_active=True, team_id=team_id).order_by("first_name", "last_name", "username")
    if needs == Role.ADMIN:
        people = people.filter(Q(groups__name=Role.ADMIN) | Q(is_superuser=True))
    else:
        people = people.filter(groups__name=needs).exclude(is_superuser=True).exclude(groups__name=Role.ADMIN)
    return list(people.distinct())


def refusal_ask(*, user, needs: str) -> str:
    """Who the refused person can ask, by name: their team's managers for a manager's
    page, their team's admins for an admin's (any admin when the team has none)."""
    if needs == Role.MANAGER:
        managers = [person for person in role_holders(team_id=user.team_id, needs=Role.MANAGER) if person != user]
        if len(managers) == 1:
            return f"Your manager is {_names(managers)}."
        if managers:
            return f"Your managers are {_names(managers)}."
    admins = [person for person in role_holders(team_id=user.team_id, needs=Role.ADMIN) if person != user]
    if not admins:
        admins = list(
            User.objects.filter(is_active=True)
            .filter(Q(groups__name=Role.ADMIN) | Q(is_superuser=True))
            .exclude(pk=user.pk)
            .distinct()
            .order_by("first_name", "last_name", "username")[:3]
        )
    if needs == Role.MANAGER:
        lead = "Your team has no manager yet"
        return f"{lead}: ask an admin, {_names(admins)}." if admins else f"{lead}: ask whoever runs Second Mile."
    if len(admins) == 1:
        return f"Ask your admin, {_names(admins)}."
    if admins:
        return f"Ask one of your admins: {_names(admins)}."
    return "Your team has no admin yet: ask whoever runs Second Mile."
