"""The gate's pages: who may open them (allowed, forbidden, anonymous, another facility, another
day, another administration), what they show, and that each makes the same number of queries
for one row as for fifty."""

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse

from directory.models import Role
from directory.services import membership_grant
from tests.conftest import login
from tests.factories import staff
from tests.support.pages import assert_login_redirect, count_queries, text
from visits.models import (
    Acknowledgement,
    Briefing,
    Category,
    SearchLevel,
    Visit,
    Visitor,
    local_datetime,
)
from visits.services import gate

from .gate_world import (
    checked_in,
    gate_day,
    make_ready,
    more_people,
    npm_with_member,
    url,
    visit_on,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(monkeypatch, world, setting, director):
    return gate_day(monkeypatch, world, setting, director)


@pytest.fixture
def other_gate_officer(world):
    """The gate officer of the administration's other facility."""
    return staff("gina", Role.GATE_OFFICER, world.other_facility)


# The manifest ------------------------------------------------------------------------------------


def test_the_gate_officer_reads_todays_manifest_with_identity_data(
    client, day, world, gate_officer
):
    checked_in(day, gate_officer)
    tomorrow = visit_on(
        world,
        gate_officer,
        day.visit.day + timedelta(days=1),
        [world.other_organisation.people.get()],
        organisation=world.other_organisation,
        agreement=day.visit.agreement,
    )

    page = text(login(client, gate_officer).get(url("gate_manifest", world.facility.pk)))

    john = day.visitor.person
    assert "Inside now: 1 person" in page
    assert john.document_number in page and john.nationality in page
    assert "Inside since 12:00" in page
    assert "MOU-1" in page and "Education wing" in page
    assert "10:00–16:00" in page  # the visit's hours by the facility's clock
    assert f'<a href="{url("gate_visitor", day.visitor.pk)}">{john.full_name}</a>' in page
    assert "Lucía Lawyer" not in page  # expected tomorrow, not today
    assert tomorrow.visitors.exists()


def test_the_manifest_shows_what_keeps_a_person_out(client, day, world, gate_officer):
    page = text(login(client, gate_officer).get(url("gate_manifest", world.facility.pk)))

    assert "has not had the facility's security and emergency briefing" in page
    assert "has not acknowledged version 1" in page
    assert re.search(r"<td>Expected\s*</td>", page)
    person = day.visitor.person
    assert f"<td>{person.get_document_type_display()} {person.document_number}</td>" in page
    assert f"<td>{day.visitor.get_category_display()}</td>" in page


def test_the_menu_leads_the_gate_officer_to_the_manifest(client, day, world, gate_officer):
    login(client, gate_officer)
    assert f'href="{url("gate")}"' in text(client.get(reverse("dashboard")))
    response = client.get(url("gate"))
    assert response.status_code == 302
    assert response["Location"] == url("gate_manifest", world.facility.pk)


def test_a_gate_officer_of_two_facilities_chooses_the_manifest(client, day, world):
    both = staff("gus", Role.GATE_OFFICER, world.facility)
    membership_grant(actor=None, user=both, role=Role.GATE_OFFICER, scope=world.other_facility)

    page = text(login(client, both).get(url("gate")))

    assert url("gate_manifest", world.facility.pk) in page
    assert url("gate_manifest", world.other_facility.pk) in page
    assert client.get(url("gate_manifest", world.other_facility.pk)).status_code == 200


def test_the_gate_menu_is_for_gate_officers(client, day, director):
    assert login(client, director).get(url("gate")).status_code == 403


def test_another_facilitys_gate_officer_does_not_find_the_manifest(
    client, day, world, other_gate_officer, ngo_member, other_director
):
    path = url("gate_manifest", world.facility.pk)
    for user in (other_gate_officer, ngo_member, other_director):
        assert login(client, user).get(path).status_code == 404
        assert (
            login(client, user).get(url("gate_manifest_print", world.facility.pk)).status_code
            == 404
        )


def test_staff_who_do_not_work_the_gate_are_refused_the_manifest(
    client, day, world, director, facility_officer
):
    for user in (director, facility_officer):
        response = login(client, user).get(url("gate_manifest", world.facility.pk))
        assert response.status_code == 403
        assert "Only the facility's gate officers" in text(response)


def test_anonymous_visitors_are_sent_to_log_in(client, day, world):
    for path in (
        url("gate"),
        url("gate_manifest", world.facility.pk),
        url("gate_manifest_print", world.facility.pk),
        url("gate_visitor", day.visitor.pk),
        url("gate_pass", day.visitor.pk),
        url("gate_incident", day.visit.pk),
        url("gate_package", day.visit.pk),
        url("gate_searches"),
        url("protocol_acknowledge", world.facility.pk),
    ):
        assert_login_redirect(client.get(path), path)
    for path in (url("gate_check_in", day.visitor.pk), url("gate_briefing", day.visitor.pk)):
        assert_login_redirect(client.post(path), path)


def test_the_printed_manifest_needs_no_script_and_has_room_for_paper_times(
    client, day, world, gate_officer
):
    page = text(login(client, gate_officer).get(url("gate_manifest_print", world.facility.pk)))

    assert "<script" not in page
    assert "John Representative" in page and day.visitor.person.document_number in page
    assert 'class="write-in"' in page


def test_the_manifest_makes_the_same_queries_for_one_visit_and_fifty(
    client, day, world, setting, director, gate_officer
):
    checked_in(day, gate_officer)
    login(client, gate_officer)
    paths = [url("gate_manifest", world.facility.pk), url("gate_manifest_print", world.facility.pk)]
    for path in paths:
        client.get(path)
    one = [count_queries(client, path) for path in paths]
    people = more_people(world, setting, 49)
    for n, person in enumerate(people):
        visit = visit_on(world, director, day.visit.day, [person], agreement=setting.agreement)
        visit.areas.set([setting.wing])
        if n % 2:
            visitor = visit.visitors.get()
            make_ready(visitor, day.protocol, gate_officer)
            gate.visitor_check_in(actor=gate_officer, visitor=visitor, identity_confirmed=True)

    assert [count_queries(client, path) for path in paths] == one
    page = text(client.get(paths[0]))
    assert "Person 48" in page and "Inside now: 25 people" in page


# Another day, another facility, identity data --------------------------------------------------


def test_the_gate_does_not_find_another_days_visit(
    client, day, world, setting, director, gate_officer
):
    tomorrow = visit_on(
        world,
        director,
        day.visit.day + timedelta(days=1),
        [setting.john],
        agreement=setting.agreement,
    )
    visitor = tomorrow.visitors.get()
    login(client, gate_officer)
    for path in (
        url("visit_detail", tomorrow.pk),
        url("gate_visitor", visitor.pk),
        url("gate_pass", visitor.pk),
        url("gate_incident", tomorrow.pk),
    ):
        assert client.get(path).status_code == 404
    assert client.post(url("gate_check_in", visitor.pk)).status_code == 404


def test_another_facilitys_gate_officer_does_not_find_the_person(
    client, day, other_gate_officer, other_director
):
    for user in (other_gate_officer, other_director):
        login(client, user)
        assert client.get(url("gate_visitor", day.visitor.pk)).status_code == 404
        assert client.post(url("gate_check_in", day.visitor.pk)).status_code == 404


def test_the_gate_sees_no_identity_data_of_people_not_expected_today(
    client, day, world, director, gate_officer
):
    lucia = world.other_organisation.people.get()
    undecided = visit_on(
        world,
        director,
        day.visit.day,
        [lucia],
        organisation=world.other_organisation,
        agreement=day.visit.agreement,
        status=Visit.Status.REQUESTED,
    )
    login(client, gate_officer)

    manifest = text(client.get(url("gate_manifest", world.facility.pk)))
    visit_page = text(client.get(url("visit_detail", undecided.pk)))

    assert "Lucía Lawyer" not in manifest
    assert lucia.document_number not in manifest
    assert "Lucía Lawyer" in visit_page  # the visit of the day is seen ...
    assert lucia.document_number not in visit_page  # ... but not the identity of its people


# One person at the gate ------------------------------------------------------------------------


def test_the_gate_officer_checks_a_person_in_once_briefed_and_prints_the_pass(
    client, day, gate_officer
):
    login(client, gate_officer)
    form = {"identity_confirmed": "on", "search_level": str(SearchLevel.SCREENING)}
    refused = client.post(url("gate_check_in", day.visitor.pk), form)
    assert refused.status_code == 200
    assert "has not had the facility's security and emergency briefing" in text(refused)

    client.post(url("gate_briefing", day.visitor.pk))
    client.post(url("gate_acknowledgement", day.visitor.pk))
    response = client.post(url("gate_check_in", day.visitor.pk), form)

    assert response.status_code == 302
    assert response["Location"] == url("gate_pass", day.visitor.pk)
    day.visitor.refresh_from_db()
    assert day.visitor.is_inside
    assert Briefing.objects.filter(person=day.visitor.person).exists()
    assert Acknowledgement.objects.filter(person=day.visitor.person).exists()


def test_the_check_in_page_asks_for_a_justification_above_the_default(client, day, gate_officer):
    make_ready(day.visitor, day.protocol, gate_officer)
    login(client, gate_officer)

    page = client.get(url("gate_visitor", day.visitor.pk))
    response = client.post(
        url("gate_check_in", day.visitor.pk),
        {"identity_confirmed": "on", "search_level": str(SearchLevel.FULL)},
    )

    assert "Metal detector and bag inspection" in text(page)  # the protocol's default
    person = day.visitor.person
    assert f"On file: {person.get_document_type_display()} {person.document_number}" in text(page)
    assert "write why a higher one is needed" in text(response)
    day.visitor.refresh_from_db()
    assert day.visitor.checked_in_at is None


def test_a_paper_check_out_is_entered_with_its_time_and_shown_as_entered_afterwards(
    client, day, world, gate_officer
):
    checked_in(day, gate_officer, at=local_datetime(world.facility, day.visit.day, time(10, 0)))
    login(client, gate_officer)

    response = client.post(url("gate_check_out", day.visitor.pk), {"at": "11:50"})

    assert response.status_code == 302
    day.visitor.refresh_from_db()
    assert day.visitor.checked_out_at == local_datetime(world.facility, day.visit.day, time(11, 50))
    assert day.visitor.checked_out_late
    page = text(client.get(url("gate_manifest", world.facility.pk)))
    assert "left at 11:50" in page and "entered afterwards" in page


def test_the_gate_page_offers_no_refusal_for_a_monitoring_visit(
    client, day, world, director, gate_officer
):
    npm, nadia = npm_with_member(world, director)
    visit = visit_on(
        world,
        director,
        day.visit.day,
        [nadia],
        organisation=npm,
        monitoring=True,
        status=Visit.Status.NOTIFIED,
        category=Category.MONITOR,
    )
    visitor = visit.visitors.get()
    login(client, gate_officer)

    page = text(client.get(url("gate_visitor", visitor.pk)))
    client.post(url("gate_refuse", visitor.pk), {"note": "Not today."})

    assert "only a delay may be recorded" in page
    assert url("gate_refuse", visitor.pk) not in page
    visitor.refresh_from_db()
    assert visitor.outcome == ""


def test_staff_other_than_the_gate_are_refused_the_gate_pages(
    client, day, director, facility_officer, ngo_member
):
    for user in (director, facility_officer, ngo_member):
        login(client, user)
        assert client.get(url("gate_visitor", day.visitor.pk)).status_code == 403
        assert client.get(url("gate_pass", day.visitor.pk)).status_code == 403
        assert client.get(url("gate_incident", day.visit.pk)).status_code == 403
        assert client.post(url("gate_check_in", day.visitor.pk)).status_code == 403


def test_the_visits_officer_records_a_briefing_from_the_visit_page(
    client, day, facility_officer, ngo_member
):
    login(client, facility_officer)
    page = text(client.get(url("visit_detail", day.visit.pk)))
    assert url("gate_briefing", day.visitor.pk) in page

    response = client.post(url("gate_briefing", day.visitor.pk))

    assert response["Location"] == url("visit_detail", day.visit.pk)
    assert Briefing.objects.get().given_by == facility_officer
    assert url("gate_briefing", day.visitor.pk) not in text(
        client.get(url("visit_detail", day.visit.pk))
    )
    assert login(client, ngo_member).post(url("gate_briefing", day.visitor.pk)).status_code == 403


def test_the_person_page_makes_the_same_queries_for_one_person_on_the_visit_and_fifty(
    client, day, world, setting, gate_officer
):
    login(client, gate_officer)
    paths = [url("gate_visitor", day.visitor.pk), url("visit_detail", day.visit.pk)]
    for path in paths:
        client.get(path)
    one = [count_queries(client, path) for path in paths]
    for n, person in enumerate(more_people(world, setting, 49)):
        visitor = Visitor.objects.create(
            visit=day.visit,
            person=person,
            category=Category.ORGANISATION,
            pass_code=Visitor.new_pass_code(),
        )
        if n % 2:
            make_ready(visitor, day.protocol, gate_officer)

    assert [count_queries(client, path) for path in paths] == one
    assert "Person 48" in text(client.get(paths[1]))
