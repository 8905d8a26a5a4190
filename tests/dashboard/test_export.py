"""CSV exports of the period's acts and stories: streamed, scoped, safe in a spreadsheet."""

import csv
import io

import pytest

from secondmile.dashboard.exports import csv_cell

from .builders import act, tell_story
from .conftest import PERIOD

pytestmark = pytest.mark.django_db

QUERY = {"period": "custom", "start": PERIOD["start"].isoformat(), "end": PERIOD["end"].isoformat()}


def rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_acts_export_holds_the_periods_acts_of_the_team(client_for, world, admin_user):
    exported = rows(client_for(admin_user).get("/dashboard/export/acts.csv", QUERY))
    # Every status (declined and withdrawn included, with their status), none outside the period or team.
    assert sorted(int(r["id"]) for r in exported) == sorted(
        a.pk for a in (world.a1, world.a2, world.a3, world.a4, world.a5, world.a6, world.a9)
    )
    a1 = next(r for r in exported if int(r["id"]) == world.a1.pk)
    assert (a1["status"], a1["cost"], a1["actual_cost"], a1["spend"], a1["team"]) == (
        "delivered",
        "20.00",
        "18.00",
        "18.00",
        "Harbour",
    )
    declined = next(r for r in exported if int(r["id"]) == world.a4.pk)
    assert (declined["status"], declined["spend"]) == ("declined", "0.00")


def test_stories_export_with_the_acts_they_retell(client_for, world, admin_user):
    exported = rows(client_for(admin_user).get("/dashboard/export/stories.csv", QUERY))
    assert len(exported) == 4  # approved, featured, submitted and rejected, all told in the period
    retelling = next(r for r in exported if r["status"] == "featured")
    assert retelling["acts"] == str(world.a2.pk)
    assert retelling["consent"] == "True"


def test_exports_follow_the_team_choice(client_for, world, admin_user, other_team):
    client = client_for(admin_user)
    other = rows(client.get("/dashboard/export/acts.csv", {**QUERY, "team": other_team.pk}))
    assert [int(r["id"]) for r in other] == [world.a8.pk]
    everything = rows(client.get("/dashboard/export/acts.csv", {**QUERY, "team": "all"}))
    assert len(everything) == 8
    response = client.get("/dashboard/export/acts.csv", {**QUERY, "team": "all"})
    assert 'filename="acts-all-teams-' in response["Content-Disposition"]


def test_only_admins_export(client_for, staff, manager, other_team, admin_user):
    for user in (staff, manager):
        client = client_for(user)
        assert client.get("/dashboard/export/acts.csv").status_code == 404
        assert client.get("/dashboard/export/stories.csv").status_code == 404
    assert client_for(admin_user).get("/dashboard/export/acts.csv?team=999999").status_code == 404
    assert client_for(admin_user).get("/dashboard/export/acts.csv?start=nope").status_code == 400


def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe(client_for, team, staff, admin_user):
    customer = act(staff, problem='=HYPERLINK("http://evil","x")', solution="+1 upgrade").customer
    tell_story(customer, text="@SUM(A1:A9) was great", moderator=admin_user)
    [row] = rows(client_for(admin_user).get("/dashboard/export/acts.csv"))
    assert row["problem"] == '\'=HYPERLINK("http://evil","x")'
    assert row["solution"] == "'+1 upgrade"
    [story] = rows(client_for(admin_user).get("/dashboard/export/stories.csv"))
    assert story["text"] == "'@SUM(A1:A9) was great"
    assert [csv_cell(v) for v in ("-2", "\tx", "plain", None, 5)] == ["'-2", "'\tx", "plain", "", "5"]
