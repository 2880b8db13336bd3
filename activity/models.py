"""Audit trail, reminders, in-app notifications and uploaded documents."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_time_zone


class AuditEntry(models.Model):
    """One line of the append-only audit trail.

    Each entry carries the keyed hash of its predecessor, so that changing, inserting or removing
    an entry breaks the chain at that point (``manage.py verify_audit``). The database refuses
    updates and deletes on PostgreSQL (see the migration).
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    created_at = models.DateTimeField(_("time (UTC)"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    # Indexed in Meta: the kind filter asks for one action exactly, never a pattern, so the
    # pattern-operator twin that db_index adds to a CharField would only be written.
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Whose audit trail the entry belongs to: derived from the target when it is written. Entries
    # about an organisation or a person of its own (its profile, its people, its documents) belong
    # to no administration and are read by the site administration only.
    administration = models.ForeignKey(
        "directory.Administration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("administration"),
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    # Not unique, and not indexed: nothing looks an entry up by its hash (see migration 0003).
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["action"], name="audit_action_idx"),
            models.Index(fields=["administration", "-seq"], name="audit_administration_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_label}"


class DeniedAccess(models.Model):
    """Refused attempts to see or do something, counted per user, kind and minute.

    A refusal is not chained into the audit trail: a flood of them would serialise every writer
    of the chain and grow it without bound. The first refusal of a minute creates the row; the
    next ones only add to its count.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("refused action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("first object id"), max_length=64, blank=True)
    object_label = models.CharField(_("first object"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    administration = models.ForeignKey(
        "directory.Administration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("administration"),
    )
    ip_address = models.GenericIPAddressField(_("first IP address"), null=True, blank=True)
    minute = models.DateTimeField(_("minute (UTC)"))
    count = models.PositiveIntegerField(_("attempts"), default=1)
    first_seen = models.DateTimeField(_("first attempt"))
    last_seen = models.DateTimeField(_("last attempt"))

    class Meta:
        verbose_name = _("refused access")
        verbose_name_plural = _("refused access")
        ordering = ["-minute", "-id"]
        indexes = [
            models.Index(
                fields=["administration", "-minute", "-id"], name="denied_administration_idx"
            ),
        ]
        constraints = [
            # One row per user, kind of refusal and minute; anonymous visitors and refusals
            # about no administration are keyed as 0 so that they are counted together too.
            models.UniqueConstraint(
                Coalesce("actor", Value(0)),
                F("action"),
                F("object_type"),
                F("reason"),
                Coalesce("administration", Value(0)),
                F("minute"),
                name="denied_access_one_row_per_minute",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label or '-'} {self.action} ×{self.count}"


class NotificationPreference(models.Model):
    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately, one e-mail per notification")
        DIGEST = "digest", _("Once a day, in a digest e-mail")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    delivery = models.CharField(
        _("e-mail delivery"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    # The one place a user's language is kept: pages, notifications and e-mails follow it. Empty
    # until the user logs in or chooses one; pages then follow the browser, and e-mails the
    # deployment's default language.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    # Empty: the time zone of where the user works (directory.selectors.work_time_zone).
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        default="",
        validators=[validate_time_zone],
    )
    last_digest_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_delivery_display()}"

    @property
    def language_or_default(self) -> str:
        return self.language or settings.LANGUAGE_CODE


class Reminder(models.Model):
    """A message due at a given time, delivered once by the Celery pipeline.

    ``pending`` rows wait for their due time; the sweeper claims them (``queued``, with a lease)
    and enqueues delivery; delivery marks them ``sent``. A ``queued`` row whose lease has run out
    was left by a dead worker, a lost enqueue or a failed attempt, and the sweeper claims it
    again. A reminder that cannot be delivered (a retry would fail the same way, or it failed
    ``REMINDER_MAX_ATTEMPTS`` times) is ``failed``, with the error kept for the site
    administration.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        QUEUED = "queued", _("Queued for delivery")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=100)
    key = models.CharField(
        _("uniqueness key"),
        max_length=255,
        help_text=_(
            "The same reminder is never created twice: a second one with this key is ignored."
        ),
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("delivery error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="reminder_pending_due_idx",
                condition=Q(state="pending"),
            ),
            models.Index(
                fields=["lease_until"],
                name="reminder_queued_lease_idx",
                condition=Q(state="queued"),
            ),
        ]
        constraints = [
            # One index for both uses of the key: uniqueness (equality) and the cancelling of
            # every recipient's copy by prefix (``LIKE 'key:%'``), which needs pattern operators.
            models.UniqueConstraint(
                fields=["key"], name="reminder_unique_key", opclasses=["varchar_pattern_ops"]
            ),
            models.CheckConstraint(
                condition=Q(state="sent", sent_at__isnull=False) | ~Q(state="sent"),
                name="reminder_sent_has_time",
            ),
            models.CheckConstraint(
                condition=Q(state="queued", lease_until__isnull=False) | ~Q(state="queued"),
                name="reminder_queued_has_lease",
            ),
            models.CheckConstraint(
                condition=~Q(state="failed") | ~Q(error=""),
                name="reminder_failed_has_error",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_state_display()})"


class Notification(models.Model):
    """What a user sees in the notification centre."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        # The inbox index below starts with the recipient: a second index would only be written.
        db_index=False,
    )
    reminder = models.OneToOneField(
        Reminder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification",
        verbose_name=_("reminder"),
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            # The unread count on every page, and the unread list, read only the unread rows.
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("activity:notification_list")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


# Documents --------------------------------------------------------------------------------------


def _document_path(instance: "Document", filename: str) -> str:
    # The stored name never comes from the user: it cannot collide, traverse or execute.
    return f"documents/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class Document(models.Model):
    """An uploaded file of an organisation, kept in private storage and served only through a
    permission-checked view, as an attachment. Any module attaches documents with this model;
    who may read one is answered by ``activity.permissions.get_document_for_user``."""

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("organisation"),
    )
    file = models.FileField(_("file"), upload_to=_document_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("activity:document_download", args=[self.pk])
