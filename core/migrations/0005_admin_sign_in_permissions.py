"""Admins see and lift login lock-outs (axes) and remove a lost phone's device (django-otp)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from core.roles import ADMIN_SIGN_IN_PERMISSIONS


def _permissions(apps):
    # Permissions are normally made after all migrations; make them now to grant them.
    for label in {app_label for app_label, _ in ADMIN_SIGN_IN_PERMISSIONS}:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in ADMIN_SIGN_IN_PERMISSIONS
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
        ("secondmile", "0004_api_token_last_ip"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
