"""Customers who create customers and the goodwill ledger, computed by hand on a small world
and compared with the API, the page and the CSV exports.

The world (team Harbour; every customer made through the services, at noon UTC):

  created  customer  referred by  story            first purchase
  10 May   A         —                             —
  12 May   B         A                             $100
  02 Jun   P         — (A named later, 10 Jun)     —
  03 Jun   C         B            s1 (B's, acts x1) $50
  04 Jun   Q         P                             $10
  05 Jun   D         C                             $30
  06 Jun   E         A                             $200
  07 Jun   F         —                             —
  08 Jun   G         —                             —
  09 Jun   H         G                             —
  02 Jul   J         A                             $70   (after June)
  another team: R (1 Jun), R2 referred by R (3 Jun, $500).

June (1–30 Jun):
  customers created: P C Q D E F G H = 8; with a referrer: P C Q D E H = 6 → referral_rate 0.75.
  top advocates (customers created in June below them, every generation):
    A: C D E P Q → 5, $50 + $30 + $200 + $10 = $290;  B: C D → 2, $80;
    C: D → 1, $30;  P: Q → 1, $10;  G: H → 1, $0.
  generations (customers above each): C 2 (B, A), D 3, E 1, H 1, P 1, Q 2;
  the story that brought them: C s1 (their own), D s1 (C's, the nearest up the chain), the others none.

Acts (spend): x1 for B on 20 May, delivered at $10; y1 on 4 Jun, $40 delivered at $35;
  y2 on 20 Jun, $20 approved, not delivered; another team's act on 5 Jun, $15 delivered.
Goodwill ledger for 1 May – 30 Jun:
  May:  spend $10, referred 1 (B), revenue $100 → to date $10, $100, 1: $10.00 per referred.
  June: spend $55, referred 6, revenue $290 → to date $65, $390, 7: 65/7 = $9.29 per referred;
        balance $325.
"""

import csv
import datetime
import importlib
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps as live_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acts import services as act_services
from core.tokens import api_token_create
from customers import advocates
from customers.models import Customer, CustomerDay, ReferralLineage
from customers.services import customer_create, customer_update, customers_create_many
from secondmile.dashboard import goodwill
from secondmile.dashboard.scope import Scope
from stories import nps
from tests.factories import log_act
from tests.queries import assert_same_queries, signed_in

from .builders import tell_story

pytestmark = pytest.mark.django_db
fill = importlib.import_module("customers.migrations.0008_referral_lineage_and_customer_days").fill

JUNE = {"start": "2026-06-01", "end": "2026-06-30"}
MAY_JUNE = {"start": "2026-05-01", "end": "2026-06-30"}
TODAY = datetime.datetime(2026, 7, 10, 12, 0, tzinfo=datetime.UTC)


def noon(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 12, 0, tzinfo=datetime.UTC)


def create(user, name, when, **fields):
    with time_machine.travel(when, tick=False):
        if "first_purchase_value" in fields:
            fields["first_purchase_value"] = Decimal(fields["first_purchase_value"])
        return customer_create(user=user, name=name, **fields)


def act_on(user, customer, when, *, cost, delivered_at=None):
    with time_machine.travel(when, tick=False):
        act = log_act(user, customer=customer, cost=cost, date=when.date())
        if delivered_at is not None:
            act = act_services.act_deliver(user=user, act=act, actual_cost=Decimal(delivered_at))
    return act


