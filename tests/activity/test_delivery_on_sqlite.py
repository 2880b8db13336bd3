"""The demo delivers its reminders on SQLite (``make run``), the tests on PostgreSQL. An e-mailed
delivery runs two statements written out by hand (``activity.services``); here they run on SQLite,
over the project's own tables, as the demo's worker runs them."""

from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from activity import services
from activity.models import Notification, Reminder

SENT_AT = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
#: How SQLite keeps it, read back without the ORM: in UTC, without the zone.
STORED = SENT_AT.replace(tzinfo=None)


def _sqlite_with_the_tables() -> DatabaseWrapper:
    sqlite = DatabaseWrapper(
        {**connection.settings_dict, "NAME": ":memory:", "OPTIONS": {}}, alias="sqlite"
    )
    with sqlite.schema_editor(atomic=False) as editor:
        for model in (get_user_model(), Reminder, Notification):
            editor.create_model(model)
    with sqlite.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined)"
            " VALUES (7, '', 0, 'martha', '', '', 'martha@example.org', 0, 1, %s)",
            [sqlite.ops.adapt_datetimefield_value(SENT_AT)],
        )
        cursor.execute(
            "INSERT INTO activity_reminder (id, recipient_id, kind, key, subject, body, url,"
            " due_at, state, lease_until, attempts, error, created_at)"
            " VALUES (11, 7, 'activity.message', 'deadline:1', 'MoU expires in 30 days',"
            " 'Renew it before it lapses.', '/agreements/1/', %s, 'queued', %s, 1, '', %s)",
            [
                sqlite.ops.adapt_datetimefield_value(SENT_AT - timedelta(minutes=1)),
                sqlite.ops.adapt_datetimefield_value(SENT_AT + timedelta(minutes=5)),
                sqlite.ops.adapt_datetimefield_value(SENT_AT - timedelta(days=30)),
            ],
        )
    return sqlite


def _deliver(sqlite: DatabaseWrapper) -> int:
    """The statements of ``_send_and_mark_sent``, with its parameters: how many rows it marked."""
    now = sqlite.ops.adapt_datetimefield_value(SENT_AT)
    with sqlite.cursor() as cursor:
        cursor.execute(
            services._MARK_SENT, [Reminder.State.SENT.value, now, 11, Reminder.State.QUEUED.value]
        )
        if cursor.rowcount != 1:
            return 0
        cursor.execute(services._NOTIFY_EMAILED, [now, now, 11])
    return 1


def test_an_emailed_delivery_marks_the_reminder_sent_and_notifies_once_on_sqlite(
    django_db_blocker,
):
    # An in-memory database of its own: the test database is not touched.
    with django_db_blocker.unblock():
        _check_delivery_on_sqlite()


def _check_delivery_on_sqlite() -> None:
    sqlite = _sqlite_with_the_tables()
    try:
        assert _deliver(sqlite) == 1
        assert _deliver(sqlite) == 0  # a second run of the chunk finds it sent
        with sqlite.cursor() as cursor:
            cursor.execute("SELECT state, sent_at, lease_until FROM activity_reminder")
            assert cursor.fetchall() == [("sent", STORED, None)]
            cursor.execute(
                "SELECT recipient_id, reminder_id, subject, body, url, created_at, emailed_at,"
                " read_at FROM activity_notification"
            )
            assert cursor.fetchall() == [
                (
                    7,
                    11,
                    "MoU expires in 30 days",
                    "Renew it before it lapses.",
                    "/agreements/1/",
                    STORED,
                    STORED,
                    None,
                )
            ]
    finally:
        sqlite.close()
