"""Lifting the embargo and publishing: a monitoring body's release under its mandate, and the
organisation's review of the words taken out, its preview and the redacted public version."""

import pytest
from django.urls import reverse

from recommendations.models import Finding, Report
from recommendations.services import publication, window
from recommendations.services import reports as report_services
from tests.conftest import login
from tests.support.pages import text
from visits.models import Purpose, Visit

from .conftest import past_visit

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"recommendations:{name}", args=args)


def test_a_monitoring_body_releases_its_report_under_its_mandate(
    client, world, scene, monitor, director
):
    npm = monitor.memberships.get().organisation
    visit = past_visit(
        world,
        None,
        monitor,
        organisation=npm,
        monitoring=True,
        purpose=Purpose.MONITORING,
        status=Visit.Status.NOTIFIED,
    )
    report = report_services.report_create(actor=monitor, visit=visit, title="Monitoring visit")
    report_services.recommendation_add(
        actor=monitor, report=report, text="Open the yard daily.", theme="safety", priority=1
    )
    report_services.report_submit(actor=monitor, report=report)
    login(client, director)
    page = text(client.get(report.get_absolute_url()))
    assert "The monitoring mandate" in page
    assert "Agree to publication" not in page
    assert client.post(url("report_release_under_mandate", report.pk)).status_code == 403

    login(client, monitor)
    client.post(url("report_release_under_mandate", report.pk))

    report.refresh_from_db()
    assert report.release_reason == Report.ReleaseReason.MANDATE


# Publication ------------------------------------------------------------------------------------


@pytest.fixture
def released(submitted, director, ngo_admin) -> Report:
    # Written into the submitted report directly: a draft's finding, as if added before.
    Finding.objects.create(
        report=submitted,
        kind=Finding.Kind.CONCERN,
        text="John Representative met Pedro Prisoner, number AB-1234567, in the yard.",
    )
    window.report_consent(actor=director, report=submitted)
    submitted.refresh_from_db()
    return submitted


def test_publication_waits_for_the_embargo_to_lift(client, submitted, ngo_admin):
    login(client, ngo_admin)

    response = client.get(url("report_publish", submitted.pk))

    assert response["Location"] == submitted.get_absolute_url()
    assert "under embargo" in text(client.get(response["Location"]))


def test_only_the_organisations_administrators_publish(client, released, ngo_member, director):
    for user in (ngo_member, director):
        login(client, user)
        response = client.get(url("report_publish", released.pk))
        assert response.status_code == 403
        assert "Only the organisation's administrators publish" in text(response)


def test_the_organisation_previews_then_publishes_the_redacted_version(client, released, ngo_admin):
    login(client, ngo_admin)
    path = url("report_publish", released.pk)
    assert "Review and publish" in text(client.get(released.get_absolute_url()))

    page = text(client.get(path))
    assert "John Representative\nAB-1234567" in page or "AB-1234567\nJohn Representative" in page
    assert "the directory does not know" in page
    terms = "John Representative\nAB-1234567\nPedro Prisoner"

    preview = text(client.post(path, {"terms": terms, "preview": ""}))
    shown = preview[preview.index("Preview of the public version") :]
    assert f"{publication.REDACTED} met {publication.REDACTED}, number {publication.REDACTED}" in (
        shown
    )
    assert "Pedro Prisoner" not in shown
    released.refresh_from_db()
    assert released.status == Report.Status.RELEASED

    response = client.post(path, {"terms": terms, "publish": ""})

    assert response["Location"] == released.get_absolute_url()
    released.refresh_from_db()
    assert released.status == Report.Status.PUBLISHED
    stored = str(released.public_version)
    assert "Pedro Prisoner" not in stored
    assert "John Representative" not in stored
    assert "1234567" not in stored
    assert publication.REDACTED in stored
    assert released.redactions == ["John Representative", "Pedro Prisoner", "AB-1234567"]
