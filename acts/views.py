"""Pages for acts: the feed, logging an act, one act with its timeline, and approvals."""

import logging
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core import errors
from core.formatting import money
from core.inputs import fields_of
from core.models import Role
from core.roles import role_require
from core.web import (
    QUEUE_PAGE_SIZE,
    form_error,
    form_saved,
    page_url,
    paginate,
    paginate_open,
    team_required,
)
from customers.services import customer_create

from . import empowerment, routine, selectors, services
from . import followups as followup_services
from . import playbook as playbook_rules
from .forms import (
    ActForm,
    ApproveForm,
    CustomerKnowsForm,
    DeclineForm,
    DeliverForm,
    FeedFilterForm,
    LimitPinForm,
    LimitUnpinForm,
    LookForm,
    PlaybookFilterForm,
    ReviewForm,
    decision_forms,
    review_form,
    snooze_form,
)
from .models import ApprovalLevel, Status

logger = logging.getLogger(__name__)


@login_required
def feed(request):
    filters = FeedFilterForm(request.GET or None, people=selectors.feed_people(user=request.user))
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    acts = selectors.act_feed(user=request.user, filters=cleaned)
    customer = selectors.customer_for_logging(user=request.user, pk=cleaned.get("customer"))
    return render(request, "acts/feed.html", {"filters": filters, "customer": customer, **paginate(request, acts)})


@login_required
@team_required
def act_new(request):
    customers = selectors.customers_for_logging(user=request.user)
    initial = {}
    if request.GET.get("customer"):
        initial["customer"] = request.GET["customer"]
    label_team = request.user.role == Role.ADMIN
    limit_hint = empowerment.routing_hint(person=request.user, team=request.user.team)
    own_limit = empowerment.limit_of(request.user, request.user.team)
    if "customer_search" in request.POST:
        # "Find" without JavaScript: the form comes back as typed, with the customers found.
        form = ActForm(
            customers=customers,
            initial=request.POST.dict(),
            search=request.POST,
            label_team=label_team,
            limit_hint=limit_hint,
            own_limit=own_limit,
        )
        return render(request, "acts/new.html", {"form": form, "warnings": []})
    if "playbook_search" in request.POST:
        # "What worked before" without JavaScript: the form comes back as typed, with the
        # playbook's matches for the problem; nothing is logged.
        form = ActForm(
            customers=customers,
            initial=request.POST.dict(),
            label_team=label_team,
            limit_hint=limit_hint,
            own_limit=own_limit,
        )
        matches = playbook_rules.playbook_matches(user=request.user, text=request.POST.get("problem", ""))
        return render(request, "acts/new.html", {"form": form, "warnings": [], "playbook": matches, "searched": True})
    form = ActForm(
        request.POST or None,
        customers=customers,
        initial=initial,
        label_team=label_team,
        limit_hint=limit_hint,
        own_limit=own_limit,
    )
    # Routine warnings are read before logging (the new act would match itself) and never block.
    warnings = _routine_warnings(request, request.POST) if request.method == "POST" else []
    act = form_saved(request, form, lambda data: _act_logged(request.user, data))
    if act is not None:
        messages.success(request, _logged_message(act))
        for warning in warnings:
            messages.warning(request, warning)
        return redirect("acts:detail", pk=act.pk)
    return render(request, "acts/new.html", {"form": form, "warnings": warnings})


def _act_logged(user, data: dict):
    """The act form's answers logged, with the customer it names or a new one (one transaction)."""
    with transaction.atomic():
        customer = data["customer"] or customer_create(
            user=user, name=data["new_customer_name"], email=data["new_customer_email"]
        )
        return services.act_log(
            user=user,
            customer=customer,
            **fields_of(
                data, "problem", "solution", "quadrant", "trigger", "kind", "cost", "date", *services.ANSWER_FIELDS
            ),
        )


def _routine_warnings(request, data) -> list[str]:
    customer = selectors.customer_for_logging(user=request.user, pk=data.get("customer") or "")
    if customer is None:
        return []
    return routine.routine_warnings(user=request.user, customer=customer, kind=data.get("kind") or "")


