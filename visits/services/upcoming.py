"""Reminders about the days ahead, which a periodic task sends: the day before a visit, to
the people going and to the facility's gate; and before a first visit, to the organisation,
when someone going has not had the facility's briefing or acknowledged its entrance protocol.

Every reminder is keyed by the visit, so that the task run every hour (or twice at once)
sends each one once."""

import zoneinfo
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from activity import notify
from activity.typing import User
from directory.models import Facility, Membership, Role

from .. import reminders
from ..models import Acknowledgement, Briefing, Visit, Visitor, local_datetime
from ..permissions import REQUESTERS
from ..selectors import protocols_in_force

#: When, in the facility's time zone, the day before, the visitors and the gate are told.
TOMORROW_AT = time(8, 0)
#: How many days ahead the organisation is told that someone still needs the briefing.
BRIEFING_NOTICE_DAYS = 3


def upcoming_visits_remind(*, now: datetime | None = None) -> int:
    """Schedule the "visit tomorrow" and "briefing missing" reminders now due; return how
    many were new. Safe to run any number of times."""
    now = now or timezone.now()
    return _remind_tomorrow(now) + _remind_briefing_missing(now)


def _local_today(facility: Facility, now: datetime) -> date:
    return now.astimezone(zoneinfo.ZoneInfo(facility.time_zone)).date()


def _hours(visit: Visit) -> str:
    """The visit's hours on the facility's clock, as the gate and the visitors read them."""
    zone = zoneinfo.ZoneInfo(visit.facility.time_zone)
    return f"{visit.starts_at.astimezone(zone):%H:%M}–{visit.ends_at.astimezone(zone):%H:%M}"


def _remind_tomorrow(now: datetime) -> int:
    """Each expected visit whose day is tomorrow at its facility: the visitors who have an
    account and the facility's gate officers are told, at ``TOMORROW_AT`` that morning (at
    once if it has passed). The key names the day and the decision, so that a visit moved to
    another day, or confirmed again after a review, is announced again."""
    utc_today = now.date()
    candidates = (
        Visit.objects.expected()
        # Tomorrow somewhere on Earth falls within these three UTC dates.
        .filter(day__range=(utc_today, utc_today + timedelta(days=2)))
        .select_related("facility", "organisation")
        .prefetch_related(
            Prefetch("visitors", queryset=Visitor.objects.select_related("person__user"))
        )
        .order_by("starts_at", "id")
    )
    visits = [
        visit
        for visit in candidates
        if visit.day == _local_today(visit.facility, now) + timedelta(days=1)
    ]
    gates = _gate_officers({visit.facility_id for visit in visits})
    created = 0
    for visit in visits:
        today = visit.day - timedelta(days=1)
        due_at = max(local_datetime(visit.facility, today, TOMORROW_AT), now)
        params = {
            "facility": visit.facility.name,
            "organisation": visit.organisation.name,
            "day": visit.day,
            "hours": _hours(visit),
            "people": len(visit.visitors.all()),
        }
        # The day and the decision name the announcement: a visit moved to another day, or
        # confirmed again after a review cancelled its announcement, is announced again.
        decided = f"{visit.decided_at:%Y%m%d%H%M%S}" if visit.decided_at else "notified"
        key = notify.reminder_key(visit, f"tomorrow:{visit.day.isoformat()}:{decided}")
        visitors = [
            visitor.person.user
            for visitor in visit.visitors.all()
            if visitor.person.user is not None and visitor.person.user.is_active
        ]
        with transaction.atomic():
            created += notify.remind(
                recipients=visitors,
                kind=reminders.TOMORROW,
                key=key,
                subject=gettext_lazy("Your visit to %(facility)s is tomorrow, %(day)s"),
                body=gettext_lazy(
                    "%(facility)s expects you on %(day)s, %(hours)s (the facility's time), "
                    "with %(organisation)s. Bring the identity document you were cleared with: "
                    "the gate checks it against your clearance."
                ),
                params=params,
                url=visit.get_absolute_url(),
                due_at=due_at,
            )
            created += notify.remind(
                recipients=gates.get(visit.facility_id, []),
                kind=reminders.TOMORROW,
                key=key,
                subject=gettext_lazy("Expected tomorrow at %(facility)s: %(organisation)s"),
                body=gettext_lazy(
                    "%(organisation)s is expected on %(day)s, %(hours)s. People expected: "
                    "%(people)s; the day's manifest lists them."
                ),
                params=params,
                url=visit.get_absolute_url(),
                due_at=due_at,
            )
    return created


