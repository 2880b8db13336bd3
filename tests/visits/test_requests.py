"""Requests are checked against every term of the MoU, the facility's notice, closures and
places; each refusal names the clause it breaks; officers approve, reschedule or refuse."""

from datetime import time, timedelta

import pytest
from django.utils import timezone, translation

from accreditation.models import Accreditation, Clearance
from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from agreements.models import Agreement, Equipment, PeopleAnnex, Weekday
from directory.models import ActivityType
from visits.models import (
    Closure,
    FacilityRules,
    Visit,
    VisitingWindow,
    WindowLimit,
    local_datetime,
)
from visits.services import requests

from .conftest import cleared_person, next_weekday, request

pytestmark = pytest.mark.django_db


def reasons(error: pytest.ExceptionInfo[DomainError]) -> str:
    return " ".join(error.value.reasons or [error.value.message])


def test_a_request_within_the_mou_is_made_and_the_officer_told(
    setting, world, ngo_member, facility_officer
):
    [visit] = request(setting, world, ngo_member)

    assert visit.status == Visit.Status.REQUESTED
    assert [v.person for v in visit.visitors.all()] == [setting.john]
    assert list(visit.areas.all()) == [setting.wing]
    assert visit.starts_at.time() == time(10, 0)
    assert AuditEntry.objects.filter(action="visit.requested", object_id=str(visit.pk)).exists()
    told = Reminder.objects.filter(recipient=facility_officer)
    assert {r.kind for r in told} == {"visits.request_awaiting", "visits.request_expiring"}


@pytest.mark.parametrize(
    ("change", "clause", "words"),
    [
        ("forbidden_area", "Areas off limits", "off limits: Segregation unit"),
        ("unpermitted_area", "Areas off limits", "does not permit this area: Health unit"),
        ("person_not_named", "Persons allowed to enter", "does not name Lucía"),
        ("equipment", "Permitted activities", "does not allow this equipment: Camera"),
        ("activity", "Permitted activities", "does not include this activity: Legal aid"),
        ("monitoring", "Permitted activities", "does not include monitoring"),
        ("weekday", "Days, hours and frequency", "does not allow visits on Saturday"),
        ("hours", "Days, hours and frequency", "from 09:00 to 16:00 only"),
        ("facility", "Purpose", "does not cover Women's Centre"),
    ],
)
def test_a_request_outside_the_mou_is_refused_naming_the_clause(
    setting, world, ngo_member, director, change, clause, words
):
    changes: dict = {}
    if change == "forbidden_area":
        changes["areas"] = [setting.segregation]
    elif change == "unpermitted_area":
        changes["areas"] = [setting.health]
    elif change == "person_not_named":
        lucia = world.other_organisation.people.get()
        lucia.organisation = world.organisation
        lucia.save()
        changes["people"] = [setting.john, lucia]
    elif change == "equipment":
        changes["equipment"] = [Equipment.CAMERA]
    elif change == "activity":
        changes["activity_type"] = ActivityType.objects.get(code=ActivityType.Code.LEGAL_AID)
    elif change == "monitoring":
        changes["purpose"] = "monitoring"
    elif change in ("weekday", "hours"):
        weekday = Weekday.SATURDAY if change == "weekday" else Weekday.TUESDAY
        hours = (time(10, 0), time(12, 0)) if change == "weekday" else (time(15, 0), time(17, 0))
        window = VisitingWindow.objects.create(
            facility=world.facility,
            weekday=weekday,
            starts=hours[0],
            ends=hours[1],
            valid_from=setting.window.valid_from,
            places=5,
            created_by=director,
        )
        changes["window"] = window
        changes["day"] = next_weekday(setting.day - timedelta(days=1), weekday)
    elif change == "facility":
        window = VisitingWindow.objects.create(
            facility=world.other_facility,
            weekday=Weekday.TUESDAY,
            starts=time(10, 0),
            ends=time(12, 0),
            valid_from=setting.window.valid_from,
            places=5,
            created_by=director,
        )
        changes.update(facility=world.other_facility, window=window, areas=[])

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member, **changes)

    assert words in reasons(refused)
    assert f"“{clause}”" in reasons(refused)
    assert not Visit.objects.exists()


