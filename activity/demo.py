"""Demo reminders: some already due, so that the worker delivers them at start, some later."""

from datetime import timedelta
from typing import IO

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import notify, reminders

MESSAGES = [  # recipient, due in days, subject, body
    ("martha", 0, "Welcome to the partnerships system", "Your dashboard shows what needs you."),
    (
        "john",
        0,
        "Welcome to the partnerships system",
        "Start by checking your organisation's people.",
    ),
    (
        "carla",
        0,
        "Coordination meeting next month",
        "The quarterly meeting with NGOs is being planned.",
    ),
    (
        "john",
        2,
        "Update your organisation's contact details",
        "Please check the phone number on file.",
    ),
]


def seed(out: IO[str]) -> None:
    users = get_user_model().objects.in_bulk([m[0] for m in MESSAGES], field_name="username")
    today = timezone.now().replace(minute=0, second=0, microsecond=0)
    for username, days, subject, body in MESSAGES:
        user = users[username]
        notify.remind(
            recipients=[user],
            kind=reminders.MESSAGE,
            key=notify.reminder_key(user, f"demo-message:{subject}"),
            subject=subject,
            body=body,
            due_at=today + timedelta(days=days),
            url="/",
        )
    out.write(f"Activity: {len(MESSAGES)} demo reminders scheduled.\n")