def _remind_briefing_missing(now: datetime) -> int:
    """Each visit of the next ``BRIEFING_NOTICE_DAYS`` days still on, on which someone has not
    had the facility's security and emergency briefing, or has not acknowledged the version of
    its entrance protocol in force: the organisation is told who and what, since nobody is
    checked in without both."""
    visits = list(
        Visit.objects.filter(
            Q(status__in=[*Visit.EXPECTED_STATUSES, Visit.Status.IN_REVIEW])
            | Q(status=Visit.Status.REQUESTED, decide_by__gte=now),
            ends_at__gte=now,
            starts_at__lt=now + timedelta(days=BRIEFING_NOTICE_DAYS),
        )
        .select_related("facility", "organisation")
        .prefetch_related(Prefetch("visitors", queryset=Visitor.objects.select_related("person")))
        .order_by("starts_at", "id")
    )
    if not visits:
        return 0
    facility_ids = {visit.facility_id for visit in visits}
    person_ids = {visitor.person_id for visit in visits for visitor in visit.visitors.all()}
    protocols = protocols_in_force(facility_ids)
    briefed = set(
        Briefing.objects.filter(facility__in=facility_ids, person__in=person_ids).values_list(
            "person", "facility"
        )
    )
    acknowledged = set(
        Acknowledgement.objects.filter(
            protocol__in=[protocol.pk for protocol in protocols.values()], person__in=person_ids
        ).values_list("person", "protocol")
    )
    members = _organisation_members({visit.organisation_id for visit in visits})
    created = 0
    for visit in visits:
        protocol = protocols.get(visit.facility_id)
        people = [visitor.person for visitor in visit.visitors.all()]
        unbriefed = [p.full_name for p in people if (p.pk, visit.facility_id) not in briefed]
        unacknowledged = (
            [p.full_name for p in people if (p.pk, protocol.pk) not in acknowledged]
            if protocol is not None
            else []
        )
        if not unbriefed and not unacknowledged:
            continue
        nobody = gettext_lazy("nobody")
        with transaction.atomic():
            created += notify.remind(
                recipients=members.get(visit.organisation_id, []),
                kind=reminders.BRIEFING_MISSING,
                key=notify.reminder_key(visit, "briefing_missing"),
                subject=gettext_lazy(
                    "Before your visit to %(facility)s on %(day)s: briefing or protocol missing"
                ),
                body=gettext_lazy(
                    "Nobody is checked in at %(facility)s before they have had its security "
                    "and emergency briefing and acknowledged its entrance protocol in force. "
                    "The visit: %(day)s, %(hours)s.\n"
                    "Not yet briefed: %(unbriefed)s.\n"
                    "Not yet acknowledged the protocol: %(unacknowledged)s."
                ),
                params={
                    "facility": visit.facility.name,
                    "day": visit.day,
                    "hours": _hours(visit),
                    "unbriefed": ", ".join(unbriefed) or nobody,
                    "unacknowledged": ", ".join(unacknowledged) or nobody,
                },
                url=visit.get_absolute_url(),
            )
    return created


def _gate_officers(facility_ids: set[int]) -> dict[int, list[User]]:
    """Each facility's active gate officers, in one query."""
    found: dict[int, list[User]] = defaultdict(list)
    for membership in Membership.objects.filter(
        facility__in=facility_ids, role=Role.GATE_OFFICER, user__is_active=True
    ).select_related("user"):
        assert membership.facility_id is not None
        found[membership.facility_id].append(membership.user)
    return found


def _organisation_members(organisation_ids: set[int]) -> dict[int, list[User]]:
    """Each organisation's active administrators and members (those told about its visits,
    as ``organisation_side``), once each, in one query."""
    found: dict[int, dict[int, User]] = defaultdict(dict)
    for membership in Membership.objects.filter(
        organisation__in=organisation_ids, role__in=REQUESTERS, user__is_active=True
    ).select_related("user"):
        assert membership.organisation_id is not None
        found[membership.organisation_id][membership.user_id] = membership.user
    return {organisation: list(users.values()) for organisation, users in found.items()}
