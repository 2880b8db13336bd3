"""Reads of visits that pages and later modules use: what a visit's page shows, the day's
manifest, a facility's calendar with its places taken and free, the review queue, a user's
calendar feed and the dashboard panels."""

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accreditation.models import FormalMechanism
from accreditation.selectors import cleared_people, mechanisms_in_public_register
from activity.choices import choice_label
from activity.panels import Panel
from activity.typing import AnyUser
from agreements.models import Clause, Equipment
from agreements.selectors import agreements_in_force
from directory.models import Area, Facility, Role
from directory.permissions import administration_ids, memberships, organisation_ids

from .models import (
    Acknowledgement,
    Briefing,
    Category,
    Closure,
    Delay,
    EntranceProtocol,
    Incident,
    Interview,
    Meeting,
    Package,
    Visit,
    VisitingWindow,
    Visitor,
    WindowLimit,
    local_today,
)
from .permissions import ADMINISTRATION_STAFF, REQUESTERS


@dataclass(frozen=True)
class VisitPage:
    """What a visit's page shows besides the visit itself."""

    visitors: list[Visitor]
    areas: list[Area]
    equipment: list[str]
    identity: bool


def visit_page(visit: Visit, *, identity: bool) -> VisitPage:
    """The visit's people (with their identity data only for those who may see it), areas and
    equipment, in a fixed number of queries."""
    return VisitPage(
        visitors=list(visit.visitors.select_related("person").order_by("person__full_name")),
        areas=list(visit.areas.order_by("name")),
        equipment=[str(Equipment(item).label) for item in visit.equipment],
        identity=identity,
    )


def protocol_in_force(facility: Facility) -> EntranceProtocol | None:
    """The facility's entrance protocol in force: its latest published version."""
    return (
        EntranceProtocol.objects.published().filter(facility=facility).order_by("-version").first()
    )


def protocols_in_force(facility_ids: Iterable[int]) -> dict[int, EntranceProtocol]:
    """``protocol_in_force`` for many facilities in one query: each facility's latest
    published version, by facility id; a facility without one is absent."""
    latest = (
        EntranceProtocol.objects.published()
        .filter(facility=OuterRef("facility"))
        .order_by("-version")
        .values("pk")[:1]
    )
    found = EntranceProtocol.objects.filter(facility__in=list(facility_ids), pk=Subquery(latest))
    return {protocol.facility_id: protocol for protocol in found}


@dataclass(frozen=True)
class Undertaking:
    """How an expert on a joint monitoring visit is bound to confidentiality: by the MoU in
    force between their organisation and the administration (``agreement``, its reference), by
    a signed agreement uploaded for the visit (``document_id``), or not at all."""

    visitor: Visitor
    agreement: str = ""
    document_id: int | None = None

    @property
    def missing(self) -> bool:
        return not self.agreement and self.document_id is None


def expert_undertakings(visit: Visit, visitors: list[Visitor] | None = None) -> list[Undertaking]:
    """Each expert of the visit and their confidentiality undertaking, in two queries (one if
    the visit's people, with their persons, are given)."""
    if visitors is None:
        visitors = list(visit.visitors.select_related("person").order_by("person__full_name"))
    experts = [visitor for visitor in visitors if visitor.category == Category.EXPERT]
    if not experts:
        return []
    covering: dict[int, str] = {}
    rows = (
        agreements_in_force(visit.day)
        .filter(
            administration=visit.administration_id,
            organisation__in=[expert.person.organisation_id for expert in experts],
            clauses__included=True,
            clauses__clause_version__clause__kind=Clause.Kind.CONFIDENTIALITY,
        )
        .order_by("valid_from", "pk")
        .values_list("organisation", "reference", "title")
    )
    for organisation, reference, title in rows:
        covering.setdefault(organisation, reference or title)
    return [
        Undertaking(
            visitor=expert,
            agreement=covering.get(expert.person.organisation_id, ""),
            document_id=expert.confidentiality_document_id,
        )
        for expert in experts
    ]


