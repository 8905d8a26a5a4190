"""Django admin for acts (read-mostly: transitions go through the app) and budgets."""

from django.contrib import admin

from secondmile.admin_mixins import ReadOnlyAdminMixin

from .models import Act, ActEvent, BudgetMonth


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


@admin.register(BudgetMonth)
class BudgetMonthAdmin(admin.ModelAdmin):
    list_display = ["team", "month", "budget", "committed"]
    list_filter = ["team"]
    readonly_fields = ["committed"]
