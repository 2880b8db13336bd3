"""Downloading the documents of an application: the organisation, the reviewers, and others."""

import pytest
from django.urls import reverse

from activity.models import AuditEntry
from directory.models import Role
from tests.accreditation.factories import PDF_BYTES, DocumentFactory, staff, submitted, under_review
from tests.conftest import login
from tests.support.denied import refusals as denied

pytestmark = pytest.mark.django_db


# Documents --------------------------------------------------------------------------------------


def test_the_organisation_downloads_its_document_as_an_attachment(client, world, ngo_member):
    document = DocumentFactory(organisation=world.organisation, original_name="annual report.pdf")
    response = login(client, ngo_member).get(
        reverse("activity:document_download", args=[document.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "annual report.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_opening_a_document_is_written_to_the_audit_trail(client, world, ngo_member):
    document = DocumentFactory(organisation=world.organisation)
    login(client, ngo_member).get(reverse("activity:document_download", args=[document.pk]))
    entry = AuditEntry.objects.get(action="document.read")
    assert entry.actor == ngo_member
    assert entry.object_id == str(document.pk)


def test_another_organisations_document_is_not_found(client, world, outsider):
    document = DocumentFactory(organisation=world.organisation)
    response = login(client, outsider).get(
        reverse("activity:document_download", args=[document.pk])
    )
    assert response.status_code == 404
    assert denied(outsider, "document.view").exists()


def test_a_reviewer_downloads_evidence_only_after_declaring(
    client, world, draft, ngo_admin, director, reviewer
):
    from accreditation.services import review

    document = DocumentFactory(organisation=world.organisation)
    draft.evidence.first().documents.add(document)
    second = staff("raul", Role.REVIEWER, world.administration)
    under_review(submitted(draft, by=ngo_admin), director=director, reviewers=[reviewer, second])
    login(client, reviewer)
    assert client.get(reverse("activity:document_download", args=[document.pk])).status_code == 404
    review.review_declare(
        actor=reviewer,
        assignment=draft.assignments.get(reviewer=reviewer),
        conflict=False,
        statement="",
    )
    assert client.get(reverse("activity:document_download", args=[document.pk])).status_code == 200
