"""Arabic reads right to left: after switching to Arabic, the page says dir="rtl" and its
navigation is laid out from the right; the Arabic decision letter is a PDF with Arabic glyphs.
A screenshot of an Arabic page and the Arabic letter are kept under ARTIFACTS_DIR."""

import re
from pathlib import Path
from typing import cast

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import FloatRect, Page, expect
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from accreditation.services import decisions
from activity.models import NotificationPreference
from directory.models import Role
from tests.accreditation.factories import (
    complete_application,
    framework_in_force,
    scored,
    staff,
    submitted,
    under_review,
)

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture
def decided(world, ngo_admin, director, reviewer):
    """John's application, reviewed by two and accredited by Martha."""
    second = staff("raul", Role.REVIEWER, world.administration)
    framework = framework_in_force(world.administration, criteria=2)
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    application = under_review(
        submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second]
    )
    scored(application, {reviewer: 3, second: 4})
    decisions.decision_make(
        actor=director,
        application=application,
        outcome="accredited",
        reasons="Ten years of literacy work, well documented.",
    )
    return application


def switch_to_arabic(page: Page) -> None:
    with translation.override("en"):
        label, button = translation.gettext("Language"), translation.gettext("Change language")
    page.get_by_role("combobox", name=label).select_option("ar")
    page.get_by_role("button", name=button).click()


def box(page: Page, selector: str) -> FloatRect:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not laid out"
    return found


def test_arabic_pages_and_letter_read_right_to_left(
    page: Page, decided, ngo_admin, artifacts: Path
):
    log_in(page, ngo_admin.username)
    # Left to right first, to compare with.
    first, second = box(page, "nav ul li:nth-child(1)"), box(page, "nav ul li:nth-child(2)")
    assert first["x"] < second["x"]

    switch_to_arabic(page)

    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    assert NotificationPreference.objects.get(user=ngo_admin).language == "ar"
    # The navigation starts at the right: its first link is right of the second, and the
    # name of the application is at the right end of the header, the tools at the left.
    first, second = box(page, "nav ul li:nth-child(1)"), box(page, "nav ul li:nth-child(2)")
    assert first["x"] > second["x"] + second["width"] - 1
    brand, tools = box(page, ".site-header .brand"), box(page, ".site-header .header-tools")
    assert brand["x"] > tools["x"] + tools["width"] - 1
    width = page.viewport_size["width"] if page.viewport_size else 1280
    assert brand["x"] + brand["width"] > width * 0.8
    page.screenshot(path=str(artifacts / "arabic-dashboard.png"), full_page=True)

    page.goto(reverse("accreditation:application_detail", args=[decided.pk]))
    expect(html).to_have_attribute("dir", "rtl")
    # Table cells start at the right as well.
    heading, cell = box(page, "main h1"), box(page, "main")
    assert heading["x"] + heading["width"] > cell["x"] + cell["width"] - 40
    page.screenshot(path=str(artifacts / "arabic-application.png"), full_page=True)

    # The letter is written in the organisation's language: John's centre now corresponds in
    # Arabic, so the letter is prepared again and downloaded.
    from accreditation.models import Decision
    from directory.models import Organisation

    Organisation.objects.filter(pk=decided.organisation_id).update(language="ar")
    Decision.objects.filter(application=decided).update(letter="", letter_rendered_at=None)
    letter_url = reverse("accreditation:decision_letter", args=[decided.pk])
    response = page.request.get(letter_url)
    if response.headers.get("content-type") != "application/pdf":
        response = page.request.get(letter_url)  # "being prepared": the next request has it
    assert response.ok
    assert response.headers.get("content-type") == "application/pdf"
    assert response.headers["content-type"] == "application/pdf"
    letter = artifacts / "arabic-decision-letter.pdf"
    letter.write_bytes(response.body())
    reader = PdfReader(letter)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert ARABIC_LETTERS.search(text), "the letter has no Arabic text"
    fonts = set()
    for pdf_page in reader.pages:
        resources = cast(DictionaryObject, pdf_page["/Resources"])
        for font in cast(DictionaryObject, resources["/Font"].get_object()).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    # Every font used is one that has Arabic glyphs (installed on the machine, not fetched).
    assert fonts and all(re.search(r"DejaVu-?Sans|Noto-?(Sans|Naskh)-?Arabic", f) for f in fonts), (
        fonts
    )
