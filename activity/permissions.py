"""Who may see what in the activity app."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import AuditEntry, Document, Notification
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


# Documents --------------------------------------------------------------------------------------

DocumentReader = Callable[[AnyUser, Document], bool]
_document_readers: list[DocumentReader] = []


def register_document_reader(reader: DocumentReader) -> None:
    """Each app that attaches documents to its records says, in its ``AppConfig.ready()``, who
    may read a document because of what it is attached to (the organisation's own users are
    registered by the directory; accreditation adds the staff and reviewers of a file)."""
    if reader not in _document_readers:
        _document_readers.append(reader)


def get_document_for_user(user: AnyUser, pk: int) -> Document:
    """A document is read by whoever one of the registered rules admits; for everyone else it
    does not exist."""
    document = Document.objects.filter(pk=pk).select_related("organisation").first()
    if document is None:
        raise Http404
    if user.is_authenticated and any(reader(user, document) for reader in _document_readers):
        return document
    audit_denied(
        actor=user, action="document.view", target=document, reason="not visible to this user"
    )
    raise Http404
