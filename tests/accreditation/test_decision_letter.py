"""The decision letter: a PDF for the applicant and the administration, read back as text; and
text typed by users that looks like a template, markup or a resource stays text."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accreditation import services
from accreditation.models import Application, Decision
from activity.pdf import StaticFilesFetcher
from directory.models import Role
from tests.accreditation.factories import (
    complete_application,
    framework_in_force,
    scored,
    staff,
    submitted,
    under_review,
)
from tests.conftest import login
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


@pytest.fixture
def second_reviewer(world):
    return staff("raul", Role.REVIEWER, world.administration)


@pytest.fixture
def reviewed(world, ngo_admin, director, reviewer, second_reviewer) -> Application:
    """Both reviewers' scores in: 3 and 4 of 4 on each criterion, 87.50 %."""
    framework = framework_in_force(world.administration, criteria=2)
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    application = under_review(
        submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second_reviewer]
    )
    return scored(application, {reviewer: 3, second_reviewer: 4})


def decide(application, director, outcome="accredited", **kwargs) -> Decision:
    kwargs.setdefault("reasons", "Ten years of literacy work, well documented.")
    return services.decision_make(
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
    assert all(not page.images for page in reader.pages)
    assert fetched and all(u.startswith("pdf-static:") for u in fetched)
    assert not any("127.0.0.1" in u for u in fetched)
