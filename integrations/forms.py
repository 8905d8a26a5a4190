"""The webhooks page's form: the URL, the events, and the team (or every team)."""

from django import forms

from core.models import Team

from .models import Event


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="Receiver URL",
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/second-mile"}),
        help_text="A public https address. Each event is POSTed to it as signed JSON.",
    )
    events = forms.MultipleChoiceField(
        label="Events", choices=Event.choices, widget=forms.CheckboxSelectMultiple, required=True
    )
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.all(), required=False, empty_label="Every team")
