"""A bounded, reproducible fuzz of the JSON API from its own OpenAPI schema: whatever a
client sends, the server never answers 5xx. Runs in `make test` on both databases:
18 operations, some 1,150 requests in all (valid and invalid ones), about 20 s here."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from core.tokens import api_token_create
from secondmile.wsgi import application

from .factories import CustomerFactory, log_act

# Schemathesis' test client says "Host: localhost".
HOSTS = ["localhost"]

with override_settings(ALLOWED_HOSTS=HOSTS):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

# Small enough that the whole run stays well under a minute on a 2-core machine;
# derandomized, so a failure found once is found every time.
FUZZ = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def bearer(settings, manager, staff, customer):
    """A manager's token, over a team with customers and acts in several states."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, *HOSTS]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    for cost in ("0", "30", "80"):
        log_act(staff, cost=cost, customer=customer)
    CustomerFactory.create_batch(3, team=manager.team)
    _, token = api_token_create(user=manager)
    # As Django's own test client does: the test's transaction must outlive each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {token}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_api_never_answers_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error])
