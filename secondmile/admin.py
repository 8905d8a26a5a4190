"""Django admin for teams and people. Roles are groups: pick exactly one."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import ApiToken, Kudos, PointsEntry, Team, User


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "monthly_budget", "empowerment_limit", "manager_limit",
                    "receipt_required_above", "review_share"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "team", "role", "is_active"]
    list_filter = ["team", "groups", "is_active"]
    list_select_related = ["team"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Second Mile", {"fields": ("team", "hide_from_leaderboard")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Second Mile", {"fields": ("team", "groups")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at"]
    readonly_fields = ["user", "name", "key_hash", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are made on the profile page or with `manage.py api_token`


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "points", "reason", "earned_on"]
    list_filter = ["reason", "team"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin):
    list_display = ["giver", "receiver", "note", "created_at"]