@login_required
def act_new_warnings(request):
    """The routine warnings for the customer and kind chosen so far (htmx, while logging)."""
    return render(request, "acts/new.html#warnings", {"warnings": _routine_warnings(request, request.GET)})


def _logged_message(act) -> str:
    if act.approval_level == ApprovalLevel.NONE:
        return f"Logged for {act.customer}. No cost, so no approval needed."
    if act.approval_level == ApprovalLevel.EMPOWERED:
        return f"Logged: {money(act.cost)} for {act.customer} is within your own limit, so nobody has to approve it."
    who = "a manager" if act.approval_level == ApprovalLevel.MANAGER else "an admin"
    return f"Logged. {money(act.cost)} for {act.customer} is waiting for {who}."


CHAIN_PAGE_SIZE = 20


@login_required
def act_detail(request, pk):
    act = selectors.act_get_with_chain(user=request.user, pk=pk)
    returns = selectors.act_returns(act=act)
    context = {
        "returns": returns,
        "generations": selectors.act_chain_generations(act=act) if returns["referred_customers_count"] else [],
        # The chain can be long: a page of it, counted from its ActChain row.
        **paginate(
            request, selectors.act_chain_customers(act=act), CHAIN_PAGE_SIZE, count=returns["referred_customers_count"]
        ),
        "act": act,
        "timeline": selectors.act_timeline(act=act),
        "stories": selectors.act_stories(act=act),
        "refusal": services.user_may_decide(request.user, act),
        # Two forms on the page have a note: each form's ids start with its name.
        "approve_form": ApproveForm(initial={"amount": act.cost}, auto_id="approve-%s"),
        "decline_form": DeclineForm(auto_id="decline-%s"),
        "deliver_form": DeliverForm(
            initial={"actual_cost": act.approved_amount or 0}, receipt_above=act.team.receipt_required_above
        ),
        "knows_form": CustomerKnowsForm(),
        "review_form": LookForm(auto_id="review-%s"),
        "budget": selectors.budget_summary(team=act.team, month=act.date),
        "survey_url": request.session.pop(f"survey_url_{act.pk}", None),
    }
    return render(request, "acts/detail.html", context)


def _safe_path(request, path: str) -> bool:
    return url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def _remaining_after(act, user) -> str:
    budget = selectors.budget_summary(team=act.team, month=act.date)
    if act.team_id == user.team_id:
        return f"{money(budget['remaining'])} left in {act.date:%B}"
    return f"{money(budget['remaining'])} left in {act.team.name}'s budget for {act.date:%B}"


def _transition(form_class, run, said, *, level=messages.SUCCESS):
    """The view of one transition of an act, from a POSTed form: `run(user, act, data)`
    calls its service, `said(act, user)` is the confirmation. It answers the act page, the
    htmx card of the approval queue, or the list the action came from."""

    @login_required
    @require_POST
    def view(request, pk):
        act = selectors.act_get(user=request.user, pk=pk)
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                act = run(request.user, act, form.cleaned_data)
            except errors.DomainError as error:
                messages.error(request, error.message)
            else:
                messages.add_message(request, level, said(act, request.user))
        else:
            for field_errors in form.errors.values():
                for message in field_errors:
                    messages.error(request, message)
        if request.htmx and request.POST.get("from") == "queue":
            return _queue_card_response(request, act)
        if request.POST.get("from") == "queue":
            return redirect(page_url(reverse("acts:approvals"), request.GET.get("page")))
        back = request.POST.get("back", "")
        if request.POST.get("from") == "list" and back.startswith("/") and _safe_path(request, back):
            # "Done" on a list of acts: back to the list, the confirmation on top.
            return redirect(back)
        return redirect("acts:detail", pk=act.pk)

    return view


def _declined(act, user) -> str:
    if act.over_approved:
        return (
            f"Declined the top-up for {act.customer}: delivered at {money(act.actual_cost)}, "
            f"{money(act.over_approved)} over the approved amount (declined). The requester sees your reason."
        )
    return f"Declined {money(act.cost)} for {act.customer}. The requester sees your reason."


