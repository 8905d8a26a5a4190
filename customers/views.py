"""Pages for customers: the list with search, one customer, creating and editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from secondmile import errors
from secondmile.web import form_error, paginate

from . import selectors, services
from .forms import CustomerForm


@login_required
def customer_list(request):
    query = request.GET.get("q", "")
    customers = selectors.customer_search(user=request.user, query=query)
    return render(request, "customers/list.html", {"query": query, **paginate(request, customers)})


@login_required
def customer_detail(request, pk):
    customer = selectors.customer_get(user=request.user, pk=pk)
    return render(request, "customers/detail.html", selectors.customer_page(customer=customer))


@login_required
def customer_new(request):
    customers = selectors.customers_visible_to(request.user).filter(team_id=request.user.team_id)
    form = CustomerForm(request.POST or None, customers=customers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer = services.customer_create(
                user=request.user, name=data["name"], email=data["email"], phone=data["phone"],
                company=data["company"], notes=data["notes"], referred_by=data["referrer_code"],
                first_purchase_value=data["first_purchase_value"],
                referred_by_story=selectors.story_for_referral(
                    referrer=data["referrer_code"], story_id=request.POST.get("story")
                ),
            )
        except errors.DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Added {customer.name} (referral code {customer.referral_code}).")
            if form.duplicate_of:
                messages.warning(
                    request, f"{form.duplicate_of.name} has the same email: is it the same person?"
                )
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": None})


@login_required
def customer_edit(request, pk):
    customer = selectors.customer_get(user=request.user, pk=pk)
    customers = selectors.customers_visible_to(request.user).filter(team_id=customer.team_id)
    initial = {
        "name": customer.name, "email": customer.email, "phone": customer.phone,
        "company": customer.company, "notes": customer.notes,
        "first_purchase_value": customer.first_purchase_value,
        "referrer_code": customer.referred_by.referral_code if customer.referred_by else "",
    }
    form = CustomerForm(request.POST or None, customers=customers, instance=customer,
                        initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.customer_update(
                user=request.user, customer=customer, name=data["name"], email=data["email"],
                phone=data["phone"], company=data["company"], notes=data["notes"],
                referred_by=data["referrer_code"],
                first_purchase_value=data["first_purchase_value"],
            )
        except errors.DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Saved {data['name']}.")
            if form.duplicate_of:
                messages.warning(
                    request, f"{form.duplicate_of.name} has the same email: is it the same person?"
                )
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer})


# --- Stories, moderation, the customer's survey page -------------------------------


@login_required
def story_wall(request):
    raise Http404


@login_required
def story_review(request):
    raise Http404


@login_required
def story_new(request):
    raise Http404


def survey(request, token):
    raise Http404
