"""Reads of visits that pages and later modules use: what a visit's page shows, the day's
manifest, the review queue and the dashboard panels."""

from dataclasses import dataclass

from agreements.models import Equipment
from directory.models import Area

from .models import Visit, Visitor


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
