"""What a new visit causes in later modules.

Visits does not import recommendations (dependencies run one way). A later module that must act
when a visit is requested or notified (recommendations gives a follow-up visit its checklist of
the facility's open recommendations) subscribes a handler in its ``AppConfig.ready()``::

    from visits import effects
    effects.subscribe(checklist_prefill)

The handlers run inside the transaction that creates the visit, after it is saved, in the order
they subscribed; a handler that raises rolls the request back. The same plain, typed registry
as ``agreements.effects``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from activity.effects import Registry

if TYPE_CHECKING:
    from .models import Visit


@dataclass(frozen=True)
class VisitCreated:
    visit_id: int
    facility_id: int
    organisation_id: int
    purpose: str
    monitoring: bool


Handler = Callable[[VisitCreated], None]
_created: Registry[VisitCreated] = Registry()
subscribe = _created.subscribe
unsubscribe = _created.unsubscribe
publish = _created.publish


def publish_created(visit: "Visit") -> None:
    publish(
        VisitCreated(
            visit_id=visit.pk,
            facility_id=visit.facility_id,
            organisation_id=visit.organisation_id,
            purpose=visit.purpose,
            monitoring=visit.monitoring,
        )
    )
