"""Django admin for customers, stories, NPS responses and follow-ups."""

from django import forms
from django.contrib import admin, messages

from secondmile import errors
from secondmile.admin_mixins import ReadOnlyAdminMixin, ServiceAdminMixin, service_check

from . import services
from .models import Customer, FollowUp, NpsResponse, Story, StoryEvent, SurveyLink

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
                services.referral_check,
                team=team,
                customer=self.instance if self.instance.pk else None,
                referred_by=cleaned_data.get("referred_by"),
                referred_by_story=cleaned_data.get("referred_by_story"),
            )
        return cleaned_data


@admin.register(Customer)
class CustomerAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Customers are made and edited through `customer_create` and `customer_update`,
    with the referral guards and the audit row, as on the pages."""

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


class StoryEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The story's history, to read: rows are written by the services only."""

    model = StoryEvent
    extra = 0
    readonly_fields = ["at", "actor", "from_status", "to_status", "note"]


@admin.register(Story)
class StoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Stories, to look up: read-only. Every change must go through the services, which
    check the rules and write the history; admins moderate at /stories/review/ or with
    the actions here, which call the same service."""

    list_display = ["customer", "channel", "told_on", "status", "consent", "team"]
    list_filter = ["team", "status", "channel"]
    list_select_related = ["customer", "team"]
    search_fields = ["text", "customer__name"]
    actions = ["approve", "feature"]
    inlines = [StoryEventInline]

    def has_moderate_permission(self, request):
        return getattr(request.user, "is_team_admin", False)

    def _moderate(self, request, queryset, decision: str) -> None:
        done = refused = 0
        for story in queryset:
            try:
                services.story_moderate(user=request.user, story=story, decision=decision)
            except errors.DomainError:
                refused += 1
            else:
                done += 1
        self.message_user(request, f"{decision.capitalize()}d {done} stor{'y' if done == 1 else 'ies'}.")
        if refused:
            self.message_user(
                request,
                f"{refused} could not be {decision}d from where they are (see their history); "
                "reject with a reason at /stories/review/.",
                level=messages.WARNING,
            )

    @admin.action(description="Approve the selected stories", permissions=["moderate"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, "approve")

    @admin.action(description="Feature the selected stories", permissions=["moderate"])
    def feature(self, request, queryset):
        self._moderate(request, queryset, "feature")


@admin.register(NpsResponse)
class NpsResponseAdmin(admin.ModelAdmin):
    list_display = ["customer", "score", "date", "team"]
    list_filter = ["team"]
    raw_id_fields = ["customer", "act"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["customer", "kind", "due_on", "done_at"]
    list_filter = ["kind", "team"]
    raw_id_fields = ["customer", "act", "nps_response"]


@admin.register(SurveyLink)
class SurveyLinkAdmin(admin.ModelAdmin):
    list_display = ["act", "created_at", "expires_at", "used_at"]
    readonly_fields = ["act", "token_hash", "created_by", "created_at", "expires_at", "used_at"]
