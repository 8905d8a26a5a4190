"""Reward pages: the catalogue with the person's balance, redeeming (after a
confirmation), the catalogue kept by admins, and the managers' redemption queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core import errors
from core.inputs import id_parse
from core.models import Role
from core.roles import role_require
from core.web import QUEUE_PAGE_SIZE, form_error, page_url, paginate, team_required

from . import selectors, services
from .balance import points_balance
from .forms import FulfilForm, RefundForm, RewardForm, decision_forms


@login_required
def catalogue(request):
    """What the person can redeem, their balance and their latest redemptions."""
    user = request.user
    waiting = selectors.redemptions_waiting(user=user).count() if user.is_manager else 0
    return render(
        request,
        "rewards/catalogue.html",
        {
            "balance": points_balance(user=user),
            "mine": selectors.redemptions_of(user=user),
            "waiting_count": waiting,
            **paginate(request, selectors.rewards_offered(user=user)),
        },
    )


@login_required
@team_required
@require_http_methods(["GET", "POST"])
def redeem(request, pk):
    """GET asks to confirm, with the balance before and after; POST redeems."""
    reward = selectors.reward_to_redeem(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.reward_redeem(user=request.user, reward=reward)
        except errors.DomainError as error:
            messages.error(request, error.message)
        else:
            left = points_balance(user=request.user)
            messages.success(
                request,
                f"Redeemed {reward.name} for {reward.points} points: {left} left. "
                "A manager hands it to you; you will get a mail.",
            )
        return redirect("rewards:catalogue")
    balance = points_balance(user=request.user)
    return render(
        request, "rewards/redeem.html", {"reward": reward, "balance": balance, "after": balance - reward.points}
    )


# --- The catalogue, kept by admins --------------------------------------------------


def _admin_only(user) -> None:
    role_require(user, needs=Role.ADMIN, says="The rewards catalogue is kept by admins.")


@login_required
def catalogue_kept(request):
    _admin_only(request.user)
    team_id = id_parse(request.GET.get("team"))
    rewards = selectors.rewards_kept(user=request.user, team_id=team_id)
    return render(request, "rewards/kept.html", paginate(request, rewards))


def _reward_values(data: dict) -> dict:
    return {f: data[f] for f in ("name", "description", "points", "stock", "active")}


@login_required
@require_http_methods(["GET", "POST"])
def reward_new(request):
    _admin_only(request.user)
    form = RewardForm(request.POST or None, initial={"team": request.user.team_id, "active": True})
    if request.method == "POST" and form.is_valid():
        try:
            reward = services.reward_create(
                user=request.user, team=form.cleaned_data["team"], **_reward_values(form.cleaned_data)
            )
        except errors.DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Added {reward.name} ({reward.points} points) to {reward.team}'s catalogue.")
            return redirect("rewards:kept")
    return render(request, "rewards/reward_form.html", {"form": form, "reward": None})


@login_required
@require_http_methods(["GET", "POST"])
def reward_edit(request, pk):
    _admin_only(request.user)
    reward = selectors.reward_kept(user=request.user, pk=pk)
    initial = {**services.reward_values(reward), "team": reward.team_id}
    form = RewardForm(request.POST or None, initial=initial)
    # A reward stays in its team: its redemptions were paid in that team's points.
    form.fields["team"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            reward = services.reward_update(user=request.user, reward=reward, **_reward_values(form.cleaned_data))
        except errors.DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Saved {reward.name}.")
            return redirect("rewards:kept")
    return render(request, "rewards/reward_form.html", {"form": form, "reward": reward})


@login_required
@require_POST
def reward_deactivate(request, pk):
    _admin_only(request.user)
    reward = selectors.reward_kept(user=request.user, pk=pk)
    services.reward_deactivate(user=request.user, reward=reward)
    messages.success(request, f"{reward.name} is no longer offered. Its redemptions stay as they are.")
    return redirect(page_url(reverse("rewards:kept"), request.GET.get("page")))


# --- The redemption queue, for managers ---------------------------------------------


def _queue(request, *, bound: dict | None = None, status: int = 200):
    """The queue page; `bound` = {redemption id: {"fulfil"|"refund": form}} puts back the
    form a manager sent with an error, beside its field."""
    page = paginate(request, selectors.redemptions_waiting(user=request.user), QUEUE_PAGE_SIZE)
    for redemption in page["page_obj"].object_list:
        redemption.forms = decision_forms(redemption, bound=(bound or {}).get(redemption.pk))
    return render(request, "rewards/queue.html", page, status=status)


@login_required
def queue(request):
    return _queue(request)


def _decide(request, pk, form_class, kind: str, decide, success):
    redemption = selectors.redemption_to_decide(user=request.user, pk=pk)
    form = form_class(request.POST, auto_id=f"{kind}-%s-{redemption.pk}")
    back = page_url(reverse("rewards:queue"), request.GET.get("page"))
    if form.is_valid():
        try:
            decided = decide(redemption, form.cleaned_data["note"])
        except errors.DomainError as error:
            if error.field not in form.fields:  # decided meanwhile, or not theirs to decide
                messages.error(request, error.message)
                return redirect(back)
            form_error(form, error)
        else:
            messages.success(request, success(decided))
            return redirect(back)
    return _queue(request, bound={redemption.pk: {kind: form}}, status=400)


@login_required
@require_POST
def redemption_fulfil(request, pk):
    return _decide(
        request,
        pk,
        FulfilForm,
        "fulfil",
        lambda redemption, note: services.redemption_fulfil(user=request.user, redemption=redemption, note=note),
        lambda r: f"Handed out {r.reward.name} to {r.user.display_name}; they get a mail.",
    )


@login_required
@require_POST
def redemption_refund(request, pk):
    return _decide(
        request,
        pk,
        RefundForm,
        "refund",
        lambda redemption, note: services.redemption_refund(user=request.user, redemption=redemption, note=note),
        lambda r: f"Refunded {r.points} points to {r.user.display_name}; they get a mail with your reason.",
    )
