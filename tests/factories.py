"""Simple factories. Later states of acts and stories are reached through the real services."""

from decimal import Decimal

import factory

from acts import services as act_services
from core.models import Role, Team, User
from core.services import member_set_role
from customers import advocates
from customers.models import Customer
from customers.referrals import referral_code_new
from customers.services import customer_count_add

PASSWORD = "test-pass-123"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    monthly_budget = Decimal("1000.00")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    team = factory.SubFactory(TeamFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        member_set_role(user=self, role=extracted or Role.STAFF)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    team = factory.SubFactory(TeamFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.org")
    referral_code = factory.LazyFunction(referral_code_new)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Counted as customer_create counts a customer, so the lists' totals, the customers
        # created per day and the referral lineage stay right.
        customer = super()._create(model_class, *args, **kwargs)
        customer_count_add(team=customer.team)
        advocates.customer_created(customer)
        return customer


# An act as the form and the API take it, at $75: above the default approval limit.
ACT_ABOVE_LIMIT = {
    "problem": "Flat tyre",
    "solution": "Drove her home",
    "quadrant": "delivery",
    "trigger": "reactive",
    "kind": "time",
    "cost": "75.00",
    "right_thing": "Yes",
    "great_experience": "Yes",
    "how_they_know": "She was there",
}


def log_act(user, *, cost="0", customer=None, **fields):
    """Log an act through the real service, with sensible defaults."""
    customer = customer or CustomerFactory(team=user.team)
    defaults = {
        "problem": "Needed a hand",
        "solution": "Went the second mile",
        "quadrant": "delivery",
        "trigger": "proactive",
        "kind": "gift",
        "right_thing": "Yes",
        "great_experience": "Yes",
        "how_they_know": "We tell them",
    }
    return act_services.act_log(user=user, customer=customer, cost=Decimal(cost), **{**defaults, **fields})
