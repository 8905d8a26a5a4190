"""Creates the staff, manager and admin groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from secondmile.roles import ROLE_PERMISSIONS


def create_role_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        for app_label, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[role.value for role in ROLE_PERMISSIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("secondmile", "0001_initial"),
        ("acts", "0002_act_links"),
        ("customers", "0002_customer_links"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
