"""A database whose return table holds day cells only (the schema before spans) migrates to
day, month and year cells: its day cells stay as they were, and each month and year cell
is the sum of its days. And back again, with the day cells still there.

The real migrations run in a process and SQLite file of their own, so the test database
the other tests share is never rolled back.
"""

import json

from tests.manage_process import manage_at

BEFORE = [("acts", "0013_open_followups_index"), ("stories", "0004_approved_stories_index")]

# Day cells written with the models as they were at BEFORE (the historical models).
FILL = f"""
import datetime
from decimal import Decimal
from django.db import connection
from django.db.migrations.loader import MigrationLoader

apps = MigrationLoader(connection).project_state({BEFORE!r}).apps
Team = apps.get_model("secondmile", "Team")
User = apps.get_model("secondmile", "User")
RoiDay = apps.get_model("acts", "RoiDay")

team = Team.objects.create(name="Front desk")
ana = User.objects.create(username="ana", team=team)
for day, acts, spend, revenue in [
    (datetime.date(2025, 1, 31), 2, "25.00", "100.00"),
    (datetime.date(2025, 2, 1), 1, "12.50", "0.00"),
    (datetime.date(2025, 2, 28), 3, "7.25", "40.00"),
]:
    RoiDay.objects.create(
        team=team, date=day, author=ana, kind="gift", quadrant="delivery", acts_count=acts,
        spend_total=Decimal(spend), referral_revenue=Decimal(revenue), stories_count=1,
    )
"""

READ = """
import json
from acts.models import RoiCell
print(json.dumps(sorted(
    [cell.span, cell.date.isoformat(), cell.acts_count, str(cell.spend_total), str(cell.referral_revenue),
     cell.stories_count]
    for cell in RoiCell.objects.all()
)))
"""


def test_day_cells_gain_their_months_and_years(tmp_path):
    manage = manage_at(f"sqlite:///{tmp_path / 'before.sqlite3'}", BEFORE)
    assert "[ ] 0014_roi_cells_by_span" in manage("showmigrations", "acts", whole=True)
    manage("shell", "-c", FILL)
    manage("migrate", "--no-input", "-v", "0")

    assert json.loads(manage("shell", "-c", READ)) == [
        ["day", "2025-01-31", 2, "25.00", "100.00", 1],
        ["day", "2025-02-01", 1, "12.50", "0.00", 1],
        ["day", "2025-02-28", 3, "7.25", "40.00", 1],
        ["month", "2025-01-01", 2, "25.00", "100.00", 1],
        ["month", "2025-02-01", 4, "19.75", "40.00", 2],
        ["year", "2025-01-01", 6, "44.75", "140.00", 3],
    ]
    # And back: the day cells are the table's rows again, the month and year cells gone.
    manage("migrate", "stories", "0004", "--no-input", "-v", "0")
    assert [cell[0] for cell in json.loads(manage("shell", "-c", READ))] == ["day", "day", "day"]
    manage("migrate", "acts", "0013", "--no-input", "-v", "0")
    count = (
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('SELECT COUNT(*) FROM acts_roiday').fetchone()[0])"
    )
    assert manage("shell", "-c", count) == "3"
