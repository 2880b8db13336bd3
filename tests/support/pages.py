"""Helpers for reading pages the way a user sees them."""

import html
import re
from urllib.parse import quote

from django.db import connection
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def text(response: HttpResponseBase) -> str:
    """The page's markup with entities decoded, so that "Women's" matches "Women&#x27;s"."""
    assert isinstance(response, HttpResponse), "a page, not a streamed download"
    return html.unescape(response.content.decode())


def assert_login_redirect(response: HttpResponse, path: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(path, safe='/')}"


def csrf_token(response: HttpResponse) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match, "the page has no CSRF token"
    return match.group(1)


def count_queries(client: Client, url: str) -> int:
    """How many queries one GET of the page makes (after a first request has warmed caches)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)
