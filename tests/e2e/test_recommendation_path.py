"""A report's path in the browser, from the visit to the follow-up that verifies it, and a
report the authorities left unanswered, published with a detainee's name taken out.

John, the administrator of the Local Human Rights Centre, writes the report of a visit to the
Central Penitentiary's education wing that took place three days ago: a good practice, a
concern with its evidence and an attached file, two recommendations, and submits it. Martha,
the director, accepts the first and partly accepts the second with her reasons, and plans an
action answering the first, given to Oscar, a responsible official, with a due date and its
effort. Oscar reports it done. The organisation asks for a follow-up visit (through the visits
services: how a visit is requested is the visits tests' business); its checklist holds the two
recommendations, and the coordinator's tracker shows it coming. Once it took place, John records
on its checklist the first recommendation implemented and the second partly so; the first then
reads "Implemented" as verified beside "Implemented" as claimed, and the coordinator's figures
for the facility move from none implemented to half.

Then a second report, of a visit to the segregation unit, naming a detainee in a finding:
nobody answers it before the MoU's window closes, the embargo sweep (the scheduler's job, run
here once with its clock past the window) lifts the embargo, and John reviews what is taken out,
adds the detainee's name, previews and publishes. Anyone can then read the report on the public
pages, with the name shown as █████; before, nobody could.

Everything after the set-up happens through the pages."""

import re
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Locator, Page, expect

from directory.models import Area, Person
from recommendations.models import Finding, Priority, Report, Theme
from recommendations.services import reports as report_services
from recommendations.services import window
from tests.accreditation.factories import PDF_BYTES, ClearanceFactory
from tests.agreements.conftest import accredited
from tests.recommendations.conftest import Scene, past_visit
from tests.recommendations.plan_support import request_visit
from tests.visits.conftest import signed_mou
from visits.models import Visit
from visits.services import requests

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORGANISATION = "Local Human Rights Centre"
FACILITY = "Central Penitentiary"
TITLE = "Visit to the education wing"
GOOD_PRACTICE = "Teachers and guards plan the classes together."
CONCERN = "Classes are cancelled when the wing is short of staff."
EVIDENCE = "Timetable of the last month: 9 of 20 classes cancelled."
ATTACHMENT = "timetable.pdf"
FIRST = "Keep classes running when the wing is short of staff."
SECOND = "Open the library every afternoon."
PARTLY = "The library opens three afternoons a week until a second librarian is hired."
ACTION = "Relief teachers for the education wing"
DONE = "Two relief teachers hired; no class was cancelled this month."

UNANSWERED = "Visit to the segregation unit"
DETAINEE = "Pedro Alvarado Reyes"
NAMED = f"{DETAINEE} had been held alone for 40 days without a review."
REDACTED = "█████"


@dataclass
class Reports:
    scene: Scene
    unanswered: Report


@pytest.fixture
def reports(
    world, director, coordinator, facility_officer, ngo_admin, responsible_official
) -> Reports:
    """The MoU in force (30 days to respond) naming John, cleared; the visit to the education
    wing three days ago, not yet reported; and a draft report of a visit to the segregation unit
    ten days ago, naming a detainee in a concern."""
    john = Person.objects.get(full_name="John Representative")
    ClearanceFactory(person=john, administration=world.administration, cleared=True)
    agreement = signed_mou(world, accredited(world), director, [john])
    wing = Area.objects.get(facility=world.facility, name="Education wing")
    scene = Scene(agreement, past_visit(world, agreement, ngo_admin), wing, john)

    earlier = past_visit(world, agreement, ngo_admin, days_ago=10)
    unanswered = report_services.report_create(actor=ngo_admin, visit=earlier, title=UNANSWERED)
    report_services.finding_add(
        actor=ngo_admin, report=unanswered, kind=Finding.Kind.CONCERN, text=NAMED
    )
    report_services.recommendation_add(
        actor=ngo_admin,
        report=unanswered,
        text="Review every placement in the segregation unit within 15 days.",
        theme=Theme.DISCIPLINE,
        priority=Priority.URGENT,
        standards=["mandela:44-45"],
    )
    return Reports(scene, unanswered)


