"""Editing an application, its evidence, submission and withdrawal; each as allowed and
forbidden."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accreditation.models import Application, Clearance
from activity.models import AuditEntry, Document
from directory.models import ActivityType
from tests.accreditation.factories import (
    PDF_BYTES,
    ApplicationFactory,
    DecisionFactory,
    DocumentFactory,
    EvidenceFactory,
    submitted,
)
from tests.accreditation.pages import url
from tests.conftest import login
from tests.factories import FacilityFactory
from tests.support.denied import refusals as denied
from tests.support.pages import assert_login_redirect, text

pytestmark = pytest.mark.django_db


# Editing ----------------------------------------------------------------------------------------


def edit_form(world, **changes) -> dict:
    data = {
        "summary": "Literacy classes in two prisons.",
        "activity_types": [ActivityType.objects.get(code="education").pk],
        "facilities": [world.facility.pk],
        "people": [world.organisation.people.get().pk],
        "swot_strengths": "Volunteers.",
        "swot_weaknesses": "",
        "swot_opportunities": "",
        "swot_threats": "",
        "sustainability_plan": "",
        "partner_mapping": "",
    }
    return {**data, **changes}


def test_the_edit_form_shows_the_current_answers(client, draft, ngo_admin):
    response = login(client, ngo_admin).get(url("application_edit", draft.pk))
    assert response.status_code == 200
    page = text(response)
    assert "Trained volunteers." in page
    assert "Central Penitentiary" in page
    assert "John Representative" in page
    assert "member_organisations" not in page  # not a network


def test_the_administrator_saves_the_draft(client, world, framework, ngo_admin):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    response = login(client, ngo_admin).post(
        url("application_edit", application.pk), edit_form(world)
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.summary == "Literacy classes in two prisons."
    assert application.swot_strengths == "Volunteers."
    assert list(application.facilities.all()) == [world.facility]
    assert list(application.people.all()) == [world.organisation.people.get()]
    assert AuditEntry.objects.filter(action="application.updated", actor=ngo_admin)


def test_a_network_names_its_member_organisations(client, world, framework, network, network_admin):
    application = ApplicationFactory(organisation=network, framework=framework)
    member = network.members.get()
    login(client, network_admin)
    assert "Women's Handcraft Collective" in text(
        client.get(url("application_edit", application.pk))
    )
    client.post(
        url("application_edit", application.pk),
        edit_form(world, people=[], member_organisations=[member.pk]),
    )
    assert list(application.member_organisations.all()) == [member]


def test_another_organisations_person_is_refused_and_the_typed_text_kept(
    client, world, framework, ngo_admin
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    stranger = world.other_organisation.people.get()
    response = login(client, ngo_admin).post(
        url("application_edit", application.pk),
        edit_form(world, people=[stranger.pk], summary="Typed and kept."),
    )
    assert response.status_code == 200
    page = text(response)
    assert "Select a valid choice" in page
    assert "Typed and kept." in page
    application.refresh_from_db()
    assert application.summary == "We teach reading and writing."


def test_a_submitted_application_cannot_be_edited_and_says_why(client, world, draft, ngo_admin):
    submitted(draft, by=ngo_admin)
    response = login(client, ngo_admin).post(
        url("application_edit", draft.pk), edit_form(world, summary="Too late.")
    )
    assert response.status_code == 200
    page = text(response)
    assert "cannot be changed now" in page
    assert "Too late." in page
    draft.refresh_from_db()
    assert draft.summary != "Too late."


@pytest.mark.parametrize("persona", ["ngo_member", "director"])
def test_only_the_organisations_administrators_edit(
    client, request, world, draft, ngo_admin, persona
):
    """A member reads the application and may not change it; the director may not either
    (returned to the organisation, the application is visible to the administration)."""
    from accreditation.models import Application as Model

    Model.objects.filter(pk=draft.pk).update(
        status=Model.Status.RETURNED, submitted_at=timezone.now()
    )
    user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get(url("application_edit", draft.pk)).status_code == 403
    response = client.post(url("application_edit", draft.pk), edit_form(world, summary="Hijack"))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.summary != "Hijack"
    assert denied(user, "application.change").exists()


def test_an_outsider_cannot_find_the_edit_form(client, draft, outsider):
    assert login(client, outsider).get(url("application_edit", draft.pk)).status_code == 404


# Target facilities, where an administration has hundreds ----------------------------------------


@pytest.fixture
def many_facilities(world) -> None:
    """Twenty-five more facilities: too many to offer each as a box."""
    for n in range(25):
        FacilityFactory(administration=world.administration, name=f"Probe Prison {n:02d}")


def test_with_many_facilities_the_form_shows_the_chosen_ones_and_a_field_to_add(
    client, world, draft, ngo_admin, many_facilities
):
    page = text(login(client, ngo_admin).get(url("application_edit", draft.pk)))
    assert f'name="facilities" value="{world.facility.pk}" checked' in page
    assert "Probe Prison" not in page
    assert "Add a facility: type part of its name" in page
    assert 'name="facilities_name"' in page


def test_with_few_facilities_each_is_a_box(client, world, draft, ngo_admin):
    page = text(login(client, ngo_admin).get(url("application_edit", draft.pk)))
    assert f'name="facilities" value="{world.facility.pk}"' in page
    assert f'name="facilities" value="{world.other_facility.pk}"' in page
    assert 'name="facilities_name"' not in page


def test_a_facility_typed_by_name_is_added_without_javascript(
    client, world, framework, ngo_admin, many_facilities
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    response = login(client, ngo_admin).post(
        url("application_edit", application.pk),
        edit_form(world, facilities_name="probe prison 07"),
    )
    assert response.status_code == 302
    assert {f.name for f in application.facilities.all()} == {
        "Central Penitentiary",
        "Probe Prison 07",
    }


def test_a_name_matching_several_facilities_offers_them_to_tick(
    client, world, framework, ngo_admin, many_facilities
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    response = login(client, ngo_admin).post(
        url("application_edit", application.pk),
        edit_form(world, facilities_name="prison 1", summary="Typed and kept."),
    )
    assert response.status_code == 200
    page = text(response)
    assert "Several facilities match “prison 1”: tick the ones you mean below." in page
    assert "Typed and kept." in page
    offered = re.findall(r'name="facilities" value="\d+"> (Probe Prison \d+)', page)
    assert offered == [
        "Probe Prison 01",
        *(f"Probe Prison {n}" for n in range(10, 20)),
        "Probe Prison 21",
    ]
    assert f'name="facilities" value="{world.facility.pk}" checked' in page
    assert not application.facilities.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Nowhere", "No facility of this administration matches “Nowhere”."),
        ("probe", "More than 20 facilities match “probe”: type more of the name."),
    ],
)
def test_a_name_matching_none_or_too_many_is_kept_to_correct(
    client, world, framework, ngo_admin, many_facilities, typed, message
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    response = login(client, ngo_admin).post(
        url("application_edit", application.pk), edit_form(world, facilities_name=typed)
    )
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert f'name="facilities_name" value="{typed}"' in page


def test_facilities_are_suggested_to_whoever_edits_the_application(
    client, world, draft, ngo_admin, outsider, other_administration, many_facilities
):
    path = url("application_facility_choices", draft.pk)
    assert_login_redirect(client.get(path), path)
    login(client, ngo_admin)
    found = client.get(path, {"q": "prison 2"}).json()["results"]
    # Every word in the name: "2" is in 02, 12 and 20 to 24.
    assert [f["label"] for f in found] == [
        f"Probe Prison {n:02d}" for n in (2, 12, 20, 21, 22, 23, 24)
    ]
    assert client.get(path, {"q": "erbil"}).json()["results"] == []  # another administration's
    assert login(client, outsider).get(path).status_code == 404


# Evidence ---------------------------------------------------------------------------------------


def test_the_evidence_form_shows_the_criterion_and_its_scale(client, draft, ngo_admin):
    criterion = draft.framework.criteria.first()
    page = text(login(client, ngo_admin).get(url("evidence_edit", draft.pk, criterion.pk)))
    assert criterion.name in page
    assert "Level 4" in page
    assert "Ten years of literacy classes" in page


def test_evidence_is_saved_with_several_documents(client, world, framework, ngo_admin):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    criterion = framework.criteria.first()
    files = [
        SimpleUploadedFile("report.pdf", PDF_BYTES, content_type="application/pdf"),
        SimpleUploadedFile("statutes.pdf", PDF_BYTES, content_type="application/pdf"),
    ]
    response = login(client, ngo_admin).post(
        url("evidence_edit", application.pk, criterion.pk),
        {"text": "See our reports.", "documents": files},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#criterion-{criterion.pk}")
    evidence = application.evidence.get(criterion=criterion)
    assert evidence.text == "See our reports."
    assert sorted(d.original_name for d in evidence.documents.all()) == [
        "report.pdf",
        "statutes.pdf",
    ]
    assert AuditEntry.objects.filter(action="evidence.saved", actor=ngo_admin)


def test_a_document_is_taken_off(client, world, framework, ngo_admin):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    criterion = framework.criteria.first()
    document = DocumentFactory(organisation=world.organisation)
    EvidenceFactory(application=application, criterion=criterion, documents=[document])
    login(client, ngo_admin).post(
        url("evidence_edit", application.pk, criterion.pk),
        {"text": "Still here.", "remove": [document.pk]},
    )
    assert not application.evidence.get(criterion=criterion).documents.exists()


def test_a_file_that_is_not_a_document_is_refused_by_name_and_the_text_kept(
    client, world, framework, ngo_admin
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    criterion = framework.criteria.first()
    fake = SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>", "application/pdf")
    response = login(client, ngo_admin).post(
        url("evidence_edit", application.pk, criterion.pk),
        {"text": "Typed evidence.", "documents": [fake]},
    )
    assert response.status_code == 200
    page = text(response)
    assert "report.pdf: This file is not one of the accepted types" in page
    assert "a web page or other markup" in page
    assert "Typed evidence." in page
    assert not Document.objects.exists()
    assert not application.evidence.exists()


def test_evidence_for_a_criterion_of_other_rules_is_not_found(client, draft, ngo_admin):
    from tests.accreditation.factories import CriterionFactory

    foreign = CriterionFactory()
    response = login(client, ngo_admin).get(url("evidence_edit", draft.pk, foreign.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("ngo_member", 403), ("outsider", 404)])
def test_only_the_organisations_administrators_add_evidence(
    client, request, draft, persona, status
):
    user = request.getfixturevalue(persona)
    criterion = draft.framework.criteria.first()
    response = login(client, user).post(
        url("evidence_edit", draft.pk, criterion.pk), {"text": "Hijack"}
    )
    assert response.status_code == status
    assert not draft.evidence.filter(text="Hijack").exists()


# Submission and withdrawal ----------------------------------------------------------------------


def test_the_administrator_submits_a_complete_application(client, draft, ngo_admin):
    response = login(client, ngo_admin).post(url("application_submit", draft.pk), follow=True)
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert "The application was submitted" in text(response)
    assert AuditEntry.objects.filter(action="application.submitted", actor=ngo_admin)
    assert Clearance.objects.filter(person__organisation=draft.organisation).exists()


def test_an_incomplete_application_is_not_submitted_and_says_what_is_missing(
    client, world, framework, ngo_admin
):
    application = ApplicationFactory(organisation=world.organisation, framework=framework)
    response = login(client, ngo_admin).post(url("application_submit", application.pk), follow=True)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert "The application is not complete yet" in text(response)
    assert "Choose at least one target facility." in text(response)


def test_submission_needs_post(client, draft, ngo_admin):
    assert login(client, ngo_admin).get(url("application_submit", draft.pk)).status_code == 405


@pytest.mark.parametrize(
    ("persona", "status"), [("ngo_member", 403), ("director", 404), ("outsider", 404)]
)
def test_only_the_organisations_administrators_submit(client, request, draft, persona, status):
    user = request.getfixturevalue(persona)
    assert login(client, user).post(url("application_submit", draft.pk)).status_code == status
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_the_administrator_withdraws_the_application(client, draft, ngo_admin):
    login(client, ngo_admin).post(url("application_withdraw", draft.pk))
    draft.refresh_from_db()
    assert draft.status == Application.Status.WITHDRAWN
    assert AuditEntry.objects.filter(action="application.withdrawn", actor=ngo_admin)


def test_a_decided_application_cannot_be_withdrawn_and_says_why(
    client, world, framework, ngo_admin
):
    decision = DecisionFactory(application__organisation=world.organisation)
    response = login(client, ngo_admin).post(
        url("application_withdraw", decision.application_id), follow=True
    )
    assert "cannot change from “Decided” to “Withdrawn”" in text(response)


def test_a_member_cannot_withdraw(client, draft, ngo_member):
    assert login(client, ngo_member).post(url("application_withdraw", draft.pk)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
