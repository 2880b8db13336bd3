"""The facility's calendar: windows with their caps, notice rules, closures that put the visits
they affect into review (never a monitoring visit), the weeks with places taken and free, and
who may keep or read it."""

import dataclasses
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from agreements.models import Weekday
from directory.models import Organisation, Role
from tests.conftest import login
from tests.factories import FacilityFactory, OrganisationFactory, staff
from tests.support.pages import assert_login_redirect, count_queries, text
from visits.models import (
    Category,
    Closure,
    FacilityRules,
    Purpose,
    Visit,
    VisitingWindow,
    WindowLimit,
    local_datetime,
    local_today,
)
from visits.selectors import facility_calendar, windows_of
from visits.services import calendar as calendar_services
from visits.services import requests as request_services
from visits.services.calendar import Hours, Places

from .conftest import cleared_person, request

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"visits:{name}", args=args)


def hours(**changes) -> Hours:
    """Thursdays 9:30 to 11:30 from today, with ``changes``."""
    return dataclasses.replace(
        Hours(
            weekday=Weekday.THURSDAY,
            starts=time(9, 30),
            ends=time(11, 30),
            valid_from=timezone.localdate(),
        ),
        **changes,
    )


def monitoring_visit(world, setting, actor, *, areas=()) -> Visit:
    """A monitoring body's notified visit on the setting's day: nothing may hold it back."""
    npm = OrganisationFactory.create(name="NPM", kind=Organisation.Kind.NPM)
    visit = Visit.objects.create(
        administration=world.administration,
        facility=world.facility,
        organisation=npm,
        purpose=Purpose.MONITORING,
        monitoring=True,
        status=Visit.Status.NOTIFIED,
        day=setting.day,
        starts_at=local_datetime(world.facility, setting.day, time(9, 0)),
        ends_at=local_datetime(world.facility, setting.day, time(17, 0)),
        requested_by=actor,
    )
    visit.areas.set(areas)
    return visit


# Windows ----------------------------------------------------------------------------------------


def test_a_window_is_opened_with_its_caps_and_one_audit_entry(world, setting, facility_officer):
    window = calendar_services.window_create(
        actor=facility_officer,
        facility=world.facility,
        hours=hours(every_weeks=2),
        places=Places(total=8, areas={setting.wing.pk: 3}, categories={Category.ORGANISATION: 6}),
    )

    assert (window.weekday, window.every_weeks, window.places) == (Weekday.THURSDAY, 2, 8)
    caps = {(limit.area_id, limit.category, limit.places) for limit in window.limits.all()}
    assert caps == {(setting.wing.pk, "", 3), (None, Category.ORGANISATION, 6)}
    entries = AuditEntry.objects.filter(object_id=str(window.pk), action__startswith="visiting")
    assert list(entries.values_list("action", flat=True)) == ["visitingwindow.created"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"hours": {"ends": time(9, 0)}}, "ends after it starts"),
        ({"places": {"areas": {"other": 2}}}, "only the areas of this facility"),
        ({"places": {"areas": {"wing": 20}}}, "from 1 to the window's 8 places"),
    ],
)
def test_a_window_that_makes_no_sense_is_refused(world, setting, director, change, words):
    areas = {
        (setting.wing.pk if key == "wing" else world.other_facility.areas.get().pk): cap
        for key, cap in change.get("places", {}).get("areas", {}).items()
    }
    with pytest.raises(DomainError, match=words):
        calendar_services.window_create(
            actor=director,
            facility=world.facility,
            hours=hours(**change.get("hours", {})),
            places=Places(total=8, areas=areas, categories={}),
        )


