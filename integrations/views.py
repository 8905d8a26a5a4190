"""The webhooks page (admins): the endpoints with their recent deliveries, add one (its
secret shown once), remove one after a confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core import errors
from core.models import Role
from core.roles import role_require
from core.web import form_error

from . import selectors, webhooks
from .forms import WebhookForm


def _admin_only(user) -> None:
    role_require(user, needs=Role.ADMIN, says="Webhooks are set up by admins.")


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request):
    _admin_only(request.user)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endpoint, secret = webhooks.webhook_endpoint_create(
                user=request.user,
                url=data["url"],
                events=data["events"],
                team_id=data["team"].pk if data["team"] else None,
            )
        except errors.DomainError as error:
            form_error(form, error)
        else:
            # Shown once on the next page, then only the receiver has it.
            request.session["new_webhook_secret"] = {"id": endpoint.pk, "secret": secret}
            messages.success(request, f"Webhook added: events go to {endpoint.url}. Copy its secret now.")
            return redirect("integrations:webhooks")
    return render(
        request,
        "integrations/webhooks.html",
        {
            "form": form,
            "endpoints": selectors.webhook_endpoints_with_deliveries(user=request.user),
            "new_secret": request.session.pop("new_webhook_secret", None),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def webhook_delete(request, pk):
    """GET asks to confirm; POST removes."""
    _admin_only(request.user)
    endpoint = get_object_or_404(selectors.webhook_endpoints_visible(user=request.user), pk=pk)
    if request.method == "POST":
        webhooks.webhook_endpoint_delete(user=request.user, endpoint=endpoint)
        messages.success(request, f"Webhook removed: nothing more goes to {endpoint.url}.")
        return redirect("integrations:webhooks")
    return render(request, "integrations/webhook_delete.html", {"endpoint": endpoint})
