"""Who may see what in the activity app."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import AuditEntry, Notification
from .services import audit_denied
from .typing import AnyUser


def notifications_for_user(user: AnyUser) -> QuerySet[Notification]:
    """A user's notifications are theirs alone."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def get_notification_for_user(user: AnyUser, pk: int) -> Notification:
    notification = notifications_for_user(user).filter(pk=pk).first()
    if notification is None:
        audit_denied(
            actor=user,
            action="notification.view",
            target=Notification.objects.filter(pk=pk).first(),
            reason="not visible to this user",
        )
        raise Http404
    return notification


def can_view_audit(user: AnyUser) -> bool:
    """Directors read the audit trail (the permission comes with the director's membership)."""
    return user.has_perm("activity.view_auditentry")


def audit_entries_for_user(user: AnyUser) -> QuerySet[AuditEntry]:
    if not can_view_audit(user):
        audit_denied(actor=user, action="audit.view", target=None, reason="not a director")
        raise PermissionDenied(_("Only directors can read the audit trail."))
    return AuditEntry.objects.select_related("actor")
