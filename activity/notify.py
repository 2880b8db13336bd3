"""Scheduling one reminder per recipient, each in the recipient's language."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.functional import Promise

from .models import NotificationPreference, Reminder
from .services import reminder_schedule
from .typing import User

Text = str | Promise


def _language(user: User) -> str:
    pref = NotificationPreference.objects.filter(user=user).values_list("language", flat=True)
    return pref.first() or translation.get_language() or "en"


def _render(text: Text, params: Mapping[str, Any] | None) -> str:
    rendered = str(text)
    if params:
        rendered = rendered % {key: str(value) for key, value in params.items()}
    return rendered


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

    ``subject`` and ``body`` are lazy translations with ``%(name)s`` placeholders filled from
    ``params``; they are rendered in each recipient's language.
    """
    created = 0
    for user in recipients:
        with translation.override(_language(user)):
            _reminder, new = reminder_schedule(
                recipient=user,
                kind=kind,
                key=f"{key}:user:{user.pk}",
                subject=_render(subject, params),
                body=_render(body, params),
                url=url,
                due_at=due_at or timezone.now(),
            )
        created += new
    return created


def cancel(*, key: str) -> int:
    """Cancel the pending reminders whose key is ``key`` or starts with it (followed by a
    colon), for every recipient: the deadline was met."""
    return Reminder.objects.filter(key__startswith=f"{key}:", state=Reminder.State.PENDING).update(
        state=Reminder.State.CANCELLED
    )
