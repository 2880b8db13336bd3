"""The next step is always obvious, in the browser.

One call to action: while John's organisation has an application open, its pages offer only
"Continue your application" (or "…renewal"); "Apply for accreditation" and "Renew" are there only
when nothing is open, and a renewal asked for from a page that still offers it goes to the one
already started.

Decide when ready: the director sees how many of the assigned reviews are in, on the list and on
the application's page, where "Decide" stays disabled with that reason until the last review
arrives; then the dashboard counts the application as ready for a decision, the director is told,
and "Decide" opens the decision form.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from accreditation.models import Application
from accreditation.services import decisions
from activity import services as activity_services
from directory.models import Role
from tests.accreditation.factories import (
    complete_application,
    framework_in_force,
    scored,
    staff,
    submitted,
    under_review,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORGANISATION = "Local Human Rights Centre"
OTHER_ORGANISATION = "Legal Aid Clinic"
ACCREDITATION_PAGE = "Accreditation, applications and people's clearances"


def message(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def looks(locator: Locator) -> dict[str, str]:
    """How an action is painted, as the eye tells a link, a button and a disabled one apart."""
    return locator.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return {background: s.backgroundColor, colour: s.color, cursor: s.cursor,"
        " border: s.borderTopStyle, underline: s.textDecorationLine}; }"
    )


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]


def apply_section(page: Page) -> Locator:
    """Where the organisation's accreditation page offers its next step."""
    return page.get_by_role("region", name="Apply", exact=True)


def org_panel(page: Page) -> Locator:
    return page.get_by_role("region", name=ORGANISATION, exact=True)


@pytest.fixture(autouse=True)
def _patient_assertions():
    """The test machine is shared and slow at times: wait up to 15 s for what a page shows."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default


@pytest.fixture
def second_reviewer(world):
    return staff("raul", Role.REVIEWER, world.administration)


@pytest.fixture
def framework(world):
    return framework_in_force(world.administration, criteria=2)


@pytest.fixture
def accredited(world, framework, ngo_admin, director, reviewer, second_reviewer):
    """John's first application, reviewed by two and accredited by Martha: nothing is open."""
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    application = under_review(
        submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second_reviewer]
    )
    scored(application, {reviewer: 3, second_reviewer: 4})
    decisions.decision_make(
        actor=director,
        application=application,
        outcome="accredited",
        reasons="Ten years of literacy work, well documented.",
    )
    return application


# One call to action -----------------------------------------------------------------------------


def test_an_application_in_progress_is_the_only_thing_offered(
    session_as, world, framework, ngo_admin
):
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)

    john = session_as("john")
    continue_link = org_panel(john).get_by_role("link", name="Continue your application")
    expect(continue_link).to_be_visible()
    expect(org_panel(john).get_by_role("link", name="Continue your renewal")).to_have_count(0)
    continue_link.click()
    expect(
        john.get_by_role("heading", level=1, name=f"Application of {ORGANISATION}")
    ).to_be_visible()
    expect(john.get_by_role("heading", name="Status: Draft")).to_be_visible()
    assert path_of(john) == draft.get_absolute_url()

    john.get_by_role("link", name="The organisation's accreditation").click()
    expect(
        john.get_by_role("heading", level=1, name=f"Accreditation of {ORGANISATION}")
    ).to_be_visible()
    offered = apply_section(john)
    expect(offered.get_by_role("link")).to_have_text(["Continue your application"])
    expect(offered.get_by_role("button")).to_have_count(0)
    expect(john.get_by_role("button", name="Apply for accreditation")).to_have_count(0)
    expect(john.get_by_role("button", name="Renew")).to_have_count(0)

    offered.get_by_role("link", name="Continue your application").click()
    expect(john.get_by_role("heading", name="Status: Draft")).to_be_visible()
    assert path_of(john) == draft.get_absolute_url()

    # Submitted, it is still in progress: still only "Continue".
    submitted(draft, by=ngo_admin)
    john.get_by_role("link", name="The organisation's accreditation").click()
    expect(apply_section(john).get_by_role("link")).to_have_text(["Continue your application"])
    expect(apply_section(john).get_by_role("button")).to_have_count(0)


