# The builder assembles rows as loosely typed tuples and dicts for COPY; their element types are
# not worth spelling out for mypy.
# mypy: disable-error-code="var-annotated,assignment,arg-type,attr-defined,index,list-item,type-var"
"""The visits part of the data set: a million visits over ten years at the facilities already
built, with their visitors, the facilities' visiting windows and closures, the entrance
protocols, the briefings and acknowledgements, and the monitoring bodies' notified visits.

It reads what it builds on from the database (the facilities and their staff, the signed MoUs
with their facilities, people, days and areas, the accreditations, the formal mechanisms), so it
runs the same after the other steps of a fresh build and on a data set built before visits
existed (``add_to_existing``).

Each visit of an organisation is made under one of its signed MoUs that names the facility, on
a day of the week the MoU allows, in one of the facility's windows, and never beyond the
window's places. The MoUs of the data set run from 2019 and most from 2023: a visit on a day
one of the organisation's MoUs covers is made under it, at most as often a week as the MoU
allows; an older visit is recorded under one of the organisation's MoUs although its term had
not begun (the share of visits within their MoU's term is recorded with the data set). From
today on, every visit is under an MoU in force and within its weekly limit.

Statuses follow the calendar: past visits mostly approved, each visitor with an outcome
(attended with check-in and check-out times and the search applied, a few no-shows, refusals
of entry, visits cut short or delayed), some refused, withdrawn, cancelled or left to expire;
today's visits checked in and out as the hours pass; future ones requested, approved or in
review (a closure, a suspended accreditation, a changed annex). The busiest facility has about
forty visits today, among them a joint monitoring visit of a dozen people, whose page the
benchmark measures.
"""

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, models

from accreditation.models import Accreditation, FormalMechanism
from agreements.models import Agreement
from directory.models import Area, Facility, Membership, Person, Role
from visits.models import (
    Acknowledgement,
    Briefing,
    CalendarFeed,
    Category,
    Closure,
    Delay,
    EntranceProtocol,
    FacilityRules,
    Incident,
    Interview,
    Meeting,
    Occurrence,
    Package,
    ProtocolMeasure,
    Purpose,
    SearchLevel,
    Visit,
    VisitingWindow,
    Visitor,
    WindowLimit,
)

from .build import PERSONAS, Loader, World, _escape, _RowStream, _text, reset_sequences

#: The tables this step fills, for the sequences and the planner's statistics.
MODELS: list[type[models.Model]] = [
    FacilityRules,
    VisitingWindow,
    WindowLimit,
    Occurrence,
    Closure,
    EntranceProtocol,
    ProtocolMeasure,
    Acknowledgement,
    Briefing,
    Visit,
    Visit.areas.through,
    Visitor,
    Package,
    Incident,
    Delay,
    Interview,
    Meeting,
    CalendarFeed,
]
#: The data set's record of this step when it was added to an existing data set.
ADDED_STEP = "visits (added to the data set)"
YEARS = 10
#: How far ahead visits are already requested; the days after stay free for new requests.
FUTURE_DAYS = 60
#: Visits today at the busiest facility (its MoUs in force allowing), the joint visit included.
BUSY_TODAY = 40
#: The share of the visits that monitoring bodies notify.
MONITORING_SHARE = 0.01
JOINT_MONITORS = 6
JOINT_EXPERTS = 6
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: Gate notes and reasons.
REFUSED_ENTRY = "The identity document shown did not match the clearance."
ESCALATION = "The metal detector alarmed twice and the bag held an undeclared cable."
REVIEW_REASONS = [
    "The MoU's people annex changed: a named person left the organisation.",
    "A clearance named on the visit expires before the day.",
]
SUSPENDED = "The organisation's accreditation is suspended, and the MoU with it."


def _table(weighted: list[tuple[Any, int]]) -> list[Any]:
    """A list to draw from with one random number: each value as many times as its weight."""
    return [value for value, weight in weighted for _ in range(weight)]


#: Statuses of visits past, in the next two days and further ahead; the outcomes of a visitor
#: expected at the gate (in thousandths); the size of a group; the purpose of a visit.
PAST = _table([("approved", 81), ("refused", 5), ("withdrawn", 7), ("cancelled", 3)])
PAST += _table([("requested", 4)])
SOON = _table([("approved", 92), ("withdrawn", 5), ("refused", 3)])
AHEAD = _table(
    [("approved", 52), ("requested", 33), ("in_review", 7), ("withdrawn", 5), ("refused", 3)]
)
OUTCOMES = _table(
    [("attended", 880), ("no_show", 80), ("cut_short", 15), ("refused_entry", 10), ("delayed", 15)]
)
GROUP = _table([(1, 3), (2, 4), (3, 3)])
PURPOSES = _table([(Purpose.SERVICE, 80), (Purpose.FOLLOW_UP, 6), (Purpose.COORDINATION, 9)])
PURPOSES += _table([(Purpose.BRIEFING, 5)])
_SECOND = timedelta(seconds=1)
_JSON_LISTS: dict[tuple[str, ...], str] = {}


def _json_list(items: list[str]) -> str:
    key = tuple(items)
    text = _JSON_LISTS.get(key)
    if text is None:
        text = _JSON_LISTS[key] = json.dumps(items)
    return text


CLOSURE_REASONS = [
    "Staff training day",
    "Search of the whole facility",
    "Water supply works",
    "Lockdown after an incident",
]


@dataclass
class _Mou:
    id: int
    organisation: int
    administration: int
    valid_from: date
    valid_until: date
    weekdays: frozenset[int]
    per_week: int
    equipment: list[str]
    signed: bool  # still signed (not terminated or superseded)
    accredited: bool  # its organisation's accreditation is in force today
    facilities: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    areas: set[int] = field(default_factory=set)
    activities: list[int] = field(default_factory=list)


