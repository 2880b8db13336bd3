"""Reminders scheduled under the hand-written keys of before ``notify.reminder_key`` are reminded
once after the migration that rewrites them (activity 0009).

The reminders table has the same columns on both sides of the migration, so its data step runs
here on today's schema, inside the test's transaction, rather than moving the whole database
back and forth (which undoes and redoes every later app's migrations: half a minute a test)."""

import importlib
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from activity import notify, reminders
from activity.models import Reminder
from tests.factories import UserFactory

MIGRATION = importlib.import_module("activity.migrations.0009_reminder_keys_from_the_object")


def migrate_the_keys() -> None:
    MIGRATION.rewrite_old_keys(apps, None)


def _reminder(user, key: str, state: str = "pending", **fields) -> Reminder:
    now = timezone.now()
    if state == "queued":
        fields["lease_until"] = now + timedelta(minutes=5)
    if state == "sent":
        fields["sent_at"] = now
    # The table has the same columns on both sides of the migration.
    return Reminder.objects.create(
        recipient=user,
        kind=reminders.MESSAGE,
        key=key,
        subject="Decision on your application",
        due_at=now + timedelta(days=1),
        state=state,
        **fields,
    )


def _after(reminder: Reminder) -> tuple[str, str]:
    reminder.refresh_from_db()
    return reminder.key, reminder.state


def test_an_old_key_becomes_the_key_reminder_key_gives_for_the_same_event(db):
    john = UserFactory(username="john")
    decided = _reminder(john, f"application:12:decided:user:{john.pk}")
    overdue = _reminder(john, f"review:3:overdue:user:{john.pk}")
    verified = _reminder(john, f"condition-verified:4:9:user:{john.pk}", state="sent")
    returned = _reminder(john, f"application:12:returned:20261120101500:followup:user:{john.pk}")
    demo = _reminder(john, "demo:message:john:Update your organisation's contact details")
    new_style = _reminder(john, f"accreditation.application:13:decided:user:{john.pk}")
    other = _reminder(john, "test:reminder:1")

    migrate_the_keys()

    assert _after(decided) == (f"accreditation.application:12:decided:user:{john.pk}", "pending")
    assert _after(overdue) == (
        f"accreditation.reviewassignment:3:overdue:user:{john.pk}",
        "pending",
    )
    assert _after(verified) == (
        f"accreditation.conditionresponse:9:verified:user:{john.pk}",
        "sent",
    )
    assert _after(returned) == (
        f"accreditation.application:12:returned:20261120101500:followup:user:{john.pk}",
        "pending",
    )
    assert _after(demo) == (
        f"auth.user:{john.pk}:demo-message:Update your organisation's contact details"
        f":user:{john.pk}",
        "pending",
    )
    assert _after(new_style)[0] == f"accreditation.application:13:decided:user:{john.pk}"
    assert _after(other)[0] == "test:reminder:1"


def test_after_the_migration_scheduling_the_event_again_adds_nothing_and_cancel_reaches_it(db):
    john = UserFactory(username="john")
    _reminder(john, f"condition:4:due-7d:user:{john.pk}")
    _reminder(john, f"appeal:2:decided:user:{john.pk}", state="sent")

    migrate_the_keys()

    for key in ("accreditation.condition:4:due-7d", "accreditation.appeal:2:decided"):
        assert notify.remind(recipients=[john], kind=reminders.MESSAGE, key=key, subject="s") == 0
    assert notify.cancel(key="accreditation.condition:4") == 1
    assert Reminder.objects.count() == 2


def test_an_event_scheduled_under_both_keys_is_reminded_once(db):
    john = UserFactory(username="john")
    both_pending = [
        _reminder(john, f"decision:5:appeal-deadline:user:{john.pk}"),
        _reminder(john, f"accreditation.decision:5:appeal-deadline:user:{john.pk}"),
    ]
    old_sent = [
        _reminder(john, f"clearance:6:decided:user:{john.pk}", state="sent"),
        _reminder(john, f"accreditation.clearance:6:decided:user:{john.pk}", state="queued"),
    ]
    new_sent = [
        _reminder(john, f"accreditation:7:expiring:30d:user:{john.pk}", state="queued"),
        _reminder(john, f"accreditation.accreditation:7:expiring:30d:user:{john.pk}", state="sent"),
    ]
    both_sent = [
        _reminder(john, f"appeal:8:lodged:user:{john.pk}", state="sent"),
        _reminder(john, f"accreditation.appeal:8:lodged:user:{john.pk}", state="sent"),
    ]
    deadline_met = [
        _reminder(john, f"review:9:overdue:user:{john.pk}"),
        _reminder(john, f"accreditation.reviewassignment:9:overdue:user:{john.pk}", "cancelled"),
    ]

    migrate_the_keys()

    def states(pair: list[Reminder]) -> list[str]:
        return [_after(reminder)[1] for reminder in pair]

    assert states(both_pending) == ["cancelled", "pending"]
    assert states(old_sent) == ["sent", "cancelled"]
    assert states(new_sent) == ["cancelled", "sent"]
    assert states(both_sent) == ["sent", "sent"]
    assert states(deadline_met) == ["cancelled", "cancelled"]
    cancelled_claim = Reminder.objects.get(pk=new_sent[0].pk)
    assert cancelled_claim.lease_until is None
    # The old reminder keeps its old key when the new one is taken.
    assert _after(both_pending[0])[0] == f"decision:5:appeal-deadline:user:{john.pk}"