def test_renew_is_offered_only_while_nothing_is_open_and_then_goes_to_the_renewal(
    session_as, screenshots, accredited
):
    john = session_as("john")
    expect(org_panel(john).get_by_role("link", name=re.compile("^Continue your"))).to_have_count(0)
    org_panel(john).get_by_role("link", name=ACCREDITATION_PAGE).click()
    offered = apply_section(john)
    expect(offered.get_by_role("button", name="Apply for accreditation")).to_be_enabled()
    expect(offered.get_by_role("button", name="Renew", exact=True)).to_be_enabled()
    expect(offered.get_by_role("link", name=re.compile("^Continue your"))).to_have_count(0)
    screenshots(john, "overview-renew")

    # Two more tabs keep the page as it was, with "Apply" and "Renew" still on it.
    stale, stale_apply = john.context.new_page(), john.context.new_page()
    for tab in (stale, stale_apply):
        tab.goto(john.url)
        expect(tab.get_by_role("button", name="Renew", exact=True)).to_be_visible()

    offered.get_by_role("button", name="Renew", exact=True).click()
    message(john, "A renewal was started from your last application. Check it and submit it.")
    renewal = Application.objects.get(previous=accredited)
    assert path_of(john) == reverse("accreditation:application_edit", args=[renewal.pk])

    john.goto(reverse("accreditation:organisation_overview", args=[accredited.organisation_id]))
    offered = apply_section(john)
    expect(offered.get_by_role("link")).to_have_text(["Continue your renewal"])
    expect(offered.get_by_role("button")).to_have_count(0)
    expect(john.get_by_role("button", name="Renew", exact=True)).to_have_count(0)
    expect(john.get_by_role("button", name="Apply for accreditation")).to_have_count(0)
    screenshots(john, "overview-continue-renewal")
    offered.get_by_role("link", name="Continue your renewal").click()
    expect(
        john.get_by_role("heading", level=1, name=f"Application of {ORGANISATION}")
    ).to_contain_text("Renewal")
    assert path_of(john) == renewal.get_absolute_url()

    # "Renew" pressed on the old page goes to the renewal already started, not to a second one.
    stale.get_by_role("button", name="Renew", exact=True).click()
    message(stale, "Your application in progress is below: continue it.")
    expect(stale.get_by_role("heading", name="Status: Draft")).to_be_visible()
    assert path_of(stale) == renewal.get_absolute_url()
    assert list(accredited.organisation.applications.open()) == [renewal]

    # "Apply" pressed on the old page says why not, and offers the renewal to continue.
    stale_apply.get_by_role("button", name="Apply for accreditation").click()
    message(
        stale_apply, "This organisation already has an application in progress. Continue that one."
    )
    expect(apply_section(stale_apply).get_by_role("link")).to_have_text(["Continue your renewal"])
    expect(apply_section(stale_apply).get_by_role("button")).to_have_count(0)
    assert list(accredited.organisation.applications.open()) == [renewal]

    john.get_by_role("link", name="Dashboard", exact=True).click()
    org_panel(john).get_by_role("link", name="Continue your renewal").click()
    assert path_of(john) == renewal.get_absolute_url()


# Decide when ready ------------------------------------------------------------------------------


@pytest.fixture
def half_reviewed(world, framework, ngo_admin, director, reviewer, second_reviewer, outsider):
    """John's application under review by Rita and Raúl, of whom only Rita has submitted; and the
    Legal Aid Clinic's, under review by the same two, neither of whom has."""
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    application = under_review(
        submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second_reviewer]
    )
    scored(application, {reviewer: 3})
    other = complete_application(framework, world.other_organisation, created_by=outsider)
    under_review(
        submitted(other, by=outsider), director=director, reviewers=[reviewer, second_reviewer]
    )
    return application


