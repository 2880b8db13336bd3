"""The registry of reminder kinds.

Each app names the reminders it sends as constants (accreditation's are in
``accreditation/reminders.py``), which its services pass to ``notify.remind``, and registers
them in its ``AppConfig.ready()``::

    reminders.register(REVIEW_OVERDUE, _("Review overdue"))

A reminder of an unregistered kind cannot be scheduled, so every kind in the outbox is one that
somebody declared and described.
"""

from dataclasses import dataclass

from django.utils.functional import Promise

# Activity's own kind: a message from the administration.
MESSAGE = "activity.message"


@dataclass(frozen=True)
class ReminderKind:
    code: str
    label: str | Promise


_kinds: dict[str, ReminderKind] = {}


def register(code: str, label: str | Promise) -> ReminderKind:
    kind = ReminderKind(code, label)
    existing = _kinds.setdefault(code, kind)
    if existing != kind:
        raise ValueError(f"Reminder kind {code!r} is already registered differently.")
    return kind


def get(code: str) -> ReminderKind:
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"Unknown reminder kind {code!r}; register it first.") from None


def all_kinds() -> list[ReminderKind]:
    return sorted(_kinds.values(), key=lambda k: k.code)
