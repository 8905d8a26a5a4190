"""Forms of the customer, story, NPS and survey pages. Services re-check every rule;
forms give the messages beside the fields."""

from django import forms
from django.urls import reverse
from django.utils import timezone

from core.days import day_field
from core.money import MONEY_FORM_FIELD
from core.rendering import FilterForm

from . import selectors
from .models import Customer


def _story_label(story) -> str:
    text = " ".join(story.text.split())
    return f"{story.told_on:%d %b %Y} · {story.get_channel_display()} · “{text[:70]}{'…' if len(text) > 70 else ''}”"


class CustomerSearchForm(FilterForm):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, email or code"}),
    )


class CustomerForm(forms.Form):
    name = forms.CharField(max_length=120)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    company = forms.CharField(max_length=120, required=False)
    referrer_code = forms.CharField(
        max_length=8,
        required=False,
        label="Referred by (their referral code)",
        help_text="The code of the customer who sent them, if any.",
    )
    referred_by_story = forms.ChoiceField(
        required=False,
        label="The story that brought them",
        help_text="Which of their referrer's stories sent them to us, if you know.",
    )
    first_purchase_value = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        label="First purchase value",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, customers=None, instance: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.customers = customers
        self.instance = instance
        self.duplicate_of = None
        # The story choices are the referrer's stories: the code typed (or given) decides them.
        code = self.data.get("referrer_code") if self.is_bound else self.initial.get("referrer_code")
        self.referrer = self._referrer_for(code)
        self.fields["referred_by_story"].choices = [("", "Not known")] + [
            (str(story.pk), _story_label(story)) for story in selectors.referrer_stories(referrer=self.referrer)
        ]
        # Typing a code loads that customer's stories in place (htmx); without
        # JavaScript the stories show once the form comes back with the code.
        self.fields["referrer_code"].widget.attrs.update(
            {
                "hx-get": reverse("customers:referrer_stories"),
                "hx-trigger": "change, keyup changed delay:400ms",
                "hx-target": "#story-pick",
                "hx-swap": "outerHTML",
            }
        )

    def _referrer_for(self, code) -> Customer | None:
        code = (code or "").strip().upper()
        if not code or self.customers is None:
            return None
        return self.customers.filter(referral_code=code).first()

    @property
    def offers_stories(self) -> bool:
        return len(self.fields["referred_by_story"].choices) > 1

    def clean_referrer_code(self):
        code = (self.cleaned_data.get("referrer_code") or "").strip().upper()
        if not code:
            return None
        referrer = self.customers.filter(referral_code=code).first()
        if referrer is None:
            raise forms.ValidationError("No customer of your team has that referral code.")
        return referrer

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip()
        if email:
            others = self.customers.filter(email__iexact=email)
            if self.instance is not None:
                others = others.exclude(pk=self.instance.pk)
            self.duplicate_of = others.first()
        return email

    def clean(self):
        data = super().clean()
        story_id = data.get("referred_by_story")
        data["referred_by_story"] = selectors.story_for_referral(referrer=data.get("referrer_code"), story_id=story_id)
        if story_id and data["referred_by_story"] is None and "referrer_code" not in self.errors:
            self.add_error("referred_by_story", "Pick one of the stories their referrer told.")
        return data


class ReturnForm(forms.Form):
    """A customer came back: when, what they spent (if anything), a note."""

    date = day_field(label="When they came back", initial=timezone.localdate)
    value = forms.DecimalField(
        **MONEY_FORM_FIELD,
        required=False,
        label="What they spent",
        help_text="Leave empty for a visit.",
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    note = forms.CharField(label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
