"""Forms of the act pages. Services re-check every rule; forms give the field messages."""

from django import forms
from django.conf import settings
from django.utils import timezone

from core import errors
from core.days import day_field
from core.formatting import money
from core.money import MONEY_FORM_FIELD
from core.rendering import FilterForm, grouped
from customers.models import Customer
from customers.picker import MSG_PICK_ONE, CustomerField

from . import empowerment
from .followups import MSG_SNOOZE_DAYS, SNOOZE_DAYS
from .models import QUADRANT_HINTS, Kind, Quadrant, Status, Trigger

MONEY = MONEY_FORM_FIELD
MSG_NO_CUSTOMER = "Choose a customer, or type a new customer's name."


class ActForm(forms.Form):
    # One of the two is needed: neither says "(optional)".
    customer = grouped(
        CustomerField(queryset=Customer.objects.none(), required=False, label="Customer"), hide_optional=True
    )
    new_customer_name = grouped(
        forms.CharField(required=False, max_length=120, label="…or a new customer's name"), hide_optional=True
    )
    new_customer_email = forms.EmailField(required=False, label="New customer's email")
    problem = forms.CharField(label="What did they expect or need?", widget=forms.Textarea(attrs={"rows": 2}))
    quadrant = grouped(
        forms.ChoiceField(
            label="Which expectation did you go beyond?",
            widget=forms.RadioSelect,
            choices=[(q.value, f"{q.label} — {QUADRANT_HINTS[q]}") for q in Quadrant],
            # The usual one for a surprise; the page's script moves it to Response for a
            # recovery until the person picks one themselves.
            initial=Quadrant.DELIVERY,
        ),
        group_class="choices-grid",
    )
    trigger = grouped(
        forms.ChoiceField(
            label="Was it a surprise or a recovery?",
            widget=forms.RadioSelect,
            choices=Trigger.choices,
            initial=Trigger.PROACTIVE,
        ),
        group_class="choices-grid",
    )
    solution = forms.CharField(label="What did you do?", widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label="Kind of gesture", choices=Kind.choices)
    cost = forms.DecimalField(
        label=f"Cost ({settings.CURRENCY_SYMBOL})",
        initial=0,
        **MONEY,
        max_value=settings.SECONDMILE["MAX_ACT_COST"],
        error_messages={
            "min_value": errors.MSG_NEGATIVE_COST,
            "max_value": errors.MSG_COST_TOO_HIGH.format(limit=money(settings.SECONDMILE["MAX_ACT_COST"])),
            "invalid": errors.MSG_NOT_A_NUMBER,
        },
        help_text="0 if it cost nothing but time.",
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    # The three questions: asked when there is a cost (the fieldset's legend says so).
    right_thing = grouped(
        forms.CharField(
            required=False, label="Is it the right thing to do? Why?", widget=forms.Textarea(attrs={"rows": 2})
        ),
        hide_optional=True,
    )
    great_experience = grouped(
        forms.CharField(
            required=False, label="Will it make a great experience? How?", widget=forms.Textarea(attrs={"rows": 2})
        ),
        hide_optional=True,
    )
    how_they_know = grouped(
        forms.CharField(
            required=False, label="How will the customer know what we did?", widget=forms.Textarea(attrs={"rows": 2})
        ),
        hide_optional=True,
    )
    date = day_field(initial=timezone.localdate, label="Date")

    def __init__(self, *args, customers=None, label_team=False, search=None, limit_hint="", own_limit=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Above it an approver decides, and the three questions are asked (for the page's script).
        self.own_limit = own_limit
        if limit_hint:
            # What the person approves by themselves, beside the cost (acts/empowerment.py).
            self.fields["cost"].help_text = f"0 if it cost nothing but time. {limit_hint}"
        if customers is not None:
            # An admin picks among every team's customers: the matches say whose each one is.
            self.fields["customer"].bind(
                customers=customers,
                data=self.data if self.is_bound else search,
                initial=self.initial.get("customer"),
                label_team=label_team,
            )

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("An act cannot be dated in the future.")
        return date

    def clean(self):
        data = super().clean()
        if not data.get("customer") and not (data.get("new_customer_name") or "").strip():
            self.add_error("customer", MSG_PICK_ONE if self.data.get("customer_q") else MSG_NO_CUSTOMER)
        # Whether the three answers are needed is the service's to say (it depends on the
        # customer's team and the person's own limit); its refusal marks each missing one.
        return data


class FeedFilterForm(FilterForm):
    quadrant = forms.ChoiceField(required=False, choices=[("", "Any")] + Quadrant.choices)
    trigger = forms.ChoiceField(
        required=False, choices=[("", "Any"), ("proactive", "Proactive"), ("reactive", "Reactive")]
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any")] + Kind.choices)
    author = forms.ChoiceField(required=False, label="Person")
    status = forms.ChoiceField(required=False, choices=[("", "Any")] + Status.choices)
    # Set by "See all acts" on a customer's page; kept while other filters change.
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = [("", "Anyone")] + [(str(person.pk), person.display_name) for person in people]


class PlaybookFilterForm(FilterForm):
    quadrant = forms.ChoiceField(required=False, choices=[("", "Any")] + Quadrant.choices)
    kind = forms.ChoiceField(required=False, label="Kind of gesture", choices=[("", "Any")] + Kind.choices)
    trigger = forms.ChoiceField(
        required=False, choices=[("", "Any"), ("proactive", "Proactive"), ("reactive", "Reactive")]
    )
    returned = forms.ChoiceField(
        required=False,
        label="What it returned",
        choices=[("", "Anything"), ("story", "A story on the wall")],
    )


class SnoozeForm(forms.Form):
    """Put one follow-up of the list off; build it with `snooze_form`."""

    days = grouped(
        forms.TypedChoiceField(
            coerce=int,
            choices=[(days, f"{days} day{'' if days == 1 else 's'}") for days in SNOOZE_DAYS],
            error_messages={"required": MSG_SNOOZE_DAYS, "invalid_choice": MSG_SNOOZE_DAYS},
        ),
        group_class="field--label-hidden",
    )


def snooze_form(follow_up) -> SnoozeForm:
    """The snooze of one row: its ids unique on the page, its label (read by screen readers
    only) naming the follow-up it puts off."""
    form = SnoozeForm(auto_id=f"snooze-{follow_up.pk}-%s")
    form.fields["days"].label = f"Snooze {follow_up.get_kind_display().lower()} for {follow_up.customer.name} by"
    return form


AMOUNT_WIDGET = {"step": "0.01", "inputmode": "decimal"}


class ApproveForm(forms.Form):
    # Filled in with what was asked; left empty, the asked amount is approved.
    amount = grouped(
        forms.DecimalField(required=False, label="Amount", **MONEY, widget=forms.NumberInput(attrs=AMOUNT_WIDGET)),
        hide_optional=True,
    )
    note = forms.CharField(required=False, label="Note", max_length=1000)


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="Reason to decline", max_length=1000, error_messages={"required": "Say why you decline."}
    )


class DeliverForm(forms.Form):
    actual_cost = forms.DecimalField(
        label="What it actually cost",
        **MONEY,
        widget=forms.NumberInput(attrs=AMOUNT_WIDGET),
    )
    receipt = forms.FileField(
        required=False,
        label="Receipt",
        help_text="An image or a PDF, up to 5 MB.",
        widget=forms.FileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    note = forms.CharField(required=False, label="Note", max_length=1000)

    def __init__(self, *args, receipt_above=None, **kwargs):
        super().__init__(*args, **kwargs)
        if receipt_above is not None:
            # The service refuses a delivery above the team's receipt limit without one.
            receipt = self.fields["receipt"]
            receipt.help_text = f"Needed above {money(receipt_above)}: an image or a PDF, up to 5 MB."
            receipt.hide_optional = True


class CustomerKnowsForm(forms.Form):
    how = forms.CharField(
        label="How did the customer learn of it?",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "e.g. handed over at the gate, a card with the flowers"}),
    )


class ReviewForm(forms.Form):
    note = forms.CharField(required=False, label="Note", max_length=1000)
    # Set by the "Mark as a problem" button of a look; withdrawing ignores it.
    problem = forms.BooleanField(required=False)


class LookForm(ReviewForm):
    """A manager's look at an empowered act: seen, or a problem (with a note)."""

    note = forms.CharField(
        required=False,
        label="Note",
        max_length=1000,
        help_text="Needed for a problem: the person sees it, and their own limit goes back to the team's.",
    )


def decision_forms(act) -> dict:
    """The approve and decline forms of one request in the approval queue, their ids made
    unique by the act's id: a page shows several requests."""
    return {
        "approve": ApproveForm(initial={"amount": act.cost}, auto_id=f"approve-%s-{act.pk}"),
        "decline": DeclineForm(auto_id=f"decline-%s-{act.pk}"),
    }


def review_form(act) -> LookForm:
    """The look form (seen, or a problem) of one act in the queue's sample, its ids unique on the page."""
    return LookForm(auto_id=f"review-%s-{act.pk}")


class LimitPinForm(forms.Form):
    amount = forms.DecimalField(
        label=f"Pin the limit at ({settings.CURRENCY_SYMBOL})",
        **MONEY,
        max_value=settings.SECONDMILE["MAX_ACT_COST"],
        widget=forms.NumberInput(attrs=AMOUNT_WIDGET),
        help_text="Higher or lower than the team's. It stays there until you unpin it.",
        error_messages={"required": "Enter the amount to pin the limit at."},
    )
    reason = forms.CharField(
        label="Why",
        max_length=500,
        help_text="The person sees it in their history.",
        error_messages={"required": empowerment.MSG_PIN_NEEDS_REASON},
    )


class LimitUnpinForm(forms.Form):
    reason = forms.CharField(
        label="Why",
        max_length=500,
        help_text="It goes back to the team's limit and grows again from there.",
        error_messages={"required": empowerment.MSG_UNPIN_NEEDS_REASON},
    )
