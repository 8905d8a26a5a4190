"""Pages for the customer's voice: the customer page (their acts, stories, NPS answers,
follow-ups and referrals), recording NPS answers and stories, the story wall and its
moderation, and the customer's own survey page (/s/<token>)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from acts import selectors as act_selectors
from core import errors, tokens
from core.formatting import day, money
from core.inputs import fields_of, id_parse
from core.models import Role
from core.roles import role_require
from core.security import client_ip
from core.web import QUEUE_PAGE_SIZE, form_error, form_saved, page_url, paginate
from customers import selectors as customer_selectors
from customers import services as customer_services
from customers.forms import ReturnForm

from . import nps, selectors, services
from . import survey as survey_links
from .forms import ACTS_OFFERED, ModerateForm, NpsForm, StoryCustomerForm, StoryForm, SurveyForm, moderate_form

RETURNS_PAGE_SIZE = 10


def _customer_page(request, customer, *, nps_form=None, return_form=None, status=200):
    context = selectors.customer_page(customer=customer)
    context["nps_form"] = nps_form or NpsForm(acts=act_selectors.customer_acts(user=request.user, customer=customer))
    context["return_form"] = return_form or ReturnForm()
    context["returns"] = paginate(
        request, customer_selectors.customer_returns(customer=customer), per_page=RETURNS_PAGE_SIZE
    )["page_obj"]
    context["today"] = timezone.localdate()
    return render(request, "customers/detail.html", context, status=status)


@login_required
def customer_detail(request, pk):
    customer = customer_selectors.customer_get(user=request.user, pk=pk)
    return _customer_page(request, customer)


# --- NPS and follow-ups -----------------------------------------------------------


@login_required
@require_POST
def nps_create(request, pk):
    customer = customer_selectors.customer_get(user=request.user, pk=pk)
    form = NpsForm(request.POST, acts=act_selectors.customer_acts(user=request.user, customer=customer))
    response = form_saved(
        request,
        form,
        lambda data: nps.nps_record(
            user=request.user, customer=customer, **fields_of(data, "score", "comment", "date", "act")
        ),
    )
    if response is not None:
        message = f"Recorded {response.score}/10 from {customer.name}."
        if response.score <= 6:
            message += " A detractor: a follow-up is due today, so someone puts it right."
        messages.success(request, message)
        return redirect("customers:detail", pk=customer.pk)
    return _customer_page(request, customer, nps_form=form, status=400)


@login_required
@require_POST
def customer_return_create(request, pk):
    """Record that the customer came back, from their page."""
    customer = customer_selectors.customer_get(user=request.user, pk=pk)
    form = ReturnForm(request.POST)
    customer_return = form_saved(
        request,
        form,
        lambda data: customer_services.customer_return_record(
            user=request.user, customer=customer, **fields_of(data, "date", "value", "note")
        ),
    )
    if customer_return is not None:
        spent = f", spending {money(customer_return.value)}" if customer_return.value is not None else ""
        messages.success(request, f"Recorded that {customer.name} came back on {day(customer_return.date)}{spent}.")
        return redirect("customers:detail", pk=customer.pk)
    return _customer_page(request, customer, return_form=form, status=400)


# --- Stories: recording, the wall, moderation --------------------------------------


@login_required
def story_wall(request):
    context = paginate(request, selectors.story_wall(request.user))
    stories = list(context["page_obj"].object_list)
    context["featured"] = [story for story in stories if story.status == "featured"]
    context["others"] = [story for story in stories if story.status != "featured"]
    return render(request, "stories/wall.html", context)


def _story_customer(request):
    """Whose story is being recorded: from the act (?act=), or a chosen customer."""
    act_id = id_parse(request.GET.get("act"))
    if act_id is not None:
        act = act_selectors.act_get(user=request.user, pk=act_id)
        return act.customer, act
    customer_id = id_parse(request.POST.get("customer") or request.GET.get("customer"))
    if customer_id is not None:
        return customer_selectors.customer_get(user=request.user, pk=customer_id), None
    return None, None


@login_required
def story_new(request):
    customer, act = _story_customer(request)
    if customer is None:
        customers = customer_selectors.customers_of_team(user=request.user)
        # "Find" (without JavaScript) comes back here with what was typed: show its matches.
        pick = StoryCustomerForm(customers=customers, search=request.GET)
        return render(request, "stories/new.html", {"pick": pick})
    acts = list(act_selectors.customer_acts(user=request.user, customer=customer)[:ACTS_OFFERED])
    if act and act not in acts:
        acts.append(act)
    form = StoryForm(request.POST or None, acts=acts, initial={"acts": [str(act.pk)] if act else []})
    story = form_saved(
        request,
        form,
        lambda data: services.story_record(
            user=request.user,
            customer=customer,
            **fields_of(data, "channel", "text", "told_on", "url", "acts", "consent"),
        ),
    )
    if story is not None:
        messages.success(request, f"Recorded {customer.name}'s story. It reaches the wall once an admin approves it.")
        if act is not None:
            return redirect("acts:detail", pk=act.pk)
        return redirect("customers:detail", pk=story.customer_id)
    return render(request, "stories/new.html", {"form": form, "customer": customer, "act": act})


def _admins_only(user) -> None:
    role_require(user, needs=Role.ADMIN, says="Reviewing stories is for admins.")


def _review_context(request) -> dict:
    """One page of the moderation queue, oldest first; a decision posts to `...?page=N`
    so that it answers with the page the admin is on."""
    page = paginate(request, selectors.moderation_queue(request.user), per_page=QUEUE_PAGE_SIZE)
    queue = list(page["page_obj"].object_list)
    for story in queue:
        story.moderate_form = moderate_form(story)
    return {**page, "queue": queue, "approved": selectors.featurable_stories(request.user)}


@login_required
def story_review(request):
    _admins_only(request.user)
    return render(request, "stories/review.html", _review_context(request))


_DONE = {"approve": "Approved", "feature": "Featured", "reject": "Rejected"}


@login_required
@require_POST
def story_moderate(request, pk):
    _admins_only(request.user)
    story = selectors.story_get(user=request.user, pk=pk)
    form = ModerateForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            story = services.story_moderate(
                user=request.user, story=story, decision=decision, reason=form.cleaned_data["reason"]
            )
        except errors.DomainError as error:
            messages.error(request, error.message)
        else:
            where = (
                "It is not shown on the wall."
                if decision == "reject"
                else (
                    "It is on the wall."
                    if story.consent
                    else "It stays off the wall: the customer did not agree to share it."
                )
            )
            # A rejection is news, not a success: it reads as information, not in green.
            report = messages.info if decision == "reject" else messages.success
            report(request, f"{_DONE[decision]} {story.customer.name}'s story. {where}")
    else:
        messages.error(request, "Choose approve, feature or reject.")
    if request.htmx:
        context = {
            **_review_context(request),
            "done_story": story,
            "card_messages": list(messages.get_messages(request)),
        }
        # A refused decision leaves the story waiting: its card stays, with the reason on top.
        context["story"] = next((s for s in context["queue"] if s.pk == story.pk), None)
        return render(request, "stories/review.html#decided", context)
    return redirect(page_url(reverse("customers:review"), request.GET.get("page")))


# --- The customer's own voice: /s/<token> ------------------------------------------

SURVEY_POSTS_ALLOWED = 10
SURVEY_POSTS_WINDOW = 10 * 60  # seconds
_SURVEY_DONE = "survey_done"


@login_required
@require_POST
def survey_link_create(request, pk):
    act = act_selectors.act_get(user=request.user, pk=pk)
    try:
        _link, token = survey_links.survey_link_create(
            user=request.user,
            act=act,
            send_email=bool(request.POST.get("send_email")),
            site_url=request.build_absolute_uri("/"),
        )
    except errors.DomainError as error:
        messages.error(request, error.message)
    else:
        # Only the hash is kept: the link is shown this once, on the act page.
        request.session[f"survey_url_{act.pk}"] = request.build_absolute_uri(reverse("survey", args=[token]))
        sent = f" and emailed it to {act.customer.email}" if request.POST.get("send_email") else ""
        replaced = " The link made before stops working." if request.POST.get("replace") else ""
        messages.success(
            request,
            f"Made a personal link for {act.customer.name}{sent}. Copy it now: it is shown only once.{replaced}",
        )
    return redirect("acts:detail", pk=act.pk)


@login_required
@require_POST
def survey_link_sent(request, pk):
    """ "Mark as sent": the customer's open link was sent by hand; their quiet period starts."""
    act = act_selectors.act_get(user=request.user, pk=pk)
    try:
        link = survey_links.survey_link_mark_sent(user=request.user, act=act)
    except errors.DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Marked as sent to {act.customer.name} on {day(link.sent_at)}. "
            f"To keep it rare, they are not asked again for {settings.SECONDMILE['SURVEY_QUIET_DAYS']} days.",
        )
    if request.POST.get("back") == "customer":
        return redirect("customers:detail", pk=act.customer_id)
    return redirect("acts:detail", pk=act.pk)