def experts_without_confidentiality(visit: Visit) -> list[Visitor]:
    """The experts on a joint monitoring visit who have not undertaken confidentiality: neither
    an MoU in force between their organisation and the administration (its confidentiality
    clause binds them) nor a separate signed agreement uploaded for the visit. The visit
    cannot start while there is one."""
    return [each.visitor for each in expert_undertakings(visit) if each.missing]


@dataclass(frozen=True)
class MonitoringPage:
    """What a monitoring visit's page shows of it: the delays staff recorded, the private
    interviews held (that they took place, never what was said), and the experts'
    confidentiality undertakings."""

    delays: list[Delay]
    interviews: list[Interview]
    undertakings: list[Undertaking]


def monitoring_page(visit: Visit, visitors: list[Visitor]) -> MonitoringPage:
    return MonitoringPage(
        delays=list(visit.delays.select_related("recorded_by").order_by("recorded_at", "pk")),
        interviews=list(visit.interviews.select_related("area").order_by("held_at", "pk")),
        undertakings=expert_undertakings(visit, visitors),
    )


def meeting_of(visit: Visit) -> Meeting | None:
    """The minutes of a coordination meeting, if written."""
    return Meeting.objects.filter(visit=visit).select_related("written_by").first()


# The gate ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryCheck:
    """Whether one person may be let in, and if not, why."""

    briefed: bool
    acknowledged: bool
    problems: list[str]


def entry_checks(
    visitors: Sequence[Visitor], *, facility: Facility, day: date, protocol: EntranceProtocol | None
) -> dict[int, EntryCheck]:
    """What keeps each person out of the facility on the day, by visitor id (none: they may
    be checked in): organisation staff whose clearance is not in force, monitoring-body
    members outside their body's mandate in force, anyone not yet briefed at the facility or
    who has not acknowledged the protocol in force. Five queries however many people; the
    visitors' visits must be loaded with their organisation."""
    people = {visitor.person_id for visitor in visitors}
    staff = [v.person_id for v in visitors if v.category == Category.ORGANISATION]
    monitors = [v.person_id for v in visitors if v.category == Category.MONITOR]
    cleared = set(
        cleared_people(facility.administration, on=day)
        .filter(pk__in=staff)
        .values_list("pk", flat=True)
    )
    mandates = mechanisms_in_public_register(day).filter(administration=facility.administration_id)
    mandated = set(
        FormalMechanism.members.through.objects.filter(
            person__in=monitors, formalmechanism__in=mandates
        ).values_list("formalmechanism__organisation", "person")
    )
    briefed = set(
        Briefing.objects.filter(facility=facility, person__in=people).values_list(
            "person", flat=True
        )
    )
    acknowledged = set(
        Acknowledgement.objects.filter(protocol=protocol, person__in=people).values_list(
            "person", flat=True
        )
        if protocol is not None
        else []
    )
    checks: dict[int, EntryCheck] = {}
    for visitor in visitors:
        person = visitor.person.full_name
        found: list[str] = []
        if visitor.category == Category.ORGANISATION and visitor.person_id not in cleared:
            found.append(
                _("%(person)s's clearance is not in force on %(day)s.")
                % {"person": person, "day": date_format(day)}
            )
        mandate = (visitor.visit.organisation_id, visitor.person_id)
        if visitor.category == Category.MONITOR and mandate not in mandated:
            found.append(
                _("%(person)s is not a member of the registered mandate of %(body)s in force.")
                % {"person": person, "body": visitor.visit.organisation.name}
            )
        if visitor.person_id not in briefed:
            found.append(
                _("%(person)s has not had the facility's security and emergency briefing.")
                % {"person": person}
            )
        if protocol is None:
            found.append(
                _(
                    "%(facility)s has no entrance protocol in force: nobody is checked in "
                    "until its visits officer publishes one."
                )
                % {"facility": facility.name}
            )
        elif visitor.person_id not in acknowledged:
            found.append(
                _("%(person)s has not acknowledged version %(version)s of the entrance protocol.")
                % {"person": person, "version": protocol.version}
            )
        checks[visitor.pk] = EntryCheck(
            briefed=visitor.person_id in briefed,
            acknowledged=visitor.person_id in acknowledged,
            problems=found,
        )
    return checks


