"""The decision letter: a PDF for the applicant and the administration, read back as text; and
text typed by users that looks like a template, markup or a resource stays text."""

from io import BytesIO

import pytest
import segno
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accreditation.models import Application, Decision
from accreditation.services import decisions, letters
from activity.models import NotificationPreference
from activity.pdf import StaticFilesFetcher
from directory.models import Role
from tests.accreditation.factories import (
    ApplicationFactory,
    DecisionFactory,
    FrameworkFactory,
    staff,
)
from tests.conftest import login
from tests.factories import AdministrationFactory
from tests.support.pages import assert_login_redirect

pytestmark = pytest.mark.django_db

INJECTION = (
    '{{ 7|add:7 }} {% load static %} <img src="http://127.0.0.1:9/x"> <script>alert(1)</script>'
)


def url(pk: int) -> str:
    return reverse("accreditation:decision_letter", args=[pk])


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())  # lines wrapped by the layout read as one


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks the renderer's fetcher for."""
    urls: list[str] = []
    fetch = StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(StaticFilesFetcher, "fetch", spy)
    return urls


def decide(application, director, outcome="accredited", **kwargs) -> Decision:
    kwargs.setdefault("reasons", "Ten years of literacy work, well documented.")
    return decisions.decision_make(
        actor=director, application=application, outcome=outcome, **kwargs
    )


def test_the_letter_states_the_outcome_reasons_score_and_verification_code(
    client, reviewed, director, ngo_member
):
    decision = decide(reviewed, director)
    response = login(client, ngo_member).get(url(reviewed.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response)
    assert "State A Prison System" in text
    assert "Local Human Rights Centre" in text
    assert "Accredited" in text
    assert "Ten years of literacy work, well documented." in text
    assert "87.50 %" in text
    assert "Reviewer 1" in text and "Reviewer 2" in text
    assert decision.accreditation.verification_code in text
    assert decision.accreditation.valid_until.strftime("%Y") in text


def test_the_letter_does_not_name_the_reviewers(client, reviewed, director, ngo_admin, reviewer):
    decide(reviewed, director)
    text = pdf_text(login(client, ngo_admin).get(url(reviewed.pk)))
    assert reviewer.get_full_name() not in text


def test_a_refusal_letter_gives_the_appeal_deadline_and_no_code(
    client, reviewed, director, ngo_admin
):
    decision = decide(
        reviewed, director, outcome="refused", justification="A court ruling last week."
    )
    text = pdf_text(login(client, ngo_admin).get(url(reviewed.pk)))
    assert "Refused" in text
    assert "A court ruling last week." in text
    assert "You may appeal this decision until" in text
    assert "Verification code" not in text
    assert decision.appeal_deadline.strftime("%Y") in text


def test_a_conditional_letter_lists_the_conditions_with_their_deadlines(
    client, reviewed, director, ngo_admin
):
    from datetime import timedelta

    from django.utils import timezone

    due = timezone.localdate() + timedelta(days=45)
    decide(
        reviewed,
        director,
        outcome="conditional",
        conditions=[
            {"description": "Send the continuity plan.", "owner": ngo_admin, "due_date": due}
        ],
    )
    text = pdf_text(login(client, ngo_admin).get(url(reviewed.pk)))
    assert "Accredited with conditions" in text
    assert "Send the continuity plan." in text


def test_the_administration_gets_the_letter_too(client, reviewed, director, coordinator):
    decide(reviewed, director)
    assert login(client, coordinator).get(url(reviewed.pk)).status_code == 200


def test_there_is_no_letter_before_the_decision(client, reviewed, ngo_admin):
    assert login(client, ngo_admin).get(url(reviewed.pk)).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "facility_officer", "monitor"])
def test_the_letter_is_not_found_by_others(client, request, reviewed, director, persona):
    decide(reviewed, director)
    user = request.getfixturevalue(persona)
    assert login(client, user).get(url(reviewed.pk)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, reviewed, director):
    decide(reviewed, director)
    assert_login_redirect(client.get(url(reviewed.pk)), url(reviewed.pk))


