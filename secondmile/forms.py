"""Forms of the cross-app pages: the second step of logging in, the profile, the team's spend policy and the
audit log."""

from django import forms

from core.days import MONTH_HINT
from core.models import AuditEvent
from core.money import MONEY_FORM_FIELD as MONEY
from core.rendering import FilterForm, grouped


def _code_field(label: str, *, help_text: str = "", max_length: int = 20) -> forms.CharField:
    """A one-time code: the app's six digits or a recovery code, typed on a phone. The
    services check it (mfa_code_check, mfa_enable, mfa_disable) and say what is wrong with
    it, so the field adds no message of its own: an empty or overlong code is one more
    wrong code."""
    return grouped(
        forms.CharField(
            label=label,
            required=False,
            help_text=help_text,
            widget=forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "one-time-code",
                    "autocapitalize": "off",
                    "spellcheck": "false",
                    "maxlength": max_length,
                    "required": True,
                    "class": "code-input",
                }
            ),
        ),
        hide_optional=True,
    )


class MfaVerifyForm(forms.Form):
    """The second step of logging in."""

    code = _code_field("Code", help_text="No phone? Enter one of your recovery codes instead.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["autofocus"] = True


class MfaSetupForm(forms.Form):
    """The code that confirms a newly scanned authenticator."""

    code = _code_field("Enter the 6-digit code the app now shows", max_length=7)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # A wrong code: the page opens on the field again.
            self.fields["code"].widget.attrs["autofocus"] = True


class MfaDisableForm(forms.Form):
    mfa_code = _code_field("Current code or recovery code")


class AuditFilterForm(FilterForm):
    action = forms.ChoiceField(
        label="Change", required=False, choices=[("", "Every change"), *AuditEvent.Action.choices]
    )


class TeamPickForm(forms.Form):
    """Which team a page shows (a GET form that reloads the page)."""

    team = forms.ModelChoiceField(label="Team", queryset=None, empty_label=None)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class TokenForm(forms.Form):
    name = forms.CharField(max_length=60, initial="Helpdesk", label="What is it for?")


class PolicyForm(forms.Form):
    monthly_budget = forms.DecimalField(label="Default monthly budget", **MONEY)
    empowerment_limit = forms.DecimalField(
        label="Empowerment limit",
        **MONEY,
        help_text="Everyone starts here and spends up to their own limit without asking.",
    )
    manager_limit = forms.DecimalField(label="Manager limit", **MONEY, help_text="Above this, an admin decides.")
    receipt_required_above = forms.DecimalField(label="Receipt required above", **MONEY)
    review_share = forms.DecimalField(
        label="Share of empowered acts drawn for a look",
        max_digits=3,
        decimal_places=2,
        min_value=0,
        max_value=1,
        help_text="0.10 means one in ten, at random.",
    )
    reminder_hours = forms.IntegerField(
        label="Remind approvers after (hours)",
        min_value=1,
        max_value=720,
        help_text="A request that has waited this long reminds its approvers, once.",
    )
    escalation_hours = forms.IntegerField(
        label="Send to the admins after (hours)",
        min_value=1,
        max_value=720,
        help_text="A request that has waited this long goes to the admins too.",
    )
    # Left empty, the team keeps its current window.
    recovery_days = grouped(
        forms.IntegerField(
            label="Recovery window (days)",
            required=False,
            min_value=1,
            max_value=3650,
            help_text="A reactive act counts as a recovery when the customer comes back within this many days.",
        ),
        hide_optional=True,
    )
    # A person's own limit grows with their track record (acts/empowerment.py). Left
    # empty, each keeps its current value.
    limit_growth_acts = grouped(
        forms.IntegerField(
            label="A person's own limit grows after (acts)",
            required=False,
            min_value=1,
            max_value=1000,
            help_text="Their acts completed (delivered, the customer told) since the last change, with no "
            "request declined and no problem found in a look.",
        ),
        hide_optional=True,
    )
    limit_growth_step = grouped(
        forms.DecimalField(
            label="It grows by",
            required=False,
            **MONEY,
            help_text="Each time, up to the manager limit. A declined request or a problem found puts it "
            "back to the empowerment limit.",
        ),
        hide_optional=True,
    )

    def clean(self):
        data = super().clean()
        for name in ("recovery_days", "limit_growth_acts", "limit_growth_step"):
            if data.get(name) is None:
                data.pop(name, None)
        return data


class BudgetForm(forms.Form):
    month = forms.DateField(
        label="Month",
        input_formats=["%Y-%m"],
        help_text=MONTH_HINT,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    budget = forms.DecimalField(label="Budget for that month", **MONEY)


class SlackMemberForm(forms.Form):
    slack_user_id = forms.CharField(
        label="Slack member ID",
        max_length=20,
        required=False,
        help_text="In Slack: your profile, ⋮, Copy member ID (it starts with U). Leave empty to unlink.",
        widget=forms.TextInput(attrs={"placeholder": "U012AB3CD4E", "autocomplete": "off"}),
    )


class SlackWebhookForm(forms.Form):
    slack_webhook_url = forms.CharField(
        label="Slack incoming webhook",
        max_length=300,
        required=False,
        help_text="New approval requests are posted there with Approve and Open buttons. Empty: none.",
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.slack.com/services/…", "autocomplete": "off"}),
    )
