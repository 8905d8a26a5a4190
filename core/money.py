"""Money: amounts are Decimal with two places, end to end.

`cents()` rounds an amount the database handed back (SQLite sums decimals as floats)
to cents; `money_field()` is every money column; `MONEY_FORM_FIELD` is what every money
input of a form takes; `MONEY_SUM` is the output field of a sum of money in the database.
"""

from decimal import Decimal

from django.db.models import DecimalField

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money_field(*args, **kwargs) -> DecimalField:
    """A money column: DecimalField(max_digits=12, decimal_places=2) with these arguments."""
    return DecimalField(*args, max_digits=12, decimal_places=2, **kwargs)


# forms.DecimalField(**MONEY_FORM_FIELD): the shape of every money column, never negative.
MONEY_FORM_FIELD = {"max_digits": 12, "decimal_places": 2, "min_value": 0}

# The output field of sums of money (totals may outgrow one act's 12 digits).
MONEY_SUM = DecimalField(max_digits=14, decimal_places=2)


def cents(amount) -> Decimal:
    """`amount` (None counts as nothing) as Decimal money with two places."""
    return Decimal(amount or 0).quantize(CENT)