def test_decide_waits_for_every_review_and_the_director_is_told_when_it_is_ready(
    session_as, screenshots, half_reviewed, second_reviewer
):
    application = half_reviewed
    waiting = (
        "1 of 2 reviews submitted: the application can be decided once every assigned "
        "reviewer, and at least 2, has scored it."
    )

    martha = session_as("martha")
    queue = martha.get_by_role("link", name=re.compile(r"applications? ready for a decision"))
    expect(queue).to_have_text("0 applications ready for a decision")
    martha.get_by_role("navigation", name="Main").get_by_role("link", name="Applications").click()
    row = martha.get_by_role("row").filter(has=martha.get_by_role("link", name=ORGANISATION))
    expect(row).to_contain_text("Under review")
    expect(row).to_contain_text("1 of 2 reviews submitted")
    other_row = martha.get_by_role("row").filter(
        has=martha.get_by_role("link", name=OTHER_ORGANISATION)
    )
    expect(other_row).to_contain_text("0 of 2 reviews submitted")

    row.get_by_role("link", name=ORGANISATION).click()
    expect(martha.get_by_role("heading", name="Status: Under review")).to_be_visible()
    expect(martha.locator("dt:text-is('Reviews') + dd")).to_have_text("1 of 2 reviews submitted")
    decide = martha.get_by_role("button", name="Decide", exact=True)
    expect(decide).to_be_disabled()
    expect(decide).to_have_accessible_description(waiting)
    expect(martha.get_by_text(waiting)).to_be_visible()
    expect(martha.get_by_role("link", name="Decide", exact=True)).to_have_count(0)
    disabled_look = looks(decide)
    assert disabled_look["cursor"] == "not-allowed"
    screenshots(martha, "decide-waits-for-reviews")

    # Raúl, the second reviewer, declares, scores and submits. --------------------------------
    raul = session_as(second_reviewer.username)
    raul.get_by_role("link", name=ORGANISATION).click()
    raul.get_by_label("No, I have no conflict of interest").check()
    raul.get_by_role("button", name="Declare").click()
    message(raul, "Thank you. You can now read the file and score it.")
    for criterion in application.framework.criteria.order_by("order"):
        raul.get_by_role("group", name=f"Score for “{criterion.name}”").get_by_label(
            "4 – Level 4"
        ).check()
        raul.get_by_label(f"Comment on “{criterion.name}”").fill("Well documented.")
    raul.get_by_role("button", name="Submit my scores").click()
    message(raul, "Your scores were submitted.")

    # The periodic sweep delivers what is due, as the scheduler does every minute.
    activity_services.reminders_sweep()

    # The director's dashboard counts it, and the count lists exactly it. ---------------------
    martha.get_by_role("link", name="Dashboard", exact=True).click()
    martha.get_by_role("link", name="1 application ready for a decision").click()
    expect(
        martha.get_by_role("heading", level=1, name="Applications for accreditation")
    ).to_be_visible()
    expect(martha.get_by_role("checkbox", name="Ready for a decision")).to_be_checked()
    listed = martha.locator("table tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(ORGANISATION)
    expect(listed).to_contain_text("2 of 2 reviews submitted")
    expect(martha.get_by_role("link", name=OTHER_ORGANISATION)).to_have_count(0)
    listed.get_by_role("link", name=ORGANISATION).click()
    assert path_of(martha) == application.get_absolute_url()

    # The notification opens the application, where "Decide" now leads to the form. ----------
    martha.get_by_role("link", name="Dashboard", exact=True).click()
    told = martha.get_by_role("region", name="Unread notifications").get_by_role(
        "button", name=f"Ready for a decision: the application of {ORGANISATION}"
    )
    expect(told).to_be_visible()
    link_look = looks(told)  # it opens something: it reads as a link, not as a form's button
    assert (link_look["border"], link_look["underline"]) == ("none", "underline")
    screenshots(martha, "dashboard-ready-for-decision")
    told.click()
    expect(martha.get_by_role("heading", name="Status: Under review")).to_be_visible()
    assert path_of(martha) == application.get_absolute_url()
    expect(martha.locator("dt:text-is('Reviews') + dd")).to_have_text("2 of 2 reviews submitted")
    expect(martha.get_by_role("button", name="Decide", exact=True)).to_have_count(0)
    expect(martha.get_by_text(waiting)).to_have_count(0)
    enabled = martha.get_by_role("link", name="Decide", exact=True)
    enabled_look = looks(enabled)
    assert enabled_look["cursor"] == "pointer"
    assert enabled_look["background"] != disabled_look["background"]
    assert enabled_look["colour"] != disabled_look["colour"]
    enabled.click()
    expect(
        martha.get_by_role("heading", level=1, name=f"Decide the application of {ORGANISATION}")
    ).to_be_visible()
    assert path_of(martha) == reverse("accreditation:decision_make", args=[application.pk])

    # Read, the notification leaves the dashboard.
    martha.get_by_role("link", name="Dashboard", exact=True).click()
    expect(told).to_have_count(0)
