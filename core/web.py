"""Small helpers the page views share: pagination, turning domain errors into messages,
turning away people who have no team yet from pages that write a team's data. The
client's address is core.security.client_ip."""

from collections.abc import Callable
from functools import wraps
from typing import Any

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


class _KnownCountPaginator(Paginator):
    """A paginator told its total (a maintained count) instead of counting the rows."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count  # the cached_property's value, set up front


class OpenPage:
    """One page of a list whose total is not counted ("page N", with previous and next):
    it reads one row more than it shows, to know whether there is a next page. Offers
    what _pagination.html and the list templates use of Django's Page; `paginator` is
    None, so the template says "Page N" without "of M"."""

    paginator = None

    def __init__(self, queryset, number: int, per_page: int):
        offset = (number - 1) * per_page
        rows = list(queryset[offset : offset + per_page + 1])
        self.number = number
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


# A page number past this is read as the last page one can ask for: an offset the
# database can still take, and deeper than anyone pages by hand.
MAX_OPEN_PAGE = 10_000


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE, *, count: int | None = None) -> dict:
    """The page of `queryset` the request asks for. The page links keep the request's
    filters through `{% querystring page=... %}` in templates/_pagination.html. Given
    `count` (a total kept up to date elsewhere), the rows are not counted."""
    if count is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = _KnownCountPaginator(queryset, per_page, count=count)
    page_obj = paginator.get_page(request.GET.get("page"))
    return {"page_obj": page_obj}


def paginate_open(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> dict:
    """Like `paginate` for a list whose total nobody needs (a search's matches): "page N"
    with previous and next, and nothing counts the rows. A page past the end is empty."""
    number = min(id_parse(request.GET.get("page")) or 1, MAX_OPEN_PAGE)
    page_obj = OpenPage(queryset, max(number, 1), per_page)
    return {"page_obj": page_obj}


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


def form_saved(request, form, save: Callable[[dict], Any], *, aliases: dict[str, str] | None = None) -> Any | None:
    """A form page's POST: when the form is valid, `save(cleaned_data)` (the service call)
    and its result. None on a GET, on an invalid form, or when the service refused: its
    refusal is then beside the field it names (`form_error`, with `aliases`)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except DomainError as error:
        form_error(form, error, aliases=aliases)
        return None


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
