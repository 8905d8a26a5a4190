"""Forms for stories, NPS answers and the customer's survey page."""

from django import forms
from django.utils import timezone

from acts.models import Act
from core.days import day_field
from core.rendering import grouped
from customers.models import Customer
from customers.picker import MSG_PICK_ONE, CustomerField

from .models import Channel

SCORE_CHOICES = [(score, str(score)) for score in range(11)]


def score_field(label: str, *, pick: str, help_text: str = "", small: bool = False, scale_ends: bool = False):
    """A 0–10 score, rendered as a row of large buttons (templates/forms/scores.html);
    `pick` is what a missing or unknown score is told; `small` fits it in a card;
    `scale_ends` says under the row what 0 and 10 mean."""
    field = forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        template_name="forms/scores.html",
        error_messages={"required": pick, "invalid_choice": pick},
    )
    field.group_class = "scores--small" if small else ""
    field.scale_ends = scale_ends
    return field


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
    told_on = day_field(label="When", initial=timezone.localdate)
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
    score = score_field("How likely are they to recommend us? (0–10)", pick="Pick a score from 0 to 10.", small=True)
    comment = forms.CharField(
        label="What they said", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    date = day_field(label="Date", initial=timezone.localdate)
    act = forms.ModelChoiceField(
        queryset=None, required=False, label="After the act", empty_label="No act in particular"
    )

    def __init__(self, *args, acts=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["act"]
        field.queryset = acts if acts is not None else Act.objects.none()
        # Any of the customer's acts is accepted; the menu offers the latest ones only.
        field.choices = [("", field.empty_label)] + [
            (act.pk, f"{act.date:%d %b} · {act.solution[:60]}") for act in field.queryset[:ACTS_OFFERED]
        ]


class SurveyForm(forms.Form):
    """The customer's survey page; the questions name the team that asks."""

    score = score_field(
        "How likely are you to recommend us to a friend?",
        pick="Pick a number from 0 to 10.",
        help_text="0 is not at all likely, 10 is extremely likely.",
        scale_ends=True,
    )
    text = forms.CharField(
        label="Would you tell us about it, in your own words?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consent = forms.BooleanField(label="You may share what I wrote, with my name, on our story wall.", required=False)

    def __init__(self, *args, team_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].label = f"How likely are you to recommend {team_name} to a friend?"
        self.fields["consent"].label = f"You may share what I wrote, with my name, on {team_name}'s story wall."