def test_the_refusal_is_in_the_users_language(setting, world, ngo_member):
    with translation.override("es"), pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member, areas=[setting.segregation])

    assert "cláusula 5" in reasons(refused)


def test_a_third_visit_in_a_week_breaks_the_frequency(setting, world, ngo_member, director):
    thursday = VisitingWindow.objects.create(
        facility=world.facility,
        weekday=Weekday.THURSDAY,
        starts=time(10, 0),
        ends=time(12, 0),
        valid_from=setting.window.valid_from,
        places=5,
        created_by=director,
    )
    request(setting, world, ngo_member)
    request(setting, world, ngo_member, window=thursday, day=setting.day + timedelta(days=2))
    second_tuesday = VisitingWindow.objects.create(
        facility=world.facility,
        weekday=Weekday.TUESDAY,
        starts=time(13, 0),
        ends=time(15, 0),
        valid_from=setting.window.valid_from,
        places=5,
        created_by=director,
    )

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member, window=second_tuesday)

    assert "2 visits a week" in reasons(refused)
    assert "“Days, hours and frequency”" in reasons(refused)


def test_a_monthly_limit_counts_the_month(setting, world, ngo_member):
    setting.agreement.visits_per_week = 1
    setting.agreement.visits_per_month = 1
    setting.agreement.save()
    request(setting, world, ngo_member)
    following = setting.day + timedelta(days=7)
    if following.month != setting.day.month:
        following = setting.day - timedelta(days=7)
        if following < timezone.localdate() + timedelta(days=2):
            pytest.skip("no second Tuesday in the month within the notice")

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member, day=following)

    assert "1 visit a month" in reasons(refused)


def test_a_person_without_clearance_on_the_day_is_refused(setting, world, ngo_member):
    Clearance.objects.filter(person=setting.john).update(
        valid_until=setting.day - timedelta(days=1)
    )

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member)

    assert "John Representative is not cleared" in reasons(refused)


def test_a_suspended_accreditation_suspends_the_mou(setting, world, ngo_member):
    Accreditation.objects.filter(pk=setting.accreditation.pk).update(
        status=Accreditation.Status.SUSPENDED
    )

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member)

    assert "accreditation is not in force" in reasons(refused)
    assert "“Suspension and termination”" in reasons(refused)


@pytest.mark.parametrize("status", [Agreement.Status.TERMINATED, Agreement.Status.SUPERSEDED])
def test_an_mou_no_longer_signed_allows_no_visit(setting, world, ngo_member, status):
    Agreement.objects.filter(pk=setting.agreement.pk).update(status=status)

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member)

    assert "The MoU is not in force" in reasons(refused)
    assert "“Term”" in reasons(refused)


def test_a_visit_after_the_mous_term_is_refused(setting, world, ngo_member):
    Agreement.objects.filter(pk=setting.agreement.pk).update(valid_until=setting.day)
    setting.agreement.refresh_from_db()

    request(setting, world, ngo_member)
    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member, day=setting.day + timedelta(days=7))

    assert "not in force" in reasons(refused)


def test_a_person_removed_by_a_signed_annex_is_no_longer_named(
    setting, world, ngo_member, director
):
    annex = PeopleAnnex.objects.create(
        agreement=setting.agreement, number=1, status=PeopleAnnex.Status.SIGNED, created_by=director
    )
    annex.removed.set([setting.john])

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member)

    assert "does not name John Representative" in reasons(refused)


def test_every_reason_is_given_at_once(setting, world, ngo_member):
    with pytest.raises(DomainError) as refused:
        request(
            setting,
            world,
            ngo_member,
            areas=[setting.segregation],
            equipment=[Equipment.LAPTOP],
        )

    assert len(refused.value.reasons) == 2


def test_the_notice_rules_of_the_facility_hold(setting, world, ngo_member):
    FacilityRules.objects.create(facility=world.facility, min_notice_days=10, max_notice_days=20)

    with pytest.raises(DomainError) as too_soon:
        request(setting, world, ngo_member)
    with pytest.raises(DomainError) as too_far:
        request(setting, world, ngo_member, day=setting.day + timedelta(weeks=4))

    assert "at least 10 days ahead" in reasons(too_soon)
    assert "at most 20 days ahead" in reasons(too_far)


