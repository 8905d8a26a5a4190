"""Admins see the work queue in the Django admin (tasks, outgoing mail, the schedule's
runs) and run a failed task or mail again."""

from django.db import migrations

from core.db import permissions_grant
from core.roles import ADMIN_QUEUE_PERMISSIONS


class Migration(migrations.Migration):
    dependencies = [
        ("secondmile", "0010_queue_mail_schedule_reminders"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [permissions_grant("admin", ADMIN_QUEUE_PERMISSIONS)]
