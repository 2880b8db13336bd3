"""Reminders of visits: the day before, to the people going and the gate; before a first visit,
to the organisation when someone has not been briefed or has not acknowledged the protocol in
force; and those the services send as requests are made and decided, withdrawn when moot."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from activity.models import Reminder
from directory.models import Role
from tests.factories import staff
from visits import tasks
from visits.models import (
    Acknowledgement,
    Briefing,
    EntranceProtocol,
    Visit,
    local_today,
)
from visits.services import requests
from visits.services._common import put_in_review
from visits.services.upcoming import upcoming_visits_remind

from .conftest import request
from .rows import visit_row

pytestmark = pytest.mark.django_db

TOMORROW = "visits.tomorrow"
BRIEFING = "visits.briefing_missing"


@pytest.fixture
def john_user(setting, ngo_admin):
    setting.john.user = ngo_admin
    setting.john.save()
    return ngo_admin


def tomorrows_visit(world, setting, requester, **fields) -> Visit:
    fields = {
        "facility": world.facility,
        "organisation": world.organisation,
        "requested_by": requester,
        "agreement": setting.agreement,
        "people": [setting.john],
        "day": local_today(world.facility) + timedelta(days=1),
    } | fields
    return visit_row(**fields)


def pending(kind: str) -> "list[Reminder]":
    return list(
        Reminder.objects.filter(kind=kind, state=Reminder.State.PENDING).order_by("recipient")
    )


def protocol(world, director, version: int) -> EntranceProtocol:
    return EntranceProtocol.objects.create(
        facility=world.facility,
        version=version,
        summary="Bags are screened.",
        may_carry="Papers.",
        monitoring_bodies="Papers are never read.",
        emergency="Assemble at the gate.",
        created_by=director,
        published_by=director,
        published_at=timezone.now(),
    )


def briefed(world, setting, director, *, acknowledges: EntranceProtocol | None) -> None:
    Briefing.objects.create(person=setting.john, facility=world.facility, given_by=director)
    if acknowledges is not None:
        Acknowledgement.objects.create(
            person=setting.john, protocol=acknowledges, recorded_by=director
        )


# The day before ----------------------------------------------------------------------------------


def test_the_visitors_and_the_gate_are_told_the_day_before(
    world, setting, john_user, ngo_member, gate_officer, facility_officer
):
    visit = tomorrows_visit(world, setting, ngo_member)

    tasks.upcoming_visits_remind.delay()

    told = pending(TOMORROW)
    assert {r.recipient for r in told} == {john_user, gate_officer}
    for reminder in told:
        assert "Central Penitentiary" in reminder.subject or "Central Penitentiary" in reminder.body
        assert "10:00–12:00" in reminder.body
        assert reminder.url == visit.get_absolute_url()
    [johns] = [r for r in told if r.recipient == john_user]
    assert johns.subject.startswith("Your visit to Central Penitentiary is tomorrow")
    [gates] = [r for r in told if r.recipient == gate_officer]
    assert "Local Human Rights Centre" in gates.subject
    assert "People expected: 1" in gates.body


@pytest.mark.parametrize(
    ("utc_hour", "due_hour"),
    [
        (6, 14),  # midnight at the facility: due at 8:00 there, 14:00 UTC
        (20, 20),  # 14:00 at the facility, the morning past: due at once
    ],
)
def test_the_day_before_reminder_is_due_that_morning_at_the_facility(
    world, setting, john_user, ngo_member, utc_hour, due_hour
):
    # The facility keeps Guatemala's time, UTC-6.
    now = datetime(2030, 3, 5, utc_hour, 0, tzinfo=UTC)
    tomorrows_visit(world, setting, ngo_member, day=date(2030, 3, 6))

    upcoming_visits_remind(now=now)

    [reminder] = pending(TOMORROW)
    assert reminder.due_at == datetime(2030, 3, 5, due_hour, 0, tzinfo=UTC)


def test_running_the_task_twice_tells_once(world, setting, john_user, ngo_member, gate_officer):
    tomorrows_visit(world, setting, ngo_member)

    first = upcoming_visits_remind()
    second = upcoming_visits_remind()

    assert first >= 2
    assert second == 0
    assert len(pending(TOMORROW)) == 2


@pytest.mark.parametrize(
    ("status", "days", "told"),
    [
        (Visit.Status.APPROVED, 1, True),
        (Visit.Status.NOTIFIED, 1, True),
        (Visit.Status.REQUESTED, 1, False),
        (Visit.Status.IN_REVIEW, 1, False),
        (Visit.Status.REFUSED, 1, False),
        (Visit.Status.APPROVED, 0, False),
        (Visit.Status.APPROVED, 2, False),
    ],
)
def test_only_an_expected_visit_of_tomorrow_is_announced(
    world, setting, john_user, ngo_member, status, days, told
):
    tomorrows_visit(
        world,
        setting,
        ngo_member,
        status=status,
        agreement=None if status == Visit.Status.NOTIFIED else setting.agreement,
        day=local_today(world.facility) + timedelta(days=days),
    )

    upcoming_visits_remind()

    assert bool(pending(TOMORROW)) is told


def test_tomorrow_is_the_facilitys_tomorrow(world, setting, john_user, ngo_member):
    """Late in the evening at a facility far east, its tomorrow is already the day after
    tomorrow in UTC."""
    world.facility.time_zone = "Pacific/Kiritimati"  # UTC+14
    world.facility.save()
    now = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)
    # 12:00 UTC is 02:00 on 5 March at the facility; its tomorrow is 6 March.
    tomorrows_visit(world, setting, ngo_member, day=now.date() + timedelta(days=2))
    tomorrows_visit(world, setting, ngo_member, day=now.date() + timedelta(days=1))

    upcoming_visits_remind(now=now)

    [reminder] = pending(TOMORROW)
    assert Visit.objects.get(pk=reminder.key.split(":")[1]).day == now.date() + timedelta(days=2)


def test_a_visitor_without_an_account_or_another_facilitys_gate_is_not_told(
    world, setting, ngo_member
):
    staff("gwen", Role.GATE_OFFICER, world.other_facility)
    tomorrows_visit(world, setting, ngo_member)

    upcoming_visits_remind()

    assert pending(TOMORROW) == []


def test_a_visit_put_into_review_is_no_longer_announced(
    world, setting, john_user, ngo_member, facility_officer
):
    visit = tomorrows_visit(world, setting, ngo_member)
    upcoming_visits_remind()
    assert pending(TOMORROW)

    put_in_review([visit], reason="The MoU was amended")

    assert pending(TOMORROW) == []


def test_a_visit_confirmed_after_its_review_is_announced_again(
    world, setting, john_user, ngo_member, facility_officer
):
    visit = tomorrows_visit(world, setting, ngo_member)
    upcoming_visits_remind()
    put_in_review([visit], reason="A closure was declared in error")
    # The officer confirms it once the closure is lifted.
    Visit.objects.filter(pk=visit.pk).update(
        status=Visit.Status.APPROVED, decided_at=timezone.now(), decided_by=facility_officer
    )

    upcoming_visits_remind()

    assert {r.recipient for r in pending(TOMORROW)} >= {john_user}


def test_a_withdrawn_visit_is_no_longer_announced(world, setting, john_user, ngo_member):
    visit = tomorrows_visit(world, setting, ngo_member)
    upcoming_visits_remind()

    requests.visit_withdraw(actor=ngo_member, visit=visit)

    assert pending(TOMORROW) == []
    assert Reminder.objects.filter(kind=TOMORROW, state=Reminder.State.CANCELLED).count() == 1


def test_a_rescheduled_visit_is_no_longer_announced_for_its_old_day(
    world, setting, john_user, ngo_member, facility_officer
):
    [visit] = request(setting, world, ngo_member)
    Visit.objects.filter(pk=visit.pk).update(
        status=Visit.Status.APPROVED,
        day=local_today(world.facility) + timedelta(days=1),
    )
    upcoming_visits_remind()
    assert len(pending(TOMORROW)) == 1

    requests.visit_reschedule(
        actor=facility_officer,
        visit=visit,
        day=setting.day + timedelta(weeks=1),
        window=setting.window,
        note="Exam week",
    )

    assert pending(TOMORROW) == []


# Before a first visit ----------------------------------------------------------------------------


def test_the_organisation_is_told_someone_is_not_briefed(
    world, setting, john_user, ngo_member, outsider, director
):
    in_force = protocol(world, director, 1)
    visit = tomorrows_visit(world, setting, ngo_member)
    Acknowledgement.objects.create(person=setting.john, protocol=in_force, recorded_by=director)

    tasks.upcoming_visits_remind.delay()

    told = pending(BRIEFING)
    assert {r.recipient for r in told} == {john_user, ngo_member}
    assert "Not yet briefed: John Representative." in told[0].body
    assert "Not yet acknowledged the protocol: nobody." in told[0].body
    assert "10:00–12:00" in told[0].body
    assert told[0].url == visit.get_absolute_url()


def test_the_organisation_is_told_the_protocol_in_force_is_not_acknowledged(
    world, setting, john_user, ngo_member, director
):
    first = protocol(world, director, 1)
    briefed(world, setting, director, acknowledges=first)
    protocol(world, director, 2)
    tomorrows_visit(world, setting, ngo_member, day=local_today(world.facility) + timedelta(days=2))

    upcoming_visits_remind()

    [reminder, _other] = pending(BRIEFING)
    assert "Not yet briefed: nobody." in reminder.body
    assert "Not yet acknowledged the protocol: John Representative." in reminder.body


def test_nobody_is_told_when_everyone_is_briefed_and_has_acknowledged(
    world, setting, john_user, ngo_member, director
):
    briefed(world, setting, director, acknowledges=protocol(world, director, 1))
    tomorrows_visit(world, setting, ngo_member)

    upcoming_visits_remind()

    assert pending(BRIEFING) == []


def test_a_briefing_without_a_protocol_in_force_is_enough(
    world, setting, john_user, ngo_member, director
):
    briefed(world, setting, director, acknowledges=None)
    tomorrows_visit(world, setting, ngo_member)

    upcoming_visits_remind()

    assert pending(BRIEFING) == []


@pytest.mark.parametrize(
    ("status", "days", "told"),
    [
        (Visit.Status.REQUESTED, 2, True),
        (Visit.Status.IN_REVIEW, 2, True),
        (Visit.Status.WITHDRAWN, 2, False),
        (Visit.Status.APPROVED, 4, False),
        (Visit.Status.APPROVED, -1, False),
    ],
)
def test_only_a_visit_still_on_in_the_next_three_days_needs_the_briefing(
    world, setting, john_user, ngo_member, status, days, told
):
    tomorrows_visit(
        world,
        setting,
        ngo_member,
        status=status,
        day=local_today(world.facility) + timedelta(days=days),
    )

    upcoming_visits_remind()

    assert bool(pending(BRIEFING)) is told


def test_the_briefing_reminder_is_sent_once(world, setting, john_user, ngo_member):
    tomorrows_visit(world, setting, ngo_member)

    upcoming_visits_remind()
    upcoming_visits_remind()

    assert len(pending(BRIEFING)) == 2


# What the services send ---------------------------------------------------------------------------


def test_a_request_tells_the_officers_and_warns_them_a_day_before_it_expires(
    setting, world, ngo_member, facility_officer, gate_officer
):
    [visit] = request(setting, world, ngo_member)

    [awaiting] = Reminder.objects.filter(kind="visits.request_awaiting")
    [expiring] = Reminder.objects.filter(kind="visits.request_expiring")
    assert awaiting.recipient == expiring.recipient == facility_officer
    assert awaiting.subject.startswith("Local Human Rights Centre asks to visit Central")
    assert awaiting.url == expiring.url == visit.get_absolute_url()
    assert awaiting.due_at <= timezone.now()
    assert visit.decide_by is not None
    assert expiring.due_at == visit.decide_by - timedelta(hours=24)


def test_a_visit_put_into_review_tells_the_organisation_and_the_officers(
    setting, world, ngo_member, ngo_admin, facility_officer
):
    [visit] = request(setting, world, ngo_member)

    put_in_review([visit], reason="The people annex changed")

    told = Reminder.objects.filter(kind="visits.in_review")
    assert {r.recipient for r in told} == {ngo_member, ngo_admin, facility_officer}
    assert all("The people annex changed" in r.body for r in told)


def test_refusing_a_request_cancels_its_pending_reminders(
    setting, world, ngo_member, facility_officer
):
    [visit] = request(setting, world, ngo_member)
    assert pending("visits.request_expiring")

    requests.visit_refuse(actor=facility_officer, visit=visit, reason="staffing")

    assert pending("visits.request_expiring") == []
    assert pending("visits.decided")


def test_withdrawing_a_request_cancels_its_pending_reminders(
    setting, world, ngo_member, facility_officer
):
    [visit] = request(setting, world, ngo_member)

    requests.visit_withdraw(actor=ngo_member, visit=visit)

    assert pending("visits.request_expiring") == []
    assert Reminder.objects.filter(
        kind="visits.request_expiring", state=Reminder.State.CANCELLED
    ).exists()


def test_the_task_is_in_the_beat_schedule(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "visits.tasks.upcoming_visits_remind" in tasks_scheduled
