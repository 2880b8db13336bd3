"""The gate's other pages: the pass, incidents and packages, the director's searches and the
protocol a person reads and acknowledges — allowed, forbidden, anonymous (in test_gate_views),
what they show and the same queries for one row as for fifty."""

import re

import pytest
import segno
from django.urls import reverse
from django.utils.formats import date_format

from activity.models import AuditEntry
from tests.conftest import login
from tests.factories import AreaFactory
from tests.support.pages import count_queries, text
from visits.models import (
    Acknowledgement,
    Category,
    Package,
    SearchLevel,
    Visitor,
)
from visits.services import gate

from .gate_world import (
    checked_in,
    gate_day,
    make_ready,
    more_people,
    publish_protocol,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(monkeypatch, world, setting, director):
    return gate_day(monkeypatch, world, setting, director)


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


def test_a_search_is_dated_in_the_facilitys_hours(client, day, gate_officer, director):
    """Checked in at noon at the Central Penitentiary (UTC-6), not at 18:00."""
    checked_in(day, gate_officer, search_level=SearchLevel.FULL, search_justification="Reason")

    page = text(login(client, director).get(url("gate_searches")))

    assert f"{date_format(day.now)}, 12:00</a>" in page


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


def test_the_searches_facility_is_suggested_or_typed_not_listed(
    client, day, world, director, gate_officer
):
    """A director sees hundreds of facilities: the filter offers them as suggestions (the visits
    list's own) and takes a name typed, instead of drawing every facility into the page."""
    checked_in(day, gate_officer, search_level=SearchLevel.FULL, search_justification="Reason 0")
    login(client, director)
    path = url("gate_searches")

    page = text(client.get(path))
    assert "Women&#x27;s Centre" not in page and "Women's Centre" not in page
    assert reverse("visits:visit_choices", args=["facility"]) in page
    suggested = client.get(
        reverse("visits:visit_choices", args=["facility"]), {"q": "women"}
    ).json()
    assert [row["label"] for row in suggested["results"]] == ["Women's Centre"]
    assert "John Representative" in text(client.get(path, {"facility_name": "central"}))
    assert "John Representative" not in text(client.get(path, {"facility_name": "women"}))


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
    path = url("protocol_detail", world.facility.pk)

    page = text(client.get(path, HTTP_ACCEPT_LANGUAGE="es"))
    response = client.post(url("protocol_acknowledge", world.facility.pk))

    assert "Cada visitante pasa por el detector de metales." in page
    assert response.status_code == 302
    acknowledgement = Acknowledgement.objects.get()
    assert (acknowledgement.person, acknowledgement.recorded_by) == (john, ngo_member)
    assert acknowledgement.protocol == day.protocol
    assert "You have acknowledged version 1." in text(client.get(path))


def test_only_a_named_person_acknowledges_the_protocol(client, day, world, director):
    login(client, director)
    assert client.get(url("protocol_detail", world.facility.pk)).status_code == 200
    assert client.get(url("protocol_acknowledge", world.facility.pk)).status_code == 405
    assert client.post(url("protocol_acknowledge", world.facility.pk)).status_code == 403
    assert not Acknowledgement.objects.exists()


def test_a_facility_whose_mou_does_not_cover_it_has_no_protocol_for_the_member(
    client, day, world, ngo_member
):
    login(client, ngo_member)
    assert client.get(url("protocol_detail", world.other_facility.pk)).status_code == 404
    assert client.post(url("protocol_acknowledge", world.other_facility.pk)).status_code == 404


def test_the_protocol_page_makes_the_same_queries_for_one_measure_and_four(
    client, day, world, setting, director, ngo_member
):
    setting.agreement.facilities.add(world.other_facility)
    lone = publish_protocol(world.other_facility, director)
    lone.measures.exclude(level=SearchLevel.IDENTITY).delete()
    login(client, ngo_member)
    client.get(url("protocol_detail", world.other_facility.pk))
    one = count_queries(client, url("protocol_detail", world.other_facility.pk))
    assert count_queries(client, url("protocol_detail", world.facility.pk)) == one


# The audit trail ----------------------------------------------------------------------------------


def test_the_director_reads_the_gates_actions_in_words(client, day, gate_officer, director):
    checked_in(
        day,
        gate_officer,
        search_level=SearchLevel.PAT_DOWN,
        search_justification="Metal detector out of order.",
    )

    login(client, director)
    trail = text(client.get(reverse("activity:audit_list")))
    entry = AuditEntry.objects.get(action="visitor.checked_in")
    details = text(client.get(reverse("activity:audit_detail", args=[entry.seq])))

    assert "gave the security and emergency briefing" in trail
    assert "recorded that John Representative acknowledged" in trail
    assert "checked in John Representative" in trail
    assert "Pat-down search over clothing" in details
    assert "protocol's default search" in details
    assert "Metal detector and bag inspection" in details
    assert "Metal detector out of order." in details