def test_a_window_changes_its_places_and_caps_even_with_visits_booked(
    setting, world, ngo_member, facility_officer
):
    request(setting, world, ngo_member)
    window = setting.window

    calendar_services.window_change(
        actor=facility_officer,
        window=window,
        hours=hours(
            weekday=window.weekday,
            starts=window.starts,
            ends=window.ends,
            valid_from=window.valid_from,
        ),
        places=Places(total=4, areas={setting.wing.pk: 2}, categories={}),
    )

    window.refresh_from_db()
    assert window.places == 4
    assert list(window.limits.values_list("area", "places")) == [(setting.wing.pk, 2)]
    entry = AuditEntry.objects.get(action="visitingwindow.changed")
    assert entry.changes["places"] == [10, 4]


def test_a_window_does_not_move_under_visits_booked_in_it(
    setting, world, ngo_member, facility_officer
):
    request(setting, world, ngo_member)
    window = setting.window

    with pytest.raises(DomainError, match="End the window on a date instead"):
        calendar_services.window_change(
            actor=facility_officer,
            window=window,
            hours=hours(weekday=window.weekday, starts=time(13, 0), ends=time(15, 0)),
            places=Places(total=10, areas={}, categories={}),
        )


def test_ending_a_window_reviews_the_visits_booked_after_its_last_day(
    setting, world, ngo_member, facility_officer
):
    setting.agreement.visits_per_week = 5
    setting.agreement.save()
    [before] = request(setting, world, ngo_member)
    [after] = request(setting, world, ngo_member, day=setting.day + timedelta(weeks=1))

    count = calendar_services.window_end(
        actor=facility_officer, window=setting.window, last_day=setting.day, reason="Renovation"
    )

    assert count == 1
    before.refresh_from_db()
    after.refresh_from_db()
    assert before.status == Visit.Status.REQUESTED
    assert after.status == Visit.Status.IN_REVIEW
    assert "Renovation" in after.review_reason
    setting.window.refresh_from_db()
    assert setting.window.valid_until == setting.day
    assert AuditEntry.objects.get(action="visitingwindow.ended").changes["visits_in_review"] == 1


def test_notice_rules_are_set_once_per_facility(world, facility_officer):
    calendar_services.rules_set(
        actor=facility_officer, facility=world.facility, min_notice_days=5, max_notice_days=60
    )
    calendar_services.rules_set(
        actor=facility_officer, facility=world.facility, min_notice_days=3, max_notice_days=30
    )

    rules = FacilityRules.objects.get(facility=world.facility)
    assert (rules.min_notice_days, rules.max_notice_days) == (3, 30)
    assert AuditEntry.objects.filter(action="facilityrules.changed").count() == 2
    with pytest.raises(DomainError, match="longer than the minimum"):
        calendar_services.rules_set(
            actor=facility_officer, facility=world.facility, min_notice_days=9, max_notice_days=9
        )


# Closures ---------------------------------------------------------------------------------------


def test_a_closure_flags_reviews_and_notifies(setting, world, ngo_member, facility_officer):
    [requested] = request(setting, world, ngo_member)
    setting.agreement.visits_per_week = 5
    setting.agreement.save()
    [approved] = request(setting, world, ngo_member)
    request_services.visit_approve(actor=facility_officer, visit=approved)
    [later] = request(setting, world, ngo_member, day=setting.day + timedelta(weeks=1))

    closure, count = calendar_services.closure_create(
        actor=facility_officer,
        facility=world.facility,
        starts_on=setting.day,
        ends_on=setting.day,
        reason="Staff training day",
    )

    assert count == 2
    for visit in (requested, approved):
        visit.refresh_from_db()
        assert visit.status == Visit.Status.IN_REVIEW
        assert "closed to visitors" in visit.review_reason
        assert "Staff training day" in visit.review_reason
        assert visit.review_since is not None
    later.refresh_from_db()
    assert later.status == Visit.Status.REQUESTED
    told = Reminder.objects.filter(kind="visits.in_review", recipient=ngo_member)
    assert told.count() == 2
    assert AuditEntry.objects.filter(action="visit.put_in_review").count() == 2
    entry = AuditEntry.objects.get(action="closure.created", object_id=str(closure.pk))
    assert entry.changes["visits_in_review"] == 2


