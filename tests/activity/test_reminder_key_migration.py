"""Reminders scheduled under the hand-written keys of before ``notify.reminder_key`` are reminded
once after the migration that rewrites them (activity 0009)."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from activity import notify, reminders
from activity.models import Reminder
from tests.factories import UserFactory
from tests.support.migrations import migrate, migrate_to_latest

BEFORE = ("activity", "0008_merge_20261128_1024")
AFTER = ("activity", "0009_reminder_keys_from_the_object")


@pytest.fixture
def before_the_migration(transactional_db) -> Iterator[None]:
    migrate(BEFORE)
    try:
        yield
    finally:
        migrate_to_latest()


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


@pytest.mark.usefixtures("before_the_migration")
def test_an_old_key_becomes_the_key_reminder_key_gives_for_the_same_event():
    john = UserFactory(username="john")
    decided = _reminder(john, f"application:12:decided:user:{john.pk}")
    overdue = _reminder(john, f"review:3:overdue:user:{john.pk}")
    verified = _reminder(john, f"condition-verified:4:9:user:{john.pk}", state="sent")
    returned = _reminder(john, f"application:12:returned:20261120101500:followup:user:{john.pk}")
    demo = _reminder(john, "demo:message:john:Update your organisation's contact details")
    new_style = _reminder(john, f"accreditation.application:13:decided:user:{john.pk}")
    other = _reminder(john, "test:reminder:1")

    migrate(AFTER)

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


@pytest.mark.usefixtures("before_the_migration")
def test_after_the_migration_scheduling_the_event_again_adds_nothing_and_cancel_reaches_it():
    john = UserFactory(username="john")
    _reminder(john, f"condition:4:due-7d:user:{john.pk}")
    _reminder(john, f"appeal:2:decided:user:{john.pk}", state="sent")

    migrate(AFTER)

    for key in ("accreditation.condition:4:due-7d", "accreditation.appeal:2:decided"):
        assert notify.remind(recipients=[john], kind=reminders.MESSAGE, key=key, subject="s") == 0
    assert notify.cancel(key="accreditation.condition:4") == 1
    assert Reminder.objects.count() == 2


@pytest.mark.usefixtures("before_the_migration")
def test_an_event_scheduled_under_both_keys_is_reminded_once():
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

    migrate(AFTER)

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