def test_typed_template_code_markup_and_urls_reach_the_pdf_as_text(
    client, reviewed, director, ngo_admin, fetched
):
    Application.objects.filter(pk=reviewed.pk).update(summary=f"Our work: {INJECTION}")
    reviewed.refresh_from_db()
    decide(
        reviewed,
        director,
        reasons=f"Reasons: {INJECTION}",
        justification="",
    )
    response = login(client, ngo_admin).get(url(reviewed.pk))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    # Compared without white space: the layout may wrap a line anywhere, "</" included.
    text = "".join("".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages).split())
    for fragment in [
        "{{7|add:7}}",
        "{%loadstatic%}",
        '<imgsrc="http://127.0.0.1:9/x">',
        "<script>alert(1)</script>",
    ]:
        assert text.count(fragment) == 2  # in the summary and in the reasons
    assert "Ourwork:14" not in text and "Reasons:14" not in text
    reader = PdfReader(BytesIO(content))
    # The one image is the QR code the letter makes itself, inline: nothing was fetched.
    assert len({image.data for page in reader.pages for image in page.images}) == 1
    qr_code = letters.qr_code_data_uri(
        letters.verification_address(reviewed.decision.accreditation.verification_code)
    )
    assert fetched and all(u.startswith("pdf-static:") or u == qr_code for u in fetched)
    assert not any("127.0.0.1" in u for u in fetched)


# Reference, verification and signature ----------------------------------------------------------

SITE = "https://partnerships.example.org"


def flat(text: str) -> str:
    """The text without white space: a long address may be wrapped anywhere by the layout."""
    return "".join(text.split())


def test_the_letter_gives_its_reference_the_verification_address_and_the_signatory(
    client, settings, reviewed, director, ngo_admin
):
    settings.SITE_URL = SITE
    director.first_name, director.last_name = "Martha", "Molina"
    director.save()
    decision = decide(reviewed, director)
    year = decision.decided_at.year
    assert decision.reference == f"{reviewed.framework.administration_id}/ACC/{year}/0001"
    text = pdf_text(login(client, ngo_admin).get(url(reviewed.pk)))
    code = decision.accreditation.verification_code
    assert f"Reference {decision.reference}" in text
    assert code in text
    assert f"{SITE}/accreditation/verify/?code={code}" in flat(text)
    assert "Martha Molina Director State A Prison System" in text


def test_references_run_in_one_series_per_administration(world):
    def next_reference(administration):
        framework = FrameworkFactory(administration=administration)
        application = ApplicationFactory(framework=framework, status="decided")
        return decisions._next_reference(application)

    other = AdministrationFactory(name="Kurdistan Reformatory Directorate")
    year = timezone.localdate().year
    first = next_reference(world.administration)
    assert first == f"{world.administration.pk}/ACC/{year}/0001"
    DecisionFactory(reference=first)
    DecisionFactory(reference=f"{world.administration.pk}/ACC/{year - 1}/0007")
    assert next_reference(world.administration) == f"{world.administration.pk}/ACC/{year}/0002"
    assert next_reference(other) == f"{other.pk}/ACC/{year}/0001"


def test_two_decisions_cannot_share_a_reference(world):
    DecisionFactory(reference="1/ACC/2026/0042")
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(reference="1/ACC/2026/0042")


def test_the_qr_code_encodes_the_verification_address(client, settings, reviewed, director):
    """Read back from the PDF, the QR code's modules are those of the verification address:
    dark where segno's QR code of that address is dark, light elsewhere, quiet zone included."""
    settings.SITE_URL = SITE
    decision = decide(reviewed, director)
    response = login(client, director).get(url(reviewed.pk))
    reader = PdfReader(BytesIO(b"".join(response.streaming_content)))
    images = {image.data: image for page in reader.pages for image in page.images}
    assert len(images) == 1
    picture = next(iter(images.values())).image.convert("L")
    address = f"{SITE}/accreditation/verify/?code={decision.accreditation.verification_code}"
    expected = segno.make_qr(address, error="m")
    border = 4
    width, height = expected.symbol_size(scale=1, border=border)
    assert picture.size == (width, height)
    read = [
        [picture.getpixel((x, y)) < 128 for x in range(border, width - border)]
        for y in range(border, height - border)
    ]
    assert read == [[bool(module) for module in row] for row in expected.matrix]
    quiet = [picture.getpixel((x, 0)) for x in range(width)]
    assert all(value >= 128 for value in quiet)


# Language ---------------------------------------------------------------------------------------


def test_the_letter_is_in_the_organisations_language_whoever_downloads_it(
    client, reviewed, director
):
    reviewed.organisation.language = "es"
    reviewed.organisation.save()
    NotificationPreference.objects.update_or_create(user=director, defaults={"language": "en"})
    decide(reviewed, director)
    client.cookies["django_language"] = "en"
    response = login(client, director).get(url(reviewed.pk), HTTP_ACCEPT_LANGUAGE="en")
    text = pdf_text(response)
    assert "Carta de decisión" in text
    assert "Decisión sobre la solicitud de acreditación" in text
    assert "Acreditada" in text
    assert "Decision letter" not in text
    assert "Decision on the application for accreditation" not in text


