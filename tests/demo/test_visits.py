"""The demo's visits: requests in every state, today's manifest with people inside, a monitoring
visit held up by the gate with its director alerted, a joint visit, minutes of a coordination
meeting; made once however often the demo is loaded."""

import pytest

from activity.models import Reminder
from directory.models import Facility
from visits import demo
from visits.models import (
    Acknowledgement,
    Briefing,
    Category,
    Closure,
    Delay,
    Interview,
    Meeting,
    Visit,
    VisitingWindow,
    Visitor,
    local_today,
)

# One load of the demo for the package (see conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

COUNTED = (Visit, Visitor, VisitingWindow, Closure, Briefing, Acknowledgement, Delay, Meeting)


def test_loading_the_visits_again_adds_nothing(loaded):
    assert loaded.counts(COUNTED, again=True) == loaded.counts(COUNTED)
    assert "Visits: the demo visits are already there." in loaded.second


def test_the_centres_requests_are_in_every_state(loaded):
    visits = Visit.objects.filter(organisation__name=demo.CENTRE, monitoring=False)
    statuses = set(visits.values_list("status", flat=True))
    assert {"requested", "approved", "in_review", "refused", "withdrawn"} <= statuses
    assert any(visit.is_expired() for visit in visits)
    assert "repainted" in visits.get(status="in_review").review_reason


def test_todays_manifest_has_people_inside(loaded):
    penitentiary = Facility.objects.get(name=demo.PENITENTIARY)
    inside = Visitor.objects.filter(
        visit__facility=penitentiary,
        visit__day=local_today(penitentiary),
        checked_in_at__isnull=False,
        checked_out_at__isnull=True,
    )
    assert {v.person.full_name for v in inside} == {
        "John Representative",
        "María Member",
        "Mario Monitor",
    }
    assert inside.get(person__full_name="María Member").search_justification


def test_the_monitoring_visit_was_delayed_and_the_director_alerted(loaded):
    # The joint visit of today; the recommendations demo adds an earlier one, reported on.
    penitentiary = Facility.objects.get(name=demo.PENITENTIARY)
    visit = Visit.objects.get(
        organisation__name__startswith="National Preventive",
        monitoring=True,
        day=local_today(penitentiary),
    )
    assert visit.status == Visit.Status.NOTIFIED
    assert visit.delays.get().minutes == 20
    assert Reminder.objects.filter(recipient__username="martha", kind="visits.delay_recorded")
    expert = visit.visitors.get(category=Category.EXPERT)
    assert expert.person.full_name == "Tomás Doctor"
    assert expert.role
    assert Interview.objects.filter(visit=visit).exists()
    assert Visit.objects.filter(organisation__name="ICRC Regional Delegation").exists()


def test_the_coordination_meeting_has_its_minutes(loaded):
    meeting = Meeting.objects.get()
    assert meeting.visit.purpose == "coordination"
    assert "escort" in meeting.minutes