def _on_the_visits_day_at(monkeypatch, setting, world, at: time) -> None:
    """The clock at ``at`` on the visit's day at the facility, which takes same-day requests."""
    now = local_datetime(world.facility, setting.day, at)
    monkeypatch.setattr(timezone, "now", lambda: now)
    FacilityRules.objects.create(facility=world.facility, min_notice_days=0, max_notice_days=20)


def test_a_same_day_request_is_decided_until_the_visit_starts(
    monkeypatch, setting, world, ngo_member, facility_officer
):
    _on_the_visits_day_at(monkeypatch, setting, world, time(8, 0))

    [visit] = request(setting, world, ngo_member)

    assert visit.decide_by == visit.starts_at
    assert not visit.is_expired()
    assert requests.visit_approve(actor=facility_officer, visit=visit).status == "approved"


def test_a_same_day_request_for_a_window_already_open_is_refused(
    monkeypatch, setting, world, ngo_member
):
    _on_the_visits_day_at(monkeypatch, setting, world, time(10, 30))

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member)

    assert "starts at 10:00, which has passed" in reasons(refused)
    assert not Visit.objects.exists()


def test_a_window_that_does_not_open_that_day_is_refused(setting, world, ngo_member):
    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member, day=setting.day + timedelta(days=1))

    assert "does not open on" in reasons(refused)


def test_every_other_week_window_opens_every_other_week(setting, world, ngo_member):
    setting.window.every_weeks = 2
    setting.window.valid_from = setting.day
    setting.window.save()

    with pytest.raises(DomainError):
        request(setting, world, ngo_member, day=setting.day + timedelta(weeks=1))
    assert request(setting, world, ngo_member, day=setting.day + timedelta(weeks=2))


@pytest.mark.parametrize("scope", ["facility", "window", "area"])
def test_a_closure_keeps_requests_out(setting, world, ngo_member, director, scope):
    Closure.objects.create(
        facility=world.facility,
        window=setting.window if scope == "window" else None,
        area=setting.wing if scope == "area" else None,
        starts_on=setting.day,
        ends_on=setting.day,
        reason="Staff training day",
        created_by=director,
    )

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member)

    assert "closed to visitors" in reasons(refused)
    assert "Staff training day" in reasons(refused)


def test_the_last_places_are_not_overbooked(setting, world, ngo_member):
    setting.window.places = 2
    setting.window.save()
    setting.agreement.visits_per_week = 5
    setting.agreement.save()
    ana = cleared_person(world, setting, "Ana")
    bea = cleared_person(world, setting, "Bea")
    request(setting, world, ngo_member, people=[setting.john, ana])

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member, people=[bea])

    assert "0 places are left" in reasons(refused)


def test_an_area_limit_caps_the_area(setting, world, ngo_member):
    WindowLimit.objects.create(window=setting.window, area=setting.wing, places=1)
    setting.agreement.visits_per_week = 5
    setting.agreement.save()
    ana = cleared_person(world, setting, "Ana")
    request(setting, world, ngo_member)

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member, people=[ana])

    assert "Education wing: 0 places are left" in reasons(refused)


def test_a_category_limit_caps_the_category(setting, world, ngo_member):
    WindowLimit.objects.create(window=setting.window, category="organisation", places=1)

    ana = cleared_person(world, setting, "Ana")

    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member, people=[setting.john, ana])

    assert "Organisation staff: 1 place is left" in reasons(refused)


def test_a_series_is_requested_week_by_week_or_not_at_all(setting, world, ngo_member, director):
    visits = request(setting, world, ngo_member, weeks=3)

    assert [v.day for v in visits] == [setting.day + timedelta(weeks=n) for n in range(3)]
    assert {v.series_id for v in visits[1:]} == {visits[0].pk}

    Closure.objects.create(
        facility=world.facility,
        starts_on=setting.day + timedelta(weeks=4),
        ends_on=setting.day + timedelta(weeks=4),
        reason="Inspection",
        created_by=director,
    )
    with pytest.raises(DomainError) as refused:
        request(setting, world, ngo_member, day=setting.day + timedelta(weeks=3), weeks=2)
    assert "Inspection" in reasons(refused)
    assert Visit.objects.count() == 3


