"""Vetting people: the queue and the decision for directors and coordinators, the request and
the history for the person's organisation."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.models import Clearance
from activity.models import AuditEntry, Reminder
from directory.models import Person
from tests.accreditation.factories import ClearanceFactory
from tests.conftest import login
from tests.factories import PersonFactory
from tests.support.pages import assert_login_redirect, count_queries, text

pytestmark = pytest.mark.django_db

QUEUE = reverse("accreditation:clearance_list")


def decide_url(clearance: Clearance) -> str:
    return reverse("accreditation:clearance_decide", args=[clearance.pk])


def person_url(person: Person) -> str:
    return reverse("accreditation:clearance_request", args=[person.pk])


def john(world) -> Person:
    return world.organisation.people.get()


def lucia(world) -> Person:
    return world.other_organisation.people.get()


@pytest.fixture
def pending(world) -> Clearance:
    return ClearanceFactory.create(person=john(world))


# Anonymous --------------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in_and_changes_nothing(client, world, pending):
    for path in (QUEUE, decide_url(pending), person_url(john(world))):
        assert_login_redirect(client.get(path), path)
        assert_login_redirect(client.post(path, {"decision": "clear"}), path)
    pending.refresh_from_db()
    assert pending.status == Clearance.Status.PENDING
    assert Clearance.objects.count() == 1


# The queue --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["director", "coordinator"])
def test_the_queue_opens_on_pending_requests_oldest_first_with_a_decide_link(
    client, request, world, persona
):
    now = timezone.now()
    newer = ClearanceFactory(person=john(world), requested_at=now - timedelta(days=1))
    older = ClearanceFactory(person=lucia(world), requested_at=now - timedelta(days=5))
    ClearanceFactory(person=PersonFactory(full_name="Already Cleared"), cleared=True)
    response = login(client, request.getfixturevalue(persona)).get(QUEUE)
    assert response.status_code == 200
    assert response.context["page"].items == [older, newer]
    page = text(response)
    assert "Already Cleared" not in page
    assert decide_url(older) in page and decide_url(newer) in page


def test_the_queue_filters_by_status_and_organisation(client, world, director):
    ClearanceFactory(person=john(world), cleared=True)
    ClearanceFactory(person=lucia(world), cleared=True)
    ClearanceFactory(person=PersonFactory(full_name="Refused Rick"), refused=True)
    today = timezone.localdate()
    ClearanceFactory(
        person=PersonFactory(full_name="Expired Eve"),
        cleared=True,
        valid_from=today - timedelta(days=400),
        valid_until=today - timedelta(days=1),
    )
    login(client, director)
    cleared = text(client.get(QUEUE, {"status": "cleared"}))
    assert "John Representative" in cleared and "Lucía Lawyer" in cleared
    assert "Expired Eve" not in cleared and "Refused Rick" not in cleared
    assert "Expired Eve" in text(client.get(QUEUE, {"status": "expired"}))
    assert "Refused Rick" in text(client.get(QUEUE, {"status": "refused"}))
    one_org = text(client.get(QUEUE, {"status": "cleared", "organisation": world.organisation.pk}))
    assert "John Representative" in one_org
    assert "Lucía Lawyer" not in one_org


def test_an_organisation_sees_only_its_own_people_and_no_decide_links(
    client, world, ngo_admin, pending
):
    other = ClearanceFactory(person=lucia(world))
    response = login(client, ngo_admin).get(QUEUE)
    assert response.status_code == 200
    page = text(response)
    assert "John Representative" in page
    assert "Lucía Lawyer" not in page
    assert decide_url(pending) not in page
    assert decide_url(other) not in page


def test_facility_staff_see_an_empty_queue(client, world, facility_officer, pending):
    page = text(login(client, facility_officer).get(QUEUE))
    assert "John Representative" not in page
    assert "No request is waiting for a decision." in page


def test_queue_makes_the_same_queries_for_one_row_and_fifty(client, world, director):
    login(client, director)
    ClearanceFactory(person=PersonFactory(organisation=world.organisation))
    client.get(QUEUE)
    one = count_queries(client, QUEUE)
    for _ in range(49):
        ClearanceFactory(person=PersonFactory(organisation=world.organisation))
    fifty = count_queries(client, QUEUE)
    assert len(client.get(QUEUE).context["page"].items) == 50
    assert fifty == one


def test_decided_list_makes_the_same_queries_for_one_row_and_fifty(client, world, director):
    login(client, director)
    path = f"{QUEUE}?status=cleared"
    ClearanceFactory(person=PersonFactory(organisation=world.organisation), cleared=True)
    client.get(path)
    one = count_queries(client, path)
    for _ in range(49):
        ClearanceFactory(person=PersonFactory(organisation=world.organisation), cleared=True)
    assert count_queries(client, path) == one


# Deciding ---------------------------------------------------------------------------------------


def test_director_clears_a_person_until_a_date(client, world, director, ngo_admin, pending):
    until = timezone.localdate() + timedelta(days=200)
    login(client, director)
    assert client.get(decide_url(pending)).status_code == 200
    response = client.post(
        decide_url(pending), {"decision": "clear", "valid_until": until.isoformat(), "reason": ""}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Clearance.Status.CLEARED
    assert pending.valid_until == until
    assert pending.decided_by == director
    assert AuditEntry.objects.filter(action="clearance.cleared", actor=director).exists()
    expiring = Reminder.objects.filter(kind="accreditation.clearance_expiring", recipient=ngo_admin)
    assert expiring.count() == 3


def test_coordinator_refuses_with_a_reason(client, world, coordinator, pending):
    response = login(client, coordinator).post(
        decide_url(pending), {"decision": "refuse", "reason": "Identity not confirmed."}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Clearance.Status.REFUSED
    assert pending.reason == "Identity not confirmed."
    assert AuditEntry.objects.filter(action="clearance.refused", actor=coordinator).exists()


def test_a_refusal_without_reason_is_refused_and_the_choice_is_kept(
    client, world, director, pending
):
    response = login(client, director).post(
        decide_url(pending), {"decision": "refuse", "reason": "  ", "valid_until": "2031-01-31"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "A refusal needs a reason." in page
    assert re.search(r'<input[^>]*value="refuse"[^>]*checked', page)
    assert 'value="2031-01-31"' in page
    pending.refresh_from_db()
    assert pending.status == Clearance.Status.PENDING


def test_clearing_until_a_past_date_shows_the_services_reason(client, world, director, pending):
    past = timezone.localdate() - timedelta(days=1)
    response = login(client, director).post(
        decide_url(pending), {"decision": "clear", "valid_until": past.isoformat()}
    )
    assert response.status_code == 200
    assert "A clearance needs an end date in the future." in text(response)
    pending.refresh_from_db()
    assert pending.status == Clearance.Status.PENDING


def test_a_decided_request_cannot_be_decided_again(client, world, director):
    refused = ClearanceFactory(person=john(world), refused=True)
    login(client, director)
    page = text(client.get(decide_url(refused)))
    assert "This request was already decided." in page
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(decide_url(refused), {"decision": "clear", "valid_until": until})
    assert response.status_code == 200
    assert "This request was already decided." in text(response)
    refused.refresh_from_db()
    assert refused.status == Clearance.Status.REFUSED


def test_the_persons_organisation_may_not_decide(client, world, ngo_admin, pending):
    response = login(client, ngo_admin).post(
        decide_url(pending), {"decision": "refuse", "reason": "self-serving"}
    )
    assert response.status_code == 403
    assert "Only the administration's directors and coordinators vet people." in text(response)
    pending.refresh_from_db()
    assert pending.status == Clearance.Status.PENDING


@pytest.mark.parametrize("persona", ["outsider", "facility_officer", "reviewer"])
def test_others_do_not_find_a_request(client, request, pending, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get(decide_url(pending)).status_code == 404
    assert (
        client.post(decide_url(pending), {"decision": "refuse", "reason": "x"}).status_code == 404
    )


def test_decide_page_makes_the_same_queries_for_one_past_request_and_fifty(client, world, director):
    person = john(world)
    ClearanceFactory(person=person, refused=True, decided_by=director)
    current = ClearanceFactory(person=person)
    login(client, director)
    client.get(decide_url(current))
    one = count_queries(client, decide_url(current))
    for _ in range(49):
        ClearanceFactory(person=person, refused=True, decided_by=director)
    assert count_queries(client, decide_url(current)) == one


# A person's clearance ---------------------------------------------------------------------------


def test_organisation_administrator_sees_the_history_and_asks_for_vetting(client, world, ngo_admin):
    person = john(world)
    ClearanceFactory(person=person, refused=True, reason="Document expired.")
    login(client, ngo_admin)
    page = text(client.get(person_url(person)))
    assert "Document expired." in page
    assert "Ask the administration to vet this person" in page
    response = client.post(
        person_url(person), {"administration": world.administration.pk}, follow=True
    )
    assert "is with the administration" in text(response)
    assert person.clearances.filter(status=Clearance.Status.PENDING).count() == 1
    assert AuditEntry.objects.filter(
        action="clearance.requested", actor=ngo_admin, object_id=str(person.pk)
    ).exists()


def test_asking_twice_keeps_one_pending_request(client, world, ngo_admin, pending):
    login(client, ngo_admin).post(
        person_url(john(world)), {"administration": world.administration.pk}
    )
    assert Clearance.objects.filter(person=john(world)).count() == 1


def test_asking_while_cleared_for_long_says_until_when(client, world, ngo_admin):
    cleared = ClearanceFactory(person=john(world), cleared=True)
    response = login(client, ngo_admin).post(
        person_url(john(world)), {"administration": world.administration.pk}, follow=True
    )
    assert "is cleared until" in text(response)
    assert list(Clearance.objects.filter(person=john(world))) == [cleared]


def test_organisation_member_reads_the_history_without_asking(client, world, ngo_member, pending):
    login(client, ngo_member)
    response = client.get(person_url(john(world)))
    assert response.status_code == 200
    assert "Pending" in text(response)
    assert "Ask the administration to vet this person" not in text(response)
    assert client.post(person_url(john(world))).status_code == 403


@pytest.mark.parametrize("persona", ["director", "coordinator"])
def test_administration_reads_the_history_and_links_to_the_decision(
    client, request, world, pending, persona
):
    user = request.getfixturevalue(persona)
    login(client, user)
    page = text(client.get(person_url(john(world))))
    assert decide_url(pending) in page
    assert "Ask the administration to vet this person" not in page
    assert client.post(person_url(john(world))).status_code == 403
    assert Clearance.objects.count() == 1


def test_a_reviewer_sees_the_person_but_not_their_vetting(client, world, reviewer, pending):
    response = login(client, reviewer).get(person_url(john(world)))
    assert response.status_code == 403


def test_another_organisation_does_not_find_the_person(client, world, outsider, pending):
    login(client, outsider)
    assert client.get(person_url(john(world))).status_code == 404
    assert client.post(person_url(john(world))).status_code == 404
    assert Clearance.objects.count() == 1


def test_person_page_makes_the_same_queries_for_one_request_and_fifty(client, world, director):
    person = john(world)
    ClearanceFactory(person=person, refused=True, decided_by=director)
    login(client, director)
    client.get(person_url(person))
    one = count_queries(client, person_url(person))
    for _ in range(49):
        ClearanceFactory(person=person, refused=True, decided_by=director)
    assert count_queries(client, person_url(person)) == one
