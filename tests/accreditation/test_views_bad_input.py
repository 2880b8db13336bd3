"""What the accreditation pages do with input no one should type but someone will: huge
numbers, far-off dates, ids no row can have, pages of text where a paragraph is asked for, files
with unusable names. Each gets an error on the form, with what was typed kept; none a server
error, and nothing is saved."""

import pytest

from accreditation.models import Condition, Criterion, Document, Framework
from activity.validators import TextLimit
from tests.accreditation.factories import PDF_BYTES, ApplicationFactory, FrameworkFactory
from tests.accreditation.pages import decision_form, url
from tests.accreditation.test_views_frameworks import criterion_data, framework_data
from tests.conftest import login
from tests.support.pages import text

pytestmark = pytest.mark.django_db

HUGE_ID = "99999999999999999999"


@pytest.fixture
def draft_rules(world):
    return FrameworkFactory(administration=world.administration, version=2, title="Rules 2")


# The rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("validity_months", "1000000", "An accreditation lasts at most 120 months (ten years)."),
        ("validity_months", HUGE_ID, "An accreditation lasts at most 120 months (ten years)."),
        ("review_days", "400", "A period is at most 365 days."),
        ("appeal_days", "99999", "A period is at most 365 days."),
        ("spread_threshold", "101", "Scores go up to 100 at most."),
    ],
)
def test_a_period_or_number_beyond_its_bound_is_refused_and_kept(
    client, director, draft_rules, field, typed, message
):
    response = login(client, director).post(
        url("framework_edit", draft_rules.pk), framework_data(draft_rules, **{field: typed})
    )

    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert f'value="{typed}"' in page
    assert getattr(Framework.objects.get(pk=draft_rules.pk), field) == getattr(draft_rules, field)


def test_the_longest_periods_allowed_are_saved(client, director, draft_rules):
    response = login(client, director).post(
        url("framework_edit", draft_rules.pk),
        framework_data(draft_rules, validity_months="120", review_days="365", appeal_days="365"),
    )

    assert response.status_code == 302
    draft_rules.refresh_from_db()
    assert (draft_rules.validity_months, draft_rules.review_days) == (120, 365)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("weight", "1000", "A weight is at most 100."),
        ("minimum_score", "500", "Scores go up to 100 at most."),
    ],
)
def test_a_criterion_number_beyond_its_bound_is_refused(
    client, director, draft_rules, field, typed, message
):
    data = criterion_data([("1", "Weak"), ("4", "Strong")], **{field: typed})
    response = login(client, director).post(url("criterion_create", draft_rules.pk), data)

    assert response.status_code == 200
    assert message in text(response)
    assert not Criterion.objects.filter(framework=draft_rules).exists()


def test_a_title_with_a_line_break_is_refused_and_direction_controls_dropped(
    client, director, draft_rules
):
    login(client, director)
    response = client.post(
        url("framework_edit", draft_rules.pk),
        framework_data(draft_rules, title_en="Rules\nBcc: all@example.org"),
    )
    assert response.status_code == 200
    assert "Remove the line breaks, tabs or other control characters" in text(response)

    response = client.post(
        url("framework_edit", draft_rules.pk),
        framework_data(draft_rules, title_en="Rules \u202e2 noisrev"),
    )
    assert response.status_code == 302
    draft_rules.refresh_from_db()
    assert draft_rules.title == "Rules 2 noisrev"


# The application --------------------------------------------------------------------------------


def test_the_application_form_states_the_limit_of_each_text(client, draft, ngo_admin):
    page = text(login(client, ngo_admin).get(url("application_edit", draft.pk)))

    assert "At most 5,000 characters." in page
    assert 'maxlength="5000"' in page


def test_a_summary_over_its_limit_is_refused_and_what_was_typed_kept(client, draft, ngo_admin):
    typed = "We teach reading and writing." * 200  # 5,800 characters
    typed += " Our volunteers are trained." * 8  # and 224 more
    response = login(client, ngo_admin).post(url("application_edit", draft.pk), {"summary": typed})

    assert response.status_code == 200
    page = text(response)
    assert "Ensure this value has at most 5000 characters (it has 6024)." in page
    assert typed in page
    draft.refresh_from_db()
    assert draft.summary != typed