def _too_many_posts(request, token_hash: str) -> bool:
    """Count this POST against its link and its client; True once either is over the limit.

    The counters live in the default cache, which every app server shares (the database,
    or Redis with CACHE_URL). Redis counts exactly; the database cache's increment is a
    read then a write, so two POSTs at the same instant may count once, which still stops
    a script hammering the link.
    """
    over = False
    for key in (f"survey-post:link:{token_hash}", f"survey-post:ip:{client_ip(request)}"):
        cache.add(key, 0, timeout=SURVEY_POSTS_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=SURVEY_POSTS_WINDOW)
            count = 1
        over = over or count > SURVEY_POSTS_ALLOWED
    return over


def _survey_render(request, template, context, status=200):
    response = render(request, template, context, status=status)
    # The token is in the path: keep it out of search engines. (Other sites never see it
    # in a Referer: the site-wide policy is same-origin. "no-referrer" would make the
    # browser send `Origin: null` with the form, which CSRF checking rightly refuses.)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _survey_gone(request):
    # The same answer for a wrong, expired or used token: it tells nothing about which.
    return _survey_render(
        request,
        "customers/survey_message.html",
        {
            "title": "This link is not valid any more",
            "text": "It may have been used already or have expired. Thank you for thinking of us.",
        },
        status=404,
    )


