"""The chain each act started, kept by the services: hand-computed figures (see conftest),
the story that is approved later, a referrer named later, a corrected first purchase,
and the rebuild giving the same rows."""

from decimal import Decimal

from acts.models import ActChain, ActReferral, RoiCell
from customers import advocates
from customers.imports import customers_import
from customers.models import Customer, ReferralLineage
from customers.services import customer_create, customer_update, customers_create_many
from stories import act_chain
from stories import services as story_services


def chain_of(act):
    row = ActChain.objects.filter(act=act).first()
    if row is None:
        return (0, 0, Decimal("0.00"))
    return (row.stories_count, row.referred_customers_count, row.referral_revenue)


def generations(act):
    return dict(ActReferral.objects.filter(act=act).values_list("customer__name", "generation"))


def snapshot():
    """Every row the chain's services write, in an order that does not depend on how."""
    return (
        sorted(ActReferral.objects.values_list("act_id", "customer_id", "generation")),
        sorted(
            ActChain.objects.exclude(stories_count=0, referred_customers_count=0).values_list(
                "act_id", "stories_count", "referred_customers_count", "referral_revenue"
            )
        ),
        sorted(RoiCell.objects.exclude(acts_count=0).values_list("span", *act_chain.CELL, *act_chain.CELL_SUMS)),
        sorted(ReferralLineage.objects.values_list("ancestor_id", "customer_id", "generation")),
    )


def test_each_act_holds_its_chain_by_hand(chain_world):
    w = chain_world
    assert chain_of(w.a1) == (1, 2, Decimal("150.00"))
    assert chain_of(w.a3) == (1, 2, Decimal("150.00"))
    assert generations(w.a1) == {"Rose": 1, "Ray": 2}
    # s2 waits for review: the customers it brought are in nobody's chain yet.
    assert chain_of(w.a2) == (0, 0, Decimal("0.00"))
    assert chain_of(w.o1) == (1, 1, Decimal("999.00"))


def test_a_story_approved_later_brings_its_customers_and_theirs(chain_world, admin_user):
    w = chain_world
    story_services.story_moderate(user=admin_user, story=w.s2, decision="approve")
    assert chain_of(w.a2) == (1, 2, Decimal("75.00"))
    assert generations(w.a2) == {"Rick": 1, "Rita": 2}
    story_services.story_moderate(user=admin_user, story=w.s2, decision="feature")
    assert chain_of(w.a2) == (1, 2, Decimal("75.00"))


def test_a_referrer_named_later_brings_everyone_below(chain_world, staff):
    w = chain_world
    dan = customer_create(user=staff, name="Dan", first_purchase_value=Decimal("10"))
    customer_create(user=staff, name="Eve", referred_by=dan, first_purchase_value=Decimal("20"))
    customer_update(user=staff, customer=dan, referred_by=w.r2)
    assert generations(w.a1) == {"Rose": 1, "Ray": 2, "Dan": 3, "Eve": 4}
    assert chain_of(w.a1) == (1, 4, Decimal("180.00"))


def test_a_corrected_first_purchase_moves_the_revenue(chain_world, staff):
    w = chain_world
    customer_update(user=staff, customer=w.r2, first_purchase_value=Decimal("80"))
    assert chain_of(w.a1) == (1, 2, Decimal("180.00"))
    assert chain_of(w.a3) == (1, 2, Decimal("180.00"))


def test_the_nearest_generation_counts_once(chain_world, staff, admin_user):
    w = chain_world
    # Rose tells a story retelling a1 too, and brings Zoe: Zoe is generation 1 of a1 (via
    # Rose's story), not generation 2 (via Rose).
    rose_act = w.a1
    told = story_services.story_record(
        user=staff, customer=w.ann, channel="review", text="Again", acts=[rose_act], consent=True
    )
    story_services.story_moderate(user=admin_user, story=told, decision="approve")
    customer_create(user=staff, name="Zoe", referred_by=w.ann, referred_by_story=told)
    assert generations(w.a1)["Zoe"] == 1
    assert chain_of(w.a1) == (2, 3, Decimal("150.00"))


def test_the_rebuild_writes_the_same_rows(chain_world):
    kept = snapshot()
    act_chain.rebuild()
    assert snapshot() == kept


def test_customers_created_together_join_the_chain_in_order(chain_world, staff):
    # As an import does: a row referred by an existing customer, and one referred by that row.
    w = chain_world
    first = Customer(name="Imported One", referred_by=w.r2, first_purchase_value=Decimal("7"))
    second = Customer(name="Imported Two", referred_by=first, first_purchase_value=Decimal("3"))
    customers_create_many(user=staff, team=w.team, customers=[first, second])
    assert generations(w.a1) == {"Rose": 1, "Ray": 2, "Imported One": 3, "Imported Two": 4}
    assert chain_of(w.a1) == (1, 4, Decimal("160.00"))


def test_an_imported_file_joins_the_chains_as_a_rebuild_counts_them(chain_world):
    # Rows referred by a customer in acts' chains (Ray), by customers in none (Rita, Bob),
    # and by rows earlier in the file, across batches.
    w = chain_world
    Customer.objects.filter(pk=w.r2.pk).update(referral_code="RAY001")
    Customer.objects.filter(pk=w.r4.pk).update(referral_code="RITA01")
    Customer.objects.filter(pk=w.bob.pk).update(referral_code="BOB001")
    text = "name,referral_code,referred_by_code,first_purchase_value\n" + "".join(
        [
            "Ina,INA001,RAY001,10\n",
            "Jon,JON001,INA001,\n",
            "Kit,KIT001,RITA01,4.50\n",
            "Lou,LOU001,BOB001,2\n",
            "Max,MAX001,JON001,1\n",
            "Ned,,,\n",
        ]
    )
    report = customers_import(user=None, team=w.team, text=text, batch_size=2)
    assert (report.imported, report.refused) == (6, [])
    assert generations(w.a1) == {"Rose": 1, "Ray": 2, "Ina": 3, "Jon": 4, "Max": 5}
    assert chain_of(w.a1) == (1, 5, Decimal("161.00"))
    # Rick's story waits for review, so his line (Rita, then Kit) is in no act's chain yet.
    assert not ActReferral.objects.filter(customer__name__in=["Kit", "Lou", "Ned"]).exists()

    kept = snapshot()
    act_chain.rebuild()
    advocates.rebuild()
    assert snapshot() == kept
