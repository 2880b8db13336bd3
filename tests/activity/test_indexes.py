"""The indexes of the audit trail and the reminder outbox: each one is read by some query, and the
integrity the database kept still holds."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from activity.models import Reminder
from tests.factories import ReminderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def test_the_audit_hash_is_not_indexed():
    on_hash = {name for name, sql in _indexes("activity_auditentry").items() if "(hash" in sql}
    assert on_hash == set()


def test_the_audit_sequence_stays_unique():
    on_seq = [sql for sql in _indexes("activity_auditentry").values() if "(seq)" in sql]
    assert len(on_seq) == 1
    assert "UNIQUE" in on_seq[0]


KEY = "accreditation.accreditation:1:expiring:30d:user:1"  # as notify.remind writes it


def test_the_reminder_key_has_one_index_and_it_is_unique():
    on_key = [sql for sql in _indexes("activity_reminder").values() if "(key" in sql]
    assert len(on_key) == 1
    assert "UNIQUE" in on_key[0]


def test_a_second_reminder_with_the_same_key_is_refused():
    user = UserFactory()
    ReminderFactory(recipient=user, key=KEY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            recipient=user,
            kind="activity.message",
            key=KEY,
            subject="again",
            due_at=timezone.now(),
        )


@pytest.mark.parametrize(
    "lookup",
    # the prefix is what notify.cancel(key=reminder_key(accreditation)) looks for
    [{"key": KEY}, {"key__startswith": "accreditation.accreditation:1:"}],
)
def test_finding_reminders_by_key_or_by_its_prefix_uses_the_key_index(lookup):
    ReminderFactory(key=KEY)
    query = Reminder.objects.filter(**lookup)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "reminder_unique_key" in plan
