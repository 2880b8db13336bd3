"""The MoU's path across both sides, in the browser: the director drafts an MoU from the template
for an accredited organisation and sets its terms, shares it; the organisation suggests new
wording for a clause and the administration accepts it; both see the redline between the
versions, agree every clause, record the agreed text and approve it; the director signs with
their password and a code, the organisation's signatory countersigns the same way, the signed
copy is prepared in the background and downloaded; and anyone checks it, and a copy with one
byte changed, on the public verification page."""

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import FilePayload, Locator, Page, expect

from agreements import tasks
from agreements.signing.services import signing_authority_create
from directory.models import Person
from tests.accreditation.factories import ClearanceFactory, today
from tests.agreements.conftest import accredited, small_library
from tests.agreements.test_signing import flip_byte_inside_the_first_revision
from tests.factories import PASSWORD

from .conftest import authenticator_code, authenticator_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORGANISATION = "Local Human Rights Centre"
TITLE = "Education programme"
CLAUSES = ["Purpose", "Persons allowed to enter", "Confidentiality", "Joint fundraising plan"]
COMMENT = "“First” is vague: say when the discussion has to happen."
SUGGESTED = (
    "Reports are discussed with the authorities before publication; they have {response_days} days."
)


@pytest.fixture
def starting_world(world, settings, tmp_path, director, ngo_admin):
    """The organisation accredited for education in the Central Penitentiary, John cleared,
    the administration's clause library with its template and its signing authority."""
    settings.SIGNING_KEYS_DIR = tmp_path / "signing-keys"
    small_library(world.administration)
    accredited(world)
    ClearanceFactory(
        person=Person.objects.get(full_name="John Representative"),
        administration=world.administration,
        cleared=True,
    )
    signing_authority_create(actor=None, administration=world.administration)
    return world


@pytest.fixture
def worker(monkeypatch) -> Callable[[], None]:
    """The Celery worker that prepares signed copies, held back: the signing page queues the
    task (instead of the tests' eager mode running it inside the request), and the test lets
    the worker run it once it has seen the page say that the copy is being prepared. The task
    runs through Celery, in a thread of its own as in a worker (not in the test's, where
    Playwright's event loop runs)."""
    task = tasks.agreement_pdf_prepare
    queued: list[tuple] = []
    monkeypatch.setattr(
        task, "apply_async", lambda args=None, kwargs=None, **options: queued.append((args, kwargs))
    )

    def work() -> None:
        try:
            while queued:
                args, kwargs = queued.pop(0)
                task.apply(args=args, kwargs=kwargs, throw=True)
        finally:
            connections.close_all()

    def run() -> None:
        assert queued, "No signed copy was asked for."
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(work).result()

    return run


