"""Searching a list by organisation, in the browser: typing part of a name suggests the
organisations that match among those the user may see; the arrow keys and Enter choose one,
Enter again filters the list; a name that matches nothing says so. In Arabic the suggestions
open from the right edge of the field."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from tests.accreditation.factories import complete_application, framework_in_force, submitted

from .test_arabic_layout import box, switch_to_arabic

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_applications(world, ngo_admin, outsider):
    """Applications submitted by the Local Human Rights Centre and the Legal Aid Clinic."""
    framework = framework_in_force(world.administration, criteria=2)
    for organisation, admin in (
        (world.organisation, ngo_admin),
        (world.other_organisation, outsider),
    ):
        submitted(complete_application(framework, organisation, created_by=admin), by=admin)


def organisation_field(page: Page, label: str = "Organisation") -> Locator:
    """The search field of the filter, by its label (which ends with the form's colon)."""
    return page.get_by_role("combobox", name=re.compile(rf"^{re.escape(label)}\W*$"))


def listed(page: Page) -> list[str]:
    return page.locator("main table tbody tr td:first-child a").all_inner_texts()


def test_typing_a_name_suggests_it_and_choosing_it_filters_the_list(
    session_as, world, two_applications, director
):
    martha = session_as("martha")
    martha.goto(reverse("accreditation:application_list"))
    expect(martha.locator("main table tbody tr")).to_have_count(2)

    field = organisation_field(martha)
    expect(field).to_have_attribute("aria-expanded", "false")
    field.press_sequentially("aid cli", delay=40)
    suggestions = martha.get_by_role("listbox", name="Suggestions")
    expect(suggestions.get_by_role("option")).to_have_text(["Legal Aid Clinic"])
    expect(field).to_have_attribute("aria-expanded", "true")

    field.press("ArrowDown")
    option = suggestions.get_by_role("option", name="Legal Aid Clinic")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "")
    field.press("Enter")  # chooses, without sending the form yet
    expect(field).to_have_value("Legal Aid Clinic")
    expect(suggestions).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")

    field.press("Enter")  # sends the form
    expect(martha).to_have_url(
        re.compile(rf"organisation={world.other_organisation.pk}&organisation_name=Legal")
    )
    expect(martha.locator("main table tbody tr")).to_have_count(1)
    assert listed(martha) == ["Legal Aid Clinic"]
    # The choice is shown again, and kept when filtering on something else.
    field = organisation_field(martha)
    expect(field).to_have_value("Legal Aid Clinic")

    # A name that matches nothing says so, and Escape empties the field.
    field.fill("")
    field.press_sequentially("zzz", delay=40)
    expect(martha.get_by_role("status").filter(has_text="Nothing matches")).to_be_visible()
    expect(suggestions).to_be_hidden()
    field.press("Escape")
    expect(field).to_have_value("")
    martha.get_by_role("button", name="Filter").click()
    expect(martha.locator("main table tbody tr")).to_have_count(2)


def test_an_organisation_is_suggested_only_its_own(session_as, world, two_applications):
    john = session_as("john")
    john.goto(reverse("accreditation:application_list"))
    field = organisation_field(john)
    field.press_sequentially("l", delay=40)
    suggestions = john.get_by_role("listbox", name="Suggestions")
    expect(suggestions.get_by_role("option")).to_have_text(["Local Human Rights Centre"])


def test_in_arabic_the_suggestions_open_from_the_right(
    session_as, world, two_applications, director
):
    martha = session_as("martha")
    switch_to_arabic(martha)
    martha.goto(reverse("accreditation:application_list"))
    expect(martha.locator("html")).to_have_attribute("dir", "rtl")
    with translation.override("ar"):
        label, suggestions = translation.gettext("Organisation"), translation.gettext("Suggestions")
    field = organisation_field(martha, label)
    field.press_sequentially("Legal", delay=40)
    expect(martha.get_by_role("listbox", name=suggestions)).to_be_visible()
    typed, listed_box = (
        box(martha, "input[name=organisation_name]"),
        box(martha, "#id_organisation-suggestions"),
    )
    assert abs((typed["x"] + typed["width"]) - (listed_box["x"] + listed_box["width"])) < 2