def test_the_organisation_administrator_chooses_the_language_of_its_letters(
    client, world, ngo_admin
):
    organisation = world.organisation
    path = reverse("directory:organisation_edit", args=[organisation.pk])
    page = login(client, ngo_admin).get(path)
    assert 'name="language"' in page.content.decode()
    data = {
        "name": organisation.name,
        "registration_number": organisation.registration_number,
        "country": organisation.country,
        "email": organisation.email,
        "phone": organisation.phone,
        "description": organisation.description,
        "language": "es",
    }
    response = client.post(path, data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.language == "es"


# Rendered once, in the background ---------------------------------------------------------------


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The templates rendered to PDF by the letter service."""
    calls: list[str] = []
    render = letters.render_pdf

    def spy(template_name, context, **kwargs):
        calls.append(template_name)
        return render(template_name, context, **kwargs)

    monkeypatch.setattr(letters, "render_pdf", spy)
    return calls


def test_the_letter_is_rendered_once_after_the_decision_and_then_served_as_kept(
    client, reviewed, director, ngo_admin, renders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(reviewed, director)
    assert renders == ["accreditation/pdf/decision_letter.html"]
    decision.refresh_from_db()
    assert decision.letter and decision.letter_rendered_at
    kept = decision.letter.read()
    first = b"".join(login(client, ngo_admin).get(url(reviewed.pk)).streaming_content)
    second = b"".join(login(client, director).get(url(reviewed.pk)).streaming_content)
    assert first == second == kept
    assert len(renders) == 1


def test_rendering_the_letter_twice_does_nothing_the_second_time(reviewed, director, renders):
    from accreditation.tasks import decision_letter_render

    decision = decide(reviewed, director)
    assert decision_letter_render.delay(decision.pk).get() is True
    decision.refresh_from_db()
    name = decision.letter.name
    assert decision_letter_render.delay(decision.pk).get() is False
    decision.refresh_from_db()
    assert decision.letter.name == name
    assert len(renders) == 1


def test_a_letter_not_ready_yet_is_being_prepared_and_comes_on_refresh(
    client, monkeypatch, reviewed, director, ngo_admin
):
    from accreditation import tasks

    asked: list[int] = []
    monkeypatch.setattr(tasks.decision_letter_render, "delay", asked.append)
    decision = decide(reviewed, director)
    response = login(client, ngo_admin).get(url(reviewed.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f"The letter {decision.reference} is being prepared" in page
    assert f'href="{url(reviewed.pk)}"' in page
    assert asked == [decision.pk]  # asked for again, should the first request have been lost
    monkeypatch.undo()
    tasks.decision_letter_render(decision.pk)
    response = client.get(url(reviewed.pk))
    assert response["Content-Type"] == "application/pdf"
    assert decision.reference in pdf_text(response)


def test_an_appeal_that_changes_the_decision_renews_the_letter(
    client, reviewed, director, ngo_admin, django_capture_on_commit_callbacks
):
    deputy = staff("diego", Role.DIRECTOR, reviewed.framework.administration)
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(
            reviewed, director, outcome="refused", justification="A court ruling last week."
        )
    decision.refresh_from_db()
    refused_letter = decision.letter.name
    storage = decision.letter.storage
    with django_capture_on_commit_callbacks(execute=True):
        appeal = decisions.appeal_lodge(
            actor=ngo_admin, decision=decision, subject="decision", grounds="The ruling is void."
        )
    with django_capture_on_commit_callbacks(execute=True):
        decisions.appeal_decide(
            actor=deputy, appeal=appeal, upheld=True, reasons="The ruling was overturned."
        )
    decision.refresh_from_db()
    assert decision.letter.name and decision.letter.name != refused_letter
    assert not storage.exists(refused_letter)
    text = pdf_text(login(client, ngo_admin).get(url(reviewed.pk)))
    assert f"Reference {decision.reference}" in text
    assert "Decided on appeal" in text and "The ruling was overturned." in text
    assert decision.accreditation.verification_code in text
    assert "You may appeal this decision until" not in text


def test_an_appeal_that_leaves_the_decision_keeps_the_letter(
    reviewed, director, ngo_admin, renders, django_capture_on_commit_callbacks
):
    deputy = staff("diego", Role.DIRECTOR, reviewed.framework.administration)
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(
            reviewed, director, outcome="refused", justification="A court ruling last week."
        )
        appeal = decisions.appeal_lodge(
            actor=ngo_admin, decision=decision, subject="decision", grounds="The ruling is void."
        )
        decisions.appeal_decide(actor=deputy, appeal=appeal, upheld=False, reasons="It stands.")
    assert len(renders) == 1
