"""Need-to-know in accreditation: a draft is the organisation's until it is submitted, and one
administration sees nothing of another's process."""

import pytest
from django.urls import reverse

from accreditation.models import Application
from accreditation.services import applications, clearances
from tests.accreditation.factories import submitted
from tests.accreditation.pages import suggested, url
from tests.conftest import login

pytestmark = pytest.mark.django_db


# Drafts belong to the organisation --------------------------------------------------------------


def test_a_draft_is_invisible_to_the_administration(client, draft, director, coordinator):
    for user in (director, coordinator):
        login(client, user)
        assert client.get(url("application_detail", draft.pk)).status_code == 404
        listing = client.get(url("application_list")).content.decode()
        assert url("application_detail", draft.pk) not in listing


def test_the_draft_documents_stay_with_the_organisation(client, draft, director, ngo_admin):
    from tests.accreditation.factories import DocumentFactory

    document = DocumentFactory(organisation=draft.organisation)
    draft.evidence.first().documents.add(document)
    assert login(client, director).get(document.get_absolute_url()).status_code == 404
    assert login(client, ngo_admin).get(document.get_absolute_url()).status_code == 200


def test_the_administration_sees_it_once_submitted(client, draft, director, ngo_admin):
    submitted(draft, by=ngo_admin)
    assert login(client, director).get(url("application_detail", draft.pk)).status_code == 200


def test_withdrawn_before_submission_stays_the_organisation_s(client, draft, director, ngo_admin):
    applications.application_withdraw(actor=ngo_admin, application=draft)
    assert login(client, director).get(url("application_detail", draft.pk)).status_code == 404
    assert login(client, ngo_admin).get(url("application_detail", draft.pk)).status_code == 200


def test_withdrawn_after_submission_stays_visible(client, draft, director, ngo_admin):
    submitted(draft, by=ngo_admin)
    applications.application_withdraw(actor=ngo_admin, application=draft)
    draft.refresh_from_db()
    assert draft.status == Application.Status.WITHDRAWN
    assert login(client, director).get(url("application_detail", draft.pk)).status_code == 200


def test_drafts_are_not_counted_on_the_director_dashboard(client, draft, director):
    from accreditation.selectors import director_queue

    queue = director_queue(director)
    assert queue.to_assign == 0
    assert queue.returned == 0


# Identity data of people ------------------------------------------------------------------------


def person_page(client, user, person):
    from tests.support.pages import text

    response = login(client, user).get(reverse("directory:person_detail", args=[person.pk]))
    return response.status_code, text(response) if response.status_code == 200 else ""


@pytest.fixture
def vetted(world):
    """John, whose organisation asked the administration to vet him."""
    from tests.accreditation.factories import ClearanceFactory

    person = world.organisation.people.get()
    ClearanceFactory(person=person, administration=world.administration)
    return person


@pytest.mark.parametrize("persona", ["ngo_admin", "director", "coordinator"])
def test_identity_data_is_shown_to_the_organisation_and_the_vetting_staff(
    client, request, vetted, persona
):
    status, page = person_page(client, request.getfixturevalue(persona), vetted)
    assert status == 200
    assert vetted.document_number in page
    assert vetted.nationality in page


@pytest.mark.parametrize(
    "persona",
    ["ngo_member", "reviewer", "responsible_official", "facility_officer", "gate_officer"],
)
def test_identity_data_is_hidden_from_those_without_a_reason(client, request, vetted, persona):
    status, page = person_page(client, request.getfixturevalue(persona), vetted)
    if status == 200:
        assert vetted.full_name in page
    assert vetted.document_number not in page
    assert vetted.nationality not in page


def test_a_network_sees_its_member_s_people_without_their_identity_data(
    client, network, network_admin
):
    member_person = network.members.get().people.get()
    status, page = person_page(client, network_admin, member_person)
    assert status == 200
    assert member_person.full_name in page
    assert member_person.document_number not in page


def test_staff_of_an_administration_that_does_not_vet_the_person_see_no_identity_data(
    client, vetted, other_director
):
    _status, page = person_page(client, other_director, vetted)
    assert vetted.document_number not in page


# Two administrations in one deployment ----------------------------------------------------------