@never_cache
def survey(request, token):
    token_hash = tokens.token_hash(token)
    if request.method == "POST" and _too_many_posts(request, token_hash):
        return _survey_render(
            request,
            "customers/survey_message.html",
            {
                "title": "One moment, please",
                "text": "We received many answers from here in a short time. Please try again in a few minutes.",
            },
            status=429,
        )
    link = survey_links.survey_link_open(token)
    if link is None:
        done = request.session.get(_SURVEY_DONE)
        answered = survey_links.survey_link_answered(token) if done == token_hash else None
        if answered is not None:
            return _survey_render(request, "customers/survey_thanks.html", {"act": answered.act})
        return _survey_gone(request)
    form = SurveyForm(request.POST or None, team_name=link.act.team.name)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey_links.survey_submit(token=token, score=data["score"], text=data["text"], consent=data["consent"])
        except errors.Conflict:
            return _survey_gone(request)
        except errors.DomainError as error:
            form_error(form, error)
        else:
            # Post/redirect/get: a reload shows the thanks again, not a "link used" page.
            request.session[_SURVEY_DONE] = token_hash
            return redirect("survey", token=token)
    first_name = (link.act.customer.name.split() or [""])[0]
    return _survey_render(request, "customers/survey.html", {"act": link.act, "form": form, "first_name": first_name})
