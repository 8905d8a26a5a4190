"""Django admin for stories, NPS responses and survey links."""

from django.contrib import admin, messages

from core import errors
from core.admin_mixins import ReadOnlyAdminMixin

from . import services
from .models import NpsResponse, Story, StoryEvent, SurveyLink


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


@admin.register(SurveyLink)
class SurveyLinkAdmin(admin.ModelAdmin):
    list_display = ["act", "created_at", "expires_at", "used_at"]
    readonly_fields = ["act", "token_hash", "created_by", "created_at", "expires_at", "used_at"]
