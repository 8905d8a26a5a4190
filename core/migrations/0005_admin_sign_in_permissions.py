"""Admins see and lift login lock-outs (axes) and remove a lost phone's device (django-otp)."""

from django.db import migrations

from core.db import permissions_grant
from core.roles import ADMIN_SIGN_IN_PERMISSIONS


class Migration(migrations.Migration):
    dependencies = [
        ("secondmile", "0004_api_token_last_ip"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [permissions_grant("admin", ADMIN_SIGN_IN_PERMISSIONS)]
