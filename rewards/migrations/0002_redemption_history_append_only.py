"""A redemption's history refuses UPDATE, DELETE and TRUNCATE, like the act history."""

from django.db import migrations

from core.db import append_only


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_rewards_catalogue_and_redemptions")]

    operations = [append_only("rewards_redemptionevent", "the redemption history is append-only")]