def test_the_officer_approves_and_the_organisation_is_told(
    setting, world, ngo_member, facility_officer
):
    [visit] = request(setting, world, ngo_member)

    requests.visit_approve(actor=facility_officer, visit=visit)

    visit.refresh_from_db()
    assert visit.status == Visit.Status.APPROVED
    assert Reminder.objects.filter(recipient=ngo_member, kind="visits.decided").exists()
    assert not Reminder.objects.filter(
        kind="visits.request_expiring", state=Reminder.State.PENDING
    ).exists()


def test_approval_checks_the_mou_again(setting, world, ngo_member, facility_officer):
    [visit] = request(setting, world, ngo_member)
    setting.agreement.forbidden_areas.add(setting.wing)

    with pytest.raises(DomainError) as refused:
        requests.visit_approve(actor=facility_officer, visit=visit)

    assert "off limits: Education wing" in reasons(refused)


def test_the_officer_refuses_with_a_reason_code(setting, world, ngo_member, facility_officer):
    [visit] = request(setting, world, ngo_member)

    with pytest.raises(DomainError):
        requests.visit_refuse(actor=facility_officer, visit=visit, reason="other", note="")
    requests.visit_refuse(actor=facility_officer, visit=visit, reason="staffing")

    visit.refresh_from_db()
    assert visit.status == Visit.Status.REFUSED
    assert visit.refusal_reason == "staffing"
    with pytest.raises(DomainError):
        requests.visit_approve(actor=facility_officer, visit=visit)


def test_a_reschedule_moves_the_visit_and_may_override_capacity(
    setting, world, ngo_member, facility_officer
):
    [visit] = request(setting, world, ngo_member)
    full = setting.day + timedelta(weeks=1)
    setting.window.places = 1
    setting.window.save()
    ana = cleared_person(world, setting, "Ana")
    request(setting, world, ngo_member, day=full, people=[ana])

    with pytest.raises(DomainError) as refused:
        requests.visit_reschedule(
            actor=facility_officer, visit=visit, day=full, window=setting.window, note="Moved"
        )
    assert "0 places are left" in reasons(refused)

    requests.visit_reschedule(
        actor=facility_officer,
        visit=visit,
        day=full,
        window=setting.window,
        note="Moved for the exam week",
        override="Two rooms free that day",
    )
    visit.refresh_from_db()
    assert (visit.day, visit.status) == (full, Visit.Status.APPROVED)
    assert visit.capacity_override == "Two rooms free that day"
    entry = AuditEntry.objects.get(action="visit.rescheduled")
    assert entry.changes["override"] == "Two rooms free that day"


def test_an_undecided_request_expires_and_frees_its_places(
    setting, world, ngo_member, facility_officer
):
    setting.window.places = 1
    setting.window.save()
    [visit] = request(setting, world, ngo_member)
    Visit.objects.filter(pk=visit.pk).update(decide_by=timezone.now() - timedelta(minutes=1))
    visit.refresh_from_db()

    assert visit.is_expired()
    assert visit.display_status() == "Expired undecided"
    with pytest.raises(DomainError) as refused:
        requests.visit_approve(actor=facility_officer, visit=visit)
    assert "expired undecided" in reasons(refused)
    setting.agreement.visits_per_week = 5
    setting.agreement.save()
    assert request(setting, world, ngo_member, people=[cleared_person(world, setting, "Ana")])


def test_the_organisation_withdraws_and_frees_the_places(setting, world, ngo_member):
    setting.window.places = 1
    setting.window.save()
    setting.agreement.visits_per_week = 5
    setting.agreement.save()
    [visit] = request(setting, world, ngo_member)

    requests.visit_withdraw(actor=ngo_member, visit=visit)

    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.WITHDRAWN
    assert request(setting, world, ngo_member, people=[cleared_person(world, setting, "Ana")])
