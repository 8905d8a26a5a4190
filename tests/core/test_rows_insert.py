"""core.rows_insert: the rows an import writes without bulk_create, read back as the ORM
reads bulk_create's (money, times, JSON, ids in order, conflicts ignored)."""

import datetime
from decimal import Decimal

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import rows_insert as module
from core.models import AuditEvent
from core.rows_insert import objects_insert, rows_insert
from customers.models import Customer, ReferralLineage

MOMENT = datetime.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=datetime.UTC)


@time_machine.travel(MOMENT, tick=False)
def test_objects_get_their_ids_in_order_and_read_back_as_saved(team, monkeypatch):
    monkeypatch.setattr(module, "ROWS_PER_STATEMENT", 2)  # several statements
    customers = [
        Customer(
            team=team,
            name=f"Guest {i}",
            email=f"g{i}@example.com" if i % 2 else "",
            referral_code=f"RI{i:04d}",
            first_purchase_value=Decimal("12.50") if i % 2 else None,
            created_at=MOMENT,
        )
        for i in range(5)
    ]
    with CaptureQueriesContext(connection) as queries:
        objects_insert(customers)
    assert len(queries) == 3
    assert all(not c._state.adding for c in customers)
    read = {c.pk: c for c in Customer.objects.filter(team=team)}
    assert [read[c.pk].name for c in customers] == [f"Guest {i}" for i in range(5)]
    assert read[customers[1].pk].first_purchase_value == Decimal("12.50")
    assert read[customers[0].pk].first_purchase_value is None
    assert {c.created_at for c in read.values()} == {MOMENT}
    assert read[customers[2].pk].last_surveyed_at is None


def test_json_and_foreign_keys_go_in_as_the_orm_writes_them(team, admin_user):
    customer = Customer.objects.create(team=team, name="Ana", referral_code="ANA001")
    event = AuditEvent(
        actor=admin_user,
        action=AuditEvent.Action.REFERRAL_SET,
        team=team,
        target_type="customer",
        target_id=customer.pk,
        target_label="Ana",
        before={},
        after={"referred_by": "Bo Ñandú", "n": [1, 2]},
    )
    objects_insert([event])
    saved = AuditEvent.objects.get(pk=event.pk)
    assert (saved.actor, saved.team, saved.before, saved.after) == (
        admin_user,
        team,
        {},
        {"referred_by": "Bo Ñandú", "n": [1, 2]},
    )


def test_a_conflict_is_ignored_when_asked(team):
    one, two = (Customer.objects.create(team=team, name=n, referral_code=f"{n.upper()}001") for n in ("a", "b"))
    columns = ("ancestor_id", "customer_id", "generation")
    rows_insert(ReferralLineage, columns, [(one.pk, two.pk, 1)], ignore_conflicts=True)
    rows_insert(ReferralLineage, columns, [(one.pk, two.pk, 1), (one.pk, two.pk, 1)], ignore_conflicts=True)
    assert list(ReferralLineage.objects.values_list(*columns)) == [(one.pk, two.pk, 1)]
    assert rows_insert(ReferralLineage, columns, []) == []
