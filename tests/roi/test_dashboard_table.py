"""The dashboard's return table, against the figures worked out by hand (conftest): by
person, by kind, by quadrant and by all three; sorting; the CSV; another team never in it;
its queries do not grow with the acts."""

import csv
import io
from decimal import Decimal

from acts.models import Kind, Quadrant
from secondmile.dashboard import roi
from secondmile.dashboard.scope import dashboard_scope
from stories import services as story_services
from tests.dashboard.builders import days_ago
from tests.factories import log_act
from tests.queries import page_queries, signed_in

PERIOD = f"?start={days_ago(10).isoformat()}&end={days_ago(0).isoformat()}"


def rows(user, **params):
    scope = dashboard_scope(user=user, start=days_ago(10), end=days_ago(0))
    return roi.roi_table(scope, params)


def figures(row):
    return (row["acts"], row["spend"], row["stories"], row["referred"], row["revenue"], row["roi"])


def test_by_person_by_hand(chain_world, staff):
    table = rows(staff, roi_by="person", sort="person")
    shown = {row["person"]: figures(row) for row in table["page_obj"]}
    assert shown == {
        "Ana Lind": (2, Decimal("48.00"), 2, 4, Decimal("300.00"), Decimal("6.25")),
        "Sam Lind": (1, Decimal("0.00"), 0, 0, Decimal("0.00"), None),
    }
    assert figures(table["totals"]) == (3, Decimal("48.00"), 2, 4, Decimal("300.00"), Decimal("6.25"))


def test_by_kind_quadrant_and_all_three(chain_world, staff):
    by_kind = {row["kind"]: figures(row)[:2] for row in rows(staff, roi_by="kind")["page_obj"]}
    assert by_kind == {"Gift": (2, Decimal("48.00")), "Call": (1, Decimal("0.00"))}
    by_quadrant = {row["quadrant"]: figures(row)[4] for row in rows(staff, roi_by="quadrant")["page_obj"]}
    assert by_quadrant == {"Delivery": Decimal("300.00"), "Response": Decimal("0.00")}
    every = [(row["person"], row["kind"], row["quadrant"]) for row in rows(staff)["page_obj"]]
    assert every == [("Ana Lind", "Gift", "Delivery"), ("Sam Lind", "Call", "Response")]


def test_a_story_approved_later_reaches_the_table(chain_world, staff, admin_user):
    story_services.story_moderate(user=admin_user, story=chain_world.s2, decision="approve")
    sam = next(row for row in rows(staff, roi_by="person")["page_obj"] if row["person"] == "Sam Lind")
    assert figures(sam) == (1, Decimal("0.00"), 1, 2, Decimal("75.00"), None)


def test_sorting_by_each_column(chain_world, staff, staff2):
    log_act(staff2, cost="10", kind="note", quadrant="reception", date=days_ago(2))
    names = lambda sort: [row["person"] for row in rows(staff, roi_by="person", sort=sort)["page_obj"]]  # noqa: E731
    assert names("-revenue") == ["Ana Lind", "Sam Lind"]
    assert names("revenue") == ["Sam Lind", "Ana Lind"]
    assert names("-acts") == ["Ana Lind", "Sam Lind"]
    assert names("-spend") == ["Ana Lind", "Sam Lind"]  # 48 against 10
    assert names("-person") == ["Sam Lind", "Ana Lind"]
    assert names("roi") == ["Sam Lind", "Ana Lind"]  # sam 0 ÷ 10 = 0 before ana's 6.25
    assert names("nonsense") == names(roi.DEFAULT_SORT)


def test_the_page_shows_the_table_with_sort_links(chain_world, staff):
    page = signed_in(staff).get("/dashboard/" + PERIOD + "&roi_by=person").content.decode()
    assert "Return by person, kind and quadrant" in page
    assert "6.25×" in page
    assert "$300.00" in page
    assert "sort=-revenue" in page
    assert "Walter" not in page
    assert "$999.00" not in page  # another team's referral revenue
    assert "Return table (CSV)" not in page  # exports are an admin's


def test_bad_parameters_never_fail(chain_world, staff):
    response = signed_in(staff).get("/dashboard/" + PERIOD + "&roi_by=%00x&sort=-;drop&roi_page=abc")
    assert response.status_code in (200, 400)
    response = signed_in(staff).get("/dashboard/" + PERIOD + "&roi_by=zzz&sort=-;drop&roi_page=999")
    assert response.status_code == 200


def test_the_csv_by_hand(chain_world, admin_user):
    response = signed_in(admin_user).get("/dashboard/export/roi.csv" + PERIOD + "&roi_by=person&sort=person")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines == [
        ["person", "acts", "spend", "stories", "referred_customers", "referral_revenue", "revenue_per_spend"],
        ["Ana Lind", "2", "48.00", "2", "4", "300.00", "6.25"],
        ["Sam Lind", "1", "0.00", "0", "0", "0.00", ""],
        ["All acts", "3", "48.00", "2", "4", "300.00", "6.25"],
    ]


def test_the_csv_is_an_admins(chain_world, staff):
    assert signed_in(staff).get("/dashboard/export/roi.csv" + PERIOD).status_code == 404


def test_the_tables_queries_do_not_grow_with_the_acts(chain_world, staff, staff2, manager):
    client = signed_in(staff)
    url = "/dashboard/" + PERIOD
    before = page_queries(client, url)
    kinds, quadrants = list(Kind), list(Quadrant)
    for n in range(27):
        log_act(
            [staff, staff2, manager][n % 3],
            cost="5",
            kind=kinds[n % 8],
            quadrant=quadrants[(n // 8) % 4],
            date=days_ago(n % 9),
        )
    after = page_queries(client, url)
    assert after == before
    table = rows(staff)
    assert table["page_obj"].paginator.num_pages == 2  # more rows than a page holds