def test_an_area_closure_reviews_only_the_visits_into_that_area(
    setting, world, ngo_member, facility_officer
):
    setting.agreement.permitted_areas.add(setting.health)
    setting.agreement.visits_per_week = 5
    setting.agreement.save()
    [wing] = request(setting, world, ngo_member)
    [health] = request(setting, world, ngo_member, areas=[setting.health])

    _closure, count = calendar_services.closure_create(
        actor=facility_officer,
        facility=world.facility,
        area=setting.health,
        starts_on=setting.day,
        ends_on=setting.day + timedelta(days=2),
        reason="Outbreak",
    )

    wing.refresh_from_db()
    health.refresh_from_db()
    assert count == 1
    assert (wing.status, health.status) == (Visit.Status.REQUESTED, Visit.Status.IN_REVIEW)
    assert "Health unit" in health.review_reason


def test_a_window_closure_reviews_only_that_windows_visits(
    setting, world, ngo_member, director, facility_officer
):
    setting.agreement.visits_per_week = 5
    setting.agreement.save()
    afternoon = VisitingWindow.objects.create(
        facility=world.facility,
        weekday=Weekday.TUESDAY,
        starts=time(13, 0),
        ends=time(15, 0),
        valid_from=setting.window.valid_from,
        places=5,
        created_by=director,
    )
    [morning_visit] = request(setting, world, ngo_member)
    [afternoon_visit] = request(setting, world, ngo_member, window=afternoon)

    calendar_services.closure_create(
        actor=facility_officer,
        facility=world.facility,
        window=afternoon,
        starts_on=setting.day,
        ends_on=setting.day,
        reason="No escort",
    )

    morning_visit.refresh_from_db()
    afternoon_visit.refresh_from_db()
    assert morning_visit.status == Visit.Status.REQUESTED
    assert afternoon_visit.status == Visit.Status.IN_REVIEW


def test_a_closure_never_puts_a_monitoring_visit_into_review(setting, world, facility_officer):
    visit = monitoring_visit(world, setting, facility_officer, areas=[setting.wing])

    for area in (None, setting.wing):
        _closure, count = calendar_services.closure_create(
            actor=facility_officer,
            facility=world.facility,
            area=area,
            starts_on=setting.day,
            ends_on=setting.day,
            reason="Lockdown",
        )
        assert count == 0

    visit.refresh_from_db()
    assert visit.status == Visit.Status.NOTIFIED
    assert not Reminder.objects.filter(kind="visits.in_review").exists()


def test_a_closure_is_for_today_or_later_and_of_one_scope(setting, world, facility_officer):
    today = local_today(world.facility)
    with pytest.raises(DomainError, match="today or later"):
        calendar_services.closure_create(
            actor=facility_officer,
            facility=world.facility,
            starts_on=today - timedelta(days=3),
            ends_on=today - timedelta(days=1),
            reason="Past",
        )
    with pytest.raises(DomainError, match="not both"):
        calendar_services.closure_create(
            actor=facility_officer,
            facility=world.facility,
            area=setting.wing,
            window=setting.window,
            starts_on=today,
            ends_on=today,
            reason="Both",
        )
    assert not Closure.objects.exists()


