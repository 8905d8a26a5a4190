"""Small helpers the page views share: pagination and turning domain errors into messages."""

from django.core.paginator import Paginator
from django.http import HttpRequest

from .errors import DomainError

PAGE_SIZE = 20


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> dict:
    """The page of `queryset` the request asks for, and the query string to keep filters."""
    page_obj = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {"page_obj": page_obj, "querystring_without_page": f"{encoded}&" if encoded else ""}


def form_error(form, error: DomainError) -> None:
    """Put a service's refusal beside the field it names (or on top of the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
