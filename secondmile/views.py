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
        "tokens": request.user.api_tokens.all(),
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


@login_required
def team_policy(request):
    """Admins edit a team's spend policy and the budget of a month."""
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
    today = timezone.localdate()
    policy_form = PolicyForm(
        request.POST if request.POST.get("form") == "policy" else None,
        initial={f: getattr(team, f) for f in PolicyForm.base_fields},
    )
    budget_form = BudgetForm(
        request.POST if request.POST.get("form") == "budget" else None,
        initial={
            "month": today.replace(day=1),
            "budget": act_selectors.budget_summary(team=team, month=today)["budget"],
        },
    )
    slack_form = SlackWebhookForm(
        request.POST if request.POST.get("form") == "slack" else None,
        initial={"slack_webhook_url": team.slack_webhook_url},
    )
    if request.method == "POST" and request.POST.get("form") == "slack":
        if slack_form.is_valid():
            try:
                slack.team_slack_webhook_set(
                    user=request.user, team=team, url=slack_form.cleaned_data["slack_webhook_url"]
                )
            except errors.DomainError as error:
                form_error(slack_form, error)
            else:
                if slack_form.cleaned_data["slack_webhook_url"]:
                    messages.success(request, f"Saved {team}'s Slack channel: new requests are posted there.")
                else:
                    messages.success(request, f"{team} no longer posts requests to Slack.")
                return redirect(f"{request.path}?team={team.pk}")
    elif request.method == "POST":
        try:
            if request.POST.get("form") == "policy" and policy_form.is_valid():
                spend_policy.team_policy_update(user=request.user, team=team, **policy_form.cleaned_data)
                messages.success(request, f"Saved the spend policy of {team}.")
                return redirect(f"{request.path}?team={team.pk}")
            if request.POST.get("form") == "budget" and budget_form.is_valid():
                data = budget_form.cleaned_data
                team_budgets.budget_set(user=request.user, team=team, month=data["month"], amount=data["budget"])
                messages.success(
                    request,
                    f"{team}'s budget for {data['month']:%B %Y} is now {formatting.money(data['budget'])}.",
                )
                return redirect(f"{request.path}?team={team.pk}")
        except errors.DomainError as error:
            form_error(policy_form if request.POST.get("form") == "policy" else budget_form, error)
    budgets = team.budgets.order_by("-month")[:12]
    return render(
        request,
        "secondmile/policy.html",
        {
            "team": team,
            "teams": teams,
            "team_form": TeamPickForm(teams=teams, initial={"team": team}, auto_id="%s"),
            "policy_form": policy_form,
            "budget_form": budget_form,
            "slack_form": slack_form,
            "budgets": budgets,
        },
    )


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