def test_a_lifted_closure_takes_visitors_again_and_its_reviews_wait_for_the_officer(
    client, setting, world, ngo_member, facility_officer
):
    [visit] = request(setting, world, ngo_member)
    closure, _reviewed = calendar_services.closure_create(
        actor=facility_officer,
        facility=world.facility,
        starts_on=setting.day,
        ends_on=setting.day,
        reason="Declared for the wrong week",
    )
    login(client, facility_officer)
    calendar_page = url("facility_calendar", world.facility.pk)
    assert "Lift the closure" in text(client.get(calendar_page))

    assert client.post(url("closure_lift", closure.pk), {"reason": ""}).status_code == 302
    assert Closure.objects.in_force().filter(pk=closure.pk).exists()
    client.post(url("closure_lift", closure.pk), {"reason": "Wrong week, sorry."})

    closure.refresh_from_db()
    assert closure.lifted_by == facility_officer
    assert AuditEntry.objects.filter(action="closure.lifted", object_id=str(closure.pk)).exists()
    assert "Declared for the wrong week" not in text(client.get(calendar_page))
    visit.refresh_from_db()
    assert visit.status == Visit.Status.IN_REVIEW
    request_services.visit_approve(actor=facility_officer, visit=visit)
    ana = cleared_person(world, setting, "Ana")
    assert request(setting, world, ngo_member, people=[ana])
    with pytest.raises(DomainError, match="already lifted"):
        calendar_services.closure_lift(actor=facility_officer, closure=closure, reason="Again")


def test_only_the_keepers_lift_a_closure(client, setting, world, facility_officer, ngo_admin):
    closure, _reviewed = calendar_services.closure_create(
        actor=facility_officer,
        facility=world.facility,
        starts_on=setting.day,
        ends_on=setting.day,
        reason="Inspection",
    )
    login(client, ngo_admin)
    assert client.post(url("closure_lift", closure.pk), {"reason": "No"}).status_code == 403
    assert Closure.objects.in_force().filter(pk=closure.pk).exists()


# The weeks --------------------------------------------------------------------------------------


def test_the_calendar_counts_places_taken_and_free_under_each_cap(
    setting, world, ngo_member, director
):
    WindowLimit.objects.create(window=setting.window, area=setting.wing, places=3)
    WindowLimit.objects.create(window=setting.window, category=Category.ORGANISATION, places=8)
    ana = cleared_person(world, setting, "Ana")
    request(setting, world, ngo_member, people=[setting.john, ana])
    Closure.objects.create(
        facility=world.facility,
        starts_on=setting.day + timedelta(weeks=1),
        ends_on=setting.day + timedelta(weeks=1),
        reason="Inspection",
        created_by=director,
    )

    windows = windows_of(world.facility)
    weeks = facility_calendar(world.facility, windows, start=setting.day, days=14)

    first, second = weeks[0][0], weeks[1][0]
    [opening] = first.openings
    assert (opening.taken, opening.free, opening.places) == (2, 8, 10)
    assert [(use.label, use.taken, use.free) for use in opening.limits] == [
        ("Education wing", 2, 1),
        ("Organisation staff", 2, 6),
    ]
    [closed] = second.openings
    assert closed.closed_by is not None and closed.free == 0
    assert [c.reason for c in second.closures] == ["Inspection"]
    assert all(not day.openings for day in weeks[0][1:])


# Pages ------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, setting, world):
    for path in (
        url("calendar_list"),
        url("facility_calendar", world.facility.pk),
        url("window_new", world.facility.pk),
        url("closure_new", world.facility.pk),
        url("rules_edit", world.facility.pk),
        url("window_edit", setting.window.pk),
    ):
        assert_login_redirect(client.get(path), path)


def test_the_officer_and_the_director_keep_the_calendar(
    client, setting, world, facility_officer, director
):
    for user in (facility_officer, director):
        login(client, user)
        page = text(client.get(url("facility_calendar", world.facility.pk)))
        assert "New visiting window" in page
        assert "10 free" in page
        assert client.get(url("window_new", world.facility.pk)).status_code == 200


def test_an_organisation_reads_the_windows_and_free_places_of_its_mou_facilities(
    client, setting, world, ngo_member
):
    login(client, ngo_member)

    page = text(client.get(url("facility_calendar", world.facility.pk)))

    assert "0 of 10 taken, 10 free" in page
    assert "New visiting window" not in page
    assert "Change or end" not in page
    assert client.get(url("window_new", world.facility.pk)).status_code == 403
    assert client.get(url("window_edit", setting.window.pk)).status_code == 403
    # A facility its MoU does not name is not there for it.
    assert client.get(url("facility_calendar", world.other_facility.pk)).status_code == 404


