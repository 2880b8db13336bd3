"""Use cases of the activity app: writing the audit trail, scheduling and delivering reminders,
and the notification centre."""

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage, get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from directory.models import Administration

from . import reminders as reminder_registry
from .audit import GENESIS_HASH, current_ip, entry_hash
from .models import (
    AuditEntry,
    DeniedAccess,
    Document,
    Notification,
    NotificationPreference,
    Reminder,
)
from .typing import AnyUser, User
from .uploads import check_upload

if TYPE_CHECKING:
    from directory.models import Organisation

logger = logging.getLogger(__name__)

# Any constant will do: it names the lock that serialises writers of the audit chain.
_AUDIT_LOCK_ID = 7_301_001

# Who acted: a user (anonymous in a recorded refusal), or None when the system itself did.
Actor = AnyUser | None


def _lock_audit_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_LOCK_ID])
    # SQLite takes the database write lock at the start of each transaction (IMMEDIATE mode).


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    # Stored exactly as it will be read back, so that the hash can be recomputed from the row.
    return json.loads(json.dumps(value, default=str))


_UNSET = object()


def _administration_id(target: models.Model | None) -> int | None:
    """The administration whose audit trail an event about ``target`` belongs to.

    A model whose administration is not one of its own fields says it with an
    ``audit_administration_id`` property."""
    if target is None:
        return None
    derived: Any = getattr(target, "audit_administration_id", _UNSET)
    return derived if derived is not _UNSET else getattr(target, "administration_id", None)


def _organisation_id(target: models.Model | None) -> int | None:
    """The organisation an event about ``target`` concerns, for the filter by organisation."""
    if target is None:
        return None
    derived: Any = getattr(target, "audit_organisation_id", _UNSET)
    return derived if derived is not _UNSET else getattr(target, "organisation_id", None)


@transaction.atomic
def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    administration: Administration | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail, chained to the one before it.

    The entry belongs to ``administration`` when given, otherwise to the target's."""
    administration_id = (
        administration.pk if administration is not None else _administration_id(target)
    )
    organisation_id = _organisation_id(target)
    _lock_audit_chain()
    last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
    user = actor if actor is not None and actor.is_authenticated else None
    entry = AuditEntry(
        seq=last.seq + 1 if last else 1,
        created_at=timezone.now(),
        actor=user,
        actor_label=user.get_username() if user else "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_label=str(target)[:300] if target is not None else "",
        changes=_json_safe(changes or {}),
        ip_address=current_ip.get(),
        administration_id=administration_id,
        organisation_id=organisation_id,
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    return entry


def audit_denied(*, actor: Actor, action: str, target: models.Model | None, reason: str) -> None:
    """Count an attempt to see or do something that was refused (ASVS 16.3.2).

    Refusals are counted per user, kind and minute rather than chained one by one: the first of
    a minute creates the row, the next ones add to its count. Nothing here waits for the audit
    chain, so a flood of refused requests slows nobody else down."""
    now = timezone.now()
    user = actor if actor is not None and actor.is_authenticated else None
    key = {
        "actor": user,
        "action": action[:100],
        "object_type": target._meta.label_lower if target is not None else "",
        "reason": str(reason)[:300],
        "administration_id": _administration_id(target),
        "minute": now.replace(second=0, microsecond=0),
    }
    seen = DeniedAccess.objects.filter(**key)
    if seen.update(count=F("count") + 1, last_seen=now):
        return
    try:
        with transaction.atomic():
            DeniedAccess.objects.create(
                **key,
                actor_label=user.get_username() if user else "",
                object_id=str(target.pk) if target is not None and target.pk is not None else "",
                object_label=str(target)[:300] if target is not None else "",
                ip_address=current_ip.get(),
                first_seen=now,
                last_seen=now,
            )
    except IntegrityError:
        # Another request created the row of this minute in between: count this one there.
        seen.update(count=F("count") + 1, last_seen=now)


# Reminders --------------------------------------------------------------------------------------


def reminder_schedule(
    *,
    recipient: User,
    kind: str,
    key: str,
    subject: str,
    due_at: datetime,
    body: str = "",
    url: str = "",
) -> tuple[Reminder, bool]:
    """Create the reminder unless one with the same key exists; return it and whether it is new.

    This is the internal step under ``activity.notify.remind``, which apps use: it renders the
    texts in each recipient's language and builds this per-recipient key. The key names the
    object, the event and the recipient (``"accreditation.accreditation:12:expiring:30d:user:7"``),
    so that a service run twice, or two services racing, still produce one reminder.
    """
    reminder_registry.get(kind)
    return Reminder.objects.get_or_create(
        key=key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "subject": subject[:255],
            "body": body,
            "url": url,
            "due_at": due_at,
        },
    )