@dataclass
class _Window:
    id: int
    facility: int
    weekday: int
    starts: clock
    ends: clock
    places: int
    wing: int | None  # the area its limit caps
    wing_places: int


@dataclass
class _Context:
    today: date
    now: datetime
    facilities: dict[int, int]  # facility → administration
    areas_of: dict[int, list[int]]
    officer: dict[int, int]  # facility → its visits officer
    gate: dict[int, int]  # facility → a gate officer
    director: dict[int, int]
    requester: dict[int, int]  # organisation → a member who requests
    mous: list[_Mou]
    mous_of: dict[int, list[_Mou]]  # organisation → its MoUs
    mechanisms: list[tuple[int, int, list[int]]]  # organisation, administration, members
    monitor: dict[int, int]  # organisation → a monitoring-body member
    person_org: dict[int, int]


def _first_by(rows: Iterable[tuple[int, int]]) -> dict[int, int]:
    result: dict[int, int] = {}
    for key, value in rows:
        result.setdefault(key, value)
    return result


def _read(now: datetime) -> _Context:
    today = now.date()
    facilities = dict(Facility.objects.values_list("id", "administration_id"))
    areas_of: dict[int, list[int]] = {}
    for aid, fid in Area.objects.order_by("id").values_list("id", "facility_id"):
        areas_of.setdefault(fid, []).append(aid)

    def users(role: str, scope: str) -> dict[int, int]:
        return _first_by(
            Membership.objects.filter(role=role).order_by("id").values_list(scope, "user_id")
        )

    requester = users(Role.NGO_ADMIN, "organisation_id")
    requester.update(users(Role.NGO_MEMBER, "organisation_id"))
    accredited = set(
        Accreditation.objects.filter(
            status=Accreditation.Status.ACTIVE, valid_from__lte=today, valid_until__gte=today
        ).values_list("organisation_id", "decision__application__administration_id")
    )
    mous: dict[int, _Mou] = {}
    for row in (
        Agreement.objects.filter(
            signed_at__isnull=False,
            valid_from__isnull=False,
            valid_until__isnull=False,
            status__in=[
                Agreement.Status.SIGNED,
                Agreement.Status.TERMINATED,
                Agreement.Status.SUPERSEDED,
            ],
        )
        .order_by("id")
        .values_list(
            "id",
            "organisation_id",
            "administration_id",
            "valid_from",
            "valid_until",
            "weekdays",
            "visits_per_week",
            "equipment",
            "status",
        )
    ):
        pk, org, admin, valid_from, valid_until, weekdays, per_week, equipment, status = row
        mous[pk] = _Mou(
            pk,
            org,
            admin,
            valid_from,
            valid_until,
            frozenset(weekdays),
            max(1, per_week or 1),
            list(equipment),
            status == Agreement.Status.SIGNED,
            (org, admin) in accredited,
        )
    through = Agreement.facilities.through.objects.filter(agreement__in=list(mous))
    for agreement, facility in through.order_by("id").values_list("agreement_id", "facility_id"):
        mous[agreement].facilities.append(facility)
    for agreement, person in (
        Agreement.people.through.objects.filter(agreement__in=list(mous))
        .order_by("id")
        .values_list("agreement_id", "person_id")
    ):
        mous[agreement].people.append(person)
    for agreement, area in Agreement.permitted_areas.through.objects.filter(
        agreement__in=list(mous)
    ).values_list("agreement_id", "area_id"):
        mous[agreement].areas.add(area)
    for agreement, activity in (
        Agreement.activity_types.through.objects.filter(agreement__in=list(mous))
        .order_by("id")
        .values_list("agreement_id", "activitytype_id")
    ):
        mous[agreement].activities.append(activity)
    usable = [m for m in mous.values() if m.facilities and m.people and m.weekdays]
    mous_of: dict[int, list[_Mou]] = {}
    for mou in usable:
        mous_of.setdefault(mou.organisation, []).append(mou)
    members: dict[int, list[int]] = {}
    for mechanism, person in FormalMechanism.members.through.objects.order_by("id").values_list(
        "formalmechanism_id", "person_id"
    ):
        members.setdefault(mechanism, []).append(person)
    mechanisms = [
        (org, admin, members.get(pk, []))
        for pk, org, admin in FormalMechanism.objects.order_by("id").values_list(
            "id", "organisation_id", "administration_id"
        )
        if members.get(pk)
    ]
    return _Context(
        today=today,
        now=now,
        facilities=facilities,
        areas_of=areas_of,
        officer=users(Role.FACILITY_OFFICER, "facility_id"),
        gate=users(Role.GATE_OFFICER, "facility_id"),
        director=users(Role.DIRECTOR, "administration_id"),
        requester=requester,
        mous=usable,
        mous_of=mous_of,
        mechanisms=mechanisms,
        monitor=users(Role.MONITOR, "organisation_id"),
        person_org=dict(Person.objects.values_list("id", "organisation_id")),
    )


# COPY of pre-formatted lines --------------------------------------------------------------------


class _Table:
    """COPY into a model's table of lines formatted by the caller, column by column as
    ``columns`` names them; any other column of the model takes its default, the same on every
    row (a field added later keeps the step working)."""

    def __init__(self, model: type[models.Model], columns: list[str]) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        assert not unknown, f"{model.__name__} has no {unknown}"
        others = [f for a, f in fields.items() if a not in columns]
        self.model = model
        self.columns = [*(fields[c].column for c in columns), *(f.column for f in others)]
        self.suffix = "".join("\t" + _text(f.get_default()) for f in others) + "\n"

    def copy(self, loader: Loader, lines: Iterable[str]) -> int:
        count = 0
        suffix = self.suffix

        def stream() -> Iterator[str]:
            nonlocal count
            for line in lines:
                count += 1
                yield line + suffix

        table = self.model._meta.db_table
        column_list = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f'COPY "{table}" ({column_list}) FROM STDIN', _RowStream(stream()), size=1 << 20
            )
        loader.counts[table] = loader.counts.get(table, 0) + count
        return count


