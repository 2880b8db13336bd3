"""What the stages share: locking an MoU, and bringing an MoU or a people annex to an end."""

from collections.abc import Mapping
from typing import Any, cast

from activity import notify
from activity.transitions import transition
from activity.typing import User

from ..documents import Signed
from ..models import Agreement


def _locked(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def _end(
    document: Signed,
    to: str,
    *,
    actor: User,
    reason: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Bring an MoU or annex to an end (withdrawn, terminated) with the reason both sides read;
    nothing pending about it is reminded any more."""
    document.status_reason = reason
    transition(
        document,
        to,
        actor=actor,
        transitions=cast("Mapping[str, set[str]]", document.TRANSITIONS),
        extra_fields=("status_reason",),
        details={"reason": reason, **(details or {})},
    )
    notify.cancel(key=notify.reminder_key(document))
