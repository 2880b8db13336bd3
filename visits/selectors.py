"""Reads of visits that pages and later modules use: what a visit's page shows, the day's
manifest, the review queue and the dashboard panels."""

from dataclasses import dataclass

from agreements.models import Clause, Equipment
from agreements.selectors import agreements_in_force
from directory.models import Area, Facility

from .models import Category, EntranceProtocol, Visit, Visitor


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
