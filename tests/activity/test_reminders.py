import html
from datetime import UTC, datetime, timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from activity import services, tasks
from activity.models import Notification, NotificationPreference, Reminder
from bench.smtp_sink import SmtpSink
from tests.conftest import login
from tests.factories import ReminderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _schedule(user, key="deadline:1", due_in=timedelta(0), subject="MoU expires in 30 days"):
    return services.reminder_schedule(
        recipient=user,
        kind="activity.message",
        key=key,
        subject=subject,
        body="Renew it before it lapses.",
        due_at=timezone.now() + due_in,
        url="/agreements/1/",
    )


def test_a_reminder_created_twice_exists_once():
    user = UserFactory()
    first, created_first = _schedule(user)
    second, created_second = _schedule(user, subject="a different subject")
    assert created_first and not created_second
    assert first.pk == second.pk
    assert Reminder.objects.filter(key="deadline:1").count() == 1
    assert Reminder.objects.get().subject == "MoU expires in 30 days"


def test_an_unregistered_kind_cannot_be_scheduled():
    with pytest.raises(LookupError, match="register it first"):
        services.reminder_schedule(
            recipient=UserFactory(),
            kind="nobody.declared.this",
            key="k",
            subject="s",
            due_at=timezone.now(),
        )


def test_sweeper_claims_only_what_is_due(django_capture_on_commit_callbacks):
    user = UserFactory()
    due, _ = _schedule(user, key="due")
    later, _ = _schedule(user, key="later", due_in=timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=False):
        claimed = services.reminders_claim_due()
    assert claimed == [due.pk]
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.state == Reminder.State.QUEUED
    assert due.lease_until > timezone.now()
    assert due.attempts == 1
    assert later.state == Reminder.State.PENDING


def test_a_claimed_row_is_not_claimed_again_while_its_lease_runs(
    django_capture_on_commit_callbacks,
):
    _schedule(UserFactory())
    with django_capture_on_commit_callbacks(execute=False):
        assert len(services.reminders_claim_due()) == 1
        assert services.reminders_claim_due() == []


