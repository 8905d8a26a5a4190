"""The catalogue's form (admins) and the queue's decision forms (managers)."""

from django import forms

from core.models import Team

from .models import MAX_POINTS, MAX_STOCK


class RewardForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, widget=forms.TextInput(attrs={"placeholder": "A team lunch"}))
    description = forms.CharField(
        label="Description", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    points = forms.IntegerField(label="Points", min_value=1, max_value=MAX_POINTS, help_text="What it costs.")
    stock = forms.IntegerField(
        label="Stock",
        required=False,
        min_value=0,
        max_value=MAX_STOCK,
        help_text="How many are left. Leave empty for no limit.",
    )
    active = forms.BooleanField(label="Offered now", required=False, initial=True)
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.all(), empty_label=None)


class FulfilForm(forms.Form):
    note = forms.CharField(
        label="Note for them",
        required=False,
        max_length=280,
        widget=forms.TextInput(attrs={"placeholder": "e.g. at the front desk"}),
    )


class RefundForm(forms.Form):
    note = forms.CharField(label="Why refund", max_length=280)


def decision_forms(redemption, *, bound: dict | None = None) -> dict:
    """The fulfil and refund forms of one waiting redemption, ids unique by its id; `bound`
    ({"fulfil" or "refund": form}) puts back a form the manager sent with an error."""
    forms_ = {
        "fulfil": FulfilForm(auto_id=f"fulfil-%s-{redemption.pk}"),
        "refund": RefundForm(auto_id=f"refund-%s-{redemption.pk}"),
    }
    return {**forms_, **(bound or {})}
