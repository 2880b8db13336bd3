"""Each role logs in through the form and finds a dashboard and a navigation that fit it; logging
out ends the session; a wrong password is refused without losing the username."""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from directory.models import Role
from tests.accreditation.factories import (
    complete_application,
    framework_in_force,
    submitted,
    under_review,
)
from tests.e2e.conftest import log_in
from tests.factories import staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: The links of the main navigation.
NAV = {
    "Dashboard",
    "Organisations",
    "Facilities",
    "Applications",
    "Accreditations",
    "Reviews",
    "Vetting",
    "Rules",
    "Formal mechanisms",
    "Audit trail",
    "Reports",
    "Recommendations",
    "Plan of action",
    "Follow-up visits",
    "Notifications",
}


@dataclass
class Expected:
    username: str
    role: str  # the tag under the greeting
    panel: str  # the heading of the role's own panel
    panel_text: list[str]  # what that panel says
    nav: set[str]  # the navigation links the role sees; the others must be absent


EXPECTED = {
    "director": Expected(
        username="martha",
        role="Director · State A Prison System",
        panel="Director",
        panel_text=[
            "0 applications waiting for reviewers",
            "1 person waiting for vetting",
            "0 applications ready for a decision",
        ],
        nav=NAV - {"Reviews"},
    ),
    "reviewer": Expected(
        username="rita",
        role="Accreditation reviewer · State A Prison System",
        panel="Accreditation reviewer",
        panel_text=[
            "Local Human Rights Centre — Awaiting conflict declaration",
            "All your reviews",
        ],
        nav={"Dashboard", "Organisations", "Facilities", "Reviews", "Rules", "Notifications"},
    ),
    "ngo_admin": Expected(
        username="john",
        role="Organisation administrator · Local Human Rights Centre",
        panel="Local Human Rights Centre",
        panel_text=[
            "Continue your application: Under review",
            "Accreditation, applications and people's clearances",
            "1 person named to enter prisons.",
        ],
        nav={
            "Dashboard",
            "Organisations",
            "Applications",
            "Accreditations",
            "Reports",
            "Recommendations",
            "Plan of action",
            "Follow-up visits",
            "Notifications",
        },
    ),
    "gate_officer": Expected(
        username="gabriel",
        role="Gate officer · Central Penitentiary",
        panel="Central Penitentiary",
        panel_text=[
            "Today's manifest of expected visitors will appear here.",
            "Visitor capacity: 20 at a time.",
            "Education wing (Open)",
        ],
        nav={"Dashboard", "Facilities", "Notifications"},
    ),
}


@pytest.fixture
def under_way(world, director, reviewer, ngo_admin, gate_officer):
    """The demo's situation in small: rules in force, and the organisation's application under
    review by two reviewers."""
    framework = framework_in_force(world.administration)
    application = complete_application(framework, world.organisation, created_by=ngo_admin)
    submitted(application, by=ngo_admin)
    raul = staff("raul", Role.REVIEWER, world.administration)
    return under_review(application, director=director, reviewers=[reviewer, raul])


def panel(page: Page, heading: str):
    return page.locator("section.panel").filter(
        has=page.get_by_role("heading", level=2, name=heading, exact=True)
    )


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_role_logs_in_to_its_own_dashboard_and_logs_out(
    page: Page, under_way, persona, screenshots
):
    expected = EXPECTED[persona]

    log_in(page, expected.username)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("p.roles")).to_contain_text(expected.role)
    own = panel(page, expected.panel)
    expect(own).to_be_visible()
    for text in expected.panel_text:
        expect(own).to_contain_text(text)
    others = {e.panel for e in EXPECTED.values()} - {expected.panel}
    if persona in {"director", "reviewer"}:
        others.discard("Central Penitentiary")  # administration staff list their facilities
    for heading in others:
        expect(panel(page, heading)).to_have_count(0)
    nav = page.get_by_role("navigation", name="Main")
    for name in sorted(NAV):
        link = nav.get_by_role("link", name=name, exact=True)
        if name in expected.nav:
            expect(link).to_be_visible()
        else:
            expect(link).to_have_count(0)
    screenshots(page, f"dashboard-{persona}")

    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(page.get_by_role("link", name="Public register")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_wrong_password_is_refused_and_the_username_kept(page: Page, director, screenshots):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("martha")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Please enter a correct username and password."
    )
    expect(page.get_by_label("Username")).to_have_value("martha")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    screenshots(page, "login-wrong-password")

    log_in(page, "martha")  # the right password still works afterwards