def _delivered(act, user) -> str:
    if act.status == Status.PENDING_APPROVAL:
        return f"It cost more than approved: {money(act.cost)} now waits for approval before it counts as delivered."
    return f"Delivered for {money(act.actual_cost)}. Now make sure {act.customer} knows."


def _looked_at(act, user) -> str:
    if act.review_problem:
        return (
            f"Marked as a problem: {act.author.display_name} sees your note, "
            "and their own limit goes back to the team's."
        )
    return "Marked as seen."


act_approve = _transition(
    ApproveForm,
    lambda user, act, data: services.spend_approve(user=user, act=act, amount=data["amount"], note=data["note"]),
    lambda act, user: f"Approved {money(act.approved_amount)} for {act.customer} — {_remaining_after(act, user)}.",
)
act_decline = _transition(
    DeclineForm,
    lambda user, act, data: services.spend_decline(user=user, act=act, note=data["note"]),
    _declined,
    level=messages.INFO,
)
act_withdraw = _transition(
    ReviewForm,
    lambda user, act, data: services.spend_withdraw(user=user, act=act, note=data["note"]),
    lambda act, user: "Request withdrawn.",
)
act_deliver = _transition(
    DeliverForm,
    lambda user, act, data: services.act_deliver(
        user=user, act=act, actual_cost=data["actual_cost"], receipt=data["receipt"], note=data["note"]
    ),
    _delivered,
)
act_customer_knows = _transition(
    CustomerKnowsForm,
    lambda user, act, data: services.act_customer_knows(user=user, act=act, how=data["how"]),
    lambda act, user: f"Done: {act.customer} knows. That is a complete second-mile act.",
)
act_review = _transition(
    LookForm,
    lambda user, act, data: services.act_review(user=user, act=act, note=data["note"], problem=data["problem"]),
    _looked_at,
)


@login_required
def act_receipt(request, pk):
    """The act's receipt, streamed through the app after the team check: receipts on
    object storage stay private, with no bucket URL that could be passed around."""
    act = selectors.act_get(user=request.user, pk=pk)
    if not act.receipt:
        raise Http404("No receipt")
    try:
        receipt = act.receipt.open("rb")
    except FileNotFoundError:
        # The row names a file the storage does not have (not moved yet: manage.py move_receipts).
        logger.error("Receipt %s of act %s is missing from the storage", act.receipt.name, act.pk)
        raise Http404("The receipt file is missing") from None
    content_type = mimetypes.guess_type(act.receipt.name)[0] or "application/octet-stream"
    response = FileResponse(receipt, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@login_required
def approvals(request):
    role_require(request.user, needs=Role.MANAGER, says="Approvals are for managers.")
    return render(request, "acts/approvals.html", _queue_context(request))


def _queue_context(request) -> dict:
    """One page of the queue, oldest first. A decision made from the queue posts to
    `...?page=N`, so that the page it answers with is the one the approver is on."""
    user = request.user
    today = timezone.localdate()
    page = paginate(request, selectors.approval_queue(user=user), per_page=QUEUE_PAGE_SIZE)
    queue = selectors.approval_cards(page["page_obj"].object_list)
    for act in queue:
        act.forms = decision_forms(act)
    over_approved = list(selectors.over_approved_acts(user=user)[: selectors.OVER_APPROVED_SHOWN])
    reviews = list(selectors.review_queue(user=user)[:20])
    for act in reviews:
        act.review_form = review_form(act)
    return {
        **page,
        "queue": queue,
        "reviews": reviews,
        "over_approved": over_approved,
        "budget": selectors.budget_summary(team=user.team, month=today) if user.team else None,
    }


def _queue_card_response(request, act):
    """After an inline decision: the card's replacement plus the updated budget figure."""
    context = {**_queue_context(request), "done_act": act}
    context["card_messages"] = list(messages.get_messages(request))
    # A refused decision leaves the request waiting: its card stays, with the reason on top.
    context["act"] = next((waiting for waiting in context["queue"] if waiting.pk == act.pk), None)
    return render(request, "acts/approvals.html#decided", context)


# --- Follow-ups ------------------------------------------------------------------


@login_required
def followups(request):
    """Every due and overdue follow-up of my team, detractor cases first, a page at a time."""
    today = timezone.localdate()
    context = {**paginate_open(request, selectors.followups_page(user=request.user, today=today)), "today": today}
    for follow_up in context["page_obj"].object_list:
        follow_up.snooze_form = snooze_form(follow_up)
    return render(request, "acts/followups.html", context)


# --- Own empowerment limits ----------------------------------------------------------


@login_required
def limit_history(request, pk):
    """A person's own empowerment limit and every change of it, with its reason: for the
    person, their team's managers and admins (who can pin it here)."""
    person = selectors.limit_person_get(user=request.user, pk=pk)
    return render(request, "acts/limit.html", _limit_context(request, person))


def _limit_context(request, person, *, pin_form=None, unpin_form=None) -> dict:
    context = {
        "person": person,
        "own": person.pk == request.user.pk,
        "limit": empowerment.limit_summary(person=person),
        **paginate(request, selectors.limit_history(person=person)),
    }
    if request.user.role == Role.ADMIN and person.team_id is not None:
        context["pin_form"] = pin_form or LimitPinForm(auto_id="pin-%s")
        context["unpin_form"] = unpin_form or LimitUnpinForm(auto_id="unpin-%s")
    return context


@login_required
@require_POST
def followup_snooze(request, pk):
    follow_up = selectors.followup_get(user=request.user, pk=pk)
    try:
        follow_up = followup_services.followup_snooze(
            user=request.user, follow_up=follow_up, days=request.POST.get("days"), reason=request.POST.get("reason", "")
        )
    except errors.DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Snoozed: {follow_up.get_kind_display().lower()} for {follow_up.customer.name} "
            f"is due again on {follow_up.due_on:%-d %b}.",
        )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("acts:followups")


