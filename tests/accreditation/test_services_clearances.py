"""Vetting people: requests, decisions, who counts as cleared, and the reminders before a
clearance expires."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from accreditation import selectors
from accreditation.models import Clearance
from accreditation.services import clearances
from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from directory.selectors import earliest_local_date
from tests.accreditation.factories import ClearanceFactory
from tests.factories import PersonFactory
from tests.support.audit import written
from visits.models import local_datetime, local_today

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def person(world):
    return world.organisation.people.get()


# Requests ---------------------------------------------------------------------------------------


def test_a_request_creates_a_pending_clearance_and_is_audited(world, ngo_admin, person):
    clearance = clearances.clearance_request(
        actor=ngo_admin, person=person, administration=world.administration
    )
    assert clearance.status == Clearance.Status.PENDING
    assert selectors.current_clearance(person, world.administration) == clearance
    assert AuditEntry.objects.filter(
        action="clearance.requested", actor=ngo_admin, object_id=str(person.pk)
    ).exists()


def test_a_request_is_one_entry_and_asking_again_while_pending_is_none(world, ngo_admin, person):
    with written() as first:
        clearances.clearance_request(
            actor=ngo_admin, person=person, administration=world.administration
        )
    with written() as again:
        clearances.clearance_request(
            actor=ngo_admin, person=person, administration=world.administration
        )
    assert (first, again) == (["clearance.requested"], [])


def test_asking_again_while_pending_returns_the_pending_request(world, ngo_admin, person):
    first = clearances.clearance_request(
        actor=ngo_admin, person=person, administration=world.administration
    )
    assert (
        clearances.clearance_request(
            actor=ngo_admin, person=person, administration=world.administration
        )
        == first
    )
    assert person.clearances.count() == 1


def test_asking_while_cleared_for_longer_than_a_week_changes_nothing(world, ngo_admin, person):
    cleared = ClearanceFactory(person=person, cleared=True, valid_until=today() + timedelta(days=8))
    assert (
        clearances.clearance_request(
            actor=ngo_admin, person=person, administration=world.administration
        )
        == cleared
    )
    assert person.clearances.count() == 1


def test_asking_in_the_last_week_of_a_clearance_opens_a_new_request(world, ngo_admin, person):
    ClearanceFactory(person=person, cleared=True, valid_until=today() + timedelta(days=7))
    renewal = clearances.clearance_request(
        actor=ngo_admin, person=person, administration=world.administration
    )
    assert renewal.status == Clearance.Status.PENDING
    assert person.clearances.count() == 2


def test_asking_after_a_refusal_opens_a_new_request(world, ngo_admin, person):
    ClearanceFactory(person=person, refused=True)
    assert (
        clearances.clearance_request(
            actor=ngo_admin, person=person, administration=world.administration
        ).status
        == "pending"
    )


# Decisions --------------------------------------------------------------------------------------


def test_clearing_sets_the_validity_from_today_and_is_audited(world, director, person):
    clearance = ClearanceFactory(person=person)
    until = today() + timedelta(days=365)
    clearances.clearance_decide(
        actor=director, clearance=clearance, cleared=True, valid_until=until
    )
    clearance.refresh_from_db()
    assert clearance.status == Clearance.Status.CLEARED
    # Today at the administration's facilities (in Guatemala, behind UTC).
    assert (clearance.valid_from, clearance.valid_until) == (local_today(world.facility), until)
    assert clearance.decided_by == director and clearance.decided_at is not None
    assert clearance.is_valid()
    assert AuditEntry.objects.filter(action="clearance.cleared", actor=director).exists()


def test_a_clearance_decided_in_the_facilitys_evening_covers_that_day_there(
    world, director, person
):
    """7.30 pm in Guatemala is already the next day in UTC: the person cleared then may enter
    the facility that evening."""
    evening = local_datetime(world.facility, local_today(world.facility), time(19, 30))
    with time_machine.travel(evening, tick=False):
        clearance = ClearanceFactory(person=person)
        clearances.clearance_decide(
            actor=director,
            clearance=clearance,
            cleared=True,
            valid_until=today() + timedelta(days=365),
        )
        there = local_today(world.facility)
        assert there != timezone.localdate()
        assert person in selectors.cleared_people(world.administration, on=there)


def test_in_the_facilitys_evening_a_clearance_may_end_on_its_tomorrow(world, director, person):
    """At 7.30 pm in Guatemala the server's (UTC) date is already the facility's tomorrow: a
    clearance until then is in force for a day there, not "an end date in the past"."""
    evening = local_datetime(world.facility, local_today(world.facility), time(19, 30))
    with time_machine.travel(evening, tick=False):
        tomorrow_there = local_today(world.facility) + timedelta(days=1)
        assert tomorrow_there == timezone.localdate()
        clearance = ClearanceFactory(person=person)
        clearances.clearance_decide(
            actor=director, clearance=clearance, cleared=True, valid_until=tomorrow_there
        )
        clearance.refresh_from_db()
        assert (clearance.valid_from, clearance.valid_until) == (
            local_today(world.facility),
            tomorrow_there,
        )
        with pytest.raises(DomainError, match="an end date in the future"):
            clearances.clearance_decide(
                actor=director,
                clearance=ClearanceFactory(person=PersonFactory(organisation=person.organisation)),
                cleared=True,
                valid_until=local_today(world.facility),
            )


def test_expiry_reminders_go_out_90_30_and_7_days_before_the_end(director, ngo_admin, person):
    clearance = ClearanceFactory(person=person)
    until = today() + timedelta(days=200)
    clearances.clearance_decide(
        actor=director, clearance=clearance, cleared=True, valid_until=until
    )
    reminders = Reminder.objects.filter(
        kind="accreditation.clearance_expiring", recipient=ngo_admin
    ).order_by("due_at")
    expected = [
        timezone.make_aware(datetime.combine(until - timedelta(days=days), time(8, 0)))
        for days in (90, 30, 7)
    ]
    assert [r.due_at for r in reminders] == expected
    assert all(person.full_name in r.subject for r in reminders)
    assert all(r.url == person.get_absolute_url() for r in reminders)
    assert Reminder.objects.filter(
        kind="accreditation.clearance_decided", recipient=ngo_admin
    ).exists()


def test_expiry_reminders_go_to_the_organisations_administrators_only(
    director, ngo_admin, ngo_member, outsider, person
):
    clearance = ClearanceFactory(person=person)
    clearances.clearance_decide(
        actor=director, clearance=clearance, cleared=True, valid_until=today() + timedelta(days=100)
    )
    recipients = set(
        Reminder.objects.filter(kind="accreditation.clearance_expiring").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {ngo_admin.username}


def test_clearing_needs_an_end_date_in_the_future(director, person):
    clearance = ClearanceFactory(person=person)
    # Today at the facility where it is earliest: the day a clearance would start.
    for until in (None, earliest_local_date(clearance.administration)):
        with pytest.raises(DomainError, match="end date in the future"):
            clearances.clearance_decide(
                actor=director, clearance=clearance, cleared=True, valid_until=until
            )
    clearance.refresh_from_db()
    assert clearance.status == Clearance.Status.PENDING


def test_refusing_needs_a_reason(director, person):
    clearance = ClearanceFactory(person=person)
    with pytest.raises(DomainError, match="A refusal needs a reason"):
        clearances.clearance_decide(actor=director, clearance=clearance, cleared=False, reason=" ")
    clearance.refresh_from_db()
    assert clearance.status == Clearance.Status.PENDING


def test_a_refusal_is_recorded_with_its_reason_and_schedules_no_expiry(director, ngo_admin, person):
    clearance = ClearanceFactory(person=person)
    clearances.clearance_decide(
        actor=director, clearance=clearance, cleared=False, reason="Identity not confirmed."
    )
    clearance.refresh_from_db()
    assert clearance.status == Clearance.Status.REFUSED
    assert clearance.reason == "Identity not confirmed."
    assert clearance.valid_until is None
    assert AuditEntry.objects.filter(action="clearance.refused", actor=director).exists()
    assert not Reminder.objects.filter(kind="accreditation.clearance_expiring").exists()


def test_a_request_refused_meanwhile_cannot_be_cleared(director, coordinator, person):
    pending = ClearanceFactory(person=person)
    on_the_directors_page = Clearance.objects.get(pk=pending.pk)
    clearances.clearance_decide(
        actor=coordinator, clearance=pending, cleared=False, reason="Record checked."
    )
    with written() as entries, pytest.raises(DomainError, match="already decided"):
        clearances.clearance_decide(
            actor=director,
            clearance=on_the_directors_page,
            cleared=True,
            valid_until=today() + timedelta(days=365),
        )
    assert entries == []
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == (Clearance.Status.REFUSED, coordinator)


def test_a_decided_request_cannot_be_decided_again(director, person):
    clearance = ClearanceFactory(person=person, refused=True)
    with pytest.raises(DomainError, match="already decided"):
        clearances.clearance_decide(
            actor=director,
            clearance=clearance,
            cleared=True,
            valid_until=today() + timedelta(days=30),
        )
    clearance.refresh_from_db()
    assert clearance.status == Clearance.Status.REFUSED


# Who is cleared ---------------------------------------------------------------------------------


def test_cleared_people_are_those_whose_clearance_covers_the_day(world):
    org = world.organisation
    valid = PersonFactory(organisation=org, full_name="Valid Vera")
    ClearanceFactory(person=valid, cleared=True)
    renewing = PersonFactory(organisation=org, full_name="Renewing Rosa")
    ClearanceFactory(person=renewing, cleared=True)
    ClearanceFactory(person=renewing)  # a renewal pending does not undo a valid clearance
    for name, kwargs in [
        ("Pending Pia", {}),
        ("Refused Rob", {"refused": True}),
        (
            "Expired Ed",
            {
                "cleared": True,
                "valid_from": today() - timedelta(days=400),
                "valid_until": today() - timedelta(days=1),
            },
        ),
        (
            "Future Fay",
            {
                "cleared": True,
                "valid_from": today() + timedelta(days=1),
                "valid_until": today() + timedelta(days=300),
            },
        ),
    ]:
        ClearanceFactory(person=PersonFactory(organisation=org, full_name=name), **kwargs)
    names = set(
        selectors.cleared_people(world.administration, org).values_list("full_name", flat=True)
    )
    assert names == {"Valid Vera", "Renewing Rosa"}


def test_cleared_people_on_a_given_day_and_for_one_organisation(world):
    mine = PersonFactory(organisation=world.organisation)
    theirs = PersonFactory(organisation=world.other_organisation)
    ClearanceFactory(person=mine, cleared=True, valid_until=today() + timedelta(days=5))
    ClearanceFactory(person=theirs, cleared=True)
    assert list(selectors.cleared_people(world.administration, world.organisation)) == [mine]
    assert set(selectors.cleared_people(world.administration)) == {mine, theirs}
    assert list(selectors.cleared_people(world.administration, on=today() + timedelta(days=6))) == [
        theirs
    ]