@pytest.fixture
def chain(staff, manager, admin_user, other_staff):
    w = SimpleNamespace()
    w.A = create(staff, "Ada Advocate", noon(5, 10))
    w.B = create(staff, "Ben", noon(5, 12), referred_by=w.A, first_purchase_value="100")
    w.x1 = act_on(staff, w.B, noon(5, 20), cost="10", delivered_at="10")
    with time_machine.travel(noon(5, 25), tick=False):
        w.s1 = tell_story(w.B, acts=[w.x1], moderator=admin_user)
    w.P = create(staff, "Pia", noon(6, 2))
    w.C = create(staff, "Cal", noon(6, 3), referred_by=w.B, referred_by_story=w.s1, first_purchase_value="50")
    w.Q = create(staff, "Quin", noon(6, 4), referred_by=w.P, first_purchase_value="10")
    w.y1 = act_on(staff, w.C, noon(6, 4), cost="40", delivered_at="35")
    w.D = create(staff, "Dee", noon(6, 5), referred_by=w.C, first_purchase_value="30")
    w.E = create(staff, "Eve", noon(6, 6), referred_by=w.A, first_purchase_value="200")
    w.F = create(staff, "Fay", noon(6, 7))
    w.G = create(staff, "Gus", noon(6, 8))
    w.H = create(staff, "Hal", noon(6, 9), referred_by=w.G)
    with time_machine.travel(noon(6, 10), tick=False):
        w.P = customer_update(user=staff, customer=w.P, referred_by=w.A)
    with time_machine.travel(noon(6, 20), tick=False):
        w.y2 = log_act(staff, customer=w.E, cost="20", date=datetime.date(2026, 6, 20))
    w.J = create(staff, "Jo", noon(7, 2), referred_by=w.A, first_purchase_value="70")
    w.R = create(other_staff, "River Root", noon(6, 1))
    w.R2 = create(other_staff, "River Friend", noon(6, 3), referred_by=w.R, first_purchase_value="500")
    act_on(other_staff, w.R, noon(6, 5), cost="15", delivered_at="15")
    with time_machine.travel(TODAY, tick=False):
        yield w


EXPECTED_TOP = [
    ("Ada Advocate", 5, "290.00"),
    ("Ben", 2, "80.00"),
    ("Cal", 1, "30.00"),
    ("Pia", 1, "10.00"),
    ("Gus", 1, "0.00"),
]


def test_referral_rate_and_top_advocates_in_the_api(chain, staff):
    body = signed_in(staff).get("/api/dashboard", JUNE).json()
    assert body["customers_created"] == 8
    assert body["referred_customers_count"] == 6
    assert body["referral_rate"] == 0.75
    assert [(a["name"], a["referred_customers"], a["referral_revenue"]) for a in body["top_advocates"]] == EXPECTED_TOP
    assert body["top_advocates"][0]["id"] == chain.A.pk


def test_another_team_and_other_periods(chain, staff, other_staff, admin_user):
    river = signed_in(other_staff).get("/api/dashboard", JUNE).json()
    assert (river["customers_created"], river["referral_rate"]) == (2, 0.5)
    assert [(a["name"], a["referred_customers"], a["referral_revenue"]) for a in river["top_advocates"]] == [
        ("River Root", 1, "500.00")
    ]
    # May: A and B created, B referred by A.
    may = signed_in(staff).get("/api/dashboard", {"start": "2026-05-01", "end": "2026-05-31"}).json()
    assert (may["customers_created"], may["referral_rate"]) == (2, 0.5)
    assert [(a["name"], a["referred_customers"]) for a in may["top_advocates"]] == [("Ada Advocate", 1)]
    # Nobody created: no rate (null), nobody ranked.
    empty = signed_in(staff).get("/api/dashboard", {"start": "2026-04-01", "end": "2026-04-30"}).json()
    assert (empty["customers_created"], empty["referral_rate"], empty["top_advocates"]) == (0, None, [])
    # All teams, for an admin: 10 created in June, 7 of them referred.
    everyone = signed_in(admin_user).get("/api/dashboard", {**JUNE, "team": "all"}).json()
    assert (everyone["customers_created"], everyone["referral_rate"]) == (10, 0.7)
    assert [a["name"] for a in everyone["top_advocates"]][:2] == ["Ada Advocate", "Ben"]


def test_the_page_shows_the_rate_and_the_ranked_advocates(chain, staff):
    html = signed_in(staff).get("/dashboard/", {"period": "custom", **JUNE}).content.decode()
    section = html[html.index('id="advocates"') : html.index('id="goodwill-ledger"')]
    assert "Customers who create customers" in section
    assert '<span class="advocates__figure" id="referral-rate">75%</span>' in section
    assert "of the 8 customers added in this period came through a referral (6 referred)" in section
    names = [name for name, _n, _revenue in EXPECTED_TOP]
    assert [section.index(f">{name}</a>") for name in names] == sorted(section.index(f">{name}</a>") for name in names)
    assert "<strong>5</strong> brought in · $290.00" in section
    assert f'href="/customers/{chain.A.pk}/"' in section
    assert "River Root" not in html