def message(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def fact(page: Page, term: str) -> Locator:
    """The value of a term in the page's list of facts."""
    return page.locator(f"dl.facts dt:text-is('{term}') + dd").first


def clause(page: Page, title: str) -> Locator:
    return page.locator("article.clause").filter(
        has=page.get_by_role("heading", level=3, name=re.compile(rf"^\d+\. {re.escape(title)}\b"))
    )


def agree_every_clause(page: Page) -> None:
    for title in CLAUSES:
        clause(page, title).get_by_role("button", name="Agree", exact=True).click()
        message(page, "Your position is recorded.")


def sign(page: Page, button: str, username: str) -> None:
    """Confirm who one is on the signing page and sign: the password and the code the
    authenticator app shows now."""
    page.get_by_role("link", name=button).click()
    expect(page.get_by_role("heading", level=1, name=button)).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(
        authenticator_code(authenticator_for(username))
    )
    page.get_by_role("button", name=button).click()
    message(page, "Your signature is recorded. The signed copy is being prepared")


def verify(page: Page, name: str, content: bytes) -> Locator:
    upload: FilePayload = {"name": name, "mimeType": "application/pdf", "buffer": content}
    page.get_by_label("The MoU's PDF").set_input_files(files=upload)
    page.get_by_role("button", name="Verify", exact=True).click()
    result = page.get_by_role("status").filter(
        has=page.get_by_role("heading", name="Result", exact=True)
    )
    expect(result).to_be_visible()
    return result


def test_an_mou_is_drafted_negotiated_signed_by_both_sides_and_verified_through_the_browser(
    session_as, visitor: Page, screenshots, starting_world, director, ngo_admin, worker
):
    first_day = today()
    last_day = today() + timedelta(days=365)

    # The director drafts the MoU from the template and sets its terms. ------------------------
    martha = session_as("martha")
    martha.get_by_role("navigation", name="Main").get_by_role("link", name="MoUs").click()
    martha.get_by_role("link", name="Start an MoU").click()
    martha.get_by_label("Organisation name contains").fill("human rights")
    martha.get_by_role("button", name="Find").click()
    martha.get_by_role("link", name=ORGANISATION).click()
    expect(
        martha.get_by_role("heading", level=1, name=f"Start an MoU with {ORGANISATION}")
    ).to_be_visible()
    martha.get_by_label("Template").select_option(label="Standard MoU")
    martha.get_by_label("Title").fill(TITLE)
    martha.get_by_role("button", name="Start the draft").click()
    message(martha, "The draft MoU is ready. Set its terms next.")
    expect(martha.get_by_role("heading", level=1, name=f"Terms of “{TITLE}”")).to_be_visible()
    # The accreditation's scope is offered, and already chosen.
    expect(martha.get_by_label("Central Penitentiary", exact=True)).to_be_checked()
    expect(martha.get_by_label("Education", exact=True)).to_be_checked()
    martha.get_by_label("In force from").fill(first_day.isoformat())
    martha.get_by_label("In force until").fill(last_day.isoformat())
    martha.get_by_label("John Representative").check()
    martha.get_by_label("Monday").check()
    martha.get_by_label("Wednesday").check()
    martha.get_by_label("Visits a week at most").fill("2")
    martha.get_by_label("Visits a month at most").fill("8")
    martha.get_by_label("Days to respond to a report").fill("30")
    screenshots(martha, "mou-terms")
    martha.get_by_role("button", name="Save the terms").click()
    message(martha, "The terms are saved.")
    expect(martha.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(fact(martha, "Status")).to_have_text("Draft")
    expect(fact(martha, "People allowed to enter")).to_have_text("John Representative")
    expect(fact(martha, "Days and hours")).to_contain_text("Monday, Wednesday")
    expect(fact(martha, "Days to respond to a report")).to_have_text("30")
    expect(clause(martha, "Persons allowed to enter")).to_contain_text(
        "Only John Representative may enter, on Monday, Wednesday"
    )
    expect(clause(martha, "Confidentiality")).to_contain_text("they have 30 days.")

    # …and shares it with the organisation. -----------------------------------------------------
    martha.get_by_role("button", name="Share the draft with the other side").click()
    message(martha, "A new version is recorded and shared with the other side.")
    expect(fact(martha, "Status")).to_have_text("In negotiation")

    # The organisation suggests new wording for the confidentiality clause. -------------------
    john = session_as("john")
    john.get_by_role("navigation", name="Main").get_by_role("link", name="MoUs").click()
    john.get_by_role("link", name=TITLE).click()
    expect(fact(john, "You speak for")).to_have_text(ORGANISATION)
    confidentiality = clause(john, "Confidentiality")
    confidentiality.get_by_text("Comment or suggest wording").click()
    confidentiality.get_by_label("Comment").fill(COMMENT)
    confidentiality.get_by_label("Suggested wording (optional)").fill(SUGGESTED)
    confidentiality.get_by_role("button", name="Add the comment").click()
    message(john, "Your comment is added.")
    comment = clause(john, "Confidentiality").locator(".comment")
    expect(comment).to_contain_text(COMMENT)
    expect(comment).to_contain_text("Suggested wording Awaiting an answer")

    # The administration accepts it: the clause takes the new wording. -------------------------
    martha.reload()
    confidentiality = clause(martha, "Confidentiality")
    expect(confidentiality.locator(".comment")).to_contain_text(COMMENT)
    confidentiality.get_by_label("Answer").fill("Agreed: before publication is clearer.")
    confidentiality.get_by_label("Accept the suggested wording").check()
    confidentiality.get_by_role("button", name="Answer", exact=True).click()
    message(martha, "Your answer is recorded.")
    confidentiality = clause(martha, "Confidentiality")
    expect(confidentiality.locator("> p").first).to_have_text(
        "Reports are discussed with the authorities before publication; they have 30 days."
    )
    expect(confidentiality.locator(".comment")).to_contain_text("Suggested wording Accepted")
    expect(confidentiality.locator(".answer")).to_contain_text(
        f"{director.get_full_name()} answered: Agreed: before publication is clearer."
    )
    screenshots(martha, "mou-suggestion-accepted")

    # A new version, and the redline between the two: the words removed and added. -----------
    martha.get_by_role("button", name="Record a new version").click()
    message(martha, "A new version is recorded and shared with the other side.")
    john.reload()
    john.get_by_role("link", name="See the changes between versions").click()
    expect(john.get_by_role("heading", level=1, name=f"Changes to “{TITLE}”")).to_be_visible()
    expect(john.get_by_label("Compare version")).to_have_value("1")
    expect(john.get_by_label("with version")).to_have_value("2")
    changed = john.get_by_role("region", name="Confidentiality")
    expect(changed.get_by_role("heading")).to_contain_text("changed")
    expect(changed.locator("del")).to_have_text(["[removed: first;]"])
    expect(changed.locator("ins")).to_have_text(["[added: before publication;]"])
    for title in ("Purpose", "Persons allowed to enter", "Joint fundraising plan"):
        same = john.get_by_role("region", name=title)
        expect(same.get_by_role("heading")).to_contain_text("unchanged")
        expect(same.locator("ins, del")).to_have_count(0)
    screenshots(john, "mou-redline")
    john.get_by_role("link", name="Back to the MoU").click()

    # Both sides agree every clause; the text is agreed and each side approves it. -------------
    agree_every_clause(john)
    agree_every_clause(martha)
    for title in CLAUSES:
        expect(clause(martha, title).get_by_role("heading", level=3)).to_contain_text("Agreed")
    martha.get_by_role("button", name="Record the agreed text").click()
    message(martha, "The text is agreed. Each side now approves it internally.")
    expect(fact(martha, "Status")).to_have_text("Agreed, awaiting signature")
    martha.get_by_role("button", name="Approve for my side").click()
    message(martha, "Your side's approval is recorded.")
    john.reload()
    john.get_by_role("button", name="Approve for my side").click()
    message(john, "Your side's approval is recorded.")
    approvals = john.locator("h3:text-is('Approvals') + ul")
    expect(approvals).to_contain_text(
        f"Administration: version 3 approved by {director.get_full_name()}"
    )
    expect(approvals).to_contain_text(
        f"Organisation: version 3 approved by {ngo_admin.get_full_name()}"
    )

    # The organisation's administrator authorises himself to sign for it. ---------------------
    john.get_by_role("link", name=f"Who may sign MoUs for {ORGANISATION}").click()
    expect(john.get_by_text("Nobody may sign MoUs for the organisation yet.")).to_be_visible()
    john.get_by_label("Person to authorise").select_option(label=ngo_admin.get_full_name())
    john.get_by_role("button", name="Authorise").click()
    message(john, "The person may now sign MoUs for the organisation.")
    expect(john.get_by_role("cell", name=ngo_admin.get_full_name(), exact=True)).to_be_visible()

    # The director signs with password and code; the signed copy is prepared in the background.
    martha.reload()
    sign(martha, "Sign for the administration", "martha")
    signed_copy = martha.locator("#signed-copy")
    expect(signed_copy).to_contain_text(
        "The signed copy is being prepared. It is usually ready within a minute."
    )
    expect(fact(martha, "Status")).to_have_text("Signed by the administration")
    expect(martha.get_by_role("link", name=re.compile(r"^Download "))).to_have_count(0)
    screenshots(martha, "mou-being-prepared")
    john.goto(martha.url)
    expect(john.locator("#signed-copy")).to_contain_text(
        "You can countersign once the copy signed by the administration is ready."
    )
    expect(john.get_by_role("link", name="Countersign for the organisation")).to_have_count(0)

    worker()
    signed_copy.get_by_role("link", name="Refresh this page").click()
    expect(signed_copy.get_by_role("listitem")).to_contain_text(
        [f"Administration: signed by {director.get_full_name()}"]
    )
    expect(
        signed_copy.get_by_role("link", name="Download the copy signed by the administration (PDF)")
    ).to_be_visible()
    reference = fact(martha, "Reference").inner_text()
    assert re.fullmatch(r"MOU/\d+/\d{4}/0001", reference)

    # The organisation's signatory countersigns the certified copy the same way. --------------
    john.reload()
    sign(john, "Countersign for the organisation", "john")
    expect(john.locator("#signed-copy")).to_contain_text("The signed copy is being prepared.")
    expect(fact(john, "Status")).to_have_text("In force")
    worker()
    john.locator("#signed-copy").get_by_role("link", name="Refresh this page").click()
    expect(john.locator("#signed-copy").get_by_role("listitem")).to_contain_text(
        [
            f"Administration: signed by {director.get_full_name()}",
            f"Organisation: signed by {ngo_admin.get_full_name()}",
        ]
    )
    with john.expect_download() as download:
        john.get_by_role("link", name="Download the signed MoU (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    signed = Path(download.value.path()).read_bytes()
    assert signed.startswith(b"%PDF-")
    screenshots(john, "mou-signed")

    # Anyone checks the downloaded copy on the public verification page. ----------------------
    visitor.goto("/accounts/login/")
    visitor.get_by_role("navigation", name="Public").get_by_role(
        "link", name="Verify a signed MoU"
    ).click()
    expect(visitor.get_by_role("heading", level=1, name="Verify a signed MoU")).to_be_visible()
    result = verify(visitor, download.value.suggested_filename, signed)
    expect(result.get_by_text("Intact: the file is exactly as it was signed.")).to_be_visible()
    expect(result.get_by_text("Trusted: every signature was made")).to_be_visible()
    expect(
        result.get_by_text(
            f"It matches the register: this is the signed copy of the MoU {reference}, "
            "signed by both sides."
        )
    ).to_be_visible()
    expect(fact(visitor, "Title")).to_have_text(TITLE)
    expect(fact(visitor, "Status today")).to_have_text("In force")
    expect(result.get_by_role("heading", level=4)).to_have_text(
        [
            f"Certification: {director.get_full_name()}",
            f"Signature: {ngo_admin.get_full_name()}",
        ]
    )
    screenshots(visitor, "mou-verified")

    # …and the same file with one byte changed. -----------------------------------------------
    result = verify(visitor, "tampered.pdf", flip_byte_inside_the_first_revision(signed))
    expect(result.get_by_text("Not intact: the signed content was altered")).to_be_visible()
    expect(result.get_by_text("It does not match any MoU in the register.")).to_be_visible()
    expect(result.get_by_text("Intact: the file is exactly as it was signed.")).to_have_count(0)
    expect(result.get_by_text("Not trusted")).to_have_count(0)  # who signed is not in doubt
    expect(result).not_to_contain_text(TITLE)
    screenshots(visitor, "mou-tampered")