def test_a_lapsed_claim_is_claimed_again(django_capture_on_commit_callbacks):
    reminder = ReminderFactory(
        state=Reminder.State.QUEUED,
        lease_until=timezone.now() - timedelta(seconds=1),
        attempts=1,
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert services.reminders_claim_due() == [reminder.pk]
    reminder.refresh_from_db()
    assert reminder.attempts == 2


def test_delivery_is_enqueued_only_after_the_claim_commits(django_capture_on_commit_callbacks):
    _schedule(UserFactory())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.reminders_claim_due()
        assert Notification.objects.count() == 0
    assert len(callbacks) == 1


def test_sweep_delivers_e_mail_and_notification(django_capture_on_commit_callbacks):
    user = UserFactory(email="martha@example.org")
    reminder, _ = _schedule(user)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_claim_due()
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    assert reminder.sent_at is not None
    assert reminder.lease_until is None
    notification = Notification.objects.get(recipient=user)
    assert notification.reminder == reminder
    assert notification.subject == "MoU expires in 30 days"
    assert notification.body == "Renew it before it lapses."
    assert notification.url == "/agreements/1/"
    assert notification.created_at == notification.emailed_at == reminder.sent_at
    assert notification.read_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["martha@example.org"]
    assert mail.outbox[0].subject == "MoU expires in 30 days"
    assert "Renew it before it lapses." in mail.outbox[0].body
    assert "/agreements/1/" in mail.outbox[0].body


def test_delivering_twice_delivers_once():
    reminder = ReminderFactory(
        state=Reminder.State.QUEUED, lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert services.reminder_deliver(reminder_id=reminder.pk) is True
    assert services.reminder_deliver(reminder_id=reminder.pk) is False
    assert Notification.objects.filter(reminder=reminder).count() == 1
    assert len(mail.outbox) == 1


def test_an_unclaimed_or_cancelled_reminder_is_not_delivered():
    pending = ReminderFactory()
    cancelled = ReminderFactory(state=Reminder.State.CANCELLED)
    assert services.reminder_deliver(reminder_id=pending.pk) is False
    assert services.reminder_deliver(reminder_id=cancelled.pk) is False
    assert Notification.objects.count() == 0


def test_cancelling_stops_a_pending_reminder(django_capture_on_commit_callbacks):
    _schedule(UserFactory(), key="met")
    assert services.reminder_cancel(key="met") is True
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_claim_due() == []
    assert Reminder.objects.get(key="met").state == Reminder.State.CANCELLED


def test_digest_users_get_the_notification_now_and_one_e_mail_a_day(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="carla@example.org")
    NotificationPreference.objects.create(
        user=user, delivery=NotificationPreference.Delivery.DIGEST
    )
    _schedule(user, key="a", subject="Action due tomorrow")
    _schedule(user, key="b", subject="Visit tomorrow")
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_claim_due()
    assert Notification.objects.filter(recipient=user).count() == 2
    assert mail.outbox == []

    assert services.digests_send() == 1
    assert len(mail.outbox) == 1
    assert "Action due tomorrow" in mail.outbox[0].body
    assert "Visit tomorrow" in mail.outbox[0].body
    assert not Notification.objects.filter(recipient=user, emailed_at__isnull=True).exists()

    _schedule(user, key="c", subject="Report window closing")
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_claim_due()
    assert services.digests_send() == 0, "a second digest the same day"
    assert services.digests_send(now=timezone.now() + timedelta(days=1)) == 1
    assert "Report window closing" in mail.outbox[1].body


def test_reminder_e_mail_is_in_the_recipients_language(django_capture_on_commit_callbacks):
    user = UserFactory()
    NotificationPreference.objects.create(user=user, language="es")
    _schedule(user)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_claim_due()
    with translation.override("es"):
        spanish = translation.gettext("Open it here:")
    assert spanish != "Open it here:", "the Spanish catalogue lacks this string"
    assert spanish in mail.outbox[0].body


# Reminders that cannot be delivered -------------------------------------------------------------


def _claim(at):
    """Claim what is due as the sweeper would at ``at``, without running the delivery."""
    return services.reminders_claim_due(now=at)


def test_a_subject_with_a_line_break_fails_at_once_and_the_notification_still_arrives(
    django_capture_on_commit_callbacks,
):
    # Written before names were checked: an organisation called "Local Human\nRights Centre".
    user = UserFactory(email="john@example.org")
    reminder, _ = _schedule(user, subject="Decision on Local Human\nRights Centre")
    with django_capture_on_commit_callbacks(execute=False):
        assert _claim(timezone.now()) == [reminder.pk]

    assert services.reminder_deliver(reminder_id=reminder.pk) is True

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.FAILED
    assert reminder.error.startswith("BadHeaderError: ")
    assert reminder.lease_until is None
    assert reminder.attempts == 1
    notification = Notification.objects.get(recipient=user)
    assert notification.subject == "Decision on Local Human\nRights Centre"
    assert notification.emailed_at is None
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=False):
        assert _claim(timezone.now() + timedelta(days=1)) == [], "tried again"


def test_a_mail_server_error_is_retried_until_the_attempts_run_out(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REMINDER_MAX_ATTEMPTS = 3

    def mail_server_away(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", mail_server_away)
    user = UserFactory(email="martha@example.org")
    reminder, _ = _schedule(user)
    start = timezone.now()

    for attempt in (1, 2):
        with django_capture_on_commit_callbacks(execute=False):
            assert _claim(start + timedelta(hours=attempt)) == [reminder.pk]
        with pytest.raises(SMTPServerDisconnected):
            services.reminder_deliver(reminder_id=reminder.pk)
        reminder.refresh_from_db()
        assert reminder.state == Reminder.State.QUEUED, "tried again when the claim lapses"
        assert reminder.attempts == attempt
        assert not Notification.objects.exists(), "delivered once, on the attempt that ends it"

    with django_capture_on_commit_callbacks(execute=False):
        assert _claim(start + timedelta(hours=3)) == [reminder.pk]
    assert services.reminder_deliver(reminder_id=reminder.pk) is True

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.FAILED
    assert reminder.error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert reminder.attempts == 3
    assert Notification.objects.filter(recipient=user, emailed_at__isnull=True).count() == 1
    with django_capture_on_commit_callbacks(execute=False):
        assert _claim(start + timedelta(days=1)) == []


def test_a_mail_server_that_comes_back_delivers_the_reminder_once(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REMINDER_MAX_ATTEMPTS = 3
    sent = locmem.EmailBackend.send_messages
    calls = []

    def away_the_first_time(self, messages):
        calls.append(messages)
        if len(calls) == 1:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return sent(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", away_the_first_time)
    user = UserFactory(email="martha@example.org")
    reminder, _ = _schedule(user)
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=False):
        _claim(start)
    with pytest.raises(SMTPServerDisconnected):
        services.reminder_deliver(reminder_id=reminder.pk)
    with django_capture_on_commit_callbacks(execute=False):
        _claim(start + timedelta(hours=1))

    assert services.reminder_deliver(reminder_id=reminder.pk) is True

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    assert reminder.error == ""
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1


def test_the_site_administration_lists_failed_reminders_with_their_error(client):
    ReminderFactory(
        subject="Decision on Legal Aid Clinic",
        state=Reminder.State.FAILED,
        error="BadHeaderError: Header values can't contain newlines",
    )
    ReminderFactory(subject="Visit tomorrow", state=Reminder.State.SENT, sent_at=timezone.now())
    admin = UserFactory(is_staff=True, is_superuser=True)
    login(client, admin)

    response = client.get("/admin/activity/reminder/?state__exact=failed")

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Decision on Legal Aid Clinic" in page
    assert "BadHeaderError: Header values can't contain newlines" in page
    assert "Visit tomorrow" not in page
    assert 'href="?state__exact=failed"' in page


def test_one_sweep_hands_over_a_backlog_larger_than_a_batch(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REMINDER_BATCH_SIZE = 2
    settings.REMINDER_SWEEP_LIMIT = 5
    handed_over: list[list[int]] = []
    monkeypatch.setattr(tasks, "enqueue_delivery", handed_over.append)
    due = [ReminderFactory(due_at=timezone.now() - timedelta(minutes=n)) for n in range(7)]
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_reminders() == 5
    # Oldest first, in batches of two, and the rest left for the next sweep.
    oldest_first = [r.pk for r in reversed(due)]
    assert handed_over == [oldest_first[0:2], oldest_first[2:4], oldest_first[4:5]]
    states = dict(Reminder.objects.values_list("pk", "state"))
    assert [states[pk] for pk in oldest_first] == ["queued"] * 5 + ["pending"] * 2


def test_claimed_reminders_go_to_the_workers_in_chunks(settings, monkeypatch):
    settings.REMINDER_TASK_SIZE = 2
    sent: list[tuple] = []
    monkeypatch.setattr(
        tasks.deliver_reminders, "apply_async", lambda args, **kwargs: sent.append(args)
    )
    tasks.enqueue_delivery([11, 12, 13, 14, 15])
    assert sent == [([11, 12],), ([13, 14],), ([15],)]


def test_a_chunk_delivered_twice_delivers_each_reminder_once():
    lease = timezone.now() + timedelta(minutes=5)
    chunk = [ReminderFactory(state=Reminder.State.QUEUED, lease_until=lease).pk for _ in range(3)]
    assert tasks.deliver_reminders(chunk) == 3
    assert tasks.deliver_reminders(chunk) == 0
    assert Notification.objects.filter(reminder_id__in=chunk).count() == 3
    assert len(mail.outbox) == 3


def _queued(**kwargs) -> Reminder:
    return ReminderFactory.create(
        state=Reminder.State.QUEUED, lease_until=timezone.now() + timedelta(minutes=5), **kwargs
    )


def test_a_chunk_is_read_in_one_query_and_each_e_mail_costs_two_statements():
    chose = UserFactory(email="martha@example.org")
    NotificationPreference.objects.create(user=chose, language="es")
    never_chose = [UserFactory(email=f"reviewer{n}@example.org") for n in range(2)]
    digest = UserFactory(email="carla@example.org")
    NotificationPreference.objects.create(
        user=digest, delivery=NotificationPreference.Delivery.DIGEST
    )
    by_email = [_queued(recipient=user) for user in [chose, *never_chose]]
    in_app = [_queued(recipient=digest) for _ in range(2)]

    with CaptureQueriesContext(connection) as captured:
        assert services.reminders_deliver(reminder_ids=[r.pk for r in by_email + in_app]) == 5

    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    # The chunk with recipients and preferences; commits that do not wait for the disk, and
    # back; the in-app ones locked, marked sent and notified together; then for each e-mail,
    # its reminder marked sent and its notification.
    assert len(statements) == 1 + 2 + 3 + 2 * len(by_email), statements
    assert len(mail.outbox) == 3
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 3
    assert Notification.objects.filter(recipient=digest, emailed_at__isnull=True).count() == 2
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.SENT}


def test_delivering_to_someone_who_never_chose_stores_no_preferences_for_them():
    user = UserFactory(email="john@example.org")
    reminder = _queued(recipient=user)
    assert services.reminder_deliver(reminder_id=reminder.pk) is True
    assert not NotificationPreference.objects.filter(user=user).exists()
    assert mail.outbox[0].to == ["john@example.org"]
    assert "Open it here:" in mail.outbox[0].body  # the deployment's language


def test_a_chunk_sends_its_e_mails_over_one_connection_to_the_mail_server(settings):
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        chunk = [_queued().pk for _ in range(3)]
        assert tasks.deliver_reminders(chunk) == 3
    assert sink.connections == 1
    assert sorted(sink.message_ids.values()) == [1, 1, 1]
    assert all(message_id.startswith("<reminder-") for message_id in sink.message_ids)


def test_an_e_mail_that_fails_for_good_does_not_stop_the_rest_of_the_chunk():
    first, second, third = (
        _queued(subject="Visit tomorrow"),
        _queued(subject="Decision on Local Human\nRights Centre"),
        _queued(subject="Report window closing"),
    )
    assert tasks.deliver_reminders([first.pk, second.pk, third.pk]) == 3
    states = dict(Reminder.objects.values_list("pk", "state"))
    assert states == {
        first.pk: Reminder.State.SENT,
        second.pk: Reminder.State.FAILED,
        third.pk: Reminder.State.SENT,
    }
    assert [m.subject for m in mail.outbox] == ["Visit tomorrow", "Report window closing"]
    assert Notification.objects.count() == 3


def test_a_mail_server_away_stops_the_chunk_and_leaves_every_reminder_for_the_next_attempt(
    monkeypatch,
):
    def mail_server_away(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", mail_server_away)
    chunk = [_queued().pk for _ in range(3)]
    with pytest.raises(SMTPServerDisconnected):
        tasks.deliver_reminders(chunk)
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.QUEUED}
    assert not Notification.objects.exists()


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_delivery_commits_without_waiting_for_the_disk_and_leaves_the_connection_as_it_was(
    monkeypatch,
):
    during_the_send: list[str] = []
    send = locmem.EmailBackend.send_messages

    def noting_the_setting(self, messages):
        during_the_send.append(_synchronous_commit())
        return send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", noting_the_setting)
    assert _synchronous_commit() == "on"
    assert services.reminder_deliver(reminder_id=_queued().pk) is True
    assert during_the_send == ["off"]
    assert _synchronous_commit() == "on"


def test_a_digest_gives_each_notifications_time_on_the_recipients_clock():
    """The digest is sent by the worker, in the deployment's time zone; its reader in Baghdad
    reads Baghdad's time."""
    user = UserFactory(email="leila@example.org")
    NotificationPreference.objects.create(
        user=user, delivery=NotificationPreference.Delivery.DIGEST, time_zone="Asia/Baghdad"
    )
    notification = Notification.objects.create(recipient=user, subject="Visit tomorrow")
    Notification.objects.filter(pk=notification.pk).update(
        created_at=datetime(2026, 11, 30, 1, 30, tzinfo=UTC)
    )
    assert services.digests_send() == 1
    assert "Visit tomorrow (2026-11-30 04:30)" in mail.outbox[0].body
