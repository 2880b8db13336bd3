"""Dates and times where each person works: staff read their administration's time zone, officers
their facility's, anyone the one they chose, and "today" (overdue, expired) follows it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from activity.models import AuditEntry, Notification, NotificationPreference
from activity.permissions import deny
from activity.services import audit_record
from tests.accreditation.factories import AccreditationFactory, ConditionFactory
from tests.conftest import login
from tests.factories import NotificationFactory
from tests.support.pages import text

pytestmark = pytest.mark.django_db

#: 1.30 am in UTC on 30 November is 7.30 pm on the 29th in Guatemala and 4.30 am in Baghdad.
MOMENT = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)


def notification_time(client, user) -> str:
    """When the user's one notification arrived, as their notification centre shows it."""
    NotificationFactory(recipient=user, subject="Visit approved")
    Notification.objects.filter(recipient=user).update(created_at=MOMENT)
    page = text(login(client, user).get(reverse("activity:notification_list")))
    assert "Visit approved" in page
    for shown in (
        "29 November 2026, 19:30",
        "30 November 2026, 04:30",
        "30 November 2026, 01:30",
    ):
        if shown in page:
            return shown
    raise AssertionError("the notification's time is not shown")


def test_staff_read_times_in_their_administrations_time_zone(client, world, director):
    world.administration.time_zone = "America/Guatemala"
    world.administration.save()
    assert notification_time(client, director) == "29 November 2026, 19:30"


def test_a_facility_officer_reads_the_facilitys_time_zone(client, world, facility_officer):
    world.administration.time_zone = "Asia/Baghdad"
    world.administration.save()
    assert world.facility.time_zone == "America/Guatemala"
    assert notification_time(client, facility_officer) == "29 November 2026, 19:30"


def test_the_time_zone_a_user_chose_comes_first(client, world, director):
    world.administration.time_zone = "America/Guatemala"
    world.administration.save()
    NotificationPreference.objects.create(user=director, time_zone="Asia/Baghdad")
    assert notification_time(client, director) == "30 November 2026, 04:30"


def test_an_organisations_user_reads_the_sites_time_until_they_choose(client, world, ngo_admin):
    assert notification_time(client, ngo_admin) == "30 November 2026, 01:30"


def test_the_next_request_does_not_inherit_the_time_zone(client, world, director):
    world.administration.time_zone = "America/Guatemala"
    world.administration.save()
    login(client, director).get(reverse("activity:notification_list"))
    assert timezone.get_current_timezone_name() == "UTC"


def test_today_is_the_readers_so_a_deadline_is_not_overdue_on_its_own_evening(
    client, world, director, ngo_admin
):
    """At 7.30 pm in Guatemala the server's (UTC) date is already the next day; a condition due
    that day is not overdue yet for those who read Guatemala's time, and is for one who chose
    UTC."""
    world.administration.time_zone = "America/Guatemala"
    world.administration.save()
    accreditation = AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework__administration=world.administration,
        decision__decided_by=director,
    )
    condition = ConditionFactory(
        decision=accreditation.decision, owner=ngo_admin, due_date=MOMENT.date() - timedelta(1)
    )
    page_url = reverse("accreditation:condition_detail", args=[condition.pk])
    with time_machine.travel(MOMENT, tick=False):
        assert "Overdue" not in text(login(client, director).get(page_url))
        NotificationPreference.objects.create(user=director, time_zone="UTC")
        assert "Overdue" in text(client.get(page_url))


def test_preferences_offer_where_one_works_and_save_a_chosen_zone(client, world, director):
    world.administration.time_zone = "America/Guatemala"
    world.administration.save()
    page = text(login(client, director).get(reverse("activity:preferences")))
    assert "Where I work (America/Guatemala)" in page

    response = client.post(
        reverse("activity:preferences"),
        {"delivery": "immediate", "language": "en", "time_zone": "Asia/Baghdad"},
    )
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=director).time_zone == "Asia/Baghdad"
    entry = AuditEntry.objects.get(action="notification_preference.updated")
    assert entry.changes["after"]["time_zone"] == "Asia/Baghdad"

    refused = client.post(
        reverse("activity:preferences"),
        {"delivery": "immediate", "language": "en", "time_zone": "Mars/Olympus"},
    )
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in text(
        refused
    )
    assert NotificationPreference.objects.get(user=director).time_zone == "Asia/Baghdad"


def test_every_page_says_which_time_zone_its_times_are_in(client, world, director):
    anonymous = text(client.get(reverse("accreditation:public_register")))
    assert "Dates and times are shown in the time zone <bdi>UTC</bdi>." in anonymous
    assert "Change it in your preferences" not in anonymous
    world.administration.time_zone = "America/Guatemala"
    world.administration.save()
    page = text(login(client, director).get(reverse("dashboard")))
    assert "Dates and times are shown in the time zone <bdi>America/Guatemala</bdi>." in page
    assert f'<a href="{reverse("activity:preferences")}">Change it in your preferences</a>' in page


def test_in_arabic_the_zone_name_keeps_its_own_direction_inside_the_sentence(
    client, world, director
):
    """A zone's name is read left to right inside the sentence: a zone five hours behind UTC is
    named "-05", whose sign a right-to-left sentence would otherwise move to the other side."""
    world.administration.time_zone = "Etc/GMT+5"
    world.administration.save()
    html = (
        login(client, director)
        .get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ar")
        .content.decode()
    )
    assert '<html lang="ar" dir="rtl">' in html
    assert "بالمنطقة الزمنية <bdi>-05</bdi>." in html


def test_a_zone_the_time_zone_database_no_longer_knows_reads_the_sites_time(
    client, world, director
):
    """Zones are checked when saved; should the system's database drop one later, the pages
    still open, on the deployment's clock."""
    NotificationPreference.objects.create(user=director, time_zone="Asia/Baghdad")
    NotificationPreference.objects.filter(user=director).update(time_zone="Mars/Olympus")
    assert notification_time(client, director) == "30 November 2026, 01:30"


def test_the_audit_trail_is_read_in_utc_as_it_says_wherever_the_reader_works(
    client, world, director, outsider
):
    """The audit pages say their times are in UTC, as the CSV download and the chain record
    them: a director in Guatemala reads 01:30, not the evening before."""
    world.administration.time_zone = "America/Guatemala"
    world.administration.save()
    with time_machine.travel(MOMENT, tick=False):
        entry = audit_record(
            actor=director,
            action="organisation.updated",
            target=world.organisation,
            administration=world.administration,
        )
        deny(outsider, "facility.change", world.facility, "Not one of its officers.")
    login(client, director)
    trail = text(client.get(reverse("activity:audit_list")))
    assert "2026-11-30 01:30" in trail
    assert "2026-11-29 19:30" not in trail
    detail = text(client.get(reverse("activity:audit_detail", args=[entry.seq])))
    assert "2026-11-30 01:30:00" in detail
    refused = text(client.get(reverse("activity:denied_list")))
    assert "2026-11-30 01:30" in refused
    assert "2026-11-29 19:30" not in refused
