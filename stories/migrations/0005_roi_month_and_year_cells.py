"""The return table's month and year cells, summed from the day cells already kept."""

from django.db import migrations

from stories import act_chain


def add_month_and_year_cells(apps, schema_editor):
    act_chain.rollups_rebuild(apps.get_model("acts", "RoiCell"))


def remove_month_and_year_cells(apps, schema_editor):
    # Before spans the table holds day cells only (one per team, date, person, kind, quadrant).
    apps.get_model("acts", "RoiCell").objects.exclude(span="day").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("acts", "0014_roi_cells_by_span"),
        ("stories", "0004_approved_stories_index"),
    ]

    operations = [migrations.RunPython(add_month_and_year_cells, remove_month_and_year_cells)]