def _gate_visitors() -> Prefetch:
    return Prefetch(
        "visitors", queryset=Visitor.objects.select_related("person").order_by("person__full_name")
    )


@dataclass(frozen=True)
class GateRow:
    """A person at the gate, and what keeps them out (nothing: they may be checked in)."""

    visitor: Visitor
    check: EntryCheck


@dataclass(frozen=True)
class ManifestRow:
    """One person on the manifest, in the words the gate reads.

    The manifest is the page a gate keeps open all day, a hundred people long on a busy day.
    Its rows are put into words once here: looked up field by field through the models in the
    template, they took half of the page's time."""

    visitor: Visitor
    url: str
    name: str
    document: str
    nationality: str
    category: str
    # Expected: not come yet, so what keeps them out is shown; otherwise where they are.
    expected: bool
    status: str
    problems: list[str]


@dataclass(frozen=True)
class ManifestVisit:
    visit: Visit
    hours: str  # when it starts and ends, by the facility's clock
    areas: list[str]
    rows: list[ManifestRow]


@dataclass(frozen=True)
class Manifest:
    """A facility's gate on its today: the visits expected, their people and where each is,
    who is inside now."""

    facility: Facility
    day: date
    now: datetime
    protocol: EntranceProtocol | None
    visits: list[ManifestVisit]
    inside: list[Visitor]


def manifest(facility: Facility, visible: QuerySet[Visit]) -> Manifest:
    """The day's manifest, among the visits the user may see (``visible``), in a fixed number
    of queries however many visits and people it lists."""
    day = local_today(facility)
    visits = list(
        visible.filter(facility=facility, day=day, status__in=Visit.EXPECTED_STATUSES)
        .select_related("organisation", "agreement")
        .prefetch_related(
            _gate_visitors(), Prefetch("areas", queryset=Area.objects.order_by("name"))
        )
        .order_by("starts_at", "organisation__name", "pk")
    )
    visitors = [visitor for visit in visits for visitor in visit.visitors.all()]
    protocol = protocol_in_force(facility)
    checks = entry_checks(visitors, facility=facility, day=day, protocol=protocol)
    inside = sorted(
        (visitor for visitor in visitors if visitor.is_inside),
        key=lambda visitor: (visitor.checked_in_at, visitor.person.full_name),
    )
    zone = zoneinfo.ZoneInfo(facility.time_zone)
    return Manifest(
        facility=facility,
        day=day,
        now=timezone.now(),
        protocol=protocol,
        visits=[
            ManifestVisit(
                visit,
                hours=f"{visit.starts_at.astimezone(zone):%H:%M}–{visit.ends_at.astimezone(zone):%H:%M}",
                areas=[area.name for area in visit.areas.all()],
                rows=[
                    _manifest_row(visitor, checks[visitor.pk]) for visitor in visit.visitors.all()
                ],
            )
            for visit in visits
        ],
        inside=inside,
    )


def _manifest_row(visitor: Visitor, check: EntryCheck) -> ManifestRow:
    person = visitor.person
    status = visitor.gate_status
    return ManifestRow(
        visitor=visitor,
        url=reverse("visits:gate_visitor", args=[visitor.pk]),
        name=person.full_name,
        document=f"{choice_label(person, 'document_type')} {person.document_number}",
        nationality=person.nationality,
        category=choice_label(visitor, "category"),
        expected=status == Visitor.GateStatus.EXPECTED,
        status=str(status.label),
        problems=check.problems,
    )


@dataclass(frozen=True)
class GatePage:
    """What the gate records about one visit, for its page."""

    rows: list[GateRow]
    protocol: EntranceProtocol | None
    incidents: list[Incident]
    packages: list[Package]


def gate_page(visit: Visit) -> GatePage:
    visitors = list(visit.visitors.select_related("person").order_by("person__full_name"))
    for visitor in visitors:
        visitor.visit = visit
    protocol = protocol_in_force(visit.facility)
    checks = entry_checks(visitors, facility=visit.facility, day=visit.day, protocol=protocol)
    return GatePage(
        rows=[GateRow(visitor, checks[visitor.pk]) for visitor in visitors],
        protocol=protocol,
        incidents=list(visit.incidents.select_related("recorded_by")),
        packages=list(visit.packages.select_related("brought_by__person", "registered_by")),
    )


