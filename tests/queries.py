"""The one query-count helper: how many queries a page takes. Tests then hold the page
with more rows to that count under pytest-django's django_assert_num_queries, which
prints every query when the count differs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url) -> int:
    """The number of queries a GET of `url` takes; the page must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(queries)