def test_another_administration_cannot_open_the_application_or_its_documents(
    client, sent, other_director, other_coordinator
):
    from tests.accreditation.factories import DocumentFactory

    document = DocumentFactory(organisation=sent.organisation)
    sent.evidence.first().documents.add(document)
    for user in (other_director, other_coordinator):
        login(client, user)
        assert client.get(url("application_detail", sent.pk)).status_code == 404
        assert (
            url("application_detail", sent.pk)
            not in client.get(url("application_list")).content.decode()
        )
        assert client.get(document.get_absolute_url()).status_code == 404


def test_vetting_is_per_administration(client, world, sent, director, other_director):
    """Submitting asks the administration applied to, and only it, to vet the people named."""
    from accreditation.models import Clearance

    person = sent.people.first() or world.organisation.people.get()
    pending = Clearance.objects.filter(status=Clearance.Status.PENDING)
    assert set(pending.values_list("administration", flat=True)) <= {world.administration.pk}
    listing = login(client, other_director).get(url("clearance_list")).content.decode()
    assert person.full_name not in listing
    for clearance in pending:
        response = client.get(url("clearance_decide", clearance.pk))
        assert response.status_code == 404


def test_a_clearance_with_one_administration_does_not_clear_for_another(
    world, other_administration
):
    from accreditation import selectors
    from tests.accreditation.factories import ClearanceFactory

    person = world.organisation.people.get()
    ClearanceFactory(person=person, administration=world.administration, cleared=True)
    assert list(selectors.cleared_people(world.administration)) == [person]
    assert list(selectors.cleared_people(other_administration)) == []


def test_the_director_queue_counts_only_its_own_administration(sent, director, other_director):
    from accreditation.selectors import director_queue

    assert director_queue(director).to_assign == 1
    assert director_queue(other_director).to_assign == 0
    assert director_queue(other_director).pending_clearances == 0


def test_a_facility_officer_s_filters_suggest_only_their_own_facility(
    client, world, facility_officer
):
    login(client, facility_officer)
    assert suggested(client, "application_choices", "facility") == ["Central Penitentiary"]
    assert "Women's Centre" not in suggested(client, "accreditation_choices", "facility")


def test_the_audit_trail_of_vetting_belongs_to_the_administration_that_vets(
    world, ngo_admin, director, other_director
):
    from activity.models import AuditEntry

    person = world.organisation.people.get()
    clearances.clearance_request(
        actor=ngo_admin, person=person, administration=world.administration
    )
    entry = AuditEntry.objects.get(action="clearance.requested")
    assert entry.administration_id == world.administration.pk


# Every count on the dashboard is a link ---------------------------------------------------------


def test_the_ready_count_links_to_exactly_the_applications_ready_for_a_decision(
    client, world, framework, ngo_admin, director, reviewer
):
    import re

    from tests.accreditation.factories import (
        ApplicationFactory,
        ReviewAssignmentFactory,
    )
    from tests.support.pages import text

    ready = ApplicationFactory(
        organisation=world.organisation,
        framework=framework,
        status=Application.Status.UNDER_REVIEW,
    )
    waiting = ApplicationFactory(
        organisation=world.other_organisation,
        framework=framework,
        status=Application.Status.UNDER_REVIEW,
    )
    for _ in range(2):
        ReviewAssignmentFactory(application=ready, status="submitted")
    ReviewAssignmentFactory(application=waiting, status="submitted")
    ReviewAssignmentFactory(application=waiting, status="scoring")

    dashboard = text(login(client, director).get("/"))
    assert "1 application ready for a decision" in dashboard
    link = re.search(r'href="([^"]+)">1 application ready for a decision', dashboard)
    assert link is not None
    listing = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert url("application_detail", ready.pk) in listing
    assert url("application_detail", waiting.pk) not in listing
    conditions = reverse("accreditation:condition_list") + "?overdue=on"
    for counted in ("appeal_to_decide=on", conditions, "status=submitted", "status=pending"):
        assert counted in dashboard


def test_a_notification_on_the_dashboard_opens_its_object(client, world, director):
    from activity.models import Notification

    note = Notification.objects.create(
        recipient=director, subject="Ready for a decision", url="/accreditation/applications/"
    )
    page = login(client, director).get("/").content.decode()
    assert reverse("activity:notification_read", args=[note.pk]) in page
    response = client.post(reverse("activity:notification_read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/accreditation/applications/"
