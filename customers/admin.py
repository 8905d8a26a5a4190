"""Django admin for customers, stories, NPS responses and follow-ups."""

from django.contrib import admin

from .models import Customer, FollowUp, NpsResponse, Story, StoryEvent, SurveyLink


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "email", "referral_code", "referred_by", "created_at"]
    list_filter = ["team"]
    search_fields = ["name", "email", "referral_code"]
    list_select_related = ["team", "referred_by"]
    raw_id_fields = ["referred_by", "referred_by_story"]
    readonly_fields = ["referral_code"]


class StoryEventInline(admin.TabularInline):
    model = StoryEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["customer", "channel", "told_on", "status", "consent"]
    list_filter = ["team", "status", "channel"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "acts"]
    readonly_fields = ["status", "moderated_by", "moderated_at", "reject_reason"]
    inlines = [StoryEventInline]


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
