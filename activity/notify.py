"""Scheduling one reminder per recipient, each in the recipient's language.

``remind`` is the one way apps schedule reminders, with a kind constant the app registered and a
key from ``reminder_key``; ``cancel`` withdraws them when the deadline is met."""

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.utils import formats, timezone, translation
from django.utils.functional import Promise

from .dates import at_start_of
from .models import Reminder
from .selectors import reading_preferences, reading_time_zone
from .services import reminder_schedule
from .typing import User

Text = str | Promise


def _param(value: Any) -> str:
    # Called inside the recipient's language and time zone: dates take that language's format,
    # times the recipient's clock, and lazy texts (a status label, say) are translated for the
    # recipient, not for whoever acted.
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def _render(text: Text, params: Mapping[str, Any] | None) -> str:
    rendered = str(text)
    if params:
        rendered = rendered % {key: _param(value) for key, value in params.items()}
    return rendered


def reminder_key(obj: Model, event: str = "") -> str:
    """The key of a reminder about ``obj``: its model's label, its id and the event, as
    ``accreditation.application:42:ready_for_decision``. Built from the object, so that two
    modules can never collide; without ``event`` it is the prefix that ``cancel`` takes to
    cancel every pending reminder about the object."""
    base = f"{obj._meta.label_lower}:{obj.pk}"
    return f"{base}:{event}" if event else base


def recipient_key(key: str, user_id: int) -> str:
    """The key of one recipient's reminder, as ``remind`` stores it."""
    return f"{key}:user:{user_id}"


def scheduled(keys: Iterable[str]) -> set[str]:
    """Which of these recipients' keys (``recipient_key``) have their reminder already: a sweep
    over thousands of objects asks once for a batch instead of once for each recipient."""
    return set(Reminder.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def remind(
    *,
    recipients: Iterable[User],
    kind: str,
    key: str,
    subject: Text,
    body: Text = "",
    params: Mapping[str, Any] | None = None,
    url: str = "",
    due_at: datetime | None = None,
) -> int:
    """Schedule the reminder ``key`` for each recipient; return how many were new.

    ``kind`` is one of the constants the app registered with ``activity.reminders``; ``key`` is
    built with ``reminder_key(obj, event)``. ``subject`` and ``body`` are lazy translations with
    ``%(name)s`` placeholders filled from ``params``; they are rendered in each recipient's
    language. Pass dates as dates and labels as lazy texts, so that they too are written in the
    recipient's language.
    """
    created = 0
    with_times = any(isinstance(value, datetime) for value in (params or {}).values())
    for user in recipients:
        language, chosen = reading_preferences(user)
        # The recipient's clock, never that of whoever caused the reminder (where they work is
        # read only when there is a time to write).
        zone = reading_time_zone(user, chosen) if with_times else None
        with translation.override(language or settings.LANGUAGE_CODE), timezone.override(zone):
            _reminder, new = reminder_schedule(
                recipient=user,
                kind=kind,
                key=recipient_key(key, user.pk),
                subject=_render(subject, params),
                body=_render(body, params),
                url=url,
                due_at=due_at or timezone.now(),
            )
        created += new
    return created


def remind_before(
    day: date, notices: Iterable[int], *, key: Callable[[int], str], **reminder: Any
) -> int:
    """``remind`` once for each number of days in ``notices`` before ``day``, at the start of
    that day, leaving out the days already past; ``key(days)`` keys each. Return how many
    reminders were new."""
    # The deployment's date, as at_start_of's: the reminders are due in its time zone.
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    created = 0
    for days in notices:
        due = day - timedelta(days=days)
        if due >= today:
            created += remind(key=key(days), due_at=at_start_of(due), **reminder)
    return created


def cancel(*, key: str) -> int:
    """Cancel the pending reminders whose key is ``key`` or starts with it (followed by a
    colon), for every recipient: the deadline was met."""
    return Reminder.objects.filter(key__startswith=f"{key}:", state=Reminder.State.PENDING).update(
        state=Reminder.State.CANCELLED
    )