# The calendar -----------------------------------------------------------------------------------


def windows_of(facility: Facility, *, since: date | None = None) -> list[VisitingWindow]:
    """The facility's windows with their caps (and the capped areas), those still open on or
    after ``since`` only if given: three queries, whatever their number."""
    windows = VisitingWindow.objects.filter(facility=facility)
    if since is not None:
        windows = windows.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=since))
    limits = WindowLimit.objects.select_related("area").order_by("area__name", "category")
    return list(
        windows.prefetch_related(Prefetch("limits", queryset=limits)).order_by(
            "weekday", "starts", "pk"
        )
    )


@dataclass(frozen=True)
class LimitUse:
    """A cap of a window on a date: on an area or a category, and how much of it is taken."""

    label: str
    places: int
    taken: int

    @property
    def free(self) -> int:
        return max(self.places - self.taken, 0)


@dataclass(frozen=True)
class Opening:
    """One date of a window: its places, how many are taken, its caps, and the closure of the
    facility or of the window that keeps visitors out that day, if any."""

    window: VisitingWindow
    day: date
    taken: int
    limits: list[LimitUse]
    closed_by: Closure | None

    @property
    def places(self) -> int:
        return self.window.places

    @property
    def free(self) -> int:
        return 0 if self.closed_by else max(self.places - self.taken, 0)

    @property
    def over(self) -> int:
        """How many visitors were admitted beyond the places (an officer's recorded override,
        or places lowered since)."""
        return max(self.taken - self.places, 0)


@dataclass(frozen=True)
class CalendarDay:
    day: date
    openings: list[Opening]
    #: Closures of the whole facility or one of its areas that day.
    closures: list[Closure]


def facility_calendar(
    facility: Facility, windows: list[VisitingWindow], *, start: date, days: int
) -> list[list[CalendarDay]]:
    """The ``days`` from ``start``, week by week, with each window's openings, the places
    taken and free in all and under each cap, and the closures: four queries, whatever the
    number of windows, closures and visits (``windows`` come from ``windows_of``)."""
    end = start + timedelta(days=days - 1)
    closures = list(
        Closure.objects.in_force()
        .filter(facility=facility, starts_on__lte=end, ends_on__gte=start)
        .select_related("area", "window")
        .order_by("starts_on", "pk")
    )
    booked = Visitor.objects.filter(
        visit__in=Visit.objects.holding_places().filter(
            facility=facility, day__gte=start, day__lte=end, window__isnull=False
        )
    )
    taken: dict[tuple[int, date], int] = {
        (row["visit__window"], row["visit__day"]): row["n"]
        for row in booked.values("visit__window", "visit__day").annotate(n=Count("pk"))
    }
    by_area: dict[tuple[int, date, int], int] = {
        (row["visit__window"], row["visit__day"], row["visit__areas"]): row["n"]
        for row in booked.filter(visit__areas__isnull=False)
        .values("visit__window", "visit__day", "visit__areas")
        .annotate(n=Count("pk"))
    }
    by_category: dict[tuple[int, date, str], int] = {
        (row["visit__window"], row["visit__day"], row["category"]): row["n"]
        for row in booked.values("visit__window", "visit__day", "category").annotate(n=Count("pk"))
    }
    on_day: dict[date, list[Closure]] = defaultdict(list)
    for closure in closures:
        first, last = max(closure.starts_on, start), min(closure.ends_on, end)
        for offset in range((last - first).days + 1):
            on_day[first + timedelta(days=offset)].append(closure)
    weeks: list[list[CalendarDay]] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        openings = []
        for window in windows:
            if not window.falls_on(day):
                continue
            closed_by = next(
                (c for c in on_day[day] if c.area_id is None and c.window_id in (None, window.pk)),
                None,
            )
            limits = [
                LimitUse(
                    label=limit.area.name if limit.area else str(Category(limit.category).label),
                    places=limit.places,
                    taken=by_area.get((window.pk, day, limit.area_id), 0)
                    if limit.area_id
                    else by_category.get((window.pk, day, limit.category), 0),
                )
                for limit in window.limits.all()
            ]
            openings.append(
                Opening(
                    window=window,
                    day=day,
                    taken=taken.get((window.pk, day), 0),
                    limits=limits,
                    closed_by=closed_by,
                )
            )
        facility_wide = [c for c in on_day[day] if c.window_id is None]
        if offset % 7 == 0:
            weeks.append([])
        weeks[-1].append(CalendarDay(day=day, openings=openings, closures=facility_wide))
    return weeks


