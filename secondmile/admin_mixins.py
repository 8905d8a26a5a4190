"""Shared pieces of the Django admin configuration of the apps."""

class ReadOnlyAdminMixin:
    """For a ModelAdmin or an inline of rows that only the services write (history,
    stories): they can be read in the admin, never added, changed or removed there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
