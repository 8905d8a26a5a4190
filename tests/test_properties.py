"""Property tests: the money parser and the two busiest forms take any text at all and
answer in words, never with an exception."""

from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acts.models import Kind, Quadrant, Trigger
from acts.policy import cost_parse
from core import errors
from core.inputs import has_control_characters

PROPERTIES = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Besides random text, the inputs that broke parsers before.
NASTY = st.sampled_from(
    [
        "1e400",
        "-1e400",
        "1e-400",
        "NaN",
        "-nan",
        "sNaN",
        "Infinity",
        "-Infinity",
        "inf",
        "0000-00-00",
        "99999-01-01",
        "9999-12-31",
        "²",
        "99999999999999999999",
        "0x10",
        "1_000",
        " 12.50 ",
        "12,50",
        "١٢",
        "+5",
        "-0",
        "10000.00",
        "10000.001",
        "0.005",
        "",
        " ",
        "😀",
        "x" * 5000,
        "a\x00b",
        "\x1b[0m",
    ]
)
# Any printable text (control characters come from NASTY, or they would be in nearly
# every example and every example would stop at the rule that refuses them).
PRINTABLE = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=60)
TEXT = st.one_of(NASTY, PRINTABLE)


@given(value=st.one_of(TEXT, st.text(), st.decimals(), st.floats(), st.integers()))
@settings(max_examples=400, derandomize=True, database=None)
def test_a_cost_is_a_decimal_in_range_with_cents_or_a_refusal_in_words(value):
    refusal = None
    try:
        cost = cost_parse(value)
    except errors.InvalidInput as error:
        refusal = error
    if refusal is not None:
        assert refusal.field == "cost"
        assert refusal.message
        return
    assert isinstance(cost, Decimal)
    assert cost.is_finite()
    assert Decimal(0) <= cost <= django_settings.SECONDMILE["MAX_ACT_COST"]
    assert cost == cost.quantize(Decimal("0.01"))
    assert cost.as_tuple().exponent >= -2


def _answered_in_words(response, data: dict):
    if any(has_control_characters(str(value)) for value in data.values()):
        assert response.status_code == 400  # the one rule for control characters
    else:
        assert response.status_code in (200, 302)


# Each field: random text, or (often) a valid value, so that some examples get past the
# form and reach the service and the database.
THE_CUSTOMER = "<the customer's id>"
ACT_VALID = {
    "customer": [THE_CUSTOMER],
    "quadrant": Quadrant.values,
    "trigger": Trigger.values,
    "kind": Kind.values,
    "cost": ["0", "30", "80.50"],
    "date": ["2026-01-05"],
    "new_customer_email": ["ana@example.org"],
}
ACT_FIELDS = [
    "customer",
    "new_customer_name",
    "new_customer_email",
    "problem",
    "quadrant",
    "trigger",
    "solution",
    "kind",
    "cost",
    "right_thing",
    "great_experience",
    "how_they_know",
    "date",
]
CUSTOMER_VALID = {"email": ["ana@example.org"], "first_purchase_value": ["120.00"], "referrer_code": [""]}
CUSTOMER_FIELDS = [
    "name",
    "email",
    "phone",
    "company",
    "referrer_code",
    "referred_by_story",
    "first_purchase_value",
    "notes",
]


@pytest.mark.django_db
@given(
    data=st.fixed_dictionaries(
        {name: st.one_of(st.sampled_from(ACT_VALID.get(name, ["Went the second mile"])), TEXT) for name in ACT_FIELDS}
    )
)
@PROPERTIES
def test_the_act_form_answers_any_text_in_words(client_for, staff, customer, data):
    if data["customer"] == THE_CUSTOMER:
        data["customer"] = str(customer.pk)
    _answered_in_words(client_for(staff).post("/acts/new/", data), data)


@pytest.mark.django_db
@given(
    data=st.fixed_dictionaries(
        {name: st.one_of(st.sampled_from(CUSTOMER_VALID.get(name, ["Ana Lima"])), TEXT) for name in CUSTOMER_FIELDS}
    )
)
@PROPERTIES
def test_the_customer_form_answers_any_text_in_words(client_for, staff, customer, data):
    _answered_in_words(client_for(staff).post("/customers/new/", data), data)