def field(page: Locator | Page, label: str) -> Locator:
    """The form field labelled exactly ``label`` (its label ends with a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def message(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def fact(page: Locator | Page, term: str) -> Locator:
    """The value of a term in the page's (or the element's) list of facts."""
    return page.locator(f"dl.facts dt:text-is('{term}') + dd").first


def nav(page: Page, link: str, heading: str | re.Pattern[str]) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


def facility_rate(page: Page) -> Locator:
    """The cells of the facility's row in the table of the implementation-by-facility chart:
    verified, claimed but not verified, the rest, in all, claimed in all, the verified rate."""
    chart = page.get_by_role("figure", name="Implementation by facility")
    return chart.get_by_role("row").filter(has_text=FACILITY).locator("td")


def take_place(visit: Visit) -> None:
    """The follow-up visit took place: it began two hours ago and ended an hour ago."""
    starts = timezone.now() - timedelta(hours=2)
    Visit.objects.filter(pk=visit.pk).update(
        day=starts.astimezone(ZoneInfo(visit.facility.time_zone)).date(),
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )


def add_recommendation(page: Page, text: str, *, priority: str, quick_win: bool = False) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Add the recommendation"))
    field(form, "Recommendation").fill(text)
    field(form, "Priority").select_option(label=priority)
    if quick_win:
        form.get_by_label("Quick win").check()
    field(form, "Theme").select_option(label="Education, work and activities")
    field(form, "Area").select_option(label=f"{FACILITY} – Education wing")
    field(form, "International standards").select_option(label="104–105: Education and recreation")
    form.get_by_role("button", name="Add the recommendation").click()
    message(page, "The recommendation is added.")


def test_a_report_is_answered_acted_on_verified_and_an_unanswered_one_published(
    session_as,
    visitor,
    screenshots,
    reports: Reports,
    world,
    ngo_admin,
    facility_officer,
    responsible_official,
):
    scene = reports.scene
    oscar = responsible_official.get_full_name()

    # 1. John writes the report of the visit that took place, and submits it. ------------------
    john = session_as("john")
    nav(john, "Reports", "Reports")
    john.get_by_role("link", name="New report").click()
    expect(john.get_by_role("heading", level=1, name="New report")).to_be_visible()
    field(john, "Visit").select_option(
        label=f"{date_format(scene.visit.day)} — {FACILITY} — Service session"
    )
    field(john, "Title").fill(TITLE)
    john.get_by_role("button", name="Start the report").click()
    message(john, "The report is started. Add its findings.")
    expect(john.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(fact(john, "Status")).to_have_text("Draft")
    report_url = john.url

    finding = john.locator("form", has=john.get_by_role("button", name="Add the finding"))
    finding.get_by_label("Good practice", exact=True).check()
    field(finding, "Finding").fill(GOOD_PRACTICE)
    finding.get_by_role("button", name="Add the finding").click()
    message(john, "The finding is added.")
    finding.get_by_label("Concern", exact=True).check()
    field(finding, "Finding").fill(CONCERN)
    field(finding, "Evidence").fill(EVIDENCE)
    finding.get_by_label("Attach files").set_input_files(
        files=[{"name": ATTACHMENT, "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    finding.get_by_role("button", name="Add the finding").click()
    message(john, "The finding is added.")
    findings = john.get_by_role("region", name="Findings")
    expect(findings.get_by_role("listitem").filter(has_text=GOOD_PRACTICE)).to_be_visible()
    concern = findings.get_by_role("listitem").filter(has_text=CONCERN)
    expect(concern).to_contain_text(f"Evidence: {EVIDENCE}")
    expect(concern.get_by_role("link", name=ATTACHMENT)).to_be_visible()

    add_recommendation(john, FIRST, priority="High")
    add_recommendation(john, SECOND, priority="Medium", quick_win=True)
    first = john.locator("#rec-1")
    expect(first).to_contain_text(FIRST)
    expect(fact(first, "Priority")).to_have_text("High")
    expect(fact(first, "Theme")).to_have_text("Education, work and activities")
    expect(fact(first, "International standards")).to_have_text(
        "Nelson Mandela Rules, rule 104–105: Education and recreation"
    )
    expect(fact(john.locator("#rec-2"), "Priority")).to_have_text("Medium Quick win")
    screenshots(john, "report-draft")

    john.get_by_role("button", name="Submit the report").click()
    message(john, "The report is submitted to the administration, and to it alone.")
    expect(fact(john, "Status")).to_have_text("Confidential, with the authorities")
    expect(john.get_by_role("button", name="Add the finding")).to_have_count(0)

    # 2. The director answers and plans an action answering the first recommendation. ----------
    martha = session_as("martha")
    panel = martha.get_by_role("region", name="Recommendations")
    expect(fact(panel, "Reports awaiting an answer")).to_have_text("1")
    panel.get_by_role("link", name=TITLE).click()
    expect(martha.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    assert martha.url == report_url
    expect(martha.get_by_role("region", name="Findings")).to_contain_text(EVIDENCE)

    answer = martha.locator("#rec-1")
    answer.get_by_label("Accepted", exact=True).check()
    answer.get_by_role("button", name="Answer").click()
    message(martha, "Your answer to recommendation 1 is recorded.")
    answer = martha.locator("#rec-2")
    answer.get_by_label("Partly accepted", exact=True).check()
    field(answer, "Reasons").fill(PARTLY)
    answer.get_by_role("button", name="Answer").click()
    message(martha, "Your answer to recommendation 2 is recorded.")
    expect(fact(martha.locator("#rec-1"), "Answer of the authorities")).to_contain_text("Accepted")
    partly = fact(martha.locator("#rec-2"), "Answer of the authorities")
    expect(partly).to_contain_text("Partly accepted")
    expect(partly).to_contain_text(PARTLY)
    expect(fact(martha, "Authorities engaged")).to_contain_text("Yes, first on")

    due = timezone.localdate() + timedelta(days=45)
    nav(martha, "Plan of action", "Plan of action")
    martha.get_by_role("link", name="Plan an action").click()
    expect(martha.get_by_role("heading", level=1, name="Plan an action")).to_be_visible()
    martha.get_by_label(f"{ORGANISATION}, {TITLE} — no. 1: {FIRST}").check()
    field(martha, "Action").fill(ACTION)
    field(martha, "What will be done").fill("Hire two relief teachers from the regional pool.")
    field(martha, "Responsible official").select_option(label=oscar)
    field(martha, "Due").fill(due.isoformat())
    field(martha, "Cost and effort").select_option(label="Medium: some resources or planning")
    martha.get_by_role("button", name="Plan the action").click()
    message(martha, "The action is planned; its official is told.")
    expect(martha.get_by_role("heading", level=1, name=ACTION)).to_be_visible()
    expect(fact(martha, "Status")).to_have_text("Planned")
    expect(fact(martha, "Responsible official")).to_have_text(oscar)
    expect(fact(martha, "Due")).to_have_text(date_format(due))
    expect(fact(martha, "Cost and effort")).to_have_text("Medium: some resources or planning")

    # 3. The official reports it done. ---------------------------------------------------------
    official = session_as("oscar")
    mine = official.get_by_role("region", name="Actions assigned to you")
    expect(mine).to_contain_text("1 action of the plan is yours to carry out.")
    mine.get_by_role("link", name=ACTION).click()
    expect(official.get_by_role("heading", level=1, name=ACTION)).to_be_visible()
    field(official, "Progress (%)").fill("100")
    field(official, "What was done").fill(DONE)
    official.get_by_label("The action is completed").check()
    official.get_by_role("button", name="Post progress").click()
    message(official, "The progress is posted.")
    expect(fact(official, "Status")).to_have_text("Completed")
    expect(official.get_by_role("region", name="Progress reported")).to_contain_text(DONE)
    answered = official.get_by_role("region", name="What it answers").get_by_role("row")
    expect(answered.filter(has_text=FIRST).locator("td")).to_have_text(
        [re.compile(FIRST), FACILITY, "Implemented", "Not verified yet"]
    )

    # 4. A follow-up visit: asked for and approved through the services, its checklist holding
    # the two open recommendations; the coordinator sees it coming. -----------------------------
    followup = request_visit(world, scene, ngo_admin)
    requests.visit_approve(actor=facility_officer, visit=followup)
    carla = session_as("carla")
    expect(
        fact(carla.get_by_role("region", name="Recommendations"), "Open recommendations")
    ).to_have_text("2")
    carla.get_by_role(
        "link", name="Implementation rates, overdue actions and the follow-up tracker"
    ).click()
    expect(carla.get_by_role("heading", level=1, name="Recommendations dashboard")).to_be_visible()
    expect(facility_rate(carla)).to_have_text(["0", "1", "1", "2", "1", "0 %"])
    tracker = carla.get_by_role("region", name="Follow-up tracker")
    expect(tracker.get_by_role("row").filter(has_text=FACILITY).locator("td")).to_have_text(
        [
            f"{date_format(followup.day)}, 10:00",
            FACILITY,
            ORGANISATION,
            "Follow-up visit",
            "Approved",
            "2",
        ]
    )

    take_place(followup)
    nav(john, "Follow-up visits", "Follow-up visits")
    john.get_by_role("link", name="Past").click()
    john.get_by_role("row").filter(has_text=FACILITY).get_by_role("link").click()
    expect(
        john.get_by_role("heading", level=1, name=re.compile("^Follow-up checklist: "))
    ).to_be_visible()
    item = john.locator("article.checklist-item").filter(has_text=FIRST)
    expect(fact(item, "Claimed by the authorities")).to_have_text("Implemented")
    item.get_by_label("Implemented", exact=True).check()
    field(item, "What was seen").fill("The timetable shows every class held; we sat in one.")
    item.get_by_role("button", name="Record what was verified").click()
    message(john, "What you verified is recorded.")
    item = john.locator("article.checklist-item").filter(has_text=SECOND)
    item.get_by_label("Partly implemented", exact=True).check()
    item.get_by_role("button", name="Record what was verified").click()
    message(john, "What you verified is recorded.")
    expect(fact(item, "On this visit")).to_have_text("Partly implemented")
    screenshots(john, "follow-up-checklist")

    john.goto(report_url)
    statuses = john.locator("#rec-1").get_by_role("table", name="Implementation")
    expect(statuses.locator("tbody td")).to_have_text(
        ["Implemented", re.compile(r"^Implemented \(.+\)$")]
    )

    # 5. The coordinator's figures follow. ------------------------------------------------------
    carla.reload()
    expect(facility_rate(carla)).to_have_text(["1", "0", "1", "2", "1", "50 %"])
    expect(carla.get_by_role("region", name="Follow-up tracker")).to_contain_text(
        "No follow-up visit is coming."
    )
    screenshots(carla, "recommendations-dashboard")
    nav(carla, "Dashboard", re.compile(r"^Welcome, "))
    expect(
        fact(carla.get_by_role("region", name="Recommendations"), "Open recommendations")
    ).to_have_text("1")

    # 6. The unanswered report: submitted, its window closes, John publishes it. ----------------
    john.goto(reports.unanswered.get_absolute_url())
    expect(john.get_by_role("heading", level=1, name=UNANSWERED)).to_be_visible()
    john.get_by_role("button", name="Submit the report").click()
    message(john, "The report is submitted to the administration, and to it alone.")
    reports.unanswered.refresh_from_db()
    assert reports.unanswered.respond_by is not None
    assert window.embargo_sweep(now=reports.unanswered.respond_by + timedelta(minutes=1)) == 1

    visitor.goto("/recommendations/public/")
    expect(visitor.get_by_role("heading", level=1, name="Published reports")).to_be_visible()
    expect(visitor.get_by_role("link", name=UNANSWERED)).to_have_count(0)
    assert visitor.goto(f"/recommendations/public/{reports.unanswered.pk}/").status == 404

    nav(john, "Dashboard", re.compile(r"^Welcome, "))
    ours = john.get_by_role("region", name="Your recommendations")
    expect(fact(ours, "Reports you may publish")).to_have_text("1")
    john.goto(reports.unanswered.get_absolute_url())
    expect(fact(john, "Status")).to_have_text("Embargo lifted, not yet published")
    expect(fact(john, "Embargo lifted")).to_contain_text(
        "The response window closed without an answer"
    )
    john.get_by_role("link", name="Review and publish").click()
    expect(john.get_by_role("heading", level=1, name="Publish the report")).to_be_visible()
    terms = field(john, "Words to take out, one per line")
    terms.fill(f"{terms.input_value()}\n{DETAINEE}".strip())
    john.get_by_role("button", name="Preview").click()
    preview = john.get_by_role("region", name="Preview of the public version")
    expect(preview).to_contain_text(f"{REDACTED} had been held alone for 40 days")
    expect(preview).not_to_contain_text(DETAINEE)
    screenshots(john, "publication-preview")
    john.get_by_role("button", name="Publish", exact=True).click()
    message(john, "The report is published.")
    expect(fact(john, "Status")).to_have_text("Published")

    visitor.goto("/recommendations/public/")
    visitor.get_by_role("link", name=UNANSWERED).click()
    expect(visitor.get_by_role("heading", level=1, name=UNANSWERED)).to_be_visible()
    published = visitor.locator("section.comment").filter(has_text="had been held alone")
    expect(published).to_contain_text(f"{REDACTED} had been held alone for 40 days")
    expect(visitor.locator("body")).not_to_contain_text(DETAINEE)
    screenshots(visitor, "public-report")
