"""Fill the act chains (ActReferral, ActChain, RoiDay) from the customers, stories and
acts already there, so an install that upgrades sees what its acts returned at once.
Reversible: going back leaves the tables to acts 0008, which drops them."""

from django.db import migrations

from stories import act_chain


def fill_chains(apps, schema_editor):
    act_chain.rebuild(
        act_model=apps.get_model("acts", "Act"),
        customer_model=apps.get_model("customers", "Customer"),
        story_model=apps.get_model("stories", "Story"),
        referral_model=apps.get_model("acts", "ActReferral"),
        chain_model=apps.get_model("acts", "ActChain"),
        cell_model=apps.get_model("acts", "RoiDay"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("acts", "0009_act_chain_and_roi_days"),
        ("customers", "0006_team_customer_count"),
        ("stories", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill_chains, migrations.RunPython.noop)]
