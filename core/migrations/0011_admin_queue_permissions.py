"""Admins see the work queue in the Django admin (tasks, outgoing mail, the schedule's
runs) and run a failed task or mail again."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from core.roles import ADMIN_QUEUE_PERMISSIONS


def _permissions(apps):
    # Permissions are normally made after all migrations; make them now to grant them.
    for label in {app_label for app_label, _ in ADMIN_QUEUE_PERMISSIONS}:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in ADMIN_QUEUE_PERMISSIONS
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="admin")
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="admin").first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("secondmile", "0010_queue_mail_schedule_reminders"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
