"""The accreditation path across roles, in the browser: the director puts the rules in force, the
organisation applies with evidence and a document, two reviewers declare and score, the director
decides with a condition, the organisation reads the decision and its letter, and anyone can
find the organisation in the public register and check its code."""

import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader, PdfWriter

from tests.accreditation.factories import CriterionFactory, FrameworkFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORGANISATION = "Local Human Rights Centre"
REASONS = "Solid literacy work in two prisons; the continuity plan is still thin."
CONDITION = "Send a continuity plan for the education programme."
DOCUMENT = "annual-report-2025.pdf"


def tiny_pdf() -> bytes:
    """A one-page PDF, valid enough for any reader."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": "Annual report 2025"})
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def score_sheet(page: Page) -> dict[str, dict[str, str]]:
    """The score sheet as read on the page: criterion → column heading → cell."""
    table = page.locator("table.score-sheet")
    expect(table).to_be_visible()
    headings = table.locator("thead th").all_inner_texts()
    return {
        row.locator("th").inner_text(): dict(
            zip(headings[1:], row.locator("td").all_inner_texts(), strict=True)
        )
        for row in table.locator("tbody tr").all()
    }


def message(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


@pytest.fixture
def draft_rules(world):
    """A draft of the rules with two criteria, one of which needs a document."""
    framework = FrameworkFactory(
        administration=world.administration, title="Criteria for working in our prisons"
    )
    CriterionFactory(
        framework=framework, name="Knowledge", weight=2, document_required=True, order=1
    )
    CriterionFactory(framework=framework, name="Track record", weight=1, order=2)
    return framework


def test_an_organisation_is_accredited_with_conditions_through_the_browser(
    session_as,
    visitor: Page,
    screenshots,
    draft_rules,
    director,
    reviewer,
    second_reviewer,
    ngo_admin,
):
    criteria = {"Knowledge": (3, 4), "Track record": (3, 3)}  # each reviewer's score
    pdf = tiny_pdf()

    # The director puts the rules in force. ----------------------------------------------------
    martha = session_as("martha")
    martha.get_by_role("navigation", name="Main").get_by_role("link", name="Rules").click()
    martha.get_by_role("link", name="Criteria for working in our prisons").click()
    martha.get_by_role("button", name=f"Publish version {draft_rules.version}").click()
    message(martha, f"Version {draft_rules.version} is in force and shown on the public page.")
    expect(martha.get_by_role("heading", level=1)).to_contain_text("In force")

    # The organisation applies; a submission with something missing says what. --------------
    john = session_as("john")
    john.get_by_role("link", name="Accreditation, applications and people's clearances").click()
    john.get_by_role("button", name="Apply for accreditation").click()
    message(john, "Your application was started. Fill it in and submit it.")
    john.get_by_label("Who you are and what you propose").fill(
        "We teach reading and writing to people in prison."
    )
    john.get_by_label("Education", exact=True).check()
    john.get_by_label("Central Penitentiary").check()
    john.get_by_label("John Representative").check()
    john.get_by_label("Strengths").fill("Trained volunteers.")
    john.get_by_label("Weaknesses").fill("A small budget.")
    john.get_by_label("Opportunities").fill("A new education policy.")
    john.get_by_label("Threats").fill("Staff turnover.")
    john.get_by_label("Fundraising and sustainability plan").fill("Two donors until 2027.")
    john.get_by_label("Partner mapping").fill("The Ministry of Education.")
    john.get_by_role("button", name="Save").click()
    message(john, "The application was saved.")

    john.get_by_role("button", name="Submit the application").click()
    message(john, "The application is not complete yet")
    expect(john.get_by_role("heading", name="Status: Draft")).to_be_visible()
    missing = john.locator(".notice").filter(has_text="Still missing before you can submit:")
    expect(missing.get_by_role("listitem")).to_have_text(
        [
            "Evidence for “Knowledge” is missing.",
            "“Knowledge” needs at least one document.",
            "Evidence for “Track record” is missing.",
        ]
    )
    screenshots(john, "application-missing")

    for name in criteria:
        john.get_by_role("link", name=f"Edit the evidence for “{name}”").click()
        john.get_by_label("Evidence:", exact=True).fill(f"Ten years of work shown for {name}.")
        if name == "Knowledge":
            john.get_by_label("Add documents").set_input_files(
                files=[{"name": DOCUMENT, "mimeType": "application/pdf", "buffer": pdf}]
            )
            screenshots(john, "evidence-form")
        john.get_by_role("button", name="Save the evidence").click()
        message(john, f"The evidence for “{name}” was saved.")
    expect(john.get_by_role("link", name=DOCUMENT)).to_be_visible()
    expect(john.get_by_text("The application is complete and can be submitted.")).to_be_visible()
    john.get_by_role("button", name="Submit the application").click()
    message(john, "The application was submitted to the administration.")
    expect(john.get_by_role("heading", name="Status: Submitted")).to_be_visible()

    # The director assigns two reviewers. -----------------------------------------------------
    martha.get_by_role("link", name="Dashboard", exact=True).click()
    martha.get_by_role("link", name="1 application waiting for reviewers").click()
    martha.get_by_role("link", name=ORGANISATION).click()
    martha.get_by_role("link", name="Assign reviewers").click()
    for person in (reviewer, second_reviewer):
        martha.get_by_label(person.get_full_name(), exact=True).check()
    martha.get_by_role("button", name="Assign", exact=True).click()
    message(martha, "The reviewers were assigned and told.")
    expect(martha.get_by_role("heading", name="Status: Under review")).to_be_visible()

    # Each reviewer declares no conflict, reads the file, scores every criterion, submits. ----
    for number, person in enumerate((reviewer, second_reviewer)):
        page = session_as(person.username)
        page.get_by_role("link", name=ORGANISATION).click()
        expect(page.get_by_role("heading", name=f"Review of {ORGANISATION}")).to_be_visible()
        expect(page.get_by_role("link", name=DOCUMENT)).to_have_count(0)  # not before declaring
        page.get_by_label("No, I have no conflict of interest").check()
        page.get_by_role("button", name="Declare").click()
        message(page, "Thank you. You can now read the file and score it.")
        if number == 0:
            with page.expect_download() as download:
                page.get_by_role("link", name=DOCUMENT).click()
            assert Path(download.value.path()).read_bytes() == pdf
        for name, scores in criteria.items():
            score = scores[number]
            page.get_by_role("group", name=f"Score for “{name}”").get_by_label(
                f"{score} – Level {score}"
            ).check()
            page.get_by_label(f"Comment on “{name}”").fill(f"{person.username} gives {score}.")
        if number == 0:
            screenshots(page, "review-scoring")
        page.get_by_role("button", name="Submit my scores").click()
        message(page, "Your scores were submitted.")
        expect(page.get_by_role("heading", name="Your submitted scores")).to_be_visible()

    # The director decides: accredited with one condition. -----------------------------------
    martha.reload()
    martha.get_by_role("link", name="Decide").click()
    expect(martha.get_by_text("On the reviewers' scores the application passes")).to_be_visible()
    sheet = score_sheet(martha)  # the director sees who gave which score
    for number, person in enumerate((reviewer, second_reviewer)):
        for name, scores in criteria.items():
            assert sheet[name][person.get_full_name()] == str(scores[number])
    martha.get_by_label("Accredited with conditions").check()
    martha.get_by_label("Reasons").fill(REASONS)
    first = martha.locator(".panel").filter(has_text="Condition 1")
    first.get_by_label("Condition:", exact=True).fill(CONDITION)
    first.get_by_label("Owner").select_option(label=ngo_admin.get_full_name())
    deadline = timezone.localdate() + timedelta(days=60)
    first.get_by_label("Deadline").fill(deadline.isoformat())
    screenshots(martha, "decision-form")
    martha.get_by_role("button", name="Record the decision").click()
    message(martha, "The decision was recorded and the organisation told.")

    # The organisation reads the decision, its reasons and the score sheet, and the letter. ---
    john.get_by_role("link", name="Dashboard", exact=True).click()
    john.get_by_role("link", name="Accreditation, applications and people's clearances").click()
    john.get_by_role("link", name=re.compile(r"^Application #\d+$")).click()
    expect(john.get_by_role("heading", name="Decision: Accredited with conditions")).to_be_visible()
    expect(john.get_by_text(REASONS)).to_be_visible()
    expect(john.get_by_role("cell", name=CONDITION)).to_be_visible()
    sheet = score_sheet(john)  # the applicant sees the scores, not who gave them
    for name, scores in criteria.items():
        row = sheet[name]
        assert sorted([row["Reviewer 1"], row["Reviewer 2"]]) == sorted(map(str, scores))
        assert row["Average"] == f"{sum(scores) / 2:.2f}"
    for person in (reviewer, second_reviewer):
        expect(john.get_by_text(person.get_full_name())).to_have_count(0)
    code = john.locator("dt:text-is('Verification code') + dd code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    screenshots(john, "application-decided")

    with john.expect_download() as download:
        john.get_by_role("link", name="Download the decision letter (PDF)").click()
    letter = Path(download.value.path())
    assert download.value.suggested_filename.endswith(".pdf")
    assert letter.read_bytes().startswith(b"%PDF-")
    text = pdf_text(letter)
    assert "Accredited with conditions" in text
    assert REASONS in text
    assert CONDITION in text

    # Anyone finds the organisation in the public register and checks its code. -------------
    visitor.goto("/accounts/login/")
    visitor.get_by_role("link", name="Public register").click()
    listed = visitor.get_by_role("row").filter(has_text=ORGANISATION)
    expect(listed).to_contain_text(code)
    expect(listed).to_contain_text("Education")
    screenshots(visitor, "public-register")
    visitor.get_by_role("link", name="Check a verification code").first.click()
    visitor.get_by_label("Verification code").fill(code.lower().replace("-", " "))
    visitor.get_by_role("button", name="Check", exact=True).click()
    expect(visitor.get_by_role("heading", name=f"Code {code}: In force")).to_be_visible()
    expect(
        visitor.get_by_text(f"{ORGANISATION} is accredited with conditions until")
    ).to_be_visible()
    screenshots(visitor, "public-verify")
