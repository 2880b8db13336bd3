"""Who may see what in the activity app."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import AuditEntry, Notification
from .services import audit_denied

User = AbstractBaseUser | AnonymousUser


def notifications_for_user(user: User) -> QuerySet[Notification]:
    """A user's notifications are theirs alone."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def get_notification_for_user(user: User, pk: int) -> Notification:
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


def can_view_audit(user: User) -> bool:
    """Directors read the audit trail (the permission comes with the director's membership)."""
    return user.has_perm("activity.view_auditentry")


def audit_entries_for_user(user: User) -> QuerySet[AuditEntry]:
    if not can_view_audit(user):
        audit_denied(
            actor=user, action="audit.view", target=None, reason="not a director"
        )
        raise PermissionDenied(_("Only directors can read the audit trail."))
    return AuditEntry.objects.select_related("actor")
