"""The calendar feed: one private address per user, revoked by replacing it; the iCalendar file
holds that user's visits only (and, for a facility's officers, the visits it expects), in UTC,
with a status a calendar understands, and costs the same few queries however many there are."""

from datetime import UTC, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Component

from activity.errors import DomainError
from activity.models import AuditEntry
from directory.models import Facility
from tests.conftest import login
from tests.factories import FacilityFactory
from tests.support.pages import assert_login_redirect, count_queries, text
from visits import selectors
from visits.models import CalendarFeed, Visit, local_today
from visits.services import feeds

from .rows import visit_row, visit_rows

pytestmark = pytest.mark.django_db


def feed_url(user) -> str:
    feed = CalendarFeed.objects.filter(user=user).first() or feeds.calendar_feed_create(actor=user)
    return reverse("visits:feed", args=[feed.token])


def events(client, user) -> dict[int, Component]:
    """The user's feed as a calendar application reads it: each event by its visit's id."""
    response = client.get(feed_url(user))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    found = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        found[int(uid.removeprefix("visit-").split("@")[0])] = event
    return found


@pytest.fixture
def john_user(setting, ngo_admin):
    """John's own account: the organisation's administrator is the John named on visits."""
    setting.john.user = ngo_admin
    setting.john.save()
    return ngo_admin


@pytest.fixture
def visits(world, setting, john_user, ngo_member, outsider, other_administration):
    """The organisation's visits naming John and not, another organisation's at the same
    facility, one at the other facility, and one in the other administration."""
    lucia = world.other_organisation.people.get()
    erbil = Facility.objects.get(administration=other_administration)
    ours = {"facility": world.facility, "organisation": world.organisation}
    return {
        "john": visit_row(
            **ours, requested_by=ngo_member, people=[setting.john], agreement=setting.agreement
        ),
        "johns_request": visit_row(
            **ours,
            requested_by=john_user,
            status=Visit.Status.REQUESTED,
            agreement=setting.agreement,
        ),
        "marias": visit_row(
            **ours,
            requested_by=ngo_member,
            status=Visit.Status.REQUESTED,
            agreement=setting.agreement,
        ),
        "other_organisation": visit_row(
            facility=world.facility,
            organisation=world.other_organisation,
            requested_by=outsider,
            people=[lucia],
            agreement=setting.agreement,
        ),
        "other_facility": visit_row(
            facility=world.other_facility,
            organisation=world.organisation,
            requested_by=ngo_member,
            people=[setting.john],
            agreement=setting.agreement,
            status=Visit.Status.IN_REVIEW,
        ),
        "other_administration": visit_row(
            facility=erbil,
            organisation=world.other_organisation,
            requested_by=outsider,
            people=[lucia],
            status=Visit.Status.NOTIFIED,
        ),
    }


def test_a_member_reads_the_visits_naming_them_or_asked_by_them(client, visits, john_user):
    found = events(client, john_user)

    assert set(found) == {
        visits["john"].pk,
        visits["johns_request"].pk,
        visits["other_facility"].pk,
    }


def test_another_member_of_the_organisation_reads_only_their_requests(client, visits, ngo_member):
    found = events(client, ngo_member)

    assert set(found) == {visits["john"].pk, visits["marias"].pk, visits["other_facility"].pk}


@pytest.mark.parametrize("persona", ["facility_officer", "gate_officer"])
def test_facility_staff_read_the_visits_their_facility_expects(request, client, visits, persona):
    user = request.getfixturevalue(persona)

    found = events(client, user)

    # Approved ones of every organisation; not requests, nor other facilities' or
    # administrations' visits.
    assert set(found) == {visits["john"].pk, visits["other_organisation"].pk}


@pytest.mark.parametrize("persona", ["director", "coordinator", "other_director"])
def test_administration_staff_have_an_empty_calendar(request, client, visits, persona):
    assert events(client, request.getfixturevalue(persona)) == {}


def test_an_event_tells_when_where_and_whether_without_identity(client, visits, john_user):
    visit = visits["john"]

    event = events(client, john_user)[visit.pk]

    assert event["DTSTART"].dt == visit.starts_at
    assert event["DTSTART"].dt.tzinfo.utcoffset(None) == timedelta(0)
    assert event["DTEND"].dt == visit.ends_at.astimezone(UTC)
    assert str(event["SUMMARY"]) == "Visit of Local Human Rights Centre to Central Penitentiary"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]).endswith(f"/visits/{visit.pk}/")
    body = client.get(feed_url(john_user)).content.decode()
    assert "John Representative" not in body
    assert visit.visitors.get().person.document_number not in body


def test_the_uid_stays_the_same_from_one_fetch_to_the_next(client, visits, john_user):
    first = client.get(feed_url(john_user)).content
    second = client.get(feed_url(john_user)).content

    uids = [
        [str(e["UID"]) for e in Calendar.from_ical(body).walk("VEVENT")] for body in (first, second)
    ]
    assert uids[0] == uids[1]
    assert len(set(uids[0])) == 3