# The calendar feed -------------------------------------------------------------------------------

#: A feed reaches this many days back and this many ahead, and holds at most this many visits:
#: the nearest first, so that a calendar fetched every hour stays small whatever the history.
FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 365
FEED_MAX_EVENTS = 1000


def feed_visits(user: AnyUser, now: datetime | None = None) -> list[Visit]:
    """The visits in the user's calendar feed: those naming them (through their own person in
    an organisation they still belong to) or that they asked for; and, for a facility's
    visits officer or gate officer, the facility's expected visits. Directors and
    coordinators see the administration's visits in the list, not in their calendar. From
    ``FEED_DAYS_BACK`` days ago to ``FEED_DAYS_AHEAD`` ahead, the earliest first, at most
    ``FEED_MAX_EVENTS``; two queries besides the user's memberships."""
    if not user.is_authenticated or not user.is_active:
        return []
    now = now or timezone.now()
    since, until = now - timedelta(days=FEED_DAYS_BACK), now + timedelta(days=FEED_DAYS_AHEAD)
    wanted = Q(pk__in=[])
    organisations = organisation_ids(user, REQUESTERS)
    if organisations:
        # The visits naming the user's person in the period, read first: a few hundred at most,
        # so that each side of the condition is found by its own index.
        named = list(
            Visitor.objects.filter(
                person__user=user,
                person__organisation__in=organisations,
                visit__starts_at__gte=since,
                visit__starts_at__lt=until,
            ).values_list("visit", flat=True)[:FEED_MAX_EVENTS]
        )
        wanted |= Q(pk__in=named) | Q(requested_by=user, organisation__in=organisations)
    facilities = {
        m.facility_id
        for m in memberships(user)
        if m.facility_id and m.role in (Role.FACILITY_OFFICER, Role.GATE_OFFICER)
    }
    if facilities:
        wanted |= Q(facility__in=facilities, status__in=Visit.EXPECTED_STATUSES)
    if not organisations and not facilities:
        return []
    return list(
        Visit.objects.filter(wanted, starts_at__gte=since, starts_at__lt=until)
        .select_related("facility", "organisation")
        .order_by("starts_at", "id")[:FEED_MAX_EVENTS]
    )


# The dashboard -----------------------------------------------------------------------------------

#: How many visits a panel names; the others are counted and found in the list of visits.
VISITS_ON_DASHBOARD = 8


def _facilities_held(user: AnyUser, role: str) -> list[Facility]:
    # Read with the memberships (and their facilities) the request has already loaded.
    return [m.facility for m in memberships(user) if m.role == role and m.facility is not None]


def _today_at(facilities: Iterable[Facility]) -> Q:
    """Each facility's visits of its own today (a facility's day is in its time zone)."""
    today = Q(pk__in=[])
    now = timezone.now()
    for facility in facilities:
        day = now.astimezone(zoneinfo.ZoneInfo(facility.time_zone)).date()
        today |= Q(facility=facility.pk, day=day)
    return today


def _inside_now(facilities: Iterable[Facility]) -> int:
    """The people checked in and not yet out at the facilities."""
    return Visitor.objects.filter(
        visit__facility__in=[facility.pk for facility in facilities],
        checked_in_at__isnull=False,
        checked_out_at__isnull=True,
    ).count()


