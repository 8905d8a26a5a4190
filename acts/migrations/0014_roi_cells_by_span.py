"""The return table's day cells become RoiCell rows of span "day"; stories 0005 adds the month
and year cells, summed from them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("acts", "0013_open_followups_index"),
        ("stories", "0002_act_chains_from_existing_rows"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="roiday", name="roi_day_one_per_cell"),
        migrations.RenameModel(old_name="RoiDay", new_name="RoiCell"),
        migrations.AddField(
            model_name="roicell",
            name="span",
            field=models.CharField(
                choices=[("day", "Day"), ("month", "Month"), ("year", "Year")],
                default="day",
                db_default="day",
                max_length=5,
            ),
        ),
        migrations.AlterField(
            model_name="roicell",
            name="date",
            field=models.DateField(help_text="The first day of the span."),
        ),
        migrations.AddConstraint(
            model_name="roicell",
            constraint=models.UniqueConstraint(
                fields=("span", "team", "date", "author", "kind", "quadrant"), name="roi_cell_one_per_cell"
            ),
        ),
    ]