def test_other_facilities_other_administrations_and_other_organisations_see_nothing(
    client, setting, world, other_director, outsider
):
    other_officer = staff("olga", Role.FACILITY_OFFICER, world.other_facility)
    for user in (other_officer, other_director, outsider):
        login(client, user)
        for path in (
            url("facility_calendar", world.facility.pk),
            url("window_new", world.facility.pk),
            url("closure_new", world.facility.pk),
            url("window_edit", setting.window.pk),
        ):
            assert client.get(path).status_code == 404, (user, path)
        assert world.facility.name not in text(client.get(url("calendar_list")))


def test_the_officer_opens_a_window_and_closes_the_facility_from_the_pages(
    client, setting, world, ngo_member, facility_officer
):
    [visit] = request(setting, world, ngo_member)
    login(client, facility_officer)
    response = client.post(
        url("window_new", world.facility.pk),
        {
            "weekday": Weekday.THURSDAY,
            "starts": "09:00",
            "ends": "11:00",
            "valid_from": str(setting.day),
            "every_weeks": 1,
            "places": 6,
            f"area_{setting.wing.pk}": 2,
        },
    )
    assert response.status_code == 302
    window = VisitingWindow.objects.get(weekday=Weekday.THURSDAY)
    assert list(window.limits.values_list("area", "places")) == [(setting.wing.pk, 2)]

    response = client.post(
        url("closure_new", world.facility.pk),
        {"starts_on": str(setting.day), "ends_on": str(setting.day), "reason": "Fire drill"},
        follow=True,
    )

    assert "1 visit went into review" in text(response)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.IN_REVIEW


def test_an_organisation_cannot_close_a_facility(client, setting, world, ngo_member):
    login(client, ngo_member)
    response = client.post(
        url("closure_new", world.facility.pk),
        {"starts_on": str(setting.day), "ends_on": str(setting.day), "reason": "No"},
    )
    assert response.status_code == 403
    assert not Closure.objects.exists()


def test_the_calendar_makes_the_same_queries_for_one_window_and_closure_and_fifty(
    client, setting, world, ngo_member, director, facility_officer
):
    request(setting, world, ngo_member)
    WindowLimit.objects.create(window=setting.window, area=setting.wing, places=5)
    Closure.objects.create(
        facility=world.facility,
        starts_on=setting.day,
        ends_on=setting.day,
        reason="Closure 0",
        created_by=director,
    )
    login(client, facility_officer)
    path = url("facility_calendar", world.facility.pk) + f"?start={setting.day}"
    client.get(path)
    one = count_queries(client, path)
    for n in range(49):
        window = VisitingWindow.objects.create(
            facility=world.facility,
            weekday=n % 7,
            starts=time(8, 0),
            ends=time(9, n % 50 + 1),
            valid_from=setting.window.valid_from,
            places=n + 1,
            created_by=director,
        )
        WindowLimit.objects.create(window=window, category=Category.ORGANISATION, places=1)
        Closure.objects.create(
            facility=world.facility,
            window=window if n % 2 else None,
            starts_on=setting.day + timedelta(days=n % 20),
            ends_on=setting.day + timedelta(days=n % 20),
            reason=f"Closure {n + 1}",
            created_by=director,
        )
    assert count_queries(client, path) == one
    assert "Closure 49" in text(client.get(path))


def test_the_list_of_calendars_makes_the_same_queries_for_one_facility_and_fifty(
    client, world, director
):
    login(client, director)
    path = url("calendar_list")
    client.get(path)
    one = count_queries(client, path)
    for n in range(48):
        FacilityFactory.create(administration=world.administration, name=f"Facility {n:02d}")
    assert count_queries(client, path) == one
    assert "Facility 47" in text(client.get(path))
