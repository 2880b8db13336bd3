"""The language switcher in the header turns the pages into Spanish, and back."""

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.e2e.conftest import authenticator_for, enter_code
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def spanish(english: str) -> str:
    """The Spanish the application shows for an English string (from the compiled catalogue
    the server uses); a string left untranslated fails here rather than pass unnoticed."""
    with translation.override("es"):
        text = translation.gettext(english)
    assert text != english, f"“{english}” has no Spanish translation"
    return text


def switch_language(page: Page, language: str, *, in_language: str = "en") -> None:
    """Choose a language in the header's switcher, whose labels are in ``in_language``."""
    with translation.override(in_language):
        label, button = translation.gettext("Language"), translation.gettext("Change language")
    page.get_by_role("combobox", name=label).select_option(language)
    page.get_by_role("button", name=button).click()


def test_choosing_spanish_turns_login_and_dashboard_into_spanish(page: Page, director, screenshots):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")

    switch_language(page, "es")

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text(spanish("Log in"))
    expect(page.get_by_role("link", name=spanish("Public register"))).to_be_visible()
    expect(page.get_by_role("combobox", name=spanish("Language"))).to_have_value("es")
    screenshots(page, "login-spanish")

    device = authenticator_for("martha")
    page.get_by_label(spanish("Username")).fill("martha")
    page.get_by_label(spanish("Password")).fill(PASSWORD)
    page.get_by_role("button", name=spanish("Log in")).click()
    enter_code(page, device)

    welcome = spanish("Welcome, %(name)s") % {"name": director.get_full_name()}
    expect(page.get_by_role("heading", level=1)).to_have_text(welcome)
    nav = page.get_by_role("navigation", name=spanish("Main"))
    expect(nav.get_by_role("link", name=spanish("Dashboard"), exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name=spanish("Audit trail"))).to_be_visible()
    expect(page.get_by_role("heading", name=spanish("Latest in the audit trail"))).to_be_visible()
    expect(page.get_by_role("button", name=spanish("Log out"))).to_be_visible()
    expect(page.get_by_text("Latest in the audit trail")).to_have_count(0)
    screenshots(page, "dashboard-spanish")

    switch_language(page, "en", in_language="es")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Welcome, {director.get_full_name()}"
    )
