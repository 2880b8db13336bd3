"""Visits written straight to the database, in any state and on any day (today, tomorrow, a
month ago), which the request service rightly refuses to make: for the tests of what reads
them (the calendar feed, the dashboard, the reminders about the days ahead)."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from directory.models import Facility, Organisation, Person
from visits.models import Category, Visit, Visitor, local_datetime, local_today


def visit_row(
    *,
    facility: Facility,
    organisation: Organisation,
    requested_by,
    day: date | None = None,
    status: str = Visit.Status.APPROVED,
    people: Sequence[Person] = (),
    agreement=None,
    decide_by: datetime | None = None,
    starts: time = time(10, 0),
    ends: time = time(12, 0),
) -> Visit:
    """One visit with its visitors; without an MoU it is a monitoring body's."""
    day = day or local_today(facility) + timedelta(days=7)
    visit = Visit.objects.create(**_fields(locals()))
    Visitor.objects.bulk_create(
        Visitor(
            visit=visit, person=person, category=_category(visit), pass_code=Visitor.new_pass_code()
        )
        for person in people
    )
    return visit


def visit_rows(count: int, **fields) -> list[Visit]:
    """``count`` visits like ``visit_row``'s, a day apart from ``day``, in two queries."""
    first = fields.pop("day", None) or local_today(fields["facility"]) + timedelta(days=7)
    people = fields.pop("people", ())
    visits = Visit.objects.bulk_create(
        Visit(**_fields({**fields, "day": first + timedelta(days=n)})) for n in range(count)
    )
    Visitor.objects.bulk_create(
        Visitor(
            visit=visit, person=person, category=_category(visit), pass_code=Visitor.new_pass_code()
        )
        for visit in visits
        for person in people
    )
    return visits


def _category(visit: Visit) -> str:
    return Category.MONITOR if visit.monitoring else Category.ORGANISATION


def _fields(given: dict) -> dict:
    facility = given["facility"]
    day = given["day"]
    status = given.get("status", Visit.Status.APPROVED)
    agreement = given.get("agreement")
    decide_by = given.get("decide_by")
    if decide_by is None and status == Visit.Status.REQUESTED:
        decide_by = timezone.now() + timedelta(days=1)
    return {
        "administration_id": facility.administration_id,
        "facility": facility,
        "organisation": given["organisation"],
        "agreement": agreement,
        "monitoring": agreement is None,
        "purpose": "service" if agreement is not None else "monitoring",
        "day": day,
        "starts_at": local_datetime(facility, day, given.get("starts", time(10, 0))),
        "ends_at": local_datetime(facility, day, given.get("ends", time(12, 0))),
        "status": status,
        "requested_by": given["requested_by"],
        "decide_by": decide_by,
    }