@pytest.mark.parametrize(
    ("status", "expired", "ical"),
    [
        (Visit.Status.APPROVED, False, "CONFIRMED"),
        (Visit.Status.NOTIFIED, False, "CONFIRMED"),
        (Visit.Status.REQUESTED, False, "TENTATIVE"),
        (Visit.Status.IN_REVIEW, False, "TENTATIVE"),
        (Visit.Status.REQUESTED, True, "CANCELLED"),
        (Visit.Status.REFUSED, False, "CANCELLED"),
        (Visit.Status.WITHDRAWN, False, "CANCELLED"),
        (Visit.Status.CANCELLED, False, "CANCELLED"),
    ],
)
def test_the_status_reads_as_a_calendar_reads_it(
    client, world, setting, john_user, status, expired, ical
):
    visit = visit_row(
        facility=world.facility,
        organisation=world.organisation,
        requested_by=john_user,
        status=status,
        agreement=None if status == Visit.Status.NOTIFIED else setting.agreement,
        decide_by=timezone.now() - timedelta(hours=1) if expired else None,
    )

    assert str(events(client, john_user)[visit.pk]["STATUS"]) == ical


def test_the_feed_reaches_a_month_back_and_a_year_ahead(client, world, setting, john_user):
    today = local_today(world.facility)
    rows = {
        offset: visit_row(
            facility=world.facility,
            organisation=world.organisation,
            requested_by=john_user,
            agreement=setting.agreement,
            day=today + timedelta(days=offset),
        ).pk
        for offset in (-32, -28, 360, 370)
    }

    assert set(events(client, john_user)) == {rows[-28], rows[360]}


def test_the_feed_holds_at_most_its_limit_the_nearest_first(
    client, world, setting, john_user, monkeypatch
):
    monkeypatch.setattr(selectors, "FEED_MAX_EVENTS", 3)
    rows = visit_rows(
        5,
        facility=world.facility,
        organisation=world.organisation,
        requested_by=john_user,
        agreement=setting.agreement,
    )

    assert set(events(client, john_user)) == {visit.pk for visit in rows[:3]}


def test_the_feed_makes_the_same_queries_for_one_visit_and_fifty(
    client, world, setting, john_user, facility_officer
):
    common = {
        "facility": world.facility,
        "organisation": world.organisation,
        "requested_by": john_user,
        "agreement": setting.agreement,
        "people": [setting.john],
    }
    visit_rows(1, **common)
    urls = [feed_url(john_user), feed_url(facility_officer)]
    client.get(urls[0])
    one = [count_queries(client, url) for url in urls]

    visit_rows(49, day=local_today(world.facility) + timedelta(days=30), **common)

    assert len(events(client, john_user)) == 50
    assert [count_queries(client, url) for url in urls] == one


def test_revoking_gives_a_new_address_and_the_old_one_stops_working(client, visits, john_user):
    old = feed_url(john_user)

    feeds.calendar_feed_revoke(actor=john_user)

    assert client.get(old).status_code == 404
    new = feed_url(john_user)
    assert new != old
    assert client.get(new).status_code == 200
    assert [entry.action for entry in AuditEntry.objects.order_by("seq")][-2:] == [
        "calendarfeed.created",
        "calendarfeed.revoked",
    ]
    assert old.split("/")[-1].removesuffix(".ics") not in str(
        list(AuditEntry.objects.values_list("changes", "object_label"))
    )


def test_a_user_has_one_address_and_revokes_only_one_they_have(john_user, ngo_member):
    feeds.calendar_feed_create(actor=john_user)

    with pytest.raises(DomainError):
        feeds.calendar_feed_create(actor=john_user)
    with pytest.raises(DomainError):
        feeds.calendar_feed_revoke(actor=ngo_member)
    assert CalendarFeed.objects.count() == 1


def test_an_unknown_address_or_a_deactivated_users_is_not_found(client, john_user):
    url = feed_url(john_user)
    assert client.get(url.replace(url.split("/")[-1], "not-a-token.ics")).status_code == 404

    john_user.is_active = False
    john_user.save()

    assert client.get(url).status_code == 404


def test_the_feed_needs_no_login_but_takes_no_changes(client, john_user):
    url = feed_url(john_user)

    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_the_page_creates_shows_and_revokes_the_address(client, john_user):
    login(client, john_user)
    page = reverse("visits:feed_page")
    assert "Create my calendar address" in text(client.get(page))

    client.post(reverse("visits:feed_create"))
    first = CalendarFeed.objects.get(user=john_user).token
    shown = text(client.get(page))
    assert f"/visits/feed/{first}.ics" in shown
    assert f"webcal://testserver/visits/feed/{first}.ics" in shown

    client.post(reverse("visits:feed_revoke"))
    second = CalendarFeed.objects.get(user=john_user).token
    assert second != first
    assert first not in text(client.get(page))


def test_the_page_is_linked_from_the_visit_list(client, ngo_member):
    login(client, ngo_member)

    assert reverse("visits:feed_page") in text(client.get(reverse("visits:visit_list")))


def test_the_page_asks_an_anonymous_visitor_to_log_in(client):
    page = reverse("visits:feed_page")

    assert_login_redirect(client.get(page), page)
    assert client.post(reverse("visits:feed_create")).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_creating_and_revoking_are_posts(client, john_user):
    login(client, john_user)

    assert client.get(reverse("visits:feed_create")).status_code == 405
    assert client.get(reverse("visits:feed_revoke")).status_code == 405


def test_a_facility_in_another_time_zone_is_still_given_in_utc(client, world, setting, john_user):
    tokyo = FacilityFactory.create(administration=world.administration, time_zone="Asia/Tokyo")
    visit = visit_row(
        facility=tokyo,
        organisation=world.organisation,
        requested_by=john_user,
        agreement=setting.agreement,
        starts=time(9, 0),
        ends=time(11, 0),
    )

    event = events(client, john_user)[visit.pk]

    assert event["DTSTART"].dt.hour == 0
    assert event["DTSTART"].dt == visit.starts_at