def reminder_cancel(*, key: str) -> bool:
    """Cancel a reminder that has not gone out yet (its deadline was met)."""
    return bool(
        Reminder.objects.filter(key=key, state=Reminder.State.PENDING).update(
            state=Reminder.State.CANCELLED
        )
    )


def _claimable(now: datetime) -> Q:
    return Q(state=Reminder.State.PENDING, due_at__lte=now) | Q(
        state=Reminder.State.QUEUED, lease_until__lt=now
    )


def reminders_claim_due(*, now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Claim the reminders that are due, or whose previous claim lapsed, and enqueue delivery.

    The claim is a conditional update on rows locked with SKIP LOCKED, so two sweepers never
    claim the same row; delivery is enqueued only once the claim is committed. A claim whose
    delivery never happens (the worker died, the enqueue was lost) lapses after the lease and is
    claimed again here.
    """
    from . import tasks

    now = now or timezone.now()
    limit = limit or settings.REMINDER_BATCH_SIZE
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now))
            .order_by("due_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        Reminder.objects.filter(_claimable(now), id__in=ids).update(
            state=Reminder.State.QUEUED,
            lease_until=now + timedelta(seconds=settings.REMINDER_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
        transaction.on_commit(lambda: tasks.enqueue_delivery(ids))
    return ids


def reminders_sweep(*, now: datetime | None = None) -> list[int]:
    """Claim due reminders batch after batch while a backlog remains, up to
    ``REMINDER_SWEEP_LIMIT`` in one sweep: a backlog reaches the workers at once rather than one
    batch per sweep interval. The limit keeps what one sweep hands over deliverable well within
    the lease, so that claims do not lapse while they wait in the queue."""
    now = now or timezone.now()
    claimed: list[int] = []
    while len(claimed) < settings.REMINDER_SWEEP_LIMIT:
        limit = min(settings.REMINDER_BATCH_SIZE, settings.REMINDER_SWEEP_LIMIT - len(claimed))
        batch = reminders_claim_due(now=now, limit=limit)
        claimed += batch
        if len(batch) < limit:
            break
    return claimed


def _preference(user: User) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    return pref


def _saved_preference(user: User) -> NotificationPreference:
    # Read with the reminder (select_related); someone who never chose has the defaults, and
    # delivering to them stores nothing for it.
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def _site_link(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else settings.SITE_URL


def reminder_deliver(*, reminder_id: int) -> bool:
    """Deliver one claimed reminder, as ``reminders_deliver`` does; return whether this run
    delivered it."""
    return reminders_deliver(reminder_ids=[reminder_id]) == 1


def reminders_deliver(*, reminder_ids: Sequence[int]) -> int:
    """Deliver claimed reminders: for each, an in-app notification and, unless the recipient chose
    a daily digest, an e-mail. Safe to run twice: a reminder already sent is skipped. Returns how
    many this run delivered.

    Each e-mail goes out inside the transaction that writes its notification and marks its
    reminder sent, just before that transaction commits, so a worker that dies part-way through a
    chunk leaves the reminders before it sent and the rest to deliver. Everything else is shared
    by the chunk: one query reads the reminders with their recipients and preferences, one
    connection to the mail server carries every e-mail, and the reminders that need no e-mail are
    delivered together in one transaction.

    A delivery that fails is tried again when its claim lapses, but not for ever: an error no
    retry can change (a line break in the subject, an address that is not one) marks the
    reminder failed at once, any other after ``REMINDER_MAX_ATTEMPTS`` attempts. The error is
    kept on the reminder for the site administration; when only the e-mail failed, the
    notification is delivered all the same. An error worth another attempt stops the chunk: the
    mail server is likely away for the reminders after it too."""
    reminders = list(
        Reminder.objects.filter(pk__in=reminder_ids, state=Reminder.State.QUEUED)
        .select_related("recipient__notification_preference")
        .order_by("pk")
    )
    by_email = [r for r in reminders if _wants_email(r.recipient)]
    with _commits_not_waiting_for_the_disk():
        delivered = _deliver_in_app([r for r in reminders if not _wants_email(r.recipient)])
        if by_email:
            mail = get_connection()
            try:
                for reminder in by_email:
                    delivered += _deliver_with_email(reminder, mail)
            finally:
                mail.close()
    return delivered


@contextmanager
def _commits_not_waiting_for_the_disk() -> Iterator[None]:
    """Delivery commits once per e-mail, and on PostgreSQL a commit otherwise waits for its
    write-ahead log to reach the disk: several milliseconds each, most of the time a delivery
    takes. Without the wait, a commit is on disk a fraction of a second later (three times
    ``wal_writer_delay`` at most). A worker that dies loses nothing it committed; only a crash of
    the database server itself in that fraction of a second can undo the last deliveries, which
    are then delivered again: an e-mail goes out a second time with the same Message-ID, as after
    a worker that dies between the send and the commit. The database stays consistent either
    way: the notification and the reminder marked sent are committed or lost together."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        if connection.connection is not None:  # not closed by an error meanwhile
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


def _wants_email(recipient: User) -> bool:
    pref = _saved_preference(recipient)
    return pref.delivery == NotificationPreference.Delivery.IMMEDIATE and bool(recipient.email)


def _in_app_notification(reminder: Reminder, now: datetime) -> Notification:
    return Notification(
        recipient=reminder.recipient,
        reminder=reminder,
        subject=reminder.subject,
        body=reminder.body,
        url=reminder.url,
        created_at=now,
    )


def _deliver_in_app(reminders: list[Reminder]) -> int:
    """The notifications of reminders that need no e-mail, all in one transaction: nothing leaves
    the database, so nothing can be delivered twice."""
    if not reminders:
        return 0
    with transaction.atomic():
        still_queued = set(
            Reminder.objects.select_for_update()
            .filter(pk__in=[r.pk for r in reminders], state=Reminder.State.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not still_queued:
            return 0
        now = timezone.now()
        Reminder.objects.filter(pk__in=still_queued).update(
            state=Reminder.State.SENT, sent_at=now, lease_until=None
        )
        Notification.objects.bulk_create(
            [_in_app_notification(r, now) for r in reminders if r.pk in still_queued]
        )
    return len(still_queued)


def _deliver_with_email(reminder: Reminder, mail: BaseEmailBackend) -> int:
    try:
        return _send_and_mark_sent(reminder, _reminder_email(reminder, mail))
    except Exception as error:
        # Rolled back whole: the e-mail failed in a way worth another attempt, or the
        # notification itself could not be written.
        if not _reminder_fail(reminder_id=reminder.pk, error=error):
            raise  # tried again once the claim lapses
        logger.exception("Reminder %s failed and will not be tried again.", reminder.pk)
        return 0


# The two statements of an e-mailed delivery, written out rather than built by the ORM each time:
# building them was about a third of the worker's processor time. Measured in turn with the
# benchmark's worker (prefork, 2 processes): 2.8 ms of processor time a delivery before, 1.8 ms
# after, and 315-322 deliveries a second before, 406-410 after. Both run on PostgreSQL and SQLite.
_MARK_SENT = (
    "UPDATE activity_reminder SET state = %s, sent_at = %s, lease_until = NULL"
    " WHERE id = %s AND state = %s"
)
_NOTIFY_EMAILED = (
    "INSERT INTO activity_notification"
    " (recipient_id, reminder_id, subject, body, url, created_at, emailed_at)"
    " SELECT recipient_id, id, subject, body, url, %s, %s FROM activity_reminder WHERE id = %s"
)


def _send_and_mark_sent(reminder: Reminder, message: EmailMessage) -> int:
    with transaction.atomic():
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            # Marking the row sent also locks it: a second run of the same chunk waits here
            # until this transaction ends, then finds the row sent and leaves it.
            cursor.execute(
                _MARK_SENT,
                [Reminder.State.SENT.value, now, reminder.pk, Reminder.State.QUEUED.value],
            )
            if cursor.rowcount != 1:
                return 0
            # Written before the send, as sent by e-mail: if the send fails, both go with the
            # transaction.
            cursor.execute(_NOTIFY_EMAILED, [now, now, reminder.pk])
        try:
            # Sent while the row is locked and just before the commit that marks it sent: a
            # crash in between is the only way an e-mail can go out twice, and then it carries
            # the same Message-ID, so that mail clients show it once.
            message.connection.open()
            message.send()
        except Exception as error:
            # The row is locked: its count of attempts is the current one.
            attempts = Reminder.objects.values_list("attempts", flat=True).get(pk=reminder.pk)
            if not _gives_up(attempts, error):
                raise  # nothing is kept: the next attempt delivers both
            logger.exception("The e-mail of reminder %s failed for good.", reminder.pk)
            Notification.objects.filter(reminder_id=reminder.pk).update(emailed_at=None)
            Reminder.objects.filter(pk=reminder.pk).update(
                state=Reminder.State.FAILED, sent_at=None, error=_error_text(error)
            )
    return 1


def _reminder_email(reminder: Reminder, mail: BaseEmailBackend) -> EmailMessage:
    with translation.override(_saved_preference(reminder.recipient).language_or_default):
        text = render_to_string(
            "activity/email/reminder.txt", {"reminder": reminder, "link": _site_link(reminder.url)}
        )
    return EmailMessage(
        reminder.subject,
        text,
        to=[reminder.recipient.email],
        headers={"Message-ID": f"<reminder-{reminder.pk}.{reminder.created_at:%s}@partnerships>"},
        connection=mail,
    )


def _gives_up(attempts: int, error: Exception) -> bool:
    # A ValueError (BadHeaderError is one, so is an address that cannot be encoded) comes from
    # the reminder itself, and a retry meets it again; anything else (the mail server away,
    # the connection lost) may pass, until the attempts run out.
    return isinstance(error, ValueError) or attempts >= settings.REMINDER_MAX_ATTEMPTS


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _reminder_fail(*, reminder_id: int, error: Exception) -> bool:
    """Mark a claimed reminder failed if its delivery is not to be tried again; return
    whether it was."""
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update()
            .filter(pk=reminder_id, state=Reminder.State.QUEUED)
            .first()
        )
        if reminder is None or not _gives_up(reminder.attempts, error):
            return False
        reminder.state = Reminder.State.FAILED
        reminder.error = _error_text(error)
        reminder.lease_until = None
        reminder.save(update_fields=["state", "error", "lease_until"])
    return True


def digests_send(*, now: datetime | None = None) -> int:
    """Send one digest e-mail a day to each user who asked for digests and has unsent news, in
    their language and on their clock."""
    from .selectors import reading_time_zone  # it reads the directory, which imports us

    now = now or timezone.now()
    cutoff = now - timedelta(hours=23)
    due_users = (
        get_user_model()
        .objects.filter(
            notification_preference__delivery=NotificationPreference.Delivery.DIGEST,
            notifications__emailed_at__isnull=True,
        )
        .filter(
            Q(notification_preference__last_digest_at__isnull=True)
            | Q(notification_preference__last_digest_at__lte=cutoff)
        )
        .exclude(email="")
        .distinct()
        .values_list("pk", flat=True)
    )
    sent = 0
    for user_pk in list(due_users):
        with transaction.atomic():
            pref = (
                NotificationPreference.objects.select_for_update()
                .select_related("user")
                .get(user_id=user_pk)
            )
            if pref.last_digest_at and pref.last_digest_at > cutoff:
                continue  # another run got here first
            items = list(
                Notification.objects.filter(recipient_id=user_pk, emailed_at__isnull=True).order_by(
                    "created_at", "id"
                )
            )
            if not items:
                continue
            zone = reading_time_zone(pref.user, pref.time_zone)
            with translation.override(pref.language_or_default), timezone.override(zone):
                subject = translation.ngettext(
                    "Your daily summary: %(count)d notification",
                    "Your daily summary: %(count)d notifications",
                    len(items),
                ) % {"count": len(items)}
                message = render_to_string(
                    "activity/email/digest.txt",
                    {"items": items, "link": _site_link("/notifications/")},
                )
            send_mail(subject, message, None, [pref.user.email])
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
            pref.last_digest_at = now
            pref.save(update_fields=["last_digest_at"])
            sent += 1
    return sent


# Notification centre ----------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
@transaction.atomic
def preference_set_language(*, user: User, language: str) -> NotificationPreference:
    """The language a user chose in the header: their pages, notifications and e-mails follow
    it from now on. The one place the language is kept is the user's preferences."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"{language!r} is not one of the languages this deployment offers.")
    pref = _preference(user)
    if pref.language == language:
        return pref
    before = pref.language
    pref.language = language
    pref.save(update_fields=["language"])
    audit_record(
        actor=user,
        action="notification_preference.updated",
        target=pref,
        changes={"before": {"language": before}, "after": {"language": language}},
    )
    return pref


def preference_language_adopt(*, user: User, language: str) -> NotificationPreference:
    """At login: a user who has never chosen a language keeps the one they are reading, so that
    their notifications and e-mails come in it. A saved choice is left alone."""
    pref = _preference(user)
    if pref.language or language not in dict(settings.LANGUAGES):
        return pref
    return preference_set_language(user=user, language=language)


def preference_update(
    *, user: User, delivery: str, language: str, time_zone: str = ""
) -> NotificationPreference:
    """``time_zone`` empty: that of where the user works."""
    pref = _preference(user)
    before = {"delivery": pref.delivery, "language": pref.language, "time_zone": pref.time_zone}
    pref.delivery = delivery
    pref.language = language
    pref.time_zone = time_zone
    pref.save(update_fields=["delivery", "language", "time_zone"])
    after = {"delivery": delivery, "language": language, "time_zone": time_zone}
    audit_record(
        actor=user,
        action="notification_preference.updated",
        target=pref,
        changes={"before": before, "after": after},
    )
    return pref


# Documents --------------------------------------------------------------------------------------


@transaction.atomic
def document_add(*, actor: User, organisation: "Organisation", uploaded: UploadedFile) -> Document:
    """Keep an uploaded file in private storage, after checking what it really is."""
    content_type = check_upload(uploaded)
    document = Document(
        organisation=organisation,
        original_name=(uploaded.name or "document")[:255],
        content_type=content_type,
        size=uploaded.size or 0,
        uploaded_by=actor,
    )
    document.file.save("upload", uploaded, save=False)
    document.save()
    audit_record(
        actor=actor,
        action="document.uploaded",
        target=document,
        changes={"organisation": str(organisation), "type": content_type, "size": document.size},
    )
    return document


def document_read(*, actor: User, document: Document) -> None:
    """Record that someone opened a document: what organisations file is confidential."""
    audit_record(
        actor=actor,
        action="document.read",
        target=document,
        changes={"organisation": str(document.organisation)},
    )
