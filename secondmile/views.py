"""Cross-app pages: home, health check, profile and API tokens, the team's spend policy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from acts import budgets as team_budgets
from acts import policy as spend_policy
from acts import selectors as act_selectors
from core import audit, errors, formatting, roles, services, tokens
from core.inputs import id_parse
from core.models import Role
from core.roles import role_require
from core.web import form_error, paginate
from integrations import slack

from . import mfa
from .forms import AuditFilterForm, BudgetForm, PolicyForm, SlackMemberForm, SlackWebhookForm, TeamPickForm, TokenForm
from .home import home_context, profile_context


@require_GET
@never_cache
def healthz(request):
    """200 when the database answers; 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request):
    return render(request, "secondmile/home.html", home_context(user=request.user))


@login_required
def profile(request):
    context = {
        "tokens": tokens.api_tokens_of(request.user),
        "token_form": TokenForm(),
        "new_token": request.session.pop("new_api_token", None),
        "slack_form": SlackMemberForm(initial={"slack_user_id": request.user.slack_user_id}),
        **profile_context(user=request.user),
        **mfa.profile_context(request.user),
    }
    return render(request, "secondmile/profile.html", context)


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    name = form.cleaned_data["name"] if form.is_valid() else "API token"
    _row, token = tokens.api_token_create(user=request.user, name=name)
    # Shown once on the next page, then gone: only its hash is kept.
    request.session["new_api_token"] = token
    messages.success(request, "Token created. Copy it now: it will not be shown again.")
    return redirect("profile")


@login_required
@require_POST
def slack_member_set(request):
    """The user links (or unlinks) their Slack member ID."""
    form = SlackMemberForm(request.POST)
    if form.is_valid():
        try:
            services.user_slack_id_set(user=request.user, slack_user_id=form.cleaned_data["slack_user_id"])
        except errors.DomainError as error:
            messages.error(request, error.message)
        else:
            if request.user.slack_user_id:
                linked = request.user.slack_user_id
                messages.success(request, f"Linked to Slack member {linked}: Approve in Slack acts as you.")
            else:
                messages.success(request, "Unlinked from Slack.")
    else:
        messages.error(request, services.MSG_SLACK_USER_ID_FORMAT)
    return redirect(f"{reverse('profile')}#slack")


@login_required
@require_POST
def token_revoke(request, pk):
    try:
        tokens.api_token_revoke(user=request.user, token_id=pk)
    except errors.DomainError:
        raise Http404 from None
    messages.success(request, "Token revoked. Clients using it are refused from now on.")
    return redirect("profile")


def _policy_saved(user, team, data) -> str:
    spend_policy.team_policy_update(user=user, team=team, **data)
    return f"Saved the spend policy of {team}."


def _budget_saved(user, team, data) -> str:
    team_budgets.budget_set(user=user, team=team, month=data["month"], amount=data["budget"])
    return f"{team}'s budget for {data['month']:%B %Y} is now {formatting.money(data['budget'])}."


def _slack_saved(user, team, data) -> str:
    slack.team_slack_webhook_set(user=user, team=team, url=data["slack_webhook_url"])
    if data["slack_webhook_url"]:
        return f"Saved {team}'s Slack channel: new requests are posted there."
    return f"{team} no longer posts requests to Slack."


# The policy page's three forms, by the name each posts as `form`: its class, its initial
# values for a team, and what saving it does (a service call) and says.
_POLICY_FORMS = {
    "policy": (PolicyForm, lambda team: {f: getattr(team, f) for f in PolicyForm.base_fields}, _policy_saved),
    "budget": (
        BudgetForm,
        lambda team: {
            "month": timezone.localdate().replace(day=1),
            "budget": act_selectors.budget_summary(team=team, month=timezone.localdate())["budget"],
        },
        _budget_saved,
    ),
    "slack": (SlackWebhookForm, lambda team: {"slack_webhook_url": team.slack_webhook_url}, _slack_saved),
}


@login_required
def team_policy(request):
    """Admins edit a team's spend policy, the budget of a month and its Slack channel."""
    role_require(request.user, needs=Role.ADMIN, says="The spend policy and budgets are set by admins.")
    teams = roles.teams_to_pick(request.user)
    team_id = request.GET.get("team") or request.user.team_id
    if team_id is None:
        # An admin of no team (made by createsuperuser) picks the team to work on first.
        return render(request, "secondmile/policy.html", {"team": None, "teams": teams})
    team_id = id_parse(team_id)
    if team_id is None:
        raise Http404("No such team.")
    team = get_object_or_404(teams, pk=team_id)
    posted = request.POST.get("form") if request.method == "POST" else None
    forms = {
        name: form_class(request.POST if name == posted else None, initial=initial(team))
        for name, (form_class, initial, _) in _POLICY_FORMS.items()
    }
    if posted in forms and forms[posted].is_valid():
        try:
            said = _POLICY_FORMS[posted][2](request.user, team, forms[posted].cleaned_data)
        except errors.DomainError as error:
            form_error(forms[posted], error)
        else:
            messages.success(request, said)
            return redirect(f"{request.path}?team={team.pk}")
    context = {
        "team": team,
        "teams": teams,
        "team_form": TeamPickForm(teams=teams, initial={"team": team}, auto_id="%s"),
        **{f"{name}_form": form for name, form in forms.items()},
        "budgets": act_selectors.budget_months_recent(team=team),
    }
    return render(request, "secondmile/policy.html", context)


@login_required
@require_GET
def audit_log(request):
    """Admins read the audit log, newest first, by action."""
    role_require(request.user, needs=Role.ADMIN, says="The audit log is for admins.")
    form = AuditFilterForm(request.GET, auto_id="%s")
    action = form.cleaned_data["action"] if form.is_valid() else ""
    return render(
        request, "secondmile/audit.html", {"form": form, **paginate(request, audit.audit_events(action=action))}
    )
