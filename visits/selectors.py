"""Reads of visits that pages and later modules use: what a visit's page shows, the day's
manifest, the review queue and the dashboard panels."""

from dataclasses import dataclass

from agreements.models import Clause, Equipment
from agreements.selectors import agreements_in_force
from directory.models import Area, Facility

from .models import Category, Delay, EntranceProtocol, Interview, Meeting, Visit, Visitor


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
