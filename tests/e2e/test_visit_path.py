"""A visit's path in the browser, from the request to the gate, and a monitoring body's visit
that cannot be refused: an organisation's member asks for a visit that takes in an area the MoU
puts off limits, is refused with the clause named and the form kept, and asks again without it;
the facility's visits officer approves it; on the day the gate officer cannot check the person
in before the briefing and the protocol's acknowledgement, records both, checks the person in
with a search above the protocol's default and its justification, prints the pass and checks
the person out. Then a member of the National Preventive Mechanism notifies a visit; the
officer finds nothing to decide, only a delay to record, records one, and the director is
alerted; she reads the search above the default among the searches, filtered by the facility
she picks among the suggestions.

Everything after the set-up happens through the pages. The visit's day is today: the facility
takes same-day requests (its minimum notice is 0, set up with the calendar's service), and the
clock of the application is moved to 08:00 at the facility, ticking from there, so that today's
10:00 window has not opened yet whatever the hour the test runs. The alert reaches the director
when the reminder sweep runs, as the scheduler runs it every minute: the test runs it once."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Locator, Page, expect

from activity.tasks import sweep_reminders
from agreements.models import Weekday
from directory.models import ActivityType, Area, Person
from tests.accreditation.factories import ClearanceFactory, FormalMechanismFactory
from tests.agreements.conftest import accredited
from tests.factories import AreaFactory, PersonFactory
from tests.visits.conftest import signed_mou
from tests.visits.gate_world import publish_protocol
from visits.models import SearchLevel, VisitingWindow, Visitor, local_datetime, local_today
from visits.services import calendar

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORGANISATION = "Local Human Rights Centre"
NPM = "National Preventive Mechanism"
FACILITY = "Central Penitentiary"
JUSTIFICATION = "A phone was found on the last visitor from this programme."
DELAY = "A lockdown in the segregation unit after a fight; the unit reopens at 9:30."


@dataclass
class Day:
    today: date
    window: VisitingWindow


@pytest.fixture
def facility_clock(monkeypatch, world) -> datetime:
    """The application's clock (the live server answers in this process) moved to 08:00 today
    at the facility, and ticking from there."""
    real_now = timezone.now
    start = local_datetime(world.facility, local_today(world.facility), time(8, 0))
    shift = start - real_now()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + shift)
    return start


@pytest.fixture
def visit_day(
    facility_clock, world, director, facility_officer, gate_officer, ngo_member, monitor
) -> Day:
    """An MoU in force for education on today's weekday from 9:00 to 16:00, naming John
    (cleared) and putting the segregation unit off limits; today's window from 10:00 to 12:00;
    same-day requests; the entrance protocol, version 1, in force; the NPM's mandate with the
    administration, naming Nadia."""
    today = local_today(world.facility)
    weekday = Weekday(today.weekday())
    accreditation = accredited(world)
    wing = Area.objects.get(facility=world.facility, name="Education wing")
    segregation = AreaFactory.create(facility=world.facility, name="Segregation unit")
    john = Person.objects.get(full_name="John Representative")
    ClearanceFactory(person=john, administration=world.administration, cleared=True)
    agreement = signed_mou(world, accreditation, director, [john])
    agreement.weekdays = [weekday]
    agreement.save(update_fields=["weekdays"])
    agreement.permitted_areas.set([wing])
    agreement.forbidden_areas.set([segregation])
    window = VisitingWindow.objects.create(
        facility=world.facility,
        weekday=weekday,
        starts=time(10, 0),
        ends=time(12, 0),
        valid_from=today - timedelta(days=60),
        places=10,
        created_by=director,
    )
    calendar.rules_set(
        actor=facility_officer, facility=world.facility, min_notice_days=0, max_notice_days=90
    )
    publish_protocol(world.facility, director)
    npm = monitor.memberships.get().organisation
    FormalMechanismFactory.create(
        organisation=npm,
        administration=world.administration,
        members=[PersonFactory.create(organisation=npm, full_name="Nadia Monitor")],
    )
    return Day(today=today, window=window)


def date_label(day: date) -> str:
    """A date as the pages write it in English."""
    return date_format(day)


def field(page: Locator | Page, label: str) -> Locator:
    """The form field labelled exactly ``label`` (its label ends with a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def message(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def fact(page: Page, term: str) -> Locator:
    """The value of a term in the page's list of facts."""
    return page.locator(f"dl.facts dt:text-is('{term}') + dd").first


def open_visits(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Visits", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1, name="Visits")).to_be_visible()


def test_a_visit_is_requested_approved_and_worked_at_the_gate_and_a_monitoring_visit_only_delayed(
    session_as, screenshots, visit_day: Day, director
):
    today = visit_day.today
    day_heading = f"Visit to {FACILITY} on {date_label(today)}"

    # The member asks for a visit that takes in the segregation unit, off limits. ---------------
    maria = session_as("maria")
    open_visits(maria)
    maria.get_by_role("link", name="Request a visit").click()
    expect(maria.get_by_role("heading", level=1, name="Request a visit")).to_be_visible()
    expect(fact(maria, "Organisation")).to_have_text(ORGANISATION)
    maria.get_by_label("Visiting window").select_option(label=f"{FACILITY} — {visit_day.window}")
    field(maria, "Date").fill(today.isoformat())
    maria.get_by_label("Purpose").select_option(label="Service session")
    field(maria, "Activity").select_option(label="Education")
    maria.get_by_label("John Representative").check()
    maria.get_by_label(f"{FACILITY} — Education wing").check()
    maria.get_by_label(f"{FACILITY} — Segregation unit").check()
    maria.get_by_label("Teaching materials").check()
    maria.get_by_label("Notes for the facility").fill("Bring the reading books.")
    maria.get_by_role("button", name="Request the visit").click()

    refused = maria.get_by_role("alert")
    expect(refused).to_contain_text("The visit was not requested:")
    expect(refused).to_contain_text("The MoU puts this area off limits: Segregation unit.")
    expect(refused).to_contain_text("clause 5, “Areas off limits”")
    # Nothing chosen is lost.
    expect(field(maria, "Date")).to_have_value(today.isoformat())
    expect(field(maria, "Activity")).to_have_value(
        str(ActivityType.objects.get(code=ActivityType.Code.EDUCATION).pk)
    )
    expect(maria.get_by_label("John Representative")).to_be_checked()
    expect(maria.get_by_label(f"{FACILITY} — Education wing")).to_be_checked()
    expect(maria.get_by_label(f"{FACILITY} — Segregation unit")).to_be_checked()
    expect(maria.get_by_label("Teaching materials")).to_be_checked()
    expect(maria.get_by_label("Notes for the facility")).to_have_value("Bring the reading books.")
    screenshots(maria, "visit-refused-for-an-area")

    # …and asks again without it. ---------------------------------------------------------------
    maria.get_by_label(f"{FACILITY} — Segregation unit").uncheck()
    maria.get_by_role("button", name="Request the visit").click()
    message(maria, "The visit is requested. The facility's visits officer decides it.")
    expect(maria.get_by_role("heading", level=1, name=day_heading)).to_be_visible()
    expect(fact(maria, "Status")).to_have_text("Awaiting decision")
    expect(fact(maria, "When")).to_have_text(f"{date_label(today)}, 10:00–12:00")
    expect(fact(maria, "Areas")).to_have_text("Education wing")
    visit_url = maria.url

    # The facility's visits officer approves it from the visit's page. --------------------------
    fiona = session_as("fiona")
    requests_panel = fiona.get_by_role("region", name="Visit requests")
    expect(requests_panel).to_contain_text("1 request awaits your decision.")
    requests_panel.get_by_role("link", name=re.compile(rf"^{ORGANISATION} — {FACILITY}")).click()
    expect(fiona.get_by_role("heading", level=1, name=day_heading)).to_be_visible()
    assert fiona.url == visit_url
    fiona.get_by_role("button", name="Approve", exact=True).click()
    message(fiona, "The visit is approved; the organisation is told.")
    expect(fact(fiona, "Status")).to_have_text("Approved")
    expect(fiona.get_by_role("heading", name="Decide")).to_have_count(0)

    # The gate: not in before the briefing and the protocol. ------------------------------------
    gabriel = session_as("gabriel")
    gabriel.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Today's manifest"
    ).click()
    expect(
        gabriel.get_by_role("heading", level=1, name=f"{FACILITY}: manifest of {date_label(today)}")
    ).to_be_visible()
    expect(gabriel.get_by_role("heading", name="Inside now: 0 people")).to_be_visible()
    expected = gabriel.get_by_role("row").filter(has_text="John Representative")
    expect(expected).to_contain_text("Expected")
    expect(expected).to_contain_text("has not had the facility's security and emergency briefing")
    expected.get_by_role("link", name="John Representative").click()
    expect(gabriel.get_by_role("heading", level=1, name="John Representative")).to_be_visible()
    gabriel.get_by_label("The identity document shown matches the one on file").check()
    gabriel.get_by_role("button", name="Check in and issue the pass").click()
    not_in = gabriel.get_by_role("alert")
    expect(not_in).to_contain_text("The person was not checked in:")
    expect(not_in).to_contain_text(
        "John Representative has not had the facility's security and emergency briefing."
    )
    expect(not_in).to_contain_text(
        "John Representative has not acknowledged version 1 of the entrance protocol."
    )
    screenshots(gabriel, "gate-not-briefed")

    gabriel.get_by_role("button", name="Record the security and emergency briefing").click()
    message(gabriel, "The briefing is recorded.")
    gabriel.get_by_role(
        "button", name="Record the signed paper acknowledging protocol version 1"
    ).click()
    message(gabriel, "The signed acknowledgement is recorded.")
    expect(
        gabriel.get_by_text("Cleared, briefed and the protocol acknowledged: ready to check in.")
    ).to_be_visible()

    # …then in, with a search above the protocol's default and why. ---------------------------
    expect(gabriel.get_by_label("Search applied")).to_have_value(str(SearchLevel.SCREENING))
    gabriel.get_by_label("The identity document shown matches the one on file").check()
    gabriel.get_by_label("Search applied").select_option(label=str(SearchLevel.PAT_DOWN.label))
    gabriel.get_by_label("Why a higher search than the protocol's is needed").fill(JUSTIFICATION)
    gabriel.get_by_label("Teaching materials").check()
    gabriel.get_by_role("button", name="Check in and issue the pass").click()
    message(gabriel, "Checked in. Print the pass.")

    # The printable pass: the short code and its QR code, drawn on the page. -------------------
    visitor = Visitor.objects.get(person__full_name="John Representative")
    the_pass = gabriel.get_by_role("article").filter(
        has=gabriel.get_by_role("heading", level=1, name="Visitor's pass")
    )
    expect(the_pass).to_contain_text("John Representative")
    expect(fact(gabriel, "Facility")).to_have_text(FACILITY)
    expect(fact(gabriel, "Areas")).to_have_text("Education wing")
    expect(the_pass.locator("code.pass-code-text")).to_have_text(visitor.pass_code)
    expect(
        the_pass.get_by_role("img", name="QR code of the pass code").locator("svg")
    ).to_have_count(1)
    screenshots(gabriel, "gate-pass")

    gabriel.get_by_role("link", name="Back to the manifest").click()
    inside = gabriel.get_by_role("region", name="Inside now: 1 person")
    expect(inside.get_by_role("row").filter(has_text="John Representative")).to_contain_text(
        visitor.pass_code
    )
    inside.get_by_role("link", name="John Representative").click()
    expect(fact(gabriel, "Search applied")).to_have_text(
        f"{SearchLevel.PAT_DOWN.label} — {JUSTIFICATION}"
    )
    gabriel.get_by_role("button", name="Check out", exact=True).click()
    message(gabriel, "Checked out.")
    expect(gabriel.get_by_role("heading", name="Inside now: 0 people")).to_be_visible()
    expect(gabriel.get_by_role("row").filter(has_text="John Representative")).to_contain_text(
        re.compile(r"Came in at \d\d:\d\d, left at \d\d:\d\d")
    )
    visitor.refresh_from_db()
    assert visitor.checked_in_at is not None and visitor.checked_out_at is not None
    assert visitor.search_level == SearchLevel.PAT_DOWN

    # A member of the NPM notifies a monitoring visit for today, to the segregation unit. -------
    mario = session_as("mario")
    open_visits(mario)
    mario.get_by_role("link", name="Notify a monitoring visit").click()
    expect(field(mario, "Facility")).to_have_attribute("aria-expanded", "false")
    field(mario, "Facility").fill("Central")
    mario.get_by_role("listbox", name="Suggestions").get_by_role("option", name=FACILITY).click()
    mario.get_by_role("button", name="Continue").click()
    expect(fact(mario, "Monitoring body")).to_have_text(NPM)
    expect(field(mario, "Date")).to_have_value(today.isoformat())
    field(mario, "From").fill("09:00")
    field(mario, "Until").fill("17:00")
    mario.get_by_label("Nadia Monitor").check()
    mario.get_by_role("checkbox", name="Segregation unit", exact=True).check()
    mario.get_by_role("button", name="Notify the visit").click()
    message(mario, "The visit is notified.")
    expect(mario.get_by_role("heading", level=1, name=day_heading)).to_be_visible()
    expect(fact(mario, "Status")).to_have_text("Notified by a monitoring body")

    # The officer finds nothing to decide: only a delay to record. -----------------------------
    open_visits(fiona)
    fiona.get_by_role("row").filter(has_text=NPM).get_by_role("link").click()
    expect(fiona.get_by_role("heading", level=1, name=day_heading)).to_be_visible()
    expect(fact(fiona, "Organisation")).to_have_text(NPM)
    for control in ("Approve", "Confirm the visit", "Move and approve", "Refuse"):
        expect(fiona.get_by_role("button", name=control, exact=True)).to_have_count(0)
    expect(fiona.get_by_role("heading", name="Decide")).to_have_count(0)
    delays = fiona.get_by_role("region", name="Delays")
    expect(delays).to_contain_text("No delay was recorded.")
    field(delays, "Minutes").fill("30")
    field(delays, "Justification").fill(DELAY)
    screenshots(fiona, "monitoring-visit-only-a-delay")
    delays.get_by_role("button", name="Record the delay").click()
    message(fiona, "The delay is recorded; the director is alerted.")
    expect(fiona.get_by_role("region", name="Delays").get_by_role("row")).to_contain_text(
        ["Recorded", DELAY]
    )

    # The director is alerted: once the sweep has run, on the dashboard and by e-mail. ---------
    sweep_reminders()
    alert = f"The monitoring visit of {NPM} to {FACILITY} was delayed by 30 minutes"
    assert any(director.email in m.to and alert in m.subject for m in mail.outbox)
    martha = session_as("martha")
    told = martha.get_by_role("region", name="Unread notifications").get_by_role(
        "button", name=alert
    )
    expect(told).to_be_visible()
    screenshots(martha, "director-alerted-of-a-delay")
    told.click()
    expect(martha.get_by_role("heading", level=1, name=day_heading)).to_be_visible()
    expect(martha.get_by_role("region", name="Delays")).to_contain_text(DELAY)
    # …and reads the search above the protocol's default, with its justification.
    martha.get_by_role("navigation", name="Main").get_by_role("link", name="Searches").click()
    expect(martha.get_by_role("row").filter(has_text="John Representative")).to_contain_text(
        JUSTIFICATION
    )

    # …and narrows them to one facility, chosen among the suggestions as she types its name
    # (once the page's script has made the field a combobox: typed earlier, nothing is asked).
    expect(field(martha, "Facility")).to_have_attribute("aria-expanded", "false")
    field(martha, "Facility").press_sequentially("Central", delay=40)
    martha.get_by_role("listbox", name="Suggestions").get_by_role("option", name=FACILITY).click()
    martha.get_by_role("button", name="Filter").click()
    expect(martha).to_have_url(re.compile(r"facility=\d+"))
    expect(field(martha, "Facility")).to_have_value(FACILITY)
    expect(martha.get_by_role("row").filter(has_text="John Representative")).to_contain_text(
        JUSTIFICATION
    )
    expect(field(martha, "Facility")).to_have_attribute("aria-expanded", "false")
    field(martha, "Facility").fill("")
    field(martha, "Facility").press_sequentially("Women", delay=40)
    martha.get_by_role("listbox", name="Suggestions").get_by_role(
        "option", name="Women's Centre"
    ).click()
    martha.get_by_role("button", name="Filter").click()
    expect(martha.get_by_text("No search above the protocol matches.")).to_be_visible()
    expect(martha.get_by_role("row").filter(has_text="John Representative")).to_have_count(0)