def _without_indexes_and_keys(tables: list[str], load: Callable[[], Any]) -> None:
    """Load the tables without their secondary indexes and foreign keys, then create them again:
    one sort per index and one join per key instead of work on every row."""
    saved: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                """
                SELECT c.conname, pg_get_constraintdef(c.oid)
                FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                WHERE t.relname = %s AND c.contype IN ('f', 'u')
                """,
                [table],
            )
            for name, definition in cursor.fetchall():
                saved.append((table, f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            cursor.execute(
                """
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class t ON t.oid = x.indrelid
                WHERE t.relname = %s AND NOT x.indisprimary
                """,
                [table],
            )
            for name, definition in cursor.fetchall():
                saved.append((table, definition))
                cursor.execute(f'DROP INDEX "{name}"')
    load()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem TO '256MB'")
        # Indexes first: the unique constraints and the keys' checks then find them.
        for _table, create in sorted(saved, key=lambda item: "ALTER" in item[1]):
            cursor.execute(create)


def _ts(value: datetime | None) -> str:
    return "\\N" if value is None else value.isoformat()


def _pass_codes(start: int) -> Iterator[str]:
    """Distinct eight-character pass codes: a bijection of the counter over 32⁸, so that no two
    visitors share one, read in an order that looks random."""
    pairs = [a + b for a in CODE_ALPHABET for b in CODE_ALPHABET]  # ten bits each
    n = start
    space = 32**8
    while True:
        n += 1
        value = (n * 0x9E3779B1) % space
        yield (
            pairs[value >> 30]
            + pairs[(value >> 20) & 1023]
            + pairs[(value >> 10) & 1023]
            + pairs[value & 1023]
        )


# Planning ---------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What the step writes, as formatted lines (the big tables) and dicts (the others)."""

    windows: list[dict[str, Any]] = field(default_factory=list)
    limits: list[dict[str, Any]] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    closures: list[dict[str, Any]] = field(default_factory=list)
    protocols: list[dict[str, Any]] = field(default_factory=list)
    measures: list[dict[str, Any]] = field(default_factory=list)
    visits: list[str] = field(default_factory=list)
    visitors: list[str] = field(default_factory=list)
    visit_areas: list[str] = field(default_factory=list)
    occurrences: set[tuple[int, date]] = field(default_factory=set)
    briefings: dict[tuple[int, int], datetime] = field(default_factory=dict)
    last_seen: dict[tuple[int, int], datetime] = field(default_factory=dict)
    delays: list[dict[str, Any]] = field(default_factory=list)
    interviews: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    packages: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    in_term: int = 0
    busy_facility: int = 0
    busy_today: int = 0
    joint_visit: int = 0
    monitor_user: int = 0


def _at(day: date, at: clock) -> datetime:
    return datetime.combine(day, at, tzinfo=UTC)


class _Builder:
    def __init__(self, c: _Context, w: World) -> None:
        self.c, self.w, self.rng = c, w, w.rng
        self.p = _Plan()
        self.today = c.today
        self.start = c.today - timedelta(days=365 * YEARS)
        self.end = c.today + timedelta(days=FUTURE_DAYS)
        self.windows_of: dict[tuple[int, int], _Window] = {}  # (facility, weekday) → window
        self.taken: dict[tuple[int, date], int] = {}  # places held per window and day
        self.wing_taken: dict[tuple[int, date], int] = {}
        self.week_count: dict[tuple[int, date], int] = {}  # (MoU, Monday) → visits
        self.closed: set[tuple[int, date]] = set()  # facility closed that day (the past)
        self.review: dict[tuple[int, date], str] = {}  # facility, day → closure ahead
        self.visit_id = 0
        self.visitor_id = 0
        self.area_link = 0
        self.codes = _pass_codes(0)
        self.protocol_versions: dict[int, list[tuple[int, datetime]]] = {}
        self.area_sets: dict[int, set[int]] = {}

    # The calendar --------------------------------------------------------------------------

    def calendar(self, busy: int) -> None:
        """Per facility, three weekly windows (the busiest facility one every day), each with a
        limit on its first area and one on experts; a few facilities' own notice rules;
        closures in the past, and a few ahead that put visits into review."""
        rng, c = self.rng, self.c
        window_id = limit_id = 0
        opened = self.start - timedelta(days=30)
        for fid in sorted(c.facilities):
            officer = c.officer.get(fid) or c.director[c.facilities[fid]]
            days = list(range(7)) if fid == busy else sorted(rng.sample(range(7), 3))
            wing = (c.areas_of.get(fid) or [None])[0]
            for day in days:
                window_id += 1
                morning = day % 2 == 0
                places = 150 if fid == busy else rng.choice([20, 24, 30, 40])
                window = _Window(
                    window_id,
                    fid,
                    day,
                    clock(9) if morning else clock(13),
                    clock(12) if morning else clock(16),
                    places,
                    wing,
                    places * 2 // 3,
                )
                self.windows_of[(fid, day)] = window
                self.p.windows.append(
                    {
                        "id": window_id,
                        "facility_id": fid,
                        "weekday": day,
                        "starts": window.starts,
                        "ends": window.ends,
                        "valid_from": opened,
                        "valid_until": None,
                        "every_weeks": 1,
                        "places": places,
                        "created_by_id": officer,
                        "created_at": _at(opened - timedelta(days=10), clock(10)),
                    }
                )
                if wing is not None:
                    limit_id += 1
                    self.p.limits.append(
                        {
                            "id": limit_id,
                            "window_id": window_id,
                            "area_id": wing,
                            "category": "",
                            "places": window.wing_places,
                        }
                    )
                limit_id += 1
                self.p.limits.append(
                    {
                        "id": limit_id,
                        "window_id": window_id,
                        "area_id": None,
                        "category": Category.EXPERT,
                        "places": 6,
                    }
                )
            # A window the facility used to open, closed years ago.
            window_id += 1
            self.p.windows.append(
                {
                    "id": window_id,
                    "facility_id": fid,
                    "weekday": (days[0] + 1) % 7,
                    "starts": clock(14),
                    "ends": clock(16),
                    "valid_from": opened,
                    "valid_until": opened + timedelta(days=900),
                    "every_weeks": 2,
                    "places": 12,
                    "created_by_id": officer,
                    "created_at": _at(opened - timedelta(days=10), clock(10)),
                }
            )
            if fid % 10 == 0:
                self.p.rules.append(
                    {
                        "id": len(self.p.rules) + 1,
                        "facility_id": fid,
                        "min_notice_days": FacilityRules.DEFAULT_MIN_NOTICE_DAYS,
                        "max_notice_days": rng.choice([120, 180]),
                    }
                )
            for _ in range(2):
                first = self.start + timedelta(days=rng.randint(0, 365 * YEARS - 10))
                last = first + timedelta(days=rng.randint(0, 1))
                self._closure(fid, officer, first, last, None, None)
                for n in range((last - first).days + 1):
                    self.closed.add((fid, first + timedelta(days=n)))
            if fid % 30 == 0 or fid == busy:
                # Ahead: the whole facility, or one of its windows, closed on one day.
                ahead = self.today + timedelta(days=rng.randint(3, FUTURE_DAYS))
                window = self.windows_of.get((fid, ahead.weekday()))
                reason = self._closure(
                    fid, officer, ahead, ahead, None, window.id if window and fid % 60 else None
                )
                self.review[(fid, ahead)] = reason

    def _closure(
        self,
        fid: int,
        officer: int,
        first: date,
        last: date,
        area: int | None,
        window: int | None,
    ) -> str:
        reason = self.rng.choice(CLOSURE_REASONS)
        self.p.closures.append(
            {
                "id": len(self.p.closures) + 1,
                "facility_id": fid,
                "area_id": area,
                "window_id": window,
                "starts_on": first,
                "ends_on": last,
                "reason": reason,
                "created_by_id": officer,
                "created_at": _at(min(first, self.today) - timedelta(days=7), clock(11)),
            }
        )
        return reason

    def protocols(self, busy: int) -> None:
        """Each facility's entrance protocol in two or three published versions, each with the
        reason for every search level; the busiest facility has a new version in draft."""
        rng, c = self.rng, self.c
        pid = 0
        for fid in sorted(c.facilities):
            director = c.director[c.facilities[fid]]
            dates = [
                _at(self.start - timedelta(days=20), clock(9)),
                _at(self.today - timedelta(days=rng.randint(900, 2000)), clock(9)),
            ]
            if rng.random() < 0.3 or fid == busy:
                dates.append(_at(self.today - timedelta(days=rng.randint(30, 400)), clock(9)))
            versions = []
            for number, published in enumerate([*dates, None], start=1):
                if published is None and fid != busy:
                    break
                pid += 1
                created = published - timedelta(days=14) if published else self.c.now
                self.p.protocols.append(
                    {
                        "id": pid,
                        "facility_id": fid,
                        "version": number,
                        "summary": "Every visitor shows an identity document and passes the "
                        "metal detector; bags are inspected in front of their owner.",
                        "may_carry": "Teaching materials and a laptop declared at the gate; no "
                        "telephones beyond the gate.",
                        "monitoring_bodies": "Members of a monitoring body pass an identity check "
                        "only; their papers are never read.",
                        "emergency": "At the alarm, stay with your escort and follow the green "
                        "signs to the assembly point in the yard.",
                        "organisation_level": SearchLevel.SCREENING,
                        "monitor_level": SearchLevel.IDENTITY,
                        "expert_level": SearchLevel.SCREENING,
                        "created_by_id": director,
                        "created_at": created,
                        "published_by_id": director if published else None,
                        "published_at": published,
                    }
                )
                for level in SearchLevel:
                    self.p.measures.append(
                        {
                            "id": len(self.p.measures) + 1,
                            "protocol_id": pid,
                            "level": level,
                            "technique": f"{level.label}, by an officer of the same sex.",
                            "reason": "Keeps weapons and drugs out of the facility.",
                        }
                    )
                if published:
                    versions.append((pid, published))
            self.protocol_versions[fid] = versions

    # Visits --------------------------------------------------------------------------------

    def busiest(self) -> int:
        """The facility of the first administration (the director persona's) named by the most
        MoUs in force that allow visits today."""
        admin = min(self.c.director)
        count: dict[int, int] = {}
        for mou in self._in_force(self.today):
            if self.today.weekday() not in mou.weekdays:
                continue
            for fid in mou.facilities:
                if self.c.facilities[fid] == admin:
                    count[fid] = count.get(fid, 0) + 1
        if not count:
            return min(f for f, a in self.c.facilities.items() if a == admin)
        return min(count, key=lambda fid: (-count[fid], fid))

    def _in_force(self, day: date) -> list[_Mou]:
        return [
            m
            for m in self.c.mous
            if m.signed and m.accredited and m.valid_from <= day <= m.valid_until
        ]

    def _visit(
        self,
        *,
        mou: _Mou | None,
        organisation: int,
        facility: int,
        day: date,
        window: _Window | None,
        people: list[int],
        category: str,
        purpose: str,
        status: str,
        starts: datetime,
        ends: datetime,
        requested_by: int,
        review_reason: str = "",
        activity: int | None = None,
        roles: dict[int, str] | None = None,
    ) -> int:
        """Write a visit and its visitors, as the gate left them by now."""
        rng, c, p = self.rng, self.c, self.p
        self.visit_id += 1
        vid = self.visit_id
        now = c.now
        admin = c.facilities[facility]
        officer = c.officer.get(facility) or c.director[admin]
        gate = c.gate.get(facility) or officer
        monitoring = mou is None
        r = rng.random
        lead = timedelta(seconds=int(259_200 + r() * 3_196_800))  # 3 to 40 days
        requested_at = min(starts - lead, now - timedelta(seconds=int(300 + r() * 36_000)))
        decide_by = None if monitoring else _at(day - timedelta(days=1), clock(0))
        decided_at = decided_by = review_since = None
        refusal = note = ""
        if status in ("approved", "refused", "cancelled", "in_review") and not monitoring:
            decided = requested_at + timedelta(seconds=int(7200 + r() * 252_000))
            decided_at = min(decided, decide_by, now)
            decided_at = max(decided_at, requested_at)
            decided_by = officer
        if status == "refused":
            refusal = rng.choice(["security", "staffing", "no_capacity"])
        if status == "cancelled":
            note = "The facility was closed on the day."
        if status == "withdrawn":
            note = "Our trainer is ill."
        if status == "in_review":
            review_since = max(requested_at, min(now, starts - timedelta(days=1)))
        equipment = (
            [e for e in mou.equipment if rng.random() < 0.3] if mou and mou.equipment else []
        )
        areas = sorted(mou.areas & self._area_set(facility)) if mou and mou.areas else []
        items = _json_list(equipment)
        p.visits.append(
            "\t".join(
                (
                    str(vid),
                    str(admin),
                    str(facility),
                    str(organisation),
                    str(mou.id) if mou else "\\N",
                    str(window.id) if window else "\\N",
                    "\\N",
                    purpose,
                    str(activity) if activity else "\\N",
                    "t" if monitoring else "f",
                    day.isoformat(),
                    starts.isoformat(),
                    ends.isoformat(),
                    items,
                    "",
                    status,
                    str(requested_by),
                    requested_at.isoformat(),
                    _ts(decide_by),
                    str(decided_by) if decided_by else "\\N",
                    _ts(decided_at),
                    refusal,
                    note,
                    "",
                    _escape(review_reason),
                    _ts(review_since),
                )
            )
        )
        for area in areas:
            self.area_link += 1
            p.visit_areas.append(f"{self.area_link}\t{vid}\t{area}")
        if window is not None:
            p.occurrences.add((window.id, day))
        p.statuses[status] = p.statuses.get(status, 0) + 1
        if day == self.today and facility == p.busy_facility:
            p.busy_today += 1
        expected = status in ("approved", "notified")
        level = SearchLevel.IDENTITY if category == Category.MONITOR else SearchLevel.SCREENING
        for person in people:
            self.visitor_id += 1
            category_of = category
            role = ""
            if roles and person in roles:
                category_of, role = Category.EXPERT, roles[person]
            check_in = check_out = None
            outcome = outcome_note = justification = ""
            searched = level
            late_in = late_out = False
            if expected and starts <= now:
                outcome = OUTCOMES[int(r() * len(OUTCOMES))]
                if ends > now:  # today, the visit still going on
                    outcome = "" if outcome in ("attended", "cut_short") else outcome
                if outcome in ("", "attended", "cut_short", "delayed"):
                    late = 2400 + r() * 3000 if outcome == "delayed" else r() * 1800
                    check_in = starts + timedelta(seconds=int(late))
                    if check_in > now:
                        check_in, outcome = None, ""
                    elif outcome == "cut_short":
                        check_out = check_in + timedelta(minutes=20 + int(r() * 40))
                    elif ends <= now and r() < 0.995:
                        check_out = max(check_in, ends - timedelta(seconds=int(r() * 1800)))
                    if check_in is not None:
                        late_in = r() < 0.02
                        late_out = check_out is not None and r() < 0.02
                        if r() < 0.01:
                            searched, justification = SearchLevel.PAT_DOWN, ESCALATION
                        key = (person, facility)
                        first = p.briefings.get(key)
                        if first is None or check_in < first:
                            p.briefings[key] = check_in
                        if check_in > p.last_seen.get(key, check_in - _SECOND):
                            p.last_seen[key] = check_in
                        if outcome == "attended" and r() < 0.01:
                            self._package(vid, check_in, gate)
                if outcome == "refused_entry":
                    outcome_note = REFUSED_ENTRY
                if outcome:
                    p.outcomes[outcome] = p.outcomes.get(outcome, 0) + 1
            p.visitors.append(
                "\t".join(
                    (
                        str(self.visitor_id),
                        str(vid),
                        str(person),
                        category_of,
                        role,
                        "\\N",
                        next(self.codes),
                        _ts(check_in),
                        str(gate) if check_in else "\\N",
                        "t" if late_in else "f",
                        _ts(check_out),
                        str(gate) if check_out else "\\N",
                        "t" if late_out else "f",
                        str(int(searched)) if check_in else "\\N",
                        justification if check_in else "",
                        items if check_in else "[]",
                        "",
                        outcome,
                        outcome_note,
                    )
                )
            )
        if expected and ends <= now:
            if monitoring:
                self._monitoring_record(vid, facility, starts, gate, requested_by)
            elif purpose == Purpose.COORDINATION and rng.random() < 0.6:
                p.meetings.append(
                    {
                        "id": len(p.meetings) + 1,
                        "visit_id": vid,
                        "participants": "The facility's director, the head of education, the "
                        "organisation's coordinator",
                        "minutes": "Reviewed the term's sessions; the next ones move to the "
                        "afternoon.",
                        "written_by_id": requested_by,
                        "written_at": ends + timedelta(hours=20),
                    }
                )
            if rng.random() < 0.001:
                p.incidents.append(
                    {
                        "id": len(p.incidents) + 1,
                        "visit_id": vid,
                        "occurred_at": starts + timedelta(minutes=50),
                        "description": "A visitor felt unwell and was taken to the health unit.",
                        "recorded_by_id": gate,
                        "recorded_at": starts + timedelta(minutes=70),
                        "entered_late": False,
                    }
                )
        return vid

    def _area_set(self, facility: int) -> set[int]:
        found = self.area_sets.get(facility)
        if found is None:
            found = self.area_sets[facility] = set(self.c.areas_of.get(facility, ()))
        return found

    def _package(self, vid: int, at: datetime, gate: int) -> None:
        self.p.packages.append(
            {
                "id": len(self.p.packages) + 1,
                "visit_id": vid,
                "brought_by_id": self.visitor_id,
                "description": "Two boxes of books for the library",
                "result": self.rng.choice(["admitted", "admitted", "admitted_partly", "held"]),
                "note": "",
                "registered_by_id": gate,
                "registered_at": at,
            }
        )

    def _monitoring_record(
        self, vid: int, facility: int, starts: datetime, gate: int, monitor: int
    ) -> None:
        rng, p = self.rng, self.p
        if rng.random() < 0.08:
            p.delays.append(
                {
                    "id": len(p.delays) + 1,
                    "visit_id": vid,
                    "minutes": rng.choice([15, 20, 30, 45, 90]),
                    "justification": "A search of the wing was under way when the team arrived.",
                    "recorded_by_id": gate,
                    "recorded_at": starts + timedelta(minutes=5),
                }
            )
        areas = self.c.areas_of.get(facility) or [None]
        for n in range(rng.randint(0, 3)):
            p.interviews.append(
                {
                    "id": len(p.interviews) + 1,
                    "visit_id": vid,
                    "area_id": rng.choice(areas),
                    "held_at": starts + timedelta(minutes=40 * (n + 1)),
                    "recorded_by_id": monitor,
                }
            )

    def _status(self, day: date, mou: _Mou, facility: int) -> tuple[str, str]:
        """A realistic status for a visit on the day; the reason it is in review, if it is."""
        rng = self.rng
        if day < self.today:
            return PAST[int(rng.random() * len(PAST))], ""
        if not mou.accredited:
            return "in_review", SUSPENDED
        closure = self.review.get((facility, day))
        if closure is not None:
            return "in_review", f"Closed: {closure}"
        if day <= self.today + timedelta(days=1):
            return SOON[int(rng.random() * len(SOON))], ""
        status = AHEAD[int(rng.random() * len(AHEAD))]
        return status, rng.choice(REVIEW_REASONS) if status == "in_review" else ""

    def _mou_visit(self, mou: _Mou, facility: int, day: date, window: _Window) -> bool:
        """A visit of the MoU's organisation on the day, if the window has the places; False
        when it has not."""
        rng = self.rng
        k = min(len(mou.people), GROUP[int(rng.random() * len(GROUP))])
        status, reason = self._status(day, mou, facility)
        # Places are held by approved visits, visits in review and requests still undecided
        # (a request left undecided until the day before has expired).
        holds = status in ("approved", "in_review") or (
            status == "requested" and day >= self.today + timedelta(days=2)
        )
        key = (window.id, day)
        areas = mou.areas & self._area_set(facility)
        in_wing = window.wing in areas
        if holds:
            if self.taken.get(key, 0) + k > window.places:
                return False
            if in_wing and self.wing_taken.get(key, 0) + k > window.wing_places:
                return False
            self.taken[key] = self.taken.get(key, 0) + k
            if in_wing:
                self.wing_taken[key] = self.wing_taken.get(key, 0) + k
        purpose = PURPOSES[int(rng.random() * len(PURPOSES))]
        activity = (
            rng.choice(mou.activities) if purpose == Purpose.SERVICE and mou.activities else None
        )
        self._visit(
            mou=mou,
            organisation=mou.organisation,
            facility=facility,
            day=day,
            window=window,
            people=rng.sample(mou.people, k),
            category=Category.ORGANISATION,
            purpose=purpose,
            status=status,
            starts=_at(day, window.starts),
            ends=_at(day, window.ends),
            requested_by=self.c.requester.get(mou.organisation)
            or self.c.director[mou.administration],
            review_reason=reason,
            activity=activity,
        )
        week = (mou.id, day - timedelta(days=day.weekday()))
        self.week_count[week] = self.week_count.get(week, 0) + 1
        if mou.valid_from <= day <= mou.valid_until:
            self.p.in_term += 1
        return True

    def busy_today(self, busy: int, target: int) -> None:
        """The busiest facility's visits today: as many as its MoUs in force allow this week,
        up to ``target``."""
        day = self.today
        window = self.windows_of[(busy, day.weekday())]
        mous = [
            m for m in self._in_force(day) if busy in m.facilities and day.weekday() in m.weekdays
        ]
        made = 0
        for _round in range(2):
            for mou in mous:
                week = (mou.id, day - timedelta(days=day.weekday()))
                if made >= target or self.week_count.get(week, 0) >= mou.per_week:
                    continue
                if self._mou_visit(mou, busy, day, window):
                    made += 1

    def joint_visit(self, busy: int) -> None:
        """A monitoring body's joint visit today at the busiest facility: its members and the
        experts of NGOs with an MoU in force there, each with the role agreed in advance."""
        c, rng = self.c, self.rng
        admin = c.facilities[busy]
        mechanisms = [m for m in c.mechanisms if m[1] == admin] or c.mechanisms
        if not mechanisms:
            return
        org, _admin, members = mechanisms[0]
        experts: list[int] = []
        for mou in self._in_force(self.today):
            if mou.administration == admin and mou.organisation != org:
                experts += [p for p in mou.people[:2] if p not in experts]
            if len(experts) >= JOINT_EXPERTS:
                break
        experts = experts[:JOINT_EXPERTS]
        roles = {
            person: ["Medical doctor", "Psychologist", "Lawyer"][n % 3]
            for n, person in enumerate(experts)
        }
        monitor = c.monitor.get(org) or c.director[admin]
        self.p.monitor_user = monitor
        starts = _at(self.today, clock(8, 30))
        self.p.joint_visit = self._visit(
            mou=None,
            organisation=org,
            facility=busy,
            day=self.today,
            window=None,
            people=[*members[:JOINT_MONITORS], *experts],
            category=Category.MONITOR,
            purpose=Purpose.MONITORING,
            status="notified",
            starts=starts,
            ends=starts + timedelta(hours=8),
            requested_by=monitor,
            roles=roles,
        )
        _ = rng

    def monitoring(self, count: int) -> None:
        """The monitoring bodies' notified visits over the ten years, at any facility of their
        administration, on any day."""
        c, rng = self.c, self.rng
        if not c.mechanisms:
            return
        facilities_of: dict[int, list[int]] = {}
        for fid, admin in sorted(c.facilities.items()):
            facilities_of.setdefault(admin, []).append(fid)
        span = (self.end - self.start).days
        for _ in range(count):
            org, admin, members = rng.choice(c.mechanisms)
            facility = rng.choice(facilities_of[admin])
            day = self.start + timedelta(days=rng.randint(0, span))
            starts = _at(day, clock(rng.randint(7, 10), rng.choice([0, 30])))
            monitor = c.monitor.get(org) or c.director[admin]
            self._visit(
                mou=None,
                organisation=org,
                facility=facility,
                day=day,
                window=None,
                people=rng.sample(members, min(len(members), rng.randint(2, 4))),
                category=Category.MONITOR,
                purpose=Purpose.MONITORING,
                status="withdrawn" if rng.random() < 0.03 else "notified",
                starts=starts,
                ends=starts + timedelta(hours=rng.randint(3, 8)),
                requested_by=monitor,
            )

    def mou_visits(self, count: int) -> None:
        """The organisations' visits, day by day over the ten years, more in recent years (the
        programmes grew); on each day under an MoU in its term when one has room that week."""
        c, rng = self.c, self.rng
        days = (self.end - self.start).days + 1
        in_term: list[list[_Mou]] = [[] for _ in range(days)]
        for mou in c.mous:
            # An MoU no longer signed (terminated, superseded) takes no visits from today on.
            last = min(mou.valid_until, self.end if mou.signed else self.today - timedelta(1))
            first = max(mou.valid_from, self.start)
            for n in range((first - self.start).days, (last - self.start).days + 1):
                in_term[n].append(mou)
        by_organisation = list(c.mous)
        weights = []
        for n in range(days):
            day = self.start + timedelta(days=n)
            if day <= self.today:
                weights.append(0.25 + 0.75 * n / (days - 1 - FUTURE_DAYS))
            else:
                weights.append(max(0.15, 1 - (day - self.today).days / (FUTURE_DAYS * 1.2)))
        scale = count / sum(weights)
        made = 0
        carry = 0.0
        for n in range(days):
            day = self.start + timedelta(days=n)
            carry += weights[n] * scale
            wanted = int(carry)
            carry -= wanted
            future = day >= self.today
            monday = day - timedelta(days=day.weekday())
            pool = in_term[n]
            for _ in range(wanted):
                for attempt in range(12):
                    # On a past day whose MoUs in term are full that week, or of another
                    # weekday, the visit goes to another of the organisations' MoUs.
                    term = bool(pool) and (future or attempt < 6)
                    if not term and future:
                        break
                    mou = rng.choice(pool) if term else rng.choice(by_organisation)
                    if term and self.week_count.get((mou.id, monday), 0) >= mou.per_week:
                        continue
                    if term and day.weekday() not in mou.weekdays:
                        continue
                    facility = rng.choice(mou.facilities)
                    window = self.windows_of.get((facility, day.weekday()))
                    if window is None or (facility, day) in self.closed:
                        continue
                    if self._mou_visit(mou, facility, day, window):
                        made += 1
                        break
                else:
                    carry += 1  # made on a following day instead
        self.made = made


# Writing ----------------------------------------------------------------------------------------


VISIT_COLUMNS = [
    "id",
    "administration_id",
    "facility_id",
    "organisation_id",
    "agreement_id",
    "window_id",
    "series_id",
    "purpose",
    "activity_type_id",
    "monitoring",
    "day",
    "starts_at",
    "ends_at",
    "equipment",
    "notes",
    "status",
    "requested_by_id",
    "requested_at",
    "decide_by",
    "decided_by_id",
    "decided_at",
    "refusal_reason",
    "status_note",
    "capacity_override",
    "review_reason",
    "review_since",
]
VISITOR_COLUMNS = [
    "id",
    "visit_id",
    "person_id",
    "category",
    "role",
    "confidentiality_document_id",
    "pass_code",
    "checked_in_at",
    "checked_in_by_id",
    "checked_in_late",
    "checked_out_at",
    "checked_out_by_id",
    "checked_out_late",
    "search_level",
    "search_justification",
    "items_declared",
    "items_note",
    "outcome",
    "outcome_note",
]


def _briefings(b: _Builder) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A briefing for each person at each facility they entered, given just before their first
    entry, and their acknowledgement of the protocol in force then and of each later version
    published before their latest entry."""
    c, p = b.c, b.p
    briefings, acknowledgements = [], []
    for (person, facility), first in sorted(p.briefings.items()):
        given_by = c.gate.get(facility) or c.officer.get(facility) or c.director[1]
        given = first - timedelta(minutes=20)
        briefings.append(
            {
                "id": len(briefings) + 1,
                "person_id": person,
                "facility_id": facility,
                "given_by_id": given_by,
                "given_at": given,
            }
        )
        last = p.last_seen.get((person, facility), first)
        versions = b.protocol_versions.get(facility, [])
        current = [pid for pid, published in versions if published <= given]
        chosen = current[-1:] + [pid for pid, published in versions if given < published <= last]
        for pid in chosen:
            published = dict(versions)[pid]
            acknowledgements.append(
                {
                    "id": len(acknowledgements) + 1,
                    "person_id": person,
                    "protocol_id": pid,
                    "recorded_by_id": given_by,
                    "acknowledged_at": max(given, published + timedelta(days=1)),
                }
            )
    return briefings, acknowledgements


def _feeds(c: _Context, users: Iterable[int]) -> list[dict[str, Any]]:
    return [
        {
            "id": n,
            "user_id": user,
            "token": hashlib.sha256(f"bench-visit-feed-{user}".encode()).hexdigest(),
            "created_at": c.now - timedelta(days=30),
        }
        for n, user in enumerate(sorted(set(users)), start=1)
    ]


def build_visits(w: World, *, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Fill the visits tables of a data set whose facilities, people and MoUs exist; return
    what the benchmark's pages need to know (the busiest facility, its staff, the joint
    visit)."""
    t0 = time.monotonic()
    c = _read(w.now)
    b = _Builder(c, w)
    busy = b.busiest()
    b.p.busy_facility = busy
    b.calendar(busy)
    b.protocols(busy)
    monitoring = max(1, int(w.sizes.visits * MONITORING_SHARE))
    b.joint_visit(busy)
    b.busy_today(busy, BUSY_TODAY - 1)
    b.monitoring(monitoring - 1)
    b.mou_visits(w.sizes.visits - b.visit_id)
    briefings, acknowledgements = _briefings(b)
    p = b.p
    planned = time.monotonic() - t0
    log(f"    planned {b.visit_id} visits and {b.visitor_id} visitors in {planned:.1f} s")

    t1 = time.monotonic()
    loader = w.loader
    copy = loader.copy
    copy(FacilityRules, p.rules)
    copy(VisitingWindow, p.windows)
    copy(WindowLimit, p.limits)
    copy(Closure, p.closures)
    copy(EntranceProtocol, p.protocols)
    copy(ProtocolMeasure, p.measures)
    copy(Briefing, briefings)
    copy(Acknowledgement, acknowledgements)
    visits = _Table(Visit, VISIT_COLUMNS)
    visitors = _Table(Visitor, VISITOR_COLUMNS)
    areas = _Table(Visit.areas.through, ["id", "visit_id", "area_id"])
    occurrences = _Table(Occurrence, ["id", "window_id", "day"])
    tables = [m._meta.db_table for m in (Visit, Visitor, Visit.areas.through, Occurrence)]

    def load() -> None:
        visits.copy(loader, p.visits)
        visitors.copy(loader, p.visitors)
        areas.copy(loader, p.visit_areas)
        occurrences.copy(
            loader,
            (
                f"{n}\t{window}\t{day.isoformat()}"
                for n, (window, day) in enumerate(sorted(p.occurrences), start=1)
            ),
        )

    _without_indexes_and_keys(tables, load)
    copy(Package, p.packages)
    copy(Incident, p.incidents)
    copy(Delay, p.delays)
    copy(Interview, p.interviews)
    copy(Meeting, p.meetings)
    staff = {
        "officer": c.officer.get(busy),
        "gate": c.gate.get(busy),
        "monitor": p.monitor_user,
    }
    personas = User.objects.filter(username__in=list(PERSONAS.values()))
    feed_users = [u for u in staff.values() if u] + list(personas.values_list("id", flat=True))
    copy(CalendarFeed, _feeds(c, feed_users))
    reset_sequences(MODELS)
    log(f"    written in {time.monotonic() - t1:.1f} s")
    w.visits_info = info = {
        "busy_facility": busy,
        "busy_today": p.busy_today,
        "joint_visit": p.joint_visit,
        "officer": staff["officer"],
        "gate": staff["gate"],
        "monitor": staff["monitor"],
        "visits": b.visit_id,
        "visitors": b.visitor_id,
        "in_term": p.in_term,
        "statuses": p.statuses,
        "outcomes": p.outcomes,
    }
    return info


def has_visits() -> bool:
    return Visit.objects.exists()


def add_to_existing(*, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Give a data set built before visits existed its visits, at the scale it was built at,
    and record them with the data set."""
    from .build import add_stage_to_existing

    return add_stage_to_existing(
        lambda w: build_visits(w, log=log), MODELS, app_label="visits", step=ADDED_STEP, seed=13
    )


def visits_info() -> dict[str, Any] | None:
    """What the visits step recorded with the data set: the busiest facility, its staff, the
    joint visit, the statuses."""
    from .build import dataset_info

    info = dataset_info()
    return info["sizes"].get("visits") if info else None
