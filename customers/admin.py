"""Django admin for customers."""

from django import forms
from django.contrib import admin

from core.admin_mixins import ServiceAdminMixin, service_check
from core.csv_admin import CsvImportAdminMixin
from core.models import CsvImport

from . import imports, referrals, services
from .models import Customer, CustomerReturn

EDITABLE = ["name", "email", "phone", "company", "notes", "referred_by", "referred_by_story", "first_purchase_value"]


class CustomerAdminForm(forms.ModelForm):
    """Runs the services' referral rules in clean(), so a self-referral, a loop or a
    second referrer shows beside the field instead of being saved (or failing)."""

    class Meta:
        model = Customer
        fields = ["team", *EDITABLE]

    def clean(self):
        cleaned_data = super().clean()
        # clean() runs before the form writes into its instance: it is the row as stored.
        team = cleaned_data.get("team") or getattr(self.instance, "team", None)
        if team is not None:
            service_check(
                self,
                referrals.referral_check,
                team=team,
                customer=self.instance if self.instance.pk else None,
                referred_by=cleaned_data.get("referred_by"),
                referred_by_story=cleaned_data.get("referred_by_story"),
            )
        return cleaned_data


@admin.register(Customer)
class CustomerAdmin(CsvImportAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Customers are made and edited through `customer_create` and `customer_update`,
    with the referral guards and the audit row, as on the pages; "Import from CSV"
    imports a file through `customers_import`, as the command does."""

    csv_kind = CsvImport.Kind.CUSTOMERS
    csv_columns = imports.COLUMNS
    csv_noun = "customers"

    def csv_import(self, **kwargs):
        return imports.customers_import(**kwargs)

    form = CustomerAdminForm
    list_display = ["name", "team", "email", "referral_code", "referred_by", "created_at"]
    list_filter = ["team"]
    search_fields = ["name", "email", "referral_code"]
    list_select_related = ["team", "referred_by"]
    raw_id_fields = ["referred_by", "referred_by_story"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["referral_code", "created_at", "last_surveyed_at"]
        return ["team", *fixed] if obj is not None else fixed

    def has_delete_permission(self, request, obj=None):
        # Customers are never deleted: their acts, stories and referrals point to them,
        # and each team's customer count is kept by customer_create.
        return False

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            return services.customer_create(user=request.user, team=data["team"], **{f: data[f] for f in EDITABLE})
        changed = {f: data[f] for f in EDITABLE if f in form.changed_data}
        return services.customer_update(user=request.user, customer=obj, **changed)


@admin.register(CustomerReturn)
class CustomerReturnAdmin(admin.ModelAdmin):
    """Returns, read-only: they are recorded on the customer page or through the API
    (customer_return_record, with its audit row and the recovery figure it moves)."""

    list_display = ["customer", "team", "date", "value", "recorded_by", "created_at"]
    list_filter = ["team"]
    list_select_related = ["customer", "team", "recorded_by"]
    raw_id_fields = ["customer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
