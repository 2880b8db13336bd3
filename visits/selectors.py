"""Reads of visits that pages and later modules use: what a visit's page shows, the day's
manifest, the review queue and the dashboard panels."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accreditation.models import FormalMechanism
from accreditation.selectors import cleared_people, mechanisms_in_public_register
from agreements.models import Clause, Equipment
from agreements.selectors import agreements_in_force
from directory.models import Area, Facility

from .models import (
    Acknowledgement,
    Briefing,
    Category,
    EntranceProtocol,
    Incident,
    Package,
    Visit,
    Visitor,
    local_today,
)


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


def experts_without_confidentiality(visit: Visit) -> list[Visitor]:
    """The experts on a joint monitoring visit who have not undertaken confidentiality: neither
    an MoU in force between their organisation and the administration (its confidentiality
    clause binds them) nor a separate signed agreement uploaded for the visit. The visit
    cannot start while there is one."""
    experts = [
        visitor
        for visitor in visit.visitors.select_related("person")
        if visitor.category == Category.EXPERT and visitor.confidentiality_document_id is None
    ]
    if not experts:
        return []
    bound = set(
        agreements_in_force(visit.day)
        .filter(
            administration=visit.administration_id,
            organisation__in=[expert.person.organisation_id for expert in experts],
            clauses__included=True,
            clauses__clause_version__clause__kind=Clause.Kind.CONFIDENTIALITY,
        )
        .values_list("organisation", flat=True)
    )
    return [expert for expert in experts if expert.person.organisation_id not in bound]


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
class ManifestVisit:
    visit: Visit
    rows: list[GateRow]


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
    return Manifest(
        facility=facility,
        day=day,
        now=timezone.now(),
        protocol=protocol,
        visits=[
            ManifestVisit(
                visit, [GateRow(visitor, checks[visitor.pk]) for visitor in visit.visitors.all()]
            )
            for visit in visits
        ],
        inside=inside,
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