def test_evidence_over_its_limit_is_refused(client, draft, ngo_admin):
    criterion = draft.framework.criteria.first()
    response = login(client, ngo_admin).post(
        url("evidence_edit", draft.pk, criterion.pk), {"text": "x" * (TextLimit.LONG + 1)}
    )

    assert response.status_code == 200
    assert "Ensure this value has at most 20000 characters (it has 20001)." in text(response)


@pytest.mark.parametrize("field", ["facilities", "people", "activity_types"])
def test_a_20_digit_id_in_a_multiple_choice_is_a_form_error(client, draft, ngo_admin, field):
    response = login(client, ngo_admin).post(
        url("application_edit", draft.pk), {"summary": "Typed summary.", field: [HUGE_ID]}
    )

    assert response.status_code == 200
    page = text(response)
    assert f"Select a valid choice. {HUGE_ID} is not one of the available choices." in page
    assert "Typed summary." in page


@pytest.mark.parametrize("parameter", ["organisation", "facility", "activity_type", "status"])
def test_a_20_digit_id_in_a_list_filter_is_no_server_error(client, director, draft, parameter):
    response = login(client, director).get(url("application_list") + f"?{parameter}={HUGE_ID}")

    assert response.status_code == 200


def test_a_20_digit_id_in_the_public_register_filter_is_no_server_error(client):
    response = client.get(url("public_register") + f"?facility={HUGE_ID}&activity={HUGE_ID}")

    assert response.status_code == 200


def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    """A form with a file input, encoded as a browser does it: the file name as it is."""
    boundary = "BoUnDaRy"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="documents"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


@pytest.mark.parametrize("filename", ["..", "\u202e"])
def test_a_document_dropped_for_its_name_is_an_error_not_saved(
    client, world, framework, ngo_admin, filename
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    criterion = framework.criteria.first()
    body, boundary = _multipart({"text": "Typed evidence."}, filename, PDF_BYTES)

    response = login(client, ngo_admin).generic(
        "POST",
        url("evidence_edit", application.pk, criterion.pk),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 200, "saved without the file"
    page = text(response)
    assert "A file: This file's name cannot be used" in page
    assert "Typed evidence." in page
    assert not Document.objects.exists()
    assert not application.evidence.exists()


def test_a_documents_name_is_stored_without_direction_controls(client, world, framework, ngo_admin):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    criterion = framework.criteria.first()
    body, boundary = _multipart({"text": ""}, "Invoice\u202egpj.pdf", PDF_BYTES)

    response = login(client, ngo_admin).generic(
        "POST",
        url("evidence_edit", application.pk, criterion.pk),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 302
    assert Document.objects.get().original_name == "Invoicegpj.pdf"


# Decisions --------------------------------------------------------------------------------------


@pytest.mark.parametrize("due", ["0001-01-01", "9999-12-31"])
def test_a_condition_deadline_off_the_calendar_is_a_form_error(
    client, reviewed, director, ngo_admin, due
):
    response = login(client, director).post(
        url("decision_make", reviewed.pk),
        decision_form(
            outcome="conditional",
            **{
                "conditions-0-description": "Send the continuity plan.",
                "conditions-0-owner": str(ngo_admin.pk),
                "conditions-0-due_date": due,
            },
        ),
    )

    assert response.status_code == 200
    assert "Give a date between 1900-01-01 and 2199-12-31." in text(response)
    assert not Condition.objects.exists()
    reviewed.refresh_from_db()
    assert not hasattr(reviewed, "decision")


def test_decision_reasons_over_their_limit_are_refused(client, reviewed, director):
    response = login(client, director).post(
        url("decision_make", reviewed.pk), decision_form(reasons="x" * (TextLimit.TEXT + 1))
    )

    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters (it has 5001)." in text(response)
