"""Forms of the customer pages."""

from django import forms

from .models import Customer


class CustomerForm(forms.Form):
    name = forms.CharField(max_length=120)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    company = forms.CharField(max_length=120, required=False)
    referrer_code = forms.CharField(
        max_length=8, required=False, label="Referred by (their referral code)",
        help_text="The code of the customer who sent them, if any.",
    )
    first_purchase_value = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False,
        label="First purchase value",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, customers=None, instance: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.customers = customers
        self.instance = instance
        self.duplicate_of = None

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
