"""Small helpers the page views share: pagination, turning domain errors into messages,
turning away people who have no team yet from pages that write a team's data. The
client's address is core.security.client_ip."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import redirect

from .errors import DomainError
from .inputs import id_parse
from .roles import MSG_NO_TEAM

PAGE_SIZE = 20
# Decision queues show tall cards: fewer to a page, so a phone scrolls through one page quickly.
QUEUE_PAGE_SIZE = 10


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> dict:
    """The page of `queryset` the request asks for. The page links keep the request's
    filters through `{% querystring page=... %}` in templates/_pagination.html."""
    return {"page_obj": Paginator(queryset, per_page).get_page(request.GET.get("page"))}


def page_url(path: str, page) -> str:
    """`path` on the page a list was showing, for a redirect back to it after an action."""
    number = id_parse(page)
    return f"{path}?page={number}" if number and number != 1 else path


def form_error(form, error: DomainError, *, aliases: dict[str, str] | None = None) -> None:
    """Put a service's refusal beside the field it names (or on top of the form); with
    several fields at fault, each beside its own. `aliases` maps a service's name of a
    field to the form's, where they differ."""
    aliases = aliases or {}
    for name, message in (error.fields or {error.field: error.message}).items():
        field = aliases.get(name, name)
        form.add_error(field if field in form.fields else None, message)


def team_required(view):
    """For pages that create a team's data (a customer, an act): someone without a team
    (made by `createsuperuser`, say) is sent home with a message instead of a half-made
    record. Goes below @login_required."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.team_id is None:
            messages.error(request, MSG_NO_TEAM)
            return redirect("home")
        return view(request, *args, **kwargs)

    return wrapped
