"""Rewards in the Django admin: read only. The catalogue is kept on its page
(/rewards/catalogue/), through the services that audit it; redemptions move in the queue."""

from django.contrib import admin

from core.admin_mixins import ReadOnlyAdminMixin

from .models import PointsBalance, Redemption, RedemptionEvent, Reward


class ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read in the admin, written only through the rewards services."""


@admin.register(Reward)
class RewardAdmin(ReadOnly):
    list_display = ["name", "team", "points", "stock", "active"]
    list_filter = ["team", "active"]


class RedemptionEventInline(admin.TabularInline):
    model = RedemptionEvent
    extra = 0
    readonly_fields = ["at", "actor", "from_status", "to_status", "points", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Redemption)
class RedemptionAdmin(ReadOnly):
    list_display = ["reward", "user", "points", "status", "requested_at", "decided_by"]
    list_filter = ["status", "team"]
    inlines = [RedemptionEventInline]


@admin.register(PointsBalance)
class PointsBalanceAdmin(ReadOnly):
    list_display = ["user", "redeemed", "refunded"]
