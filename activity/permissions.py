"""Who may see what in the activity app, and the two answers every app gives when it refuses."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Model, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission, UserObjectPermission

from directory.models import Role

from .models import AuditEntry, DeniedAccess, Document, Notification
from .services import audit_denied
from .typing import AnyUser

#: The reason counted for an object the user may not know of (it is not shown to them).
NOT_VISIBLE = "not visible to this user"


def deny(user: AnyUser, action: str, obj: Model | None, reason: str) -> PermissionDenied:
    """Count a refused action and return the exception to raise; the reason is shown."""
    audit_denied(actor=user, action=action, target=obj, reason=reason)
    return PermissionDenied(reason)


def not_found(user: AnyUser, action: str, obj: Model | None) -> Http404:
    """Count an attempt to reach an object the user may not know of; answer as if absent."""
    audit_denied(actor=user, action=action, target=obj, reason=NOT_VISIBLE)
    return Http404()


M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Rule(Generic[M]):
    """Who may take one action on an object: the predicate, the name a refusal is counted
    under, and the reason the refused user is shown."""

    may: Callable[[AnyUser, M], bool]
    counted_as: str
    reason: str | Promise


def get_for_user(
    user: AnyUser,
    visible: QuerySet[M],
    pk: int,
    *,
    entity: str,
    action: str = "view",
    rules: Mapping[str, Rule[M]] | None = None,
) -> M:
    """The object ``pk`` among those the user may see (``visible``), for ``action``: for an
    object they may not know of, "not found" (counted as ``<entity>.view``); for one they see
    but may not act on, the refusal of the action's rule. "view" asks for nothing more."""
    obj = visible.filter(pk=pk).first()
    if obj is None:
        hidden = visible.model._default_manager.filter(pk=pk).first()
        raise not_found(user, f"{entity}.view", hidden)
    if action != "view":
        rule = (rules or {})[action]
        if not rule.may(user, obj):
            raise deny(user, rule.counted_as, obj, str(rule.reason))
    return obj


def granted_ids(user: AnyUser, perm: str, model: type[Model]) -> QuerySet[Any]:
    """The ids of the ``model`` rows on which the user holds ``perm`` (``"app.codename"``)
    through a django-guardian grant, theirs or one of their groups'; every row for a
    superuser. The same rows as guardian's ``get_objects_for_user`` without global
    permissions, as a subquery for ``pk__in`` that the database answers from the grant
    tables' indexes: guardian's own compares each row's id as text with the grants, which
    reads the whole table."""
    if not user.is_authenticated:
        return model._default_manager.none().values("pk")
    if user.is_superuser:
        return model._default_manager.values("pk")
    app_label, codename = perm.split(".")
    content_type = ContentType.objects.get_for_model(model)  # cached after the first call
    assert content_type.app_label == app_label, f"{perm} is not a permission on {model}"
    grant = {"permission__content_type": content_type, "permission__codename": codename}
    # Every grant of this permission is on a row of ``model``: its object_pk is that row's id.
    as_id = Cast("object_pk", BigIntegerField())
    own = UserObjectPermission.objects.filter(user=user, **grant).values_list(as_id)
    groups = GroupObjectPermission.objects.filter(group__user=user, **grant).values_list(as_id)
    return own.union(groups)


# Notifications ----------------------------------------------------------------------------------


def notifications_for_user(user: AnyUser) -> QuerySet[Notification]:
    """A user's notifications are theirs alone."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def get_notification_for_user(user: AnyUser, pk: int) -> Notification:
    return get_for_user(user, notifications_for_user(user), pk, entity="notification")


# The audit trail --------------------------------------------------------------------------------


def audited_administration_ids(user: AnyUser) -> set[int]:
    """The administrations whose audit trail the user reads: those they are a director of."""
    # Imported here: directory.permissions builds on this module's rules.
    from directory.permissions import administration_ids

    return administration_ids(user, {Role.DIRECTOR})


def can_view_audit(user: AnyUser) -> bool:
    """A director reads the audit trail of their administration; the site administration reads
    every entry, those that belong to no administration included."""
    return user.is_superuser or bool(audited_administration_ids(user))


def _check_can_view_audit(user: AnyUser) -> None:
    if not can_view_audit(user):
        raise deny(user, "audit.view", None, _("Only directors can read the audit trail."))


def audit_entries_for_user(user: AnyUser) -> QuerySet[AuditEntry]:
    """The entries of the administrations the user directs, newest first."""
    _check_can_view_audit(user)
    entries = AuditEntry.objects.select_related("actor", "organisation", "administration")
    if user.is_superuser:
        return entries
    return entries.filter(administration__in=audited_administration_ids(user))


def get_audit_entry_for_user(user: AnyUser, seq: int) -> AuditEntry:
    entry = audit_entries_for_user(user).filter(seq=seq).first()
    if entry is None:
        raise not_found(user, "audit.view_entry", AuditEntry.objects.filter(seq=seq).first())
    return entry


def denied_access_for_user(user: AnyUser) -> QuerySet[DeniedAccess]:
    """Refused access about the administrations the user directs, latest first."""
    _check_can_view_audit(user)
    refusals = DeniedAccess.objects.select_related("actor")
    if user.is_superuser:
        return refusals
    return refusals.filter(administration__in=audited_administration_ids(user))


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
    raise not_found(user, "document.view", document)
