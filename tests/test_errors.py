"""Error pages as people see them (DEBUG is off in tests, as in production): the app's
look, plain words, a way home, no traceback; and JSON for every error under /api/."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path

from core import errors
from secondmile.urls import urlpatterns as app_urlpatterns


def _forbidden(request):
    raise PermissionDenied


def _unreadable(request):
    raise SuspiciousOperation("a request that makes no sense")


def _broken(request):
    raise RuntimeError("a bug")


# These tests' own URLs (pytest.mark.urls): views that fail on purpose, then the app's.
urlpatterns = [
    path("test/forbidden/", _forbidden),
    path("test/unreadable/", _unreadable),
    path("test/broken/", _broken),
    *app_urlpatterns,
]
pytestmark = pytest.mark.urls(__name__)


def _page(response) -> str:
    page = response.content.decode()
    assert 'href="/"' in page  # the way home
    assert "Traceback" not in page
    assert "RuntimeError" not in page
    return page


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/test/unreadable/", 400, "We could not read that"),
        ("/test/forbidden/", 403, "Your role does not let you do this"),
        ("/no-such-page/", 404, "There is nothing here, or nothing you can see"),
    ],
)
def test_error_pages_in_the_apps_look_with_the_navigation(client_for, staff, url, status, words):
    response = client_for(staff).get(url)
    assert response.status_code == status
    page = _page(response)
    assert words in page
    assert 'aria-label="Main"' in page
    assert "Log out" in page


def test_an_error_page_for_someone_not_signed_in_has_no_navigation(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    page = _page(response)
    assert "Page not found" in page
    assert 'aria-label="Main"' not in page


def test_a_server_error_is_a_plain_page_that_needs_nothing(staff):
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    response = client.get("/test/broken/")
    assert response.status_code == 500
    page = _page(response)
    assert "Something went wrong on our side" in page
    assert "It has been logged" in page


def test_an_unexpected_error_in_the_api_is_json_and_logged(monkeypatch, staff, caplog):
    def broken(**kwargs):
        raise RuntimeError("a bug in the dashboard")

    monkeypatch.setattr("secondmile.api.dashboard_scope", broken)
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    response = client.get("/api/dashboard")
    assert response.status_code == 500
    assert response.json() == {"detail": errors.MSG_SERVER_ERROR}
    logged = [r for r in caplog.records if r.exc_info and "a bug in the dashboard" in str(r.exc_info[1])]
    assert logged, "the traceback is logged"


def test_django_s_own_error_pages_under_the_api_are_json_too(staff):
    # 2 MB of JSON is over DATA_UPLOAD_MAX_MEMORY_SIZE: Django itself answers 400, in HTML.
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    body = '{"problem": "' + "x" * (2 * 1024 * 1024) + '"}'
    response = client.post("/api/acts", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request could not be read."}
