"""Template filters for stories: links shown only when they are plain web addresses."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings

from stories import survey as survey_links

register = template.Library()


@register.filter
def http_url(value) -> str:
    """The URL if it is an http(s) address, else "". The service refuses other schemes;
    this keeps a `javascript:` link out of an href even if one reached the database."""
    url = (value or "").strip()
    if not url or any(ch in url for ch in "\r\n\t"):
        return ""
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


@register.filter
def link_host(value) -> str:
    """The host a link points to ("www.tripadvisor.com"), to show beside it."""
    host = urlsplit(http_url(value)).hostname or ""
    return host.removeprefix("www.")


@register.filter
def survey_quiet_until(customer):
    """The first day a customer may be asked for their voice again, or None."""
    return survey_links.survey_quiet_until(customer)


@register.filter
def survey_quiet(customer):
    """While a customer is in their quiet period: {"asked": when, "until": first day}."""
    return survey_links.survey_quiet(customer)


@register.simple_tag
def survey_link_days() -> int:
    return settings.SECONDMILE["SURVEY_LINK_DAYS"]


@register.filter
def survey_open_link(customer):
    """The customer's open survey link (made, not answered, not expired), or None."""
    return survey_links.survey_link_unused(customer=customer)
