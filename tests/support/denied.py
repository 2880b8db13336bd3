"""Reading what the refusals of a test left behind."""

from django.db.models import QuerySet, Sum

from activity.models import DeniedAccess


def refusals(user, action: str) -> QuerySet[DeniedAccess]:
    """The rows counting ``user``'s refused attempts at ``action`` (one per minute)."""
    return DeniedAccess.objects.filter(actor=user, action=action)


def attempts(user, action: str) -> int:
    """How many times ``user`` was refused ``action``."""
    return refusals(user, action).aggregate(n=Sum("count"))["n"] or 0
