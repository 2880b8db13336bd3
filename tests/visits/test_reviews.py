"""The review queue: what an accreditation leaving force or a refused clearance causes (future
visits go into review with the reason, never a monitoring visit), the queue page at the user's
facilities, oldest first, and the officer settling a visit from it."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.models import Clearance
from accreditation.services import clearances as clearance_services
from accreditation.services import decisions as decision_services
from activity.models import Reminder
from directory.models import Organisation, Role
from tests.conftest import login
from tests.factories import OrganisationFactory, staff
from tests.support.pages import assert_login_redirect, count_queries, text
from visits.models import Purpose, Visit, local_datetime
from visits.services import calendar as calendar_services
from visits.services import requests as request_services
from visits.services._common import put_in_review

from .conftest import cleared_person, request

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"visits:{name}", args=args)


def notified(world, setting, actor) -> Visit:
    npm = OrganisationFactory.create(name="NPM", kind=Organisation.Kind.NPM)
    return Visit.objects.create(
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


# Accreditation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("change", ["suspend", "revoke"])
def test_an_accreditation_leaving_force_puts_future_visits_into_review(
    setting, world, ngo_member, director, facility_officer, change
):
    [requested] = request(setting, world, ngo_member)
    setting.agreement.visits_per_week = 5
    setting.agreement.save()
    [approved] = request(setting, world, ngo_member)
    request_services.visit_approve(actor=facility_officer, visit=approved)
    monitoring = notified(world, setting, director)

    service = getattr(decision_services, f"accreditation_{change}")
    service(actor=director, accreditation=setting.accreditation, reason="Misused access")

    for visit in (requested, approved):
        visit.refresh_from_db()
        assert visit.status == Visit.Status.IN_REVIEW
        assert "accreditation of Local Human Rights Centre is no longer in force" in (
            visit.review_reason
        )
        assert "Misused access" in visit.review_reason
    monitoring.refresh_from_db()
    assert monitoring.status == Visit.Status.NOTIFIED
    assert Reminder.objects.filter(kind="visits.in_review", recipient=ngo_member).count() == 2


def test_reinstating_an_accreditation_puts_nothing_into_review(
    setting, world, ngo_member, director
):
    decision_services.accreditation_suspend(
        actor=director, accreditation=setting.accreditation, reason="Inquiry"
    )
    decision_services.accreditation_reinstate(
        actor=director, accreditation=setting.accreditation, reason="Cleared by the inquiry"
    )
    setting.accreditation.refresh_from_db()
    [visit] = request(setting, world, ngo_member)

    assert visit.status == Visit.Status.REQUESTED
    assert not Visit.objects.filter(status=Visit.Status.IN_REVIEW).exists()


# Clearances -------------------------------------------------------------------------------------


def test_a_refused_clearance_reviews_the_future_visits_naming_the_person(
    setting, world, ngo_member, director
):
    setting.agreement.visits_per_week = 5
    setting.agreement.save()
    ana = cleared_person(world, setting, "Ana")
    [with_john] = request(setting, world, ngo_member)
    [with_ana] = request(setting, world, ngo_member, people=[ana])
    vetting = Clearance.objects.create(person=setting.john, administration=world.administration)

    clearance_services.clearance_decide(
        actor=director, clearance=vetting, cleared=False, reason="False identity document"
    )

    with_john.refresh_from_db()
    with_ana.refresh_from_db()
    assert with_john.status == Visit.Status.IN_REVIEW
    assert "refused the clearance of John Representative: False identity document" in (
        with_john.review_reason
    )
    assert with_ana.status == Visit.Status.REQUESTED


def test_a_clearance_granted_reviews_nothing(setting, world, ngo_member, director):
    [visit] = request(setting, world, ngo_member)
    vetting = Clearance.objects.create(person=setting.john, administration=world.administration)

    clearance_services.clearance_decide(
        actor=director,
        clearance=vetting,
        cleared=True,
        valid_until=timezone.localdate() + timedelta(days=400),
    )

    visit.refresh_from_db()
    assert visit.status == Visit.Status.REQUESTED


# The queue --------------------------------------------------------------------------------------


def _in_review(setting, world, ngo_member, facility_officer, count: int) -> list[Visit]:
    setting.window.places = 100
    setting.window.save()
    setting.agreement.visits_per_week = 100
    setting.agreement.visits_per_month = 100
    setting.agreement.save()
    visits = [request(setting, world, ngo_member)[0] for _n in range(count)]
    for n, visit in enumerate(visits):
        put_in_review([visit], reason=f"Reason {n:02d}", actor=facility_officer)
    return visits


def test_the_queue_shows_the_facilitys_visits_in_review_oldest_first(
    client, setting, world, ngo_member, facility_officer, director
):
    _in_review(setting, world, ngo_member, facility_officer, 2)

    for user in (facility_officer, director):
        login(client, user)
        page = text(client.get(url("review_list")))
        assert page.index("Reason 00") < page.index("Reason 01")
        assert "Local Human Rights Centre" in page


def test_the_queue_of_another_facility_or_administration_or_an_organisation_is_empty(
    client, setting, world, ngo_member, facility_officer, other_director
):
    _in_review(setting, world, ngo_member, facility_officer, 1)
    other_officer = staff("olga", Role.FACILITY_OFFICER, world.other_facility)

    for user in (other_officer, other_director, ngo_member):
        login(client, user)
        page = text(client.get(url("review_list")))
        assert "Reason 00" not in page
        assert "No visit is in review." in page


def test_anonymous_visitors_are_sent_to_log_in_from_the_queue(client):
    path = url("review_list")
    assert_login_redirect(client.get(path), path)


def test_the_officer_confirms_a_visit_in_review_from_its_page(
    client, setting, world, ngo_member, facility_officer
):
    [visit] = _in_review(setting, world, ngo_member, facility_officer, 1)
    login(client, facility_officer)
    page = text(client.get(visit.get_absolute_url()))
    assert "Confirm the visit" in page
    assert "Reason 00" in page

    client.post(url("visit_approve", visit.pk))

    visit.refresh_from_db()
    assert visit.status == Visit.Status.APPROVED
    assert visit.review_reason == ""
    assert "Reason 00" not in text(client.get(url("review_list")))


def test_a_closure_reviewed_visit_is_refused_from_the_queue(
    client, setting, world, ngo_member, facility_officer
):
    [visit] = request(setting, world, ngo_member)
    calendar_services.closure_create(
        actor=facility_officer,
        facility=world.facility,
        starts_on=setting.day,
        ends_on=setting.day,
        reason="Lockdown",
    )
    login(client, facility_officer)
    assert "Lockdown" in text(client.get(url("review_list")))

    client.post(url("visit_refuse", visit.pk), {"reason": "security", "note": ""})

    visit.refresh_from_db()
    assert visit.status == Visit.Status.REFUSED


def test_the_queue_makes_the_same_queries_for_one_visit_and_fifty(
    client, setting, world, ngo_member, facility_officer
):
    _in_review(setting, world, ngo_member, facility_officer, 1)
    login(client, facility_officer)
    path = url("review_list")
    client.get(path)
    one = count_queries(client, path)
    _in_review(setting, world, ngo_member, facility_officer, 49)
    assert count_queries(client, path) == one
    assert text(client.get(path)).count("Local Human Rights Centre") == 50
