"""Days as the app enters them: the browser's own date picker (nobody types a format), a
hint in the app's way of writing a day ("1 Dec 2026"), and the chosen day written that way
beside the box, so a browser that shows "12/01/2026" cannot be misread as 12 January.
And the calendar arithmetic the summaries share (`month_end`)."""

import datetime

from django import forms


def month_end(day: datetime.date) -> datetime.date:
    """The last day of the calendar month of `day`."""
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


DAY_HINT = "Day, e.g. 1 Dec 2026: pick it from the calendar."
MONTH_HINT = "Month, e.g. Dec 2026: pick it from the calendar."


def day_written(value) -> str:
    """A day as the app writes it in full: "Tue 1 Dec 2026" ("" for no or a bad value)."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return ""
    if not isinstance(value, datetime.date):
        return ""
    return f"{value:%a} {value.day} {value:%b %Y}"


class DayInput(forms.DateInput):
    """A native date picker with the chosen day written beside it (app.js keeps it current)."""

    input_type = "date"
    template_name = "forms/day_input.html"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["written"] = day_written(context["widget"]["value"])
        return context


def day_field(*, label: str, help_text: str = "", **options) -> forms.DateField:
    """A form's day: the picker, and the hint of how the app writes a day before any other."""
    return forms.DateField(label=label, help_text=f"{DAY_HINT} {help_text}".strip(), widget=DayInput(), **options)
