"""Pages for customers (the list, one customer, creating and editing), their stories
(recording, the wall, moderation), NPS answers, and the customer's own survey page."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core.inputs import id_parse
from core.models import Role
from core.web import form_saved, paginate, paginate_open, team_required

from . import selectors, services
from .forms import (
    CustomerForm,
    CustomerSearchForm,
)
from .picker import MATCHES_SHOWN, customer_matches

_PICKER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")


@login_required
@require_GET
def customer_picker_matches(request):
    """The picker's matches for what was typed so far (htmx): a few radio buttons, never
    the whole team."""
    name = request.GET.get("field", "")
    element_id = request.GET.get("id", "")
    if not (_PICKER_NAME.match(name) and _PICKER_NAME.match(element_id)):
        raise Http404
    customers = selectors.customers_visible_to(request.user)
    query = request.GET.get(f"{name}_q", "")
    chosen = id_parse(request.GET.get(name))
    matches = customer_matches(customers, query, chosen=chosen)
    return render(
        request,
        "customers/_customer_matches.html",
        {
            "name": name,
            "id": element_id,
            "query": query,
            "matches": matches,
            "chosen": str(chosen or ""),
            "label_team": request.user.role == Role.ADMIN,
            "limit": MATCHES_SHOWN,
        },
    )


@login_required
def customer_list(request):
    search = CustomerSearchForm(request.GET, auto_id="%s")
    query = search.cleaned_data["q"] if search.is_valid() else ""
    customers = selectors.customer_search(user=request.user, query=query)
    if query.strip():
        # A search's matches are paged without a total: counting them would read every
        # customer of the team on each request.
        page = paginate_open(request, customers)
    else:
        page = paginate(request, customers, count=selectors.customers_count(user=request.user))
    page["page_obj"].object_list = selectors.with_act_counts(page["page_obj"].object_list)
    return render(request, "customers/list.html", {"search": search, "query": query, **page})


# The services name a customer's referrer `referred_by`; the form asks for their code,
# so the referral guards show beside "Referred by".
_CUSTOMER_FORM_FIELDS = {"referred_by": "referrer_code"}


def _customer_answers(data: dict) -> dict:
    """The customer form's answers as the create and update services take them."""
    return {
        "name": data["name"],
        "email": data["email"],
        "phone": data["phone"],
        "company": data["company"],
        "notes": data["notes"],
        "referred_by": data["referrer_code"],
        "first_purchase_value": data["first_purchase_value"],
        "referred_by_story": data["referred_by_story"],
    }


def _warn_if_duplicate(request, form) -> None:
    if form.duplicate_of:
        messages.warning(request, f"{form.duplicate_of.name} has the same email: is it the same person?")


def _referral_initial(request, customers) -> dict:
    """Start a new customer from a story (?story=) or a referrer (?referrer=CODE)."""
    story_id = id_parse(request.GET.get("story"))
    teller = selectors.customer_for_story(customers=customers, story_id=story_id)
    if teller is not None:
        return {"referrer_code": teller.referral_code, "referred_by_story": str(story_id)}
    return {"referrer_code": request.GET.get("referrer", "").strip().upper()[:8]}


@login_required
@team_required
def customer_new(request):
    customers = selectors.customers_of_team(user=request.user)
    form = CustomerForm(request.POST or None, customers=customers, initial=_referral_initial(request, customers))
    customer = form_saved(
        request,
        form,
        lambda data: services.customer_create(user=request.user, **_customer_answers(data)),
        aliases=_CUSTOMER_FORM_FIELDS,
    )
    if customer is not None:
        messages.success(request, f"Added {customer.name} (referral code {customer.referral_code}).")
        _warn_if_duplicate(request, form)
        return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": None})


@login_required
def customer_edit(request, pk):
    customer = selectors.customer_get(user=request.user, pk=pk)
    customers = selectors.customers_of_team(user=request.user, team_id=customer.team_id)
    initial = {
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "company": customer.company,
        "notes": customer.notes,
        "first_purchase_value": customer.first_purchase_value,
        "referrer_code": customer.referred_by.referral_code if customer.referred_by else "",
        "referred_by_story": str(customer.referred_by_story_id or ""),
    }
    form = CustomerForm(request.POST or None, customers=customers, instance=customer, initial=initial)
    saved = form_saved(
        request,
        form,
        lambda data: services.customer_update(user=request.user, customer=customer, **_customer_answers(data)),
        aliases=_CUSTOMER_FORM_FIELDS,
    )
    if saved is not None:
        messages.success(request, f"Saved {form.cleaned_data['name']}.")
        _warn_if_duplicate(request, form)
        return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer})


@login_required
@require_GET
def referrer_stories(request):
    """The story pick for the referrer code typed so far (htmx, on the customer form)."""
    customers = selectors.customers_of_team(user=request.user)
    form = CustomerForm(customers=customers, initial={"referrer_code": request.GET.get("referrer_code", "")})
    return render(request, "customers/form.html#story-pick", {"form": form})
