"""Creates the staff, manager and admin groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# The groups' permissions as they were when this migration was written, frozen here (a
# migration must not import live code). Later migrations move some of these models to
# other apps with their content types, so the grants follow them.
_STAFF = [
    ("customers", "view_customer"),
    ("customers", "add_customer"),
    ("customers", "change_customer"),
    ("acts", "view_act"),
    ("acts", "add_act"),
    ("acts", "change_act"),
    ("customers", "view_story"),
    ("customers", "add_story"),
    ("customers", "view_npsresponse"),
    ("customers", "add_npsresponse"),
    ("customers", "view_followup"),
    ("customers", "change_followup"),
]
_MANAGER = [*_STAFF, ("acts", "decide_spend"), ("acts", "view_budgetmonth"), ("secondmile", "add_kudos")]
_ADMIN = [
    *_MANAGER,
    ("customers", "moderate_story"),
    ("customers", "change_story"),
    ("acts", "change_budgetmonth"),
    ("acts", "add_budgetmonth"),
    ("secondmile", "view_team"),
    ("secondmile", "change_team"),
    ("secondmile", "add_team"),
    ("secondmile", "view_user"),
    ("secondmile", "change_user"),
    ("secondmile", "add_user"),
    ("acts", "view_actevent"),
    ("customers", "view_storyevent"),
]

ROLE_PERMISSIONS = {"staff": _STAFF, "manager": _MANAGER, "admin": _ADMIN}


def create_role_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("secondmile", "0001_initial"),
        ("acts", "0002_act_links"),
        ("customers", "0002_customer_links"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