def test_an_empty_period_teaches_instead_of_ranking(chain, staff):
    html = signed_in(staff).get("/dashboard/", {"period": "custom", "start": "2026-04-01", "end": "2026-04-30"})
    text = html.content.decode()
    assert '<span class="advocates__figure" id="referral-rate">—</span>' in text
    assert "No customer was added in this period" in text
    assert "No referred customer in this period yet." in text


def test_the_lineage_the_services_keep_is_what_a_rebuild_and_the_migration_write(chain):
    kept = sorted(ReferralLineage.objects.values_list("ancestor_id", "customer_id", "generation"))
    days = sorted(CustomerDay.objects.values_list("team_id", "date", "customers_created"))
    # Every pair by hand: A above B C D E P Q J; B above C D; C above D; P above Q; G above H; R above R2.
    w = chain
    assert kept == sorted(
        [
            (w.A.pk, w.B.pk, 1),
            (w.A.pk, w.C.pk, 2),
            (w.B.pk, w.C.pk, 1),
            (w.A.pk, w.D.pk, 3),
            (w.B.pk, w.D.pk, 2),
            (w.C.pk, w.D.pk, 1),
            (w.A.pk, w.E.pk, 1),
            (w.A.pk, w.P.pk, 1),
            (w.A.pk, w.Q.pk, 2),
            (w.P.pk, w.Q.pk, 1),
            (w.G.pk, w.H.pk, 1),
            (w.A.pk, w.J.pk, 1),
            (w.R.pk, w.R2.pk, 1),
        ]
    )
    assert advocates.rebuild() == len(kept) + len(days)
    assert sorted(ReferralLineage.objects.values_list("ancestor_id", "customer_id", "generation")) == kept
    assert sorted(CustomerDay.objects.values_list("team_id", "date", "customers_created")) == days

    ReferralLineage.objects.all().delete()
    CustomerDay.objects.all().delete()
    fill(live_apps, None)
    assert sorted(ReferralLineage.objects.values_list("ancestor_id", "customer_id", "generation")) == kept
    assert sorted(CustomerDay.objects.values_list("team_id", "date", "customers_created")) == days


def test_lineage_pairs_end_on_a_loop():
    assert sorted(advocates.lineage_pairs({1: None, 2: 1, 3: 2})) == [(1, 2, 1), (1, 3, 2), (2, 3, 1)]
    assert sorted(advocates.lineage_pairs({1: 2, 2: 1})) == [(1, 2, 1), (2, 1, 1)]


# --- The goodwill ledger ----------------------------------------------------------------------


def _scope(staff, start, end):
    return Scope(start=datetime.date.fromisoformat(start), end=datetime.date.fromisoformat(end), team=staff.team)


LEDGER = [
    # month, spend, revenue, referred, spend to date, revenue to date, referred to date, cost per referred, balance
    ("2026-05", "10.00", "100.00", 1, "10.00", "100.00", 1, "10.00", "90.00"),
    ("2026-06", "55.00", "290.00", 6, "65.00", "390.00", 7, "9.29", "325.00"),
]


def test_the_ledger_by_hand(chain, staff):
    rows = goodwill.ledger(_scope(staff, **MAY_JUNE))
    assert [
        (
            f"{r['month']:%Y-%m}",
            str(r["spend"]),
            str(r["referral_revenue"]),
            r["referred"],
            str(r["spend_to_date"]),
            str(r["revenue_to_date"]),
            r["referred_to_date"],
            str(r["cost_per_referred_to_date"]),
            str(r["balance_to_date"]),
        )
        for r in rows
    ] == LEDGER
    # Its last line is the period's figures.
    body = signed_in(staff).get("/api/dashboard", MAY_JUNE).json()
    assert (body["spend_total"], body["referral_revenue"], body["referred_customers_count"]) == ("65.00", "390.00", 7)
    assert body["cost_per_referred_customer"] == "9.29"


def test_a_period_inside_a_month_is_clipped_and_a_month_without_referrals_has_no_cost_yet(chain, staff):
    [row] = goodwill.ledger(_scope(staff, "2026-06-15", "2026-06-30"))
    assert (row["start"], row["end"], row["partial"]) == (datetime.date(2026, 6, 15), datetime.date(2026, 6, 30), True)
    # y2 ($20, approved on 20 Jun) and nobody referred after the 9th.
    assert (row["spend"], row["referred"], row["cost_per_referred_to_date"]) == (Decimal("20.00"), 0, None)
    assert goodwill.ledger_chart([row])["summary"] == (
        "Over 1 month, $20.00 spent on acts against $0.00 of referral revenue; "
        "nobody referred yet, so no cost per referred customer."
    )
    quiet = goodwill.ledger(_scope(staff, "2026-06-21", "2026-06-30"))
    assert goodwill.ledger_chart(quiet)["summary"] == "Nothing spent and nobody referred over 1 month."


