"""Reading what an act wrote to the audit trail."""

from collections.abc import Iterator
from contextlib import contextmanager

from activity.models import AuditEntry


@contextmanager
def written() -> Iterator[list[str]]:
    """The actions of the audit entries written inside the block, in order; filled when the
    block ends, also when it ends with an exception the block expected."""
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    actions: list[str] = []
    try:
        yield actions
    finally:
        actions.extend(
            AuditEntry.objects.filter(seq__gt=last).order_by("seq").values_list("action", flat=True)
        )
