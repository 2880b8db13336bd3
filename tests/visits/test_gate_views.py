"""The gate's pages: who may open them (allowed, forbidden, anonymous, another facility, another
day, another administration), what they show, and that each makes the same number of queries
for one row as for fifty."""

import re
from datetime import time, timedelta

import pytest
import segno
from django.urls import reverse

from activity.models import AuditEntry
from directory.models import Role
from tests.accreditation.factories import ClearanceFactory
from tests.conftest import login
from tests.factories import AreaFactory, PersonFactory, staff
from tests.support.pages import assert_login_redirect, count_queries, text
from visits.models import (
    Acknowledgement,
    Briefing,
    Category,
    Package,
    SearchLevel,
    Visit,
    Visitor,
    local_datetime,
)
from visits.services import gate

from .gate_world import gate_day, make_ready, npm_with_member, publish_protocol, visit_on

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"visits:{name}", args=args)


@pytest.fixture
def day(monkeypatch, world, setting, director):
    return gate_day(monkeypatch, world, setting, director)


@pytest.fixture
def other_gate_officer(world):
    """The gate officer of the administration's other facility."""
    return staff("gina", Role.GATE_OFFICER, world.other_facility)


def checked_in(day, gate_officer, **changes):
    make_ready(day.visitor, day.protocol, gate_officer)
    arguments = {"actor": gate_officer, "visitor": day.visitor, "identity_confirmed": True}
    return gate.visitor_check_in(**(arguments | changes))


def more_people(world, setting, count: int, prefix: str = "Person"):
    people = []
    for n in range(count):
        person = PersonFactory.create(
            organisation=world.organisation, full_name=f"{prefix} {n:02d}"
        )
        ClearanceFactory(person=person, administration=world.administration, cleared=True)
        people.append(person)
    return people


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
    assert "Lucía Lawyer" not in page  # expected tomorrow, not today
    assert tomorrow.visitors.exists()


def test_the_manifest_shows_what_keeps_a_person_out(client, day, world, gate_officer):
    page = text(login(client, gate_officer).get(url("gate_manifest", world.facility.pk)))

    assert "has not had the facility's security and emergency briefing" in page
    assert "has not acknowledged version 1" in page


def test_the_menu_leads_the_gate_officer_to_the_manifest(client, day, world, gate_officer):
    login(client, gate_officer)
    assert f'href="{url("gate")}"' in text(client.get(reverse("dashboard")))
    response = client.get(url("gate"))
    assert response.status_code == 302
    assert response["Location"] == url("gate_manifest", world.facility.pk)


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


# The pass ---------------------------------------------------------------------------------------


def svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules (row, column) that segno's SVG path draws: ``M`` moves to a point,
    ``m`` moves by an offset, ``h`` draws a horizontal run of modules on the current row."""
    path = re.search(r'<path[^>]* d="([^"]+)"', svg)
    assert path, "no QR path in the SVG"
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.group(1)):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            run = int(float(first))
            dark.update((int(y), int(x) + i) for i in range(run))
            x += run
    return dark


def test_the_pass_shows_the_code_and_a_qr_code_of_it_drawn_here(client, day, gate_officer):
    visitor = checked_in(day, gate_officer)
    login(client, gate_officer)

    page = text(client.get(url("gate_pass", visitor.pk)))

    assert f'class="pass-code-text">{visitor.pass_code}<' in page
    assert "John Representative" in page and "Central Penitentiary" in page
    assert "10:00–16:00" in page and "Education wing" in page and "MOU-1" in page
    svg = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg, "no inline SVG on the pass"
    assert "http" not in svg.group(0).replace('xmlns="http://www.w3.org/2000/svg"', "")
    expected = segno.make_qr(visitor.pass_code, error="m")
    border = 4
    assert {(r - border, c - border) for r, c in svg_modules(svg.group(0))} == {
        (r, c) for r, row in enumerate(expected.matrix) for c, module in enumerate(row) if module
    }


def test_no_pass_before_check_in(client, day, gate_officer):
    response = login(client, gate_officer).get(url("gate_pass", day.visitor.pk))
    assert response["Location"] == url("gate_visitor", day.visitor.pk)


def test_the_pass_makes_the_same_queries_for_one_area_and_fifty(client, day, world, gate_officer):
    visitor = checked_in(day, gate_officer)
    path = url("gate_pass", visitor.pk)
    login(client, gate_officer)
    client.get(path)
    one = count_queries(client, path)
    day.visit.areas.add(
        *[AreaFactory(facility=world.facility, name=f"Area {n:02d}") for n in range(49)]
    )
    assert count_queries(client, path) == one


# Incidents and packages --------------------------------------------------------------------------


def test_the_gate_records_an_incident_and_a_package_shown_on_the_visit_page(
    client, day, gate_officer
):
    login(client, gate_officer)
    client.post(
        url("gate_incident", day.visit.pk),
        {"at": "11:15", "description": "Fire alarm drill.", "entered_late": "on"},
    )
    client.post(
        url("gate_package", day.visit.pk),
        {
            "brought_by": day.visitor.pk,
            "description": "Box of exercise books",
            "result": Package.Result.ADMITTED,
        },
    )

    page = text(client.get(url("visit_detail", day.visit.pk)))

    assert "11:15" in page and "Fire alarm drill." in page and "entered afterwards" in page
    assert "Box of exercise books" in page and "Admitted" in page
    assert AuditEntry.objects.filter(action="incident.recorded").count() == 1


def test_the_package_form_makes_the_same_queries_for_one_person_and_fifty(
    client, day, world, setting, gate_officer
):
    login(client, gate_officer)
    paths = [url("gate_package", day.visit.pk), url("gate_incident", day.visit.pk)]
    for path in paths:
        client.get(path)
    one = [count_queries(client, path) for path in paths]
    for person in more_people(world, setting, 49):
        Visitor.objects.create(
            visit=day.visit,
            person=person,
            category=Category.ORGANISATION,
            pass_code=Visitor.new_pass_code(),
        )
    assert [count_queries(client, path) for path in paths] == one


# The searches above the protocol -------------------------------------------------------------


def test_directors_and_coordinators_read_the_searches_above_the_protocol(
    client, day, gate_officer, director, coordinator, other_director, facility_officer
):
    checked_in(
        day,
        gate_officer,
        search_level=SearchLevel.PAT_DOWN,
        search_justification="Metal detector out of order.",
    )
    path = url("gate_searches")

    for user in (director, coordinator):
        page = text(login(client, user).get(path))
        assert "Metal detector out of order." in page and "John Representative" in page
    assert "John Representative" not in text(login(client, other_director).get(path))
    for user in (gate_officer, facility_officer):
        assert login(client, user).get(path).status_code == 403


def test_the_searches_filter_by_facility_and_page(
    client, day, world, setting, director, gate_officer
):
    checked_in(day, gate_officer, search_level=SearchLevel.FULL, search_justification="Reason 0")
    login(client, director)
    path = url("gate_searches")
    client.get(path)
    one = count_queries(client, path)
    for n, person in enumerate(more_people(world, setting, 50)):
        visitor = Visitor.objects.create(
            visit=day.visit,
            person=person,
            category=Category.ORGANISATION,
            pass_code=Visitor.new_pass_code(),
        )
        make_ready(visitor, day.protocol, gate_officer)
        gate.visitor_check_in(
            actor=gate_officer,
            visitor=visitor,
            identity_confirmed=True,
            search_level=SearchLevel.PAT_DOWN,
            search_justification=f"Reason {n + 1}",
        )

    assert count_queries(client, path) == one
    first = text(client.get(path))
    assert "after=" in first  # 51 searches: a second page
    elsewhere = text(client.get(path, {"facility": world.other_facility.pk}))
    assert "John Representative" not in elsewhere
    assert "No search above the protocol matches." in elsewhere


# The protocol, read and acknowledged -------------------------------------------------------------


def test_a_person_reads_the_protocol_in_their_language_and_acknowledges_it(
    client, day, world, ngo_member
):
    day.protocol.summary_es = "Cada visitante pasa por el detector de metales."
    day.protocol.save()
    john = day.visitor.person
    john.user = ngo_member
    john.save()
    login(client, ngo_member)
    path = url("protocol_acknowledge", world.facility.pk)

    page = text(client.get(path, HTTP_ACCEPT_LANGUAGE="es"))
    response = client.post(path)

    assert "Cada visitante pasa por el detector de metales." in page
    assert response.status_code == 302
    acknowledgement = Acknowledgement.objects.get()
    assert (acknowledgement.person, acknowledgement.recorded_by) == (john, ngo_member)
    assert acknowledgement.protocol == day.protocol
    assert "You have acknowledged version 1." in text(client.get(path))


def test_only_a_named_person_acknowledges_the_protocol(client, day, world, director):
    path = url("protocol_acknowledge", world.facility.pk)
    login(client, director)
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 403
    assert not Acknowledgement.objects.exists()


def test_a_facility_without_a_protocol_in_force_has_no_protocol_page(
    client, day, world, ngo_member
):
    login(client, ngo_member)
    assert client.get(url("protocol_acknowledge", world.other_facility.pk)).status_code == 404


def test_the_protocol_page_makes_the_same_queries_for_one_measure_and_four(
    client, day, world, director, ngo_member
):
    lone = publish_protocol(world.other_facility, director)
    lone.measures.exclude(level=SearchLevel.IDENTITY).delete()
    login(client, ngo_member)
    client.get(url("protocol_acknowledge", world.other_facility.pk))
    one = count_queries(client, url("protocol_acknowledge", world.other_facility.pk))
    assert count_queries(client, url("protocol_acknowledge", world.facility.pk)) == one
