"""Coordination meetings: requested and decided like any visit under the MoU; either side writes
and corrects the participants and minutes, both read them, and each save is audited."""

import pytest
from django.urls import reverse

from activity.errors import DomainError
from activity.models import AuditEntry
from tests.conftest import login
from tests.support.pages import assert_login_redirect, count_queries, text
from visits.models import Meeting, Visit
from visits.services import meetings, requests

from .conftest import request as request_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting_visit(setting, world, ngo_member, facility_officer) -> Visit:
    """A coordination meeting at the Central Penitentiary, approved."""
    [visit] = request_visit(setting, world, ngo_member, purpose="coordination", equipment=[])
    return requests.visit_approve(actor=facility_officer, visit=visit)


def test_either_side_writes_and_corrects_the_minutes_each_save_audited(
    meeting_visit, ngo_member, coordinator
):
    first = meetings.meeting_write(
        actor=ngo_member,
        visit=meeting_visit,
        participants="Maria (LHRC), Carla (administration)",
        minutes="Agreed the term's schedule.",
    )
    second = meetings.meeting_write(
        actor=coordinator,
        visit=meeting_visit,
        participants="Maria (LHRC), Carla (administration)",
        minutes="Agreed the term's schedule. Exams week excluded.",
        seen=first.written_at,
    )

    assert second.pk == first.pk
    assert (second.written_by, second.minutes) == (
        coordinator,
        "Agreed the term's schedule. Exams week excluded.",
    )
    entries = list(AuditEntry.objects.filter(action="meeting.written").order_by("seq"))
    assert [entry.actor for entry in entries] == [ngo_member, coordinator]
    assert entries[1].changes["minutes"] == [
        "Agreed the term's schedule.",
        "Agreed the term's schedule. Exams week excluded.",
    ]
    assert "participants" not in entries[1].changes


def test_a_correction_never_overwrites_the_other_sides_unseen_changes(
    meeting_visit, ngo_member, coordinator
):
    meetings.meeting_write(actor=ngo_member, visit=meeting_visit, participants="A", minutes="1")

    with pytest.raises(DomainError, match="after you opened them"):
        meetings.meeting_write(
            actor=coordinator, visit=meeting_visit, participants="A", minutes="2", seen=None
        )

    assert Meeting.objects.get().minutes == "1"


def test_minutes_are_kept_for_approved_coordination_meetings_only(
    setting, world, ngo_member, facility_officer
):
    [service] = request_visit(setting, world, ngo_member)
    requests.visit_approve(actor=facility_officer, visit=service)
    with pytest.raises(DomainError, match="coordination meetings only"):
        meetings.meeting_write(actor=ngo_member, visit=service, participants="A", minutes="")

    [undecided] = request_visit(
        setting, world, ngo_member, purpose="coordination", equipment=[], day=setting.day
    )
    with pytest.raises(DomainError, match="awaiting decision"):
        meetings.meeting_write(actor=ngo_member, visit=undecided, participants="A", minutes="")
    assert not Meeting.objects.exists()


def test_participants_are_named(meeting_visit, ngo_member):
    with pytest.raises(DomainError, match="Name the participants"):
        meetings.meeting_write(actor=ngo_member, visit=meeting_visit, participants=" ", minutes="")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("ngo_member", 302),
        ("ngo_admin", 302),
        ("coordinator", 302),
        ("director", 302),
        ("facility_officer", 302),
        ("outsider", 404),
        ("reviewer", 404),
        ("other_director", 404),
    ],
)
def test_the_two_sides_keep_the_minutes_and_nobody_else(
    client, request, meeting_visit, persona, status
):
    login(client, request.getfixturevalue(persona))

    answer = client.post(
        reverse("visits:meeting_write", args=[meeting_visit.pk]),
        {"participants": "Maria, Carla", "minutes": "Schedule agreed", "seen": ""},
    )

    assert answer.status_code == status
    assert Meeting.objects.exists() is (status == 302)


def test_both_sides_read_the_minutes_on_the_visit_page(
    client, meeting_visit, ngo_member, coordinator
):
    login(client, ngo_member)
    client.post(
        reverse("visits:meeting_write", args=[meeting_visit.pk]),
        {"participants": "Maria, Carla", "minutes": "Schedule agreed", "seen": ""},
    )

    page = text(login(client, coordinator).get(meeting_visit.get_absolute_url()))
    assert "Schedule agreed" in page
    assert "Save the corrected minutes" in page


def test_a_stale_correction_through_the_page_keeps_what_was_typed(
    client, meeting_visit, ngo_member, coordinator
):
    meetings.meeting_write(actor=coordinator, visit=meeting_visit, participants="A", minutes="1")
    login(client, ngo_member)

    answer = client.post(
        reverse("visits:meeting_write", args=[meeting_visit.pk]),
        {"participants": "A", "minutes": "My long account", "seen": ""},
    )

    assert answer.status_code == 200
    assert "after you opened them" in text(answer)
    assert "My long account" in text(answer)


def test_anonymous_users_are_sent_to_sign_in(client, meeting_visit):
    url = meeting_visit.get_absolute_url()
    assert_login_redirect(client.get(url), url)


def test_the_meeting_page_makes_the_same_queries_with_short_and_long_minutes(
    client, meeting_visit, ngo_member
):
    meetings.meeting_write(actor=ngo_member, visit=meeting_visit, participants="A", minutes="1")
    url = meeting_visit.get_absolute_url()
    login(client, ngo_member)
    client.get(url)
    one = count_queries(client, url)
    Meeting.objects.update(
        participants="\n".join(f"Participant {n}" for n in range(50)),
        minutes="\n".join(f"Point {n}" for n in range(50)),
    )

    assert count_queries(client, url) == one
