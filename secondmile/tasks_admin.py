"""The work queue in the Django admin: tasks (queued, running, failed) with a "run again"
action for failed ones, and the outgoing mails with "send again" for failed ones.

Loaded by secondmile/admin.py. The package's own task admin is replaced by one that
adds the action (it stays read-only otherwise: a task's row is the worker's record).
"""

from django.contrib import admin, messages
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from core.admin_mixins import ReadOnlyAdminMixin
from core.mail import mail_send_again
from core.models import OutgoingMail, ScheduledRun

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    actions = ["run_again"]
    list_filter = ("status", "queue_name", "task_path")
    search_fields = ("task_path", "id")

    def has_change_permission(self, request, obj=None):
        # Actions need the change permission; the fields themselves stay read-only.
        return request.user.has_perm("django_tasks_database.change_dbtaskresult")

    @admin.action(description="Run the selected failed tasks again")
    def run_again(self, request, queryset):
        failed = queryset.filter(status="FAILED")
        skipped = queryset.count() - failed.count()
        for result in failed:
            task_result = result.task_result
            result.task.enqueue(*task_result.args, **task_result.kwargs)
        if failed:
            self.message_user(request, f"Enqueued {len(failed)} task(s) again.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"Left {skipped} task(s) that had not failed.", messages.WARNING)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "key"]
    actions = ["send_again"]
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the selected failed mails again")
    def send_again(self, request, queryset):
        count = mail_send_again(mail_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} failed mail(s) queued again; sent mails are never sent twice.")


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slot", "enqueued_at"]
    list_filter = ["name"]
