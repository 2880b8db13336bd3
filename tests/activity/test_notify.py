"""Notifications and their e-mails are written in each recipient's language, whoever acted and
in whatever language they were working."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from accreditation.models import Decision
from activity import notify, services
from activity.models import Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Held in variables so that makemessages does not collect them: Django's own catalogue
# translates them in every language, which lets this test run before our catalogues grow.
REQUIRED = "This field is required."
VALID_DATE = "Enter a valid date."


def _remind(recipients, **kwargs):
    return notify.remind(
        recipients=recipients,
        kind="activity.message",
        key="test:language",
        subject=gettext_lazy(REQUIRED),
        body=format_lazy("{} %(date)s", gettext_lazy(VALID_DATE)),
        params={"date": date(2026, 11, 22)},
        **kwargs,
    )


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("ru", "Обязательное поле.", "Введите правильную дату. 22 ноября 2026"),
        ("ar", "هذا الحقل مطلوب.", "أدخل تاريخاً صحيحاً. 22 نوفمبر 2026"),
        ("en", "This field is required.", "Enter a valid date. 22 November 2026"),
    ],
)
def test_a_notification_is_written_in_the_recipients_language_with_its_date_format(
    django_capture_on_commit_callbacks, language, subject, body
):
    recipient = UserFactory(email="reader@example.org")
    NotificationPreference.objects.create(user=recipient, language=language)
    # The person who acted works in Spanish: that must not leak into the recipient's message.
    with translation.override("es"):
        assert _remind([recipient]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_claim_due()
    notification = Notification.objects.get(recipient=recipient)
    assert (notification.subject, notification.body) == (subject, body)
    assert mail.outbox[0].subject == subject
    assert body in mail.outbox[0].body


def test_a_recipient_who_never_chose_a_language_gets_the_deployments(
    django_capture_on_commit_callbacks,
):
    recipient = UserFactory()
    with translation.override("ru"):
        _remind([recipient])
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_claim_due()
    assert Notification.objects.get(recipient=recipient).subject == REQUIRED


def test_a_status_label_is_translated_for_the_recipient_not_the_actor():
    recipient = UserFactory()
    NotificationPreference.objects.create(user=recipient, language="es")
    notify.remind(
        recipients=[recipient],
        kind="activity.message",
        key="test:outcome",
        subject=gettext_lazy("Decision on your application: %(outcome)s"),
        params={"outcome": Decision.Outcome.REFUSED.label},
    )
    with translation.override("es"):
        expected = translation.gettext("Decision on your application: %(outcome)s") % {
            "outcome": translation.gettext("Refused")
        }
    assert "Refused" not in expected, "the Spanish catalogue lacks these strings"
    assert recipient.reminders.get().subject == expected


def test_a_time_is_written_on_the_recipients_clock_not_the_actors(world, director):
    """Martha acts at 7.30 pm in Guatemala; a reader in Baghdad reads 4.30 am the next day, and
    one who chose no zone and works nowhere reads the deployment's (UTC)."""
    world.administration.time_zone = "America/Guatemala"
    world.administration.save()
    in_baghdad, nowhere = UserFactory(), UserFactory()
    NotificationPreference.objects.create(user=in_baghdad, time_zone="Asia/Baghdad")
    with timezone.override("America/Guatemala"):
        notify.remind(
            recipients=[director, in_baghdad, nowhere],
            kind="activity.message",
            key="test:clock",
            subject="%(when)s",
            params={"when": datetime(2026, 11, 30, 1, 30, tzinfo=UTC)},
        )
    assert director.reminders.get().subject == "29 November 2026, 19:30"
    assert in_baghdad.reminders.get().subject == "30 November 2026, 04:30"
    assert nowhere.reminders.get().subject == "30 November 2026, 01:30"