# --- The playbook ------------------------------------------------------------------


@login_required
def act_new_playbook(request):
    """Past acts of the team with a problem like the one typed so far (htmx, while logging)."""
    return render(
        request,
        "acts/new.html#playbook",
        {"playbook": playbook_rules.playbook_matches(user=request.user, text=request.GET.get("problem", ""))},
    )


@login_required
def playbook(request):
    """Past delivered acts of the team by quadrant and kind, with what each returned."""
    filters = PlaybookFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    page = paginate_open(request, playbook_rules.playbook_browse(user=request.user, filters=cleaned))
    return render(request, "acts/playbook.html", {"filters": filters, **page})


@login_required
@require_POST
def limit_pin(request, pk):
    person = selectors.limit_person_get(user=request.user, pk=pk)
    form = LimitPinForm(request.POST, auto_id="pin-%s")
    if form.is_valid():
        try:
            row = empowerment.limit_pin(
                user=request.user, person=person, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"]
            )
        except errors.NotAllowed:
            raise Http404 from None
        except errors.DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request, f"{person.display_name}'s limit is pinned at {money(row.amount)} until you unpin it."
            )
            return redirect("acts:limit", pk=person.pk)
    return render(request, "acts/limit.html", _limit_context(request, person, pin_form=form), status=400)


@login_required
@require_POST
def limit_unpin(request, pk):
    person = selectors.limit_person_get(user=request.user, pk=pk)
    form = LimitUnpinForm(request.POST, auto_id="unpin-%s")
    if form.is_valid():
        try:
            row = empowerment.limit_unpin(user=request.user, person=person, reason=form.cleaned_data["reason"])
        except errors.NotAllowed:
            raise Http404 from None
        except errors.DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"Unpinned: {person.display_name}'s limit is back at the team's {money(row.amount)} and grows again.",
            )
            return redirect("acts:limit", pk=person.pk)
    return render(request, "acts/limit.html", _limit_context(request, person, unpin_form=form), status=400)
