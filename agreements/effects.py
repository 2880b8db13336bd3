"""What a change of an MoU causes in later modules.

Agreements does not import visits (dependencies run one way). What must *happen* when an MoU
ends early, is replaced by a signed amendment, or has people taken off it by a signed annex
(put the future visits it allowed into review) is done by the later modules themselves: each
subscribes a handler in its ``AppConfig.ready()``::

    from agreements import effects
    effects.subscribe(review_visits_of_changed_agreement)

The handlers run inside the transaction of the change, after it is saved, in the order they
subscribed; a handler that raises rolls the change back, so the two never disagree. The same
plain, typed registry as ``accreditation.effects``, for the same reasons: the subscribers are
easy to find, their argument is a checked dataclass, and nothing runs on a bare ``save()``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from activity.effects import Registry


class Kind(StrEnum):
    #: Ended before its term by either party.
    TERMINATED = "terminated"
    #: Replaced by a signed amendment, which takes its place from now on.
    SUPERSEDED = "superseded"
    #: A people annex was signed by both sides; ``people_removed`` are no longer allowed in.
    ANNEX_SIGNED = "annex_signed"


@dataclass(frozen=True)
class AgreementChange:
    agreement_id: int
    administration_id: int
    organisation_id: int
    kind: Kind
    reason: str
    people_removed: tuple[int, ...]
    actor_id: int | None


Handler = Callable[[AgreementChange], None]
_changes: Registry[AgreementChange] = Registry()
subscribe = _changes.subscribe
unsubscribe = _changes.unsubscribe
publish = _changes.publish
