"""Shared pieces of the Django admin configuration of the apps."""

from django.contrib import messages
from django.http import HttpResponseRedirect

from .errors import DomainError
from .web import form_error


class ReadOnlyAdminMixin:
    """For a ModelAdmin or an inline of rows that only the services write (history,
    stories): they can be read in the admin, never added, changed or removed there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAdminMixin:
    """For a ModelAdmin whose saves go through the app's services, so that the admin
    keeps the same rules and writes the same history and audit rows as the pages.

    The ModelAdmin defines `save_through_service(request, obj, form, change)`, which calls
    the service and returns the saved row. Its form should run the service's checks in
    `clean()`, so that a refusal shows beside its field. Should the service still refuse
    (the row changed in between), nothing is saved and the admin shows the refusal on the
    form's page instead of "changed successfully".
    """

    def save_model(self, request, obj, form, change):
        try:
            saved = self.save_through_service(request, obj, form, change)
        except DomainError as error:
            request.service_refusal = error
            return
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        if getattr(request, "service_refusal", None) is None:
            super().save_related(request, form, formsets, change)

    def _refused(self, request):
        error = getattr(request, "service_refusal", None)
        if error is None:
            return None
        self.message_user(request, error.message, level=messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def response_add(self, request, obj, post_url_continue=None):
        return self._refused(request) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._refused(request) or super().response_change(request, obj)


def service_check(form, check, **kwargs) -> None:
    """Run a service's check from a form's clean(); its refusal goes beside its field."""
    try:
        check(**kwargs)
    except DomainError as error:
        form_error(form, error)