def _officer_panel(facilities: list[Facility]) -> Panel:
    """The visits officer's: the requests awaiting decision, the oldest limit first, with how
    long each has left; the visits in review; today's expected visits; who is inside now."""
    now = timezone.now()
    ids = [facility.pk for facility in facilities]
    awaiting = Visit.objects.awaiting_decision(now).filter(facility__in=ids)
    today = _today_at(facilities) & Q(status__in=Visit.EXPECTED_STATUSES)
    counts = (
        Visit.objects.filter(facility__in=ids)
        .filter(Q(status__in=[Visit.Status.REQUESTED, Visit.Status.IN_REVIEW]) | today)
        .aggregate(
            awaiting=Count("pk", filter=Q(status=Visit.Status.REQUESTED, decide_by__gte=now)),
            in_review=Count("pk", filter=Q(status=Visit.Status.IN_REVIEW, ends_at__gte=now)),
            today=Count("pk", filter=today),
        )
    )
    return Panel(
        "visits/panels/officer.html",
        {
            "awaiting": list(
                awaiting.select_related("facility", "organisation").order_by("decide_by", "id")[
                    :VISITS_ON_DASHBOARD
                ]
            ),
            "counts": counts,
            "inside": _inside_now(facilities),
        },
        order=15,
    )


def _gate_panel(facilities: list[Facility]) -> Panel:
    """The gate officer's: how many visits are expected today, and how many people are inside."""
    expected = Visit.objects.filter(
        _today_at(facilities), status__in=Visit.EXPECTED_STATUSES
    ).count()
    return Panel(
        "visits/panels/gate.html",
        {"expected": expected, "inside": _inside_now(facilities)},
        order=15,
    )


def _organisation_panel(organisations: set[int]) -> Panel:
    """The organisation's: its coming visits still on (approved, notified, in review or
    awaiting a decision), the nearest first, with their status; how many await a decision."""
    now = timezone.now()
    coming = (
        Visit.objects.filter(organisation__in=organisations)
        .upcoming(now)
        .filter(
            Q(status__in=[*Visit.EXPECTED_STATUSES, Visit.Status.IN_REVIEW])
            | Q(status=Visit.Status.REQUESTED, decide_by__gte=now)
        )
    )
    counts = coming.aggregate(
        coming=Count("pk"),
        awaiting=Count("pk", filter=Q(status=Visit.Status.REQUESTED)),
    )
    return Panel(
        "visits/panels/organisation.html",
        {
            "coming": list(
                coming.select_related("facility").order_by("starts_at", "id")[:VISITS_ON_DASHBOARD]
            ),
            "counts": counts,
        },
        order=25,
    )


def _administration_panel(administrations: set[int]) -> Panel:
    """The director's and coordinator's: across the administration, how many visits are in
    review and how many requests await a decision."""
    now = timezone.now()
    counts = (
        Visit.objects.filter(administration__in=administrations)
        .filter(
            Q(status=Visit.Status.IN_REVIEW, ends_at__gte=now)
            | Q(status=Visit.Status.REQUESTED, decide_by__gte=now)
        )
        .aggregate(
            in_review=Count("pk", filter=Q(status=Visit.Status.IN_REVIEW)),
            awaiting=Count("pk", filter=Q(status=Visit.Status.REQUESTED)),
        )
    )
    return Panel("visits/panels/administration.html", {"counts": counts}, order=25)


def dashboard_panels(user: AnyUser) -> list[Panel]:
    """Visits' panels, one for each side the user works on: a facility's visits officer, its
    gate, an organisation that visits, the administration. Each makes the same few queries
    however many visits there are."""
    if not user.is_authenticated:
        return []
    panels: list[Panel] = []
    officer_of = _facilities_held(user, Role.FACILITY_OFFICER)
    if officer_of:
        panels.append(_officer_panel(officer_of))
    gate_of = _facilities_held(user, Role.GATE_OFFICER)
    if gate_of:
        panels.append(_gate_panel(gate_of))
    organisations = organisation_ids(user, REQUESTERS)
    if organisations:
        panels.append(_organisation_panel(organisations))
    administrations = administration_ids(user, ADMINISTRATION_STAFF)
    if administrations:
        panels.append(_administration_panel(administrations))
    return panels
