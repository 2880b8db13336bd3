"""The application's own error pages, in its layout, as people meet them with DEBUG off (as in
production and in the demo; the test client runs with DEBUG off)."""

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from tests.conftest import login
from tests.support.pages import text

BRAND = "Prison–NGO partnerships"


def _broken_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


#: The project's URLs and one page with a bug (used with pytest.mark.urls).
urlpatterns = [path("broken/", _broken_page), path("", include("config.urls"))]


def test_the_tests_run_with_debug_off():
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_an_unknown_address_shows_the_not_found_page_in_the_layout():
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    page = text(response)
    assert "<h1>Page not found</h1>" in page
    assert BRAND in page
    assert "Public register" in page  # the layout's navigation for visitors
    assert "Back to the dashboard" in page
    # Not Django's technical page, nor its bare default.
    assert "Using the URLconf" not in page
    assert "The requested resource was not found on this server." not in page


@pytest.mark.django_db
def test_a_signed_in_user_keeps_their_navigation_on_the_not_found_page(client, director):
    response = login(client, director).get("/organisations/999999/")

    assert response.status_code == 404
    page = text(response)
    assert "<h1>Page not found</h1>" in page
    assert "Applications" in page  # the director's navigation
    assert "Log out" in page


@pytest.mark.django_db
def test_the_recommendations_module_has_its_pages_and_links(client, director, gate_officer):
    """Built now: its lists are in the navigation of those who read reports, and nowhere
    else; the module's own address has no page of its own."""
    signed_in = login(client, director)
    navigation = text(signed_in.get("/"))

    for page in ("/recommendations/reports/", "/recommendations/recommendations/"):
        assert f'href="{page}"' in navigation
        assert signed_in.get(page).status_code == 200
    assert signed_in.get("/recommendations/").status_code == 404

    assert 'href="/recommendations/' not in text(login(client, gate_officer).get("/"))


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_bug_shows_the_error_page_in_the_layout(client, director):
    client = login(client, director)
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    page = text(response)
    assert "<h1>Something went wrong</h1>" in page
    assert BRAND in page
    assert 'href="/static/css/app.css"' in page
    assert "a bug in a view" not in page  # nothing of the error itself


@pytest.mark.urls(__name__)
def test_the_error_page_needs_no_database():
    """Without the `db` fixture any query fails the test: the page must show when the database
    is what broke."""
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in text(response)
