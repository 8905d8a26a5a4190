"""The customer picker: a search box that finds customers as you type (htmx against a
bounded endpoint) and offers the matches as radio buttons, so a team of a hundred thousand
customers never sends them all to the page.

Without JavaScript the "Find" button submits the form, and the page comes back with the
matches for what was typed. The field accepts any customer of the queryset it is given;
only the page of matches is ever rendered.
"""

from django import forms
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse

from core.inputs import id_parse

from .models import Customer

MATCHES_SHOWN = 8
MSG_PICK_ONE = "Choose one of the customers found, or type a new customer's name."


def customer_matches(customers: QuerySet[Customer], query: str, *, chosen=None) -> list[Customer]:
    """The first MATCHES_SHOWN of `customers` whose name, email, phone or referral code
    matches `query`, with the customer already chosen (an id, if one of `customers`) first,
    so that a new search never drops the choice."""
    query = (query or "").strip()
    found = []
    if query:
        found = list(
            customers.filter(
                Q(name__icontains=query)
                | Q(email__icontains=query)
                | Q(phone__icontains=query)
                | Q(referral_code__iexact=query)
            )
            .select_related("team")
            .order_by("name", "id")[:MATCHES_SHOWN]
        )
    chosen_pk = id_parse(chosen)
    if chosen_pk and all(customer.pk != chosen_pk for customer in found):
        found = [*customers.select_related("team").filter(pk=chosen_pk)[:1], *found]
    return found


class CustomerPicker(forms.Widget):
    """A search box plus radio buttons for the matches and the customer already chosen."""

    template_name = "customers/_customer_picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.query = ""
        self.matches: list[Customer] = []
        self.label_team = False

    def id_for_label(self, id_):
        # The label names the search box, where typing starts.
        return f"{id_}_q" if id_ else id_

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        context = {
            "name": name,
            "id": attrs.get("id", f"id_{name}"),
            "query": self.query,
            "matches": self.matches,
            "chosen": "" if value is None else str(value),
            "label_team": self.label_team,
            "search_url": reverse("customers:search"),
            "limit": MATCHES_SHOWN,
            "describedby": attrs.get("aria-describedby", ""),
        }
        return render_to_string(self.template_name, context)


class CustomerField(forms.ModelChoiceField):
    widget = CustomerPicker

    def bind(
        self, *, customers: QuerySet[Customer], data=None, initial=None, name="customer", label_team=False
    ) -> None:
        """Give the field its customers and the widget what to show: the matches for what
        was typed (`<name>_q`) and the customer chosen so far, first."""
        self.queryset = customers
        widget = self.widget
        widget.label_team = label_team
        widget.query = (data or {}).get(f"{name}_q", "") if data is not None else ""
        chosen = (data or {}).get(name) if data is not None else initial
        matches = customer_matches(customers, widget.query, chosen=chosen)
        widget.matches = matches