def test_the_page_draws_and_tabulates_the_ledger(chain, staff):
    html = signed_in(staff).get("/dashboard/", {"period": "custom", **MAY_JUNE}).content.decode()
    ledger = html[html.index('id="goodwill-ledger"') :]
    assert (
        "Over 2 months, $65.00 spent on acts against $390.00 of referral revenue from 7 referred customers: "
        "$9.29 per referred customer so far."
    ) in ledger
    assert ledger.count('<rect class="bar"') == 2
    assert ledger.count('<rect class="bar--revenue"') == 2
    rows = ledger[ledger.index("<tbody>") : ledger.index("</tbody>")]
    cells = re.findall(r'<td class="num">(.*?)</td>', rows)
    assert cells == [
        *("$10.00", "$100.00", "1", "$10.00", "$100.00", "$10.00"),
        *("$55.00", "$290.00", "6", "$65.00", "$390.00", "$9.29"),
    ]
    assert "May 2026</th>" in rows


# --- CSV exports ---------------------------------------------------------------------------


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response.streaming
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_referred_customers_export_with_generation_and_the_story_that_brought_them(chain, admin_user):
    rows = _csv(signed_in(admin_user).get("/dashboard/export/referred-customers.csv", JUNE))
    w = chain
    assert [(r["customer"], r["referred_by"], r["generation"], r["first_purchase_value"]) for r in rows] == [
        ("Pia", "Ada Advocate", "1", ""),
        ("Cal", "Ben", "2", "50.00"),
        ("Quin", "Pia", "2", "10.00"),
        ("Dee", "Cal", "3", "30.00"),
        ("Eve", "Ada Advocate", "1", "200.00"),
        ("Hal", "Gus", "1", ""),
    ]
    by_name = {r["customer"]: r for r in rows}
    assert (by_name["Cal"]["story"], by_name["Cal"]["story_acts"]) == (str(w.s1.pk), str(w.x1.pk))
    assert (by_name["Dee"]["story"], by_name["Dee"]["story_acts"]) == (str(w.s1.pk), str(w.x1.pk))
    assert (by_name["Eve"]["story"], by_name["Eve"]["story_acts"]) == ("", "")
    assert by_name["Pia"]["referred_by_id"] == str(w.A.pk)


def test_nps_export(chain, staff, admin_user):
    with time_machine.travel(noon(6, 12), tick=False):
        nps.nps_record(user=staff, customer=chain.C, score=10, comment="=Lovely", act=chain.y1)
        nps.nps_record(user=staff, customer=chain.D, score=7, comment="", act=None)
        nps.nps_record(user=staff, customer=chain.E, score=3, comment="Late", act=None)
    with time_machine.travel(noon(7, 3), tick=False):
        nps.nps_record(user=staff, customer=chain.E, score=9, comment="After June", act=None)
    rows = _csv(signed_in(admin_user).get("/dashboard/export/nps.csv", JUNE))
    assert [(r["customer"], r["score"], r["band"], r["comment"], r["act"], r["date"]) for r in rows] == [
        ("Cal", "10", "promoter", "'=Lovely", str(chain.y1.pk), "2026-06-12"),
        ("Dee", "7", "passive", "", "", "2026-06-12"),
        ("Eve", "3", "detractor", "Late", "", "2026-06-12"),
    ]
    assert rows[0]["recorded_by"] == staff.username


def test_figures_export_matches_the_api(chain, staff, admin_user):
    rows = {r["figure"]: r["value"] for r in _csv(signed_in(admin_user).get("/dashboard/export/figures.csv", JUNE))}
    api = signed_in(admin_user).get("/api/dashboard", JUNE).json()
    assert rows["start"] == "2026-06-01"
    assert rows["acts_count"] == str(api["acts_count"]) == "2"
    assert rows["spend_total"] == api["spend_total"] == "55.00"
    assert rows["referral_rate"] == "0.75"
    assert rows["customers_created"] == "8"
    assert rows["cost_per_referred_customer"] == api["cost_per_referred_customer"]
    assert rows["referral_revenue"] == "290.00"
    assert rows["top_advocates.1"] == f"Ada Advocate (customer {chain.A.pk}): 5 brought in, 290.00"
    assert rows["acts_by_quadrant.delivery"] == "2"


