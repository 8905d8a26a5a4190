"""Forms of the customer, story, NPS and survey pages. Services re-check every rule;
forms give the messages beside the fields."""

from django import forms
from django.urls import reverse
from django.utils import timezone

from secondmile.rendering import grouped

from . import selectors
from .models import Channel, Customer
from .picker import MSG_PICK_ONE, CustomerField

SCORE_CHOICES = [(score, str(score)) for score in range(11)]


def _story_label(story) -> str:
    text = " ".join(story.text.split())
    return f"{story.told_on:%d %b %Y} · {story.get_channel_display()} · “{text[:70]}{'…' if len(text) > 70 else ''}”"


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


class StoryCustomerForm(forms.Form):
    """Step one of recording a story without an act: whose story is it?"""

    customer = CustomerField(
        queryset=Customer.objects.none(),
        label="Who told it?",
        error_messages={"required": MSG_PICK_ONE, "invalid_choice": MSG_PICK_ONE},
    )

    def __init__(self, *args, customers=None, search=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customer"].bind(
                customers=customers, data=self.data if self.is_bound else search, initial=self.initial.get("customer")
            )


class StoryForm(forms.Form):
    channel = forms.ChoiceField(label="How did they tell it?", choices=Channel.choices, initial=Channel.WORD_OF_MOUTH)
    told_on = forms.DateField(label="When", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        label="The story, in their words",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write the story or quote, in the customer's words."},
    )
    url = forms.CharField(
        label="Link to it",
        required=False,
        max_length=500,
        help_text="The review or post, if it is online (http:// or https://).",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    acts = grouped(
        forms.MultipleChoiceField(
            label="The act(s) it retells",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "invalid_choice": "Tick only acts done for this customer: a story credits the acts it retells."
            },
        ),
        no_choices="No act for this customer yet.",
    )
    consent = forms.BooleanField(label="They agreed that we share it (on the story wall)", required=False)

    def __init__(self, *args, acts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.acts_by_id = {str(act.pk): act for act in (acts or [])}
        self.fields["acts"].choices = [
            (pk, f"{act.date:%d %b} · {act.solution[:70]} ({act.author.display_name})")
            for pk, act in self.acts_by_id.items()
        ]

    def clean_acts(self):
        return [self.acts_by_id[pk] for pk in self.cleaned_data.get("acts") or []]


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("feature", "Feature"), ("reject", "Reject")])
    # Needed to reject (the service says so); the reject form's input asks for it.
    reason = grouped(
        forms.CharField(
            required=False,
            max_length=1000,
            label="…or reject it, saying why",
            widget=forms.TextInput(attrs={"required": True, "placeholder": "e.g. not about our service"}),
        ),
        hide_optional=True,
    )


def moderate_form(story) -> ModerateForm:
    """The review queue's form for one story, its ids unique on a page of several."""
    return ModerateForm(auto_id=f"%s-{story.pk}")


# How many of a customer's latest acts a form offers to link an answer or a story to.
ACTS_OFFERED = 20


class NpsForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How likely are they to recommend us? (0–10)",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Pick a score from 0 to 10."},
    )
    comment = forms.CharField(
        label="What they said", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    date = forms.DateField(label="Date", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    act = forms.ModelChoiceField(
        queryset=None, required=False, label="After the act", empty_label="No act in particular"
    )

    def __init__(self, *args, acts=None, **kwargs):
        super().__init__(*args, **kwargs)
        from acts.models import Act

        field = self.fields["act"]
        field.queryset = acts if acts is not None else Act.objects.none()
        # Any of the customer's acts is accepted; the menu offers the latest ones only.
        field.choices = [("", field.empty_label)] + [
            (act.pk, f"{act.date:%d %b} · {act.solution[:60]}") for act in field.queryset[:ACTS_OFFERED]
        ]


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Pick a number from 0 to 10.", "invalid_choice": "Pick a number from 0 to 10."},
    )
    text = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    consent = forms.BooleanField(required=False)
