"""Django admin for acts (read-mostly: transitions go through the app) and budgets."""

from django import forms
from django.contrib import admin

from core import errors, formatting
from core.admin_mixins import ReadOnlyAdminMixin, ServiceAdminMixin

from . import budgets
from .models import Act, ActEvent, BudgetMonth, FollowUp


class ActEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ActEvent
    extra = 0
    readonly_fields = ["at", "actor", "action", "from_status", "to_status", "amount", "note"]


@admin.register(Act)
class ActAdmin(admin.ModelAdmin):
    list_display = ["id", "date", "team", "author", "customer", "kind", "cost", "status"]
    list_filter = ["team", "status", "approval_level", "quadrant", "trigger", "kind"]
    list_select_related = ["team", "author", "customer"]
    search_fields = ["problem", "solution", "customer__name"]
    date_hierarchy = "date"
    inlines = [ActEventInline]

    def get_readonly_fields(self, request, obj=None):
        # State, money and people move only through the services, with history.
        return [field.name for field in Act._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActEvent)
class ActEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history is append-only: it can be read, never changed or removed."""

    list_display = ["at", "act", "actor", "action", "from_status", "to_status", "amount"]
    list_filter = ["action"]
    list_select_related = ["act", "actor"]


class BudgetMonthForm(forms.ModelForm):
    class Meta:
        model = BudgetMonth
        fields = ["team", "month", "budget"]

    def clean_budget(self):
        budget = self.cleaned_data["budget"]
        if self.instance.pk and budget < self.instance.committed:
            raise forms.ValidationError(
                errors.MSG_BUDGET_BELOW_COMMITTED.format(committed=formatting.money(self.instance.committed))
            )
        return budget


@admin.register(BudgetMonth)
class BudgetMonthAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """A month's budget is set through `budget_set`, as on the policy page: never below
    what is committed, and written to the audit log."""

    form = BudgetMonthForm
    list_display = ["team", "month", "budget", "committed"]
    list_filter = ["team"]

    def get_readonly_fields(self, request, obj=None):
        return ["team", "month", "committed"] if obj is not None else ["committed"]

    def save_through_service(self, request, obj, form, change):
        return budgets.budget_set(user=request.user, team=obj.team, month=obj.month, amount=form.cleaned_data["budget"])

    def has_delete_permission(self, request, obj=None):
        return False  # acts' commitments count against it


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["customer", "kind", "due_on", "done_at"]
    list_filter = ["kind", "team"]
    raw_id_fields = ["customer", "act", "nps_response"]