def test_ledger_export(chain, admin_user):
    rows = _csv(signed_in(admin_user).get("/dashboard/export/goodwill-ledger.csv", MAY_JUNE))
    assert [
        (
            r["month"],
            r["spend"],
            r["referral_revenue"],
            int(r["referred_customers"]),
            r["spend_to_date"],
            r["referral_revenue_to_date"],
            int(r["referred_customers_to_date"]),
            r["cost_per_referred_customer_to_date"],
            r["balance_to_date"],
        )
        for r in rows
    ] == LEDGER
    assert (rows[0]["from"], rows[1]["to"]) == ("2026-05-01", "2026-06-30")


def test_the_new_exports_are_an_admins(chain, staff, manager, admin_user):
    for path in ("nps", "referred-customers", "figures", "goodwill-ledger"):
        url = f"/dashboard/export/{path}.csv"
        assert signed_in(staff).get(url).status_code == 404
        assert signed_in(manager).get(url).status_code == 404
        assert signed_in(admin_user).get(url, {"start": "nope"}).status_code == 400
        assert signed_in(admin_user).get(url, {"team": "999999"}).status_code == 404


# --- Queries do not grow with the chains -------------------------------------------------------


def _streamed_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        b"".join(response.streaming_content)
    return len(queries)


def test_queries_do_not_grow_with_deeper_chains_and_more_advocates(chain, staff, admin_user):
    period = "?period=custom&start=2026-06-01&end=2026-06-30"
    api = signed_in(token=api_token_create(user=staff)[1])
    admin = signed_in(admin_user)
    pages = {
        "dashboard": (signed_in(staff), f"/dashboard/{period}"),
        "api": (api, f"/api/dashboard{period}"),
    }
    exports = [
        f"/dashboard/export/{name}.csv{period}" for name in ("nps", "referred-customers", "figures", "goodwill-ledger")
    ]
    before = [_streamed_queries(admin, url) for url in exports]

    def grow():
        parent = chain.D
        for n in range(12):
            parent = create(staff, f"Deep {n:02}", noon(6, 11 + n), referred_by=parent, first_purchase_value="5")
            create(staff, f"Side {n:02}", noon(6, 11 + n), referred_by=chain.G)

    assert_same_queries(pages, grow)
    assert [_streamed_queries(admin, url) for url in exports] == before
    # The deepest chain counts for everyone above it: A now brought in 5 + 12 in June.
    body = api.get(f"/api/dashboard{period}").json()
    assert body["top_advocates"][0] == {
        "id": chain.A.pk,
        "name": "Ada Advocate",
        "referred_customers": 17,
        "referral_revenue": "350.00",
    }
    assert body["top_advocates"][1]["name"] == "Ben"  # 2 + 12
    assert body["top_advocates"][1]["referred_customers"] == 14


def test_customers_created_many_at_once_keep_the_lineage_a_rebuild_writes(chain, staff):
    """An import: a chain within the file (K → K2 → K3) under an older customer (E)."""
    k = Customer(name="Kai", referred_by=chain.E)
    k2 = Customer(name="Kai Two", referred_by=k, first_purchase_value=Decimal("5"))
    k3 = Customer(name="Kai Three", referred_by=k2)
    customers_create_many(user=staff, team=staff.team, customers=[k, k2, k3, Customer(name="Lone")])
    kept = sorted(ReferralLineage.objects.values_list("ancestor_id", "customer_id", "generation"))
    assert (chain.A.pk, k3.pk, 4) in kept
    assert (k.pk, k3.pk, 2) in kept
    days = sorted(CustomerDay.objects.values_list("team_id", "date", "customers_created"))
    advocates.rebuild()
    assert sorted(ReferralLineage.objects.values_list("ancestor_id", "customer_id", "generation")) == kept
    assert sorted(CustomerDay.objects.values_list("team_id", "date", "customers_created")) == days
