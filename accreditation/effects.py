"""What a change of an accreditation's status causes in later modules.

Accreditation does not import agreements or visits (dependencies run one way). What can be
derived is derived: an agreement is in force only while `selectors.accreditation_in_force` says
so, computed at the time of asking. What must *happen* when an accreditation is suspended,
revoked or reinstated (tell the people concerned, put future visits into review) is done by
the later modules themselves: each subscribes a handler in its ``AppConfig.ready()``::

    from accreditation import effects
    effects.subscribe(put_future_visits_in_review)

The handlers run inside the transaction of the status change, after it is saved, in the order
they subscribed; a handler that raises rolls the change back, so the two never disagree.
A plain, typed list of functions rather than Django signals: the subscribers are easy to find,
their argument is a checked dataclass, and nothing runs by accident on a bare ``save()``.

A second registry, of the same shape, tells them of clearance decisions that stop a person
from entering (a vetting refused): ``subscribe_clearance(handler)`` takes a handler of
``ClearanceChange``, which runs inside the decision's transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass

from activity.effects import Registry


@dataclass(frozen=True)
class StatusChange:
    accreditation_id: int
    organisation_id: int
    administration_id: int
    previous_status: str
    status: str
    reason: str
    actor_id: int | None


Handler = Callable[[StatusChange], None]
_changes: Registry[StatusChange] = Registry()
subscribe = _changes.subscribe
unsubscribe = _changes.unsubscribe
publish = _changes.publish


# Clearances ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClearanceChange:
    """A decision after which the person is not cleared by the administration: their vetting
    was refused."""

    clearance_id: int
    person_id: int
    organisation_id: int
    administration_id: int
    status: str
    reason: str
    actor_id: int | None


ClearanceHandler = Callable[[ClearanceChange], None]
_clearances: Registry[ClearanceChange] = Registry()
subscribe_clearance = _clearances.subscribe
unsubscribe_clearance = _clearances.unsubscribe
publish_clearance = _clearances.publish
