"""What the stages share: locking a visit, a facility's rules, the places of a window, naming the
people who are told, and putting visits into review."""

from collections.abc import Iterable, Sequence
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from activity import notify
from activity.errors import DomainError
from activity.services import audit_record
from activity.transitions import change_state
from activity.typing import User
from directory.models import Area, Facility, Person, Role
from directory.selectors import facility_users, organisation_users

from .. import reminders
from ..models import (
    Category,
    Closure,
    FacilityRules,
    Occurrence,
    Visit,
    VisitingWindow,
    Visitor,
)
from ..permissions import REQUESTERS


def locked(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("facility", "organisation", "administration")
        .get(pk=visit.pk)
    )


def rules_of(facility: Facility) -> FacilityRules:
    """The facility's notice rules, or the defaults if it has set none."""
    return FacilityRules.objects.filter(facility=facility).first() or FacilityRules(
        facility=facility
    )


def officers(facility: Facility) -> list[User]:
    """Who decides the facility's visits and is told of its requests: its visits officers."""
    return list(facility_users(facility, (Role.FACILITY_OFFICER,)))


def gate_officers(facility: Facility) -> list[User]:
    return list(facility_users(facility, (Role.GATE_OFFICER,)))


def organisation_side(visit: Visit) -> list[User]:
    """The organisation's people who are told about its visit: who asked for it, and its
    members."""
    users = {user.pk: user for user in organisation_users(visit.organisation, REQUESTERS)}
    return list(users.values())


def closures_on(facility: Facility, day: date) -> QuerySet[Closure]:
    return Closure.objects.in_force().filter(
        facility=facility, starts_on__lte=day, ends_on__gte=day
    )


def closure_blocking(
    facility: Facility, day: date, window: VisitingWindow | None, areas: Iterable[Area]
) -> Closure | None:
    """The closure that keeps the visit out, if any: of the whole facility, of its window or
    of one of its areas."""
    area_ids = {area.pk for area in areas}
    for closure in closures_on(facility, day):
        if closure.area_id is None and closure.window_id is None:
            return closure
        if window is not None and closure.window_id == window.pk:
            return closure
        if closure.area_id in area_ids:
            return closure
    return None


def add_visitors(
    visit: Visit, people: Sequence[Person], category: str, roles: dict[int, str] | None = None
) -> list[Visitor]:
    return Visitor.objects.bulk_create(
        Visitor(
            visit=visit,
            person=person,
            category=category,
            role=(roles or {}).get(person.pk, ""),
            pass_code=Visitor.new_pass_code(),
        )
        for person in people
    )


def take_places(
    *,
    window: VisitingWindow,
    day: date,
    people: Sequence[Person],
    areas: Sequence[Area],
    category: str = Category.ORGANISATION,
    moving: Visit | None = None,
    override: str = "",
) -> None:
    """Check that the window has places left on the day for the people, in all, in each of
    the areas and in their category. Requests for the same date wait in turn on the date's
    lock, so the last places are never given twice. ``moving``: a visit being moved here,
    whose own places are not counted. ``override``: the officer's reason for admitting the
    visit beyond capacity, which lifts the check."""
    Occurrence.objects.get_or_create(window=window, day=day)
    Occurrence.objects.select_for_update().get(window=window, day=day)
    if override:
        return
    booked = Visitor.objects.filter(
        visit__in=Visit.objects.holding_places().filter(window=window, day=day)
    )
    if moving is not None:
        booked = booked.exclude(visit=moving)
    asked = len(people)
    when = date_format(day)
    taken = booked.count()
    if taken + asked > window.places:
        raise DomainError(_full(window.places - taken, asked, when))
    area_ids = {area.pk: area for area in areas}
    for limit in window.limits.all():
        if limit.area_id in area_ids:
            taken = booked.filter(visit__areas=limit.area_id).count()
            if taken + asked > limit.places:
                raise DomainError(
                    _("%(area)s: %(reason)s")
                    % {
                        "area": area_ids[limit.area_id].name,
                        "reason": _full(limit.places - taken, asked, when),
                    }
                )
        elif limit.category == category:
            taken = booked.filter(category=category).count()
            if taken + asked > limit.places:
                raise DomainError(
                    _("%(category)s: %(reason)s")
                    % {
                        "category": Category(category).label,
                        "reason": _full(limit.places - taken, asked, when),
                    }
                )


def _full(free: int, asked: int, when: str) -> str:
    free = max(free, 0)
    return ngettext(
        "%(free)s place is left on %(day)s, and the visit needs %(asked)s.",
        "%(free)s places are left on %(day)s, and the visit needs %(asked)s.",
        free,
    ) % {"free": free, "day": when, "asked": asked}


def put_in_review(visits: Iterable[Visit], *, reason: str, actor: User | None = None) -> int:
    """Put the future visits that a change affects into the facility's review queue, with the
    reason, and tell the organisation. Monitoring visits are never reviewed: nothing may hold
    them back. Return how many went into review."""
    count = 0
    now = timezone.now()
    for visit in visits:
        visit = locked(visit)
        if visit.monitoring or visit.ends_at < now:
            continue
        if not visit.may_become(Visit.Status.IN_REVIEW):
            continue
        visit.review_reason = reason
        visit.review_since = now
        before = change_state(
            visit,
            Visit.Status.IN_REVIEW,
            transitions=Visit.TRANSITIONS,
            extra_fields=("review_reason", "review_since"),
        )
        audit_record(
            actor=actor,
            action="visit.put_in_review",
            target=visit,
            changes={"status": before, "reason": reason},
        )
        # Nobody is told to come tomorrow to a visit that may not take place.
        notify.cancel(key=notify.reminder_key(visit, "tomorrow"))
        notify.remind(
            recipients=[*organisation_side(visit), *officers(visit.facility)],
            kind=reminders.IN_REVIEW,
            key=notify.reminder_key(visit, f"in_review:{now.timestamp():.0f}"),
            subject=gettext_lazy("Your visit to %(facility)s on %(day)s is in review"),
            body=gettext_lazy("Reason: %(reason)s"),
            params={"facility": visit.facility.name, "day": visit.day, "reason": reason},
            url=visit.get_absolute_url(),
        )
        count += 1
    return count
