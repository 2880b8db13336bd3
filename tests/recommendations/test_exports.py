"""Exports of the plan of action and of the follow-up: the confidential variant holds texts,
answers and names and goes only to the organisation and the administration's staff, for what
they see; the public variant holds published reports as published and their statuses, never
a name or anything of an unpublished report. CSVs are safe to open in a spreadsheet; PDFs are
prepared once, in the background, and downloaded by their requester alone."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activity.models import AuditEntry, NotificationPreference
from activity.pdf import PdfResourceError
from recommendations import exports
from recommendations.models import (
    Action,
    Effort,
    Export,
    Recommendation,
    Report,
    Verification,
)
from recommendations.services import exports as export_services
from recommendations.services import plan, publication, window
from recommendations.services import reports as report_services
from tests.conftest import login
from tests.support.pages import assert_login_redirect, count_queries, text

from .published import LATER_TEXT, NAME, copies, name_in, pdf_text

pytestmark = pytest.mark.django_db

PAGE = reverse("recommendations:export_list")
PLAN = reverse("recommendations:export_make", args=["plan"])
FOLLOW_UP = reverse("recommendations:export_make", args=["follow_up"])
SECRET = "Confidential on the infirmary"
REASON = "Classes resume when two new teachers arrive in March."


@pytest.fixture
def published(draft, ngo_admin, director, responsible_official) -> Report:
    """Published with a name taken out; its first recommendation partly accepted by the
    director (who thereby engaged: the organisation publishes with the authorities'
    agreement); the first and the one naming a person answered by an action of the
    responsible official."""
    responsible_official.first_name, responsible_official.last_name = "Oscar", "Official"
    responsible_official.save()
    director.first_name, director.last_name = "Martha", "Director"
    director.save()
    name_in(draft, ngo_admin)
    submitted = report_services.report_submit(actor=ngo_admin, report=draft)
    first = submitted.recommendations.get(number=1)
    window.recommendation_answer(
        actor=director, recommendation=first, response="partly", reason=REASON
    )
    plan.action_create(
        actor=director,
        administration=submitted.administration,
        recommendations=[first, submitted.recommendations.get(number=3)],
        title="Hire two teachers",
        responsible=responsible_official,
        due_on=timezone.localdate() + timedelta(days=30),
        effort=Effort.MEDIUM,
        description="Open two posts in the education wing.",
    )
    window.report_consent(actor=director, report=submitted)
    submitted.refresh_from_db()
    return publication.report_publish(actor=ngo_admin, report=submitted, terms=[NAME])


@pytest.fixture
def secret(published, scene, ngo_admin, director, responsible_official) -> Report:
    """A submitted report, confidential to the administration, with an action planned."""
    report = report_services.report_create(actor=ngo_admin, visit=scene.visit, title=SECRET)
    report_services.recommendation_add(
        actor=ngo_admin,
        report=report,
        text='=HYPERLINK("http://example.org") Treat the infirmary\'s patients in private.',
        theme="health",
        priority=1,
    )
    report = report_services.report_submit(actor=ngo_admin, report=report)
    plan.action_create(
        actor=director,
        administration=report.administration,
        recommendations=list(report.recommendations.all()),
        title="Curtains in the infirmary",
        responsible=responsible_official,
        due_on=timezone.localdate() + timedelta(days=10),
        effort=Effort.LOW,
    )
    return report


def csv_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content).decode("utf-8")


def ask(client, url, *, variant, format="csv", **fields):
    kind = url.rstrip("/").rsplit("/", 1)[1]
    data = {f"{kind}-variant": variant, "format": format}
    data.update({f"{kind}-{key}": value for key, value in fields.items()})
    return client.post(url, data)


def prepared(client, url, capture, **fields) -> Export:
    with capture(execute=True):
        response = ask(client, url, format="pdf", **fields)
    assert response.status_code == 302
    return Export.objects.latest("id")


def downloaded(client, export: Export) -> str:
    response = client.get(reverse("recommendations:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(b"".join(response.streaming_content))


# The public variant -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PLAN, FOLLOW_UP])
def test_the_public_csv_holds_published_reports_as_published_and_no_names(
    client, url, secret, outsider
):
    Recommendation.objects.filter(report__status="published").update(text=LATER_TEXT)
    login(client, outsider)
    content = csv_text(ask(client, url, variant="public"))
    assert publication.REDACTED in content
    assert "Visit to the education wing" in content
    for hidden in (NAME, LATER_TEXT, SECRET, "infirmary", "Oscar", "Martha", "Hire two"):
        assert hidden not in content


@pytest.mark.parametrize("url", [PLAN, FOLLOW_UP])
def test_the_public_pdf_shows_the_redaction_and_nothing_unpublished(
    client, url, secret, ngo_admin, django_capture_on_commit_callbacks
):
    login(client, ngo_admin)
    export = prepared(client, url, django_capture_on_commit_callbacks, variant="public")
    assert export.status == Export.Status.READY, export.error
    content = " ".join(downloaded(client, export).split())
    assert publication.REDACTED in content
    assert "education committee" in content
    for hidden in (NAME, SECRET, "infirmary", "Oscar", "Martha"):
        assert hidden not in content


def test_a_report_not_published_is_in_no_public_export(client, secret, ngo_admin):
    login(client, ngo_admin)
    for url in (PLAN, FOLLOW_UP):
        response = ask(client, url, variant="public", report=secret.pk)
        assert response.status_code == 404
    Report.objects.filter(status="published").update(status=Report.Status.RELEASED)
    for url in (PLAN, FOLLOW_UP):
        content = csv_text(ask(client, url, variant="public"))
        assert content.count("\n") == 1  # the header alone


# The confidential variant -------------------------------------------------------------------


def test_the_confidential_csv_holds_the_texts_answers_and_names(client, secret, director):
    login(client, director)
    follow_up = csv_text(ask(client, FOLLOW_UP, variant="confidential"))
    assert NAME in follow_up and SECRET in follow_up
    assert REASON in follow_up and "Martha Director" in follow_up
    plan_csv = csv_text(ask(client, PLAN, variant="confidential"))
    assert "Hire two teachers" in plan_csv and "Oscar Official" in plan_csv
    assert "Curtains in the infirmary" in plan_csv


def test_the_confidential_pdf_holds_the_names(
    client, published, director, django_capture_on_commit_callbacks
):
    login(client, director)
    export = prepared(
        client,
        PLAN,
        django_capture_on_commit_callbacks,
        variant="confidential",
        report=published.pk,
    )
    content = downloaded(client, export)
    assert "Hire two teachers" in content and "Oscar Official" in content
    assert NAME in content
    assert AuditEntry.objects.filter(action="export.requested", object_id=str(export.pk)).exists()


def test_a_csv_cell_is_never_a_formula_and_excel_reads_utf8(client, secret, director):
    login(client, director)
    content = csv_text(ask(client, FOLLOW_UP, variant="confidential", report=secret.pk))
    assert content.startswith("\ufeff")
    assert "'=HYPERLINK" in content
    assert ",=HYPERLINK" not in content and '"=HYPERLINK' not in content


@pytest.mark.parametrize("persona", ["outsider", "other_director"])
def test_the_confidential_export_of_a_report_is_not_found_elsewhere(
    client, request, secret, persona
):
    login(client, request.getfixturevalue(persona))
    for url in (PLAN, FOLLOW_UP):
        response = ask(client, url, variant="confidential", report=secret.pk)
        assert response.status_code == 404
    assert client.get(PAGE, {"report": secret.pk}).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "other_director"])
def test_the_confidential_export_holds_nothing_of_another_organisation_or_administration(
    client, request, secret, persona
):
    login(client, request.getfixturevalue(persona))
    for url in (PLAN, FOLLOW_UP):
        content = csv_text(ask(client, url, variant="confidential"))
        assert content.count("\n") == 1


def test_the_facility_of_another_administration_is_refused(client, secret, other_director, world):
    login(client, other_director)
    response = ask(client, PLAN, variant="confidential", facility=world.facility.pk)
    assert response.status_code == 200
    assert response.context["forms"][0][1].errors["facility"]
    assert not Export.objects.exists()


def test_the_confidential_variant_is_refused_to_a_responsible_official(
    client, secret, responsible_official
):
    login(client, responsible_official)
    response = ask(client, PLAN, variant="confidential")
    assert response.status_code == 403
    assert "public version is open to you" in response.content.decode()
    assert "confidential" not in text(client.get(PAGE)).split("<form")[1].split("</form>")[0]


def test_the_exports_are_for_logged_in_users(client, published):
    assert_login_redirect(client.get(PAGE), PAGE)
    assert_login_redirect(client.post(PLAN, {}), PLAN)
    url = reverse("recommendations:export_download", args=[1])
    assert_login_redirect(client.get(url), url)


# PDFs: prepared once, downloaded by their requester ----------------------------------------


def test_a_pdf_is_downloaded_by_its_requester_alone(
    client, published, director, coordinator, django_capture_on_commit_callbacks
):
    login(client, director)
    export = prepared(client, FOLLOW_UP, django_capture_on_commit_callbacks, variant="public")
    assert export.requested_by == director
    login(client, coordinator)
    url = reverse("recommendations:export_download", args=[export.pk])
    assert client.get(url).status_code == 404
    login(client, director)
    assert client.get(url).status_code == 200
    Export.objects.filter(pk=export.pk).update(status=Export.Status.PENDING)
    assert client.get(url).status_code == 404


def test_preparing_twice_renders_once(published, director, monkeypatch):
    export = Export.objects.create(
        requested_by=director, kind="follow_up", variant="public", language="en"
    )
    calls = []
    render = exports.render

    def counted(export):
        calls.append(export.pk)
        return render(export)

    monkeypatch.setattr(exports, "render", counted)
    assert export_services.export_prepare(export_id=export.pk) is True
    export.refresh_from_db()
    name = export.file.name
    assert export_services.export_prepare(export_id=export.pk) is False
    export.refresh_from_db()
    assert calls == [export.pk]
    assert export.file.name == name and export.status == Export.Status.READY


def test_a_failed_render_is_recorded_and_shown(client, published, director, monkeypatch):
    def refused(*args, **kwargs):
        raise PdfResourceError("Refused to fetch 'http://example.org/x.png'.")

    monkeypatch.setattr(exports, "render_pdf", refused)
    export = Export.objects.create(
        requested_by=director, kind="plan", variant="confidential", language="en"
    )
    assert export_services.export_prepare(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert "Refused to fetch" in export.error
    login(client, director)
    assert "Refused to fetch" in text(client.get(PAGE))


def test_a_confidential_export_fails_once_its_requester_lost_the_right(
    published, director, responsible_official
):
    export = Export.objects.create(
        requested_by=responsible_official, kind="plan", variant="confidential", language="en"
    )
    assert export_services.export_prepare(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert "public version is open to you" in export.error


def test_the_pdf_is_prepared_in_the_requesters_language(
    client, published, director, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.update_or_create(user=director, defaults={"language": "es"})
    login(client, director)
    export = prepared(client, FOLLOW_UP, django_capture_on_commit_callbacks, variant="public")
    assert export.language == "es"
    assert "Página" in downloaded(client, export)


def test_the_page_makes_the_same_queries_with_1_and_50_reports_and_exports(
    client, published, director
):
    login(client, director)
    Export.objects.create(requested_by=director, kind="plan", variant="public", language="en")
    client.get(PAGE)
    one = count_queries(client, PAGE)
    copies(published, 49)
    Export.objects.bulk_create(
        Export(requested_by=director, kind="plan", variant="public", language="en")
        for _ in range(49)
    )
    assert count_queries(client, PAGE) == one


def test_the_action_list_of_an_export_is_the_users(published, director, outsider):
    scope = exports.Scope()
    assert len(exports.confidential_plan(director, scope)) == Action.objects.count() == 1
    assert exports.confidential_plan(outsider, scope) == []


def exported_queries(client, url, variant) -> int:
    with CaptureQueriesContext(connection) as queries:
        csv_text(ask(client, url, variant=variant))
    return len(queries.captured_queries)


@pytest.mark.parametrize("variant", ["public", "confidential"])
def test_a_csv_makes_the_same_queries_with_1_and_50_reports(client, published, director, variant):
    login(client, director)
    client.get(PAGE)
    one = {url: exported_queries(client, url, variant) for url in (PLAN, FOLLOW_UP)}
    action = Action.objects.get()
    for copy in copies(published, 49):
        action.recommendations.add(*copy.recommendations.filter(number__in=[1, 3]))
        Verification.objects.create(
            recommendation=copy.recommendations.get(number=1),
            result=Recommendation.Verified.PARTLY,
            note="Seen in class.",
            verified_by=director,
            verified_at=timezone.now(),
        )
    many = {url: exported_queries(client, url, variant) for url in (PLAN, FOLLOW_UP)}
    assert many == one
    assert len(exports.follow_up(director, variant, exports.Scope())) == 50
